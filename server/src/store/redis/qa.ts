/*
 * The Q&A part of the Redis adapter (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P question:{id}                   hash  one field per NewQuestion property, value JSON-encoded
 *   P event-questions:{eventId}       set   question ids of the event (listQuestions)
 *   P qa-asked:{eventId}:{authorId}   hash  normalised text -> question id (duplicate check)
 *   P qa-voters:{questionId}          set   participant ids who upvoted it
 *   P qa-votes:{eventId}              hash  question id -> upvote count (absent when 0)
 *   P qa-my:{eventId}:{participantId} set   question ids that participant upvoted
 *   P qa-version:{eventId}            string  bumped by every vote change (coalescing ticker)
 *   P qa-highlight:{eventId}          string  the highlighted question id
 *   P qa-bans:{eventId}               set   participant ids banned from asking
 *
 * Every change is one Lua script, so a vote, its voter set, its count and the version move
 * together, and two moderators' transitions on one question serialise inside Redis. Scripts
 * derive per-event keys from the question's eventId and the prefix (ARGV), like the poll scripts:
 * fine on one Redis (or a replicated primary), not on Redis Cluster. Every script that changes a
 * question returns it as it is right after the change (`snapshot` below), so what a node
 * publishes is never mixed with a later change.
 */
import type { RedisClientType } from 'redis';
import { ErrorCode, type QuestionState, RallyError } from '@rally/shared';
import { createHotCache, type HotCache } from '../hot-cache.js';
import { compareQuestions, type NewQuestion, type QaStore, type StoredQuestion, type UpvoteResult } from '../qa-store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

/** Reads a question with its derived fields: {votes, highlighted id or '', HGETALL}. */
const SNAPSHOT = `
local function snapshot(prefix, id)
  local qkey = prefix .. 'question:' .. id
  local ev = cjson.decode(redis.call('HGET', qkey, 'eventId'))
  local votes = redis.call('HGET', prefix .. 'qa-votes:' .. ev, id) or '0'
  local hl = redis.call('GET', prefix .. 'qa-highlight:' .. ev) or ''
  return {votes, hl, redis.call('HGETALL', qkey)}
end
`;

const LUA = {
  // KEYS: question, event's questions, author's asked texts, event's bans.
  // ARGV: id, authorId, normalised, then field/value pairs.
  create: `
    if redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1 then return 'banned' end
    if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return 'duplicate' end
    if redis.call('EXISTS', KEYS[1]) == 1 then return 'id' end
    redis.call('HSET', KEYS[1], unpack(ARGV, 4))
    redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
    redis.call('SADD', KEYS[2], ARGV[1])
    return 'ok'`,
  // KEYS: question. ARGV: prefix, id.
  read: `${SNAPSHOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    return snapshot(ARGV[1], ARGV[2])`,
  // Compare-and-set on the state. KEYS: question. ARGV: prefix, id, from JSON, to JSON, then
  // field/value pairs. Leaving approved takes the question off the stage in the same step.
  transition: `${SNAPSHOT}
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= ARGV[3] then return {'state', snapshot(ARGV[1], ARGV[2])} end
    redis.call('HSET', KEYS[1], 'state', ARGV[4])
    if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
    redis.call('HINCRBY', KEYS[1], 'rev', 1)
    local hl = ARGV[1] .. 'qa-highlight:' .. cjson.decode(redis.call('HGET', KEYS[1], 'eventId'))
    local un = 0
    if ARGV[4] ~= '"approved"' and redis.call('GET', hl) == ARGV[2] then
      redis.call('DEL', hl)
      un = 1
    end
    return {'ok', snapshot(ARGV[1], ARGV[2]), un}`,
  // KEYS: question. ARGV: prefix, id, field/value pairs.
  patch: `${SNAPSHOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    redis.call('HSET', KEYS[1], unpack(ARGV, 3))
    redis.call('HINCRBY', KEYS[1], 'rev', 1)
    return snapshot(ARGV[1], ARGV[2])`,
  // KEYS: event's highlight. ARGV: prefix, eventId, questionId or ''.
  highlight: `${SNAPSHOT}
    local prev = redis.call('GET', KEYS[1]) or ''
    if ARGV[3] == '' then
      redis.call('DEL', KEYS[1])
      return {'ok', prev}
    end
    local qkey = ARGV[1] .. 'question:' .. ARGV[3]
    local ev = redis.call('HGET', qkey, 'eventId')
    if not ev or cjson.decode(ev) ~= ARGV[2] then return {'missing'} end
    local state = redis.call('HGET', qkey, 'state')
    if state ~= '"approved"' then return {'state', state} end
    redis.call('SET', KEYS[1], ARGV[3])
    return {'ok', prev, snapshot(ARGV[1], ARGV[3])}`,
  // One upvote per participant per question. KEYS: question, its voters.
  // ARGV: prefix, participantId, '1' up / '0' down, questionId.
  upvote: `
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= '"approved"' then return {'state', state} end
    local ev = cjson.decode(redis.call('HGET', KEYS[1], 'eventId'))
    local votes = ARGV[1] .. 'qa-votes:' .. ev
    local my = ARGV[1] .. 'qa-my:' .. ev .. ':' .. ARGV[2]
    local up = ARGV[3] == '1'
    local changed
    if up then changed = redis.call('SADD', KEYS[2], ARGV[2]) else changed = redis.call('SREM', KEYS[2], ARGV[2]) end
    if changed == 0 then return {'same', redis.call('HGET', votes, ARGV[4]) or '0'} end
    local n
    if up then
      redis.call('SADD', my, ARGV[4])
      n = redis.call('HINCRBY', votes, ARGV[4], 1)
    else
      redis.call('SREM', my, ARGV[4])
      n = redis.call('HINCRBY', votes, ARGV[4], -1)
      if n <= 0 then redis.call('HDEL', votes, ARGV[4]) end
    end
    redis.call('INCR', ARGV[1] .. 'qa-version:' .. ev)
    return {'ok', tostring(n)}`,
  // [PERF2] [PERF3] The upvote with its command's idempotency record, one step. KEYS: question, its
  // voters, the command record, the participant. ARGV: prefix, participantId, '1' up / '0' down,
  // questionId, ttl seconds, team JSON. The result JSON is the ack's { questionId, up, votes }.
  recordUpvote: `
    local prior = redis.call('GET', KEYS[3])
    if prior then return {'repeat', prior} end
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= '"approved"' then return {'state', state} end
    local f = redis.call('HMGET', KEYS[4], 'banned', 'team', 'mode')
    if not f[3] or f[1] == 'true' or (f[2] or 'null') ~= ARGV[6] then return {'stale'} end
    local ev = cjson.decode(redis.call('HGET', KEYS[1], 'eventId'))
    local votes = ARGV[1] .. 'qa-votes:' .. ev
    local my = ARGV[1] .. 'qa-my:' .. ev .. ':' .. ARGV[2]
    local up = ARGV[3] == '1'
    local changed
    if up then changed = redis.call('SADD', KEYS[2], ARGV[2]) else changed = redis.call('SREM', KEYS[2], ARGV[2]) end
    local n
    local status = 'same'
    if changed == 0 then
      n = tonumber(redis.call('HGET', votes, ARGV[4]) or '0')
    else
      status = 'ok'
      if up then
        redis.call('SADD', my, ARGV[4])
        n = redis.call('HINCRBY', votes, ARGV[4], 1)
      else
        redis.call('SREM', my, ARGV[4])
        n = redis.call('HINCRBY', votes, ARGV[4], -1)
        if n <= 0 then redis.call('HDEL', votes, ARGV[4]) end
      end
      redis.call('INCR', ARGV[1] .. 'qa-version:' .. ev)
    end
    local result = '{"questionId":' .. cjson.encode(ARGV[4]) .. ',"up":' .. (up and 'true' or 'false') .. ',"votes":' .. string.format('%d', n) .. '}'
    redis.call('SET', KEYS[3], result, 'EX', ARGV[5])
    return {status, result}`,
};

/** Flat [field, value, ...] of an HGETALL inside Lua -> record of JSON-decoded values. */
function decodeFields<T>(flat: unknown): T {
  const out: Record<string, unknown> = {};
  const arr = flat as string[];
  for (let i = 0; i + 1 < arr.length; i += 2) out[String(arr[i])] = JSON.parse(String(arr[i + 1]));
  return out as T;
}

/** The `snapshot` Lua reply -> StoredQuestion. */
function fromSnapshot(reply: unknown): StoredQuestion {
  const [votes, highlighted, fields] = reply as [string, string, string[]];
  const record = decodeFields<NewQuestion>(fields);
  return { ...record, votes: Number(votes), highlighted: highlighted === record.id };
}

/** Object -> flat [field, JSON, ...] for HSET; undefined values are skipped. */
const toFields = (record: object): string[] => Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [k, JSON.stringify(v)]));

/**
 * The Q&A methods on a connected client. `prefix` must be the adapter's key prefix. Scripts run
 * with EVALSHA and are loaded with EVAL the first time a server does not know them (after a
 * restart or a SCRIPT FLUSH), so no registration at client creation is needed.
 */
/** [PERF1] The store's hot cache, when the Q&A part is composed into one (redis-store.ts). */
export function createRedisQa(client: AnyRedis, prefix: string, hot: HotCache = createHotCache()): QaStore {
  const p = prefix;
  const key = {
    question: (id: string) => `${p}question:${id}`,
    eventQuestions: (eventId: string) => `${p}event-questions:${eventId}`,
    asked: (eventId: string, authorId: string) => `${p}qa-asked:${eventId}:${authorId}`,
    voters: (questionId: string) => `${p}qa-voters:${questionId}`,
    // The five below are mirrored inside the Lua scripts; change them together.
    votes: (eventId: string) => `${p}qa-votes:${eventId}`,
    my: (eventId: string, participantId: string) => `${p}qa-my:${eventId}:${participantId}`,
    version: (eventId: string) => `${p}qa-version:${eventId}`,
    highlight: (eventId: string) => `${p}qa-highlight:${eventId}`,
    bans: (eventId: string) => `${p}qa-bans:${eventId}`,
  };

  const run = luaRunner(client, LUA);

  // The client is typed loosely (any adapter's client, RESP2 or 3), so set replies are normalised here.
  const members = async (k: string): Promise<string[]> => [...(await client.sMembers(k))].map(String);

  const read = async (id: string): Promise<StoredQuestion | null> => {
    const reply = await run('read', [key.question(id)], [p, id]);
    return reply ? fromSnapshot(reply) : null;
  };

  const stateError = (verb: string, stateJson: unknown) =>
    new RallyError(ErrorCode.INVALID_STATE, `only approved questions can be ${verb}; this one is ${JSON.parse(String(stateJson)) as string}`);

  return {
    async createQuestion(nq) {
      const outcome = await run(
        'create',
        [key.question(nq.id), key.eventQuestions(nq.eventId), key.asked(nq.eventId, nq.authorId), key.bans(nq.eventId)],
        [nq.id, nq.authorId, nq.normalised, ...toFields(nq)],
      );
      if (outcome === 'banned') throw new RallyError(ErrorCode.BANNED, 'a moderator has stopped you from asking questions in this event');
      if (outcome === 'duplicate') throw new RallyError(ErrorCode.CONFLICT, 'you already asked this question');
      if (outcome === 'id') throw new RallyError(ErrorCode.CONFLICT, 'a question with this id exists');
      return { ...nq, votes: 0, highlighted: false };
    },
    getQuestion: read,
    async listQuestions(eventId) {
      const ids = await members(key.eventQuestions(eventId));
      if (ids.length === 0) return [];
      // One MULTI: every record, the counts and the highlight at one point in time.
      const multi = client.multi();
      for (const id of ids) multi.hGetAll(key.question(id));
      multi.hGetAll(key.votes(eventId)).get(key.highlight(eventId));
      const replies = (await multi.exec()) as unknown[];
      const votes = (replies[ids.length] ?? {}) as Record<string, string>;
      const highlighted = replies[ids.length + 1] as string | null;
      const out: StoredQuestion[] = [];
      for (const raw of replies.slice(0, ids.length) as Record<string, string>[]) {
        if (!raw || Object.keys(raw).length === 0) continue;
        const record = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v)])) as NewQuestion;
        out.push({ ...record, votes: Number(votes[record.id] ?? 0), highlighted: highlighted === record.id });
      }
      return out.sort(compareQuestions);
    },
    async transitionQuestion(id, from: QuestionState, to: QuestionState, patch = {}) {
      hot.dropQuestion(id);
      const reply = (await run('transition', [key.question(id)], [p, id, JSON.stringify(from), JSON.stringify(to), ...toFields(patch)])) as unknown[];
      if (reply[0] === 'missing') return { ok: false, current: null };
      if (reply[0] === 'state') return { ok: false, current: fromSnapshot(reply[1]) };
      return { ok: true, question: fromSnapshot(reply[1]), unhighlighted: Number(reply[2]) === 1 };
    },
    async editQuestion(id, text) {
      hot.dropQuestion(id);
      const reply = await run('patch', [key.question(id)], [p, id, ...toFields({ text, edited: true })]);
      return reply ? fromSnapshot(reply) : null;
    },
    async setReply(id, reply) {
      hot.dropQuestion(id);
      const out = await run('patch', [key.question(id)], [p, id, 'reply', JSON.stringify(reply)]);
      return out ? fromSnapshot(out) : null;
    },
    async setHighlighted(eventId, questionId) {
      const reply = (await run('highlight', [key.highlight(eventId)], [p, eventId, questionId ?? ''])) as unknown[];
      if (reply[0] === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
      if (reply[0] === 'state') throw new RallyError(ErrorCode.INVALID_STATE, `only an approved question can be highlighted; this one is ${JSON.parse(String(reply[1])) as string}`);
      const prev = String(reply[1]);
      return { previous: prev === '' ? null : prev, question: reply[2] ? fromSnapshot(reply[2]) : null };
    },
    async hotQuestion(id) {
      return hot.questionAsync(id, () => read(id));
    },
    async recordUpvote(questionId, participantId, up, record) {
      const keys = [key.question(questionId), key.voters(questionId), `${p}cmd:${record.commandKey}`, `${p}participant:${participantId}`];
      const ttl = String(Math.max(1, Math.ceil(record.ttlSeconds)));
      const reply = (await run('recordUpvote', keys, [p, participantId, up ? '1' : '0', questionId, ttl, JSON.stringify(record.voter.team)])) as string[];
      if (reply[0] === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      if (reply[0] === 'state') {
        hot.dropQuestion(questionId);
        throw stateError('upvoted', reply[1]);
      }
      if (reply[0] === 'stale') {
        hot.dropParticipant(participantId);
        return { status: 'stale' };
      }
      const result = JSON.parse(reply[1]!) as UpvoteResult;
      return reply[0] === 'repeat' ? { status: 'repeat', result } : { status: 'done', changed: reply[0] === 'ok', result };
    },
    async toggleUpvote(questionId, participantId, up) {
      const reply = (await run('upvote', [key.question(questionId), key.voters(questionId)], [p, participantId, up ? '1' : '0', questionId])) as string[];
      if (reply[0] === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      if (reply[0] === 'state') throw stateError('upvoted', reply[1]);
      return { votes: Number(reply[1]), changed: reply[0] === 'ok' };
    },
    async myUpvotes(eventId, participantId) {
      return (await members(key.my(eventId, participantId))).sort();
    },
    async qaVersion(eventId) {
      return Number((await client.get(key.version(eventId))) ?? 0);
    },
    async questionVotes(eventId) {
      const [version, counts] = (await client.multi().get(key.version(eventId)).hGetAll(key.votes(eventId)).exec()) as unknown as [string | null, Record<string, string>];
      const votes: Record<string, number> = {};
      for (const [id, n] of Object.entries(counts ?? {})) if (Number(n) > 0) votes[id] = Number(n);
      return { version: Number(version ?? 0), votes };
    },
    async setAskerBan(eventId, participantId, banned) {
      if (banned) await client.sAdd(key.bans(eventId), participantId);
      else await client.sRem(key.bans(eventId), participantId);
    },
    async isAskerBanned(eventId, participantId) {
      return Boolean(await client.sIsMember(key.bans(eventId), participantId));
    },
    async askerBans(eventId) {
      return (await members(key.bans(eventId))).sort();
    },
    async eraseAuthorName(eventId, authorId, name) {
      hot.clear();
      // The author's questions are the values of their duplicate-check hash. authorName is written
      // only at creation, so a plain read-then-write cannot race with another change of it.
      const ids = ((await client.hVals(key.asked(eventId, authorId))) as string[]).map(String);
      for (const id of ids) {
        const current = await client.hGet(key.question(id), 'authorName');
        if (current !== null && current !== undefined && String(current) !== 'null') await client.hSet(key.question(id), 'authorName', JSON.stringify(name));
      }
    },
  };
}
