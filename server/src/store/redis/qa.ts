/*
 * The Q&A part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T question:{id}                   hash  one field per NewQuestion property, value JSON-encoded
 *   T event-questions:{eventId}       set   question ids of the event (listQuestions)
 *   T qa-asked:{eventId}:{authorId}   hash  normalised text -> question id (duplicate check)
 *   T qa-voters:{questionId}          set   participant ids who upvoted it
 *   T qa-votes:{eventId}              hash  question id -> upvote count (absent when 0)
 *   T qa-my:{eventId}:{participantId} set   question ids that participant upvoted
 *   T qa-version:{eventId}            string  bumped by every vote change (coalescing ticker)
 *   T qa-highlight:{eventId}          string  the highlighted question id
 *   T qa-bans:{eventId}               set   participant ids banned from asking
 *
 * Every change is one Lua script, so a vote, its voter set, its count and the version move
 * together, and two moderators' transitions on one question serialise inside Redis. A question's
 * event is found through the owner index (keyspace.ts) and every key is passed in KEYS, all in
 * the event's slot ([CLU21]). Every script that changes a
 * question returns it as it is right after the change (`snapshot` below), so what a node
 * publishes is never mixed with a later change.
 */
import { ErrorCode, type QuestionState, RallyError } from '@rally/shared';
import { createHotCache, type HotCache } from '../hot-cache.js';
import { compareQuestions, type NewQuestion, type QaStore, type StoredQuestion, type UpvoteResult } from '../qa-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';

/** Reads a question with its derived fields: {votes, highlighted id or '', HGETALL}. */
const SNAPSHOT = `
local function snapshot(qkey, votesKey, hlKey, id)
  local votes = redis.call('HGET', votesKey, id) or '0'
  local hl = redis.call('GET', hlKey) or ''
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
  // KEYS: question, event's votes, event's highlight. ARGV: id.
  read: `${SNAPSHOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    return snapshot(KEYS[1], KEYS[2], KEYS[3], ARGV[1])`,
  // Compare-and-set on the state. KEYS: question, event's votes, event's highlight. ARGV: id, from
  // JSON, to JSON, then field/value pairs. Leaving approved takes the question off the stage in the same step.
  transition: `${SNAPSHOT}
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= ARGV[2] then return {'state', snapshot(KEYS[1], KEYS[2], KEYS[3], ARGV[1])} end
    redis.call('HSET', KEYS[1], 'state', ARGV[3])
    if #ARGV > 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 4)) end
    redis.call('HINCRBY', KEYS[1], 'rev', 1)
    local un = 0
    if ARGV[3] ~= '"approved"' and redis.call('GET', KEYS[3]) == ARGV[1] then
      redis.call('DEL', KEYS[3])
      un = 1
    end
    return {'ok', snapshot(KEYS[1], KEYS[2], KEYS[3], ARGV[1]), un}`,
  // KEYS: question, event's votes, event's highlight. ARGV: id, field/value pairs.
  patch: `${SNAPSHOT}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    redis.call('HSET', KEYS[1], unpack(ARGV, 2))
    redis.call('HINCRBY', KEYS[1], 'rev', 1)
    return snapshot(KEYS[1], KEYS[2], KEYS[3], ARGV[1])`,
  // KEYS: event's highlight, the question (in this event's slot: one of another event is absent
  // here), event's votes. ARGV: questionId or ''.
  highlight: `${SNAPSHOT}
    local prev = redis.call('GET', KEYS[1]) or ''
    if ARGV[1] == '' then
      redis.call('DEL', KEYS[1])
      return {'ok', prev}
    end
    local state = redis.call('HGET', KEYS[2], 'state')
    if not state then return {'missing'} end
    if state ~= '"approved"' then return {'state', state} end
    redis.call('SET', KEYS[1], ARGV[1])
    return {'ok', prev, snapshot(KEYS[2], KEYS[3], KEYS[1], ARGV[1])}`,
  // One upvote per participant per question. KEYS: question, its voters, event's votes, the
  // participant's upvotes, event's Q&A version. ARGV: participantId, '1' up / '0' down, questionId.
  upvote: `
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= '"approved"' then return {'state', state} end
    local up = ARGV[2] == '1'
    local changed
    if up then changed = redis.call('SADD', KEYS[2], ARGV[1]) else changed = redis.call('SREM', KEYS[2], ARGV[1]) end
    if changed == 0 then return {'same', redis.call('HGET', KEYS[3], ARGV[3]) or '0'} end
    local n
    if up then
      redis.call('SADD', KEYS[4], ARGV[3])
      n = redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
    else
      redis.call('SREM', KEYS[4], ARGV[3])
      n = redis.call('HINCRBY', KEYS[3], ARGV[3], -1)
      if n <= 0 then redis.call('HDEL', KEYS[3], ARGV[3]) end
    end
    redis.call('INCR', KEYS[5])
    return {'ok', tostring(n)}`,
  // [PERF1] [PERF2] The upvote with the sender's standing checked in the same step. KEYS: question,
  // its voters, the participant, votes, my, version (one event's slot). ARGV: participantId, '1' up /
  // '0' down, questionId, team JSON. Returns {status, votes}: 'ok' changed, 'same' already so.
  recordUpvote: `
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing'} end
    if state ~= '"approved"' then return {'state', state} end
    local f = redis.call('HMGET', KEYS[3], 'banned', 'team', 'mode')
    if not f[3] or f[1] == 'true' or (f[2] or 'null') ~= ARGV[4] then return {'stale'} end
    local up = ARGV[2] == '1'
    local changed
    if up then changed = redis.call('SADD', KEYS[2], ARGV[1]) else changed = redis.call('SREM', KEYS[2], ARGV[1]) end
    if changed == 0 then return {'same', redis.call('HGET', KEYS[4], ARGV[3]) or '0'} end
    local n
    if up then
      redis.call('SADD', KEYS[5], ARGV[3])
      n = redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
    else
      redis.call('SREM', KEYS[5], ARGV[3])
      n = redis.call('HINCRBY', KEYS[4], ARGV[3], -1)
      if n <= 0 then redis.call('HDEL', KEYS[4], ARGV[3]) end
    end
    redis.call('INCR', KEYS[6])
    return {'ok', tostring(n)}`,
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
 * The Q&A methods on a connected client, on the adapter's keyspace (keyspace.ts). Scripts run
 * with EVALSHA and are loaded with EVAL the first time a server does not know them (after a
 * restart or a SCRIPT FLUSH), so no registration at client creation is needed.
 */
/** [PERF1] `hot`: the store's hot cache, when the Q&A part is composed into one (redis-store.ts). */
export function createRedisQa(client: AnyRedis, ks: Keyspace, hot: HotCache = createHotCache()): QaStore {
  const ev = ks.ev;
  const key = {
    question: (e: string, id: string) => `${ev(e)}question:${id}`,
    eventQuestions: (e: string) => `${ev(e)}event-questions:${e}`,
    asked: (e: string, authorId: string) => `${ev(e)}qa-asked:${e}:${authorId}`,
    voters: (e: string, questionId: string) => `${ev(e)}qa-voters:${questionId}`,
    votes: (e: string) => `${ev(e)}qa-votes:${e}`,
    my: (e: string, participantId: string) => `${ev(e)}qa-my:${e}:${participantId}`,
    version: (e: string) => `${ev(e)}qa-version:${e}`,
    highlight: (e: string) => `${ev(e)}qa-highlight:${e}`,
    bans: (e: string) => `${ev(e)}qa-bans:${e}`,
  };
  /** The keys a question's snapshot reads, or null when the store knows no such question. */
  const snapshotKeys = async (id: string): Promise<string[] | null> => {
    const e = await ks.eventOf(id);
    return e === null ? null : [key.question(e, id), key.votes(e), key.highlight(e)];
  };

  const run = luaRunner(client, LUA);

  // The client is typed loosely (any adapter's client, RESP2 or 3), so set replies are normalised here.
  const members = async (k: string): Promise<string[]> => [...(await client.sMembers(k))].map(String);

  const read = async (id: string): Promise<StoredQuestion | null> => {
    const keys = await snapshotKeys(id);
    if (!keys) return null;
    const reply = await run('read', keys, [id]);
    return reply ? fromSnapshot(reply) : null;
  };

  const stateError = (verb: string, stateJson: unknown) =>
    new RallyError(ErrorCode.INVALID_STATE, `only approved questions can be ${verb}; this one is ${JSON.parse(String(stateJson)) as string}`);

  return {
    async createQuestion(nq) {
      const e = nq.eventId;
      const claim = await ks.claim(nq.id, e);
      if (claim === 'other') throw new RallyError(ErrorCode.CONFLICT, 'a question with this id exists');
      const outcome = await run('create', [key.question(e, nq.id), key.eventQuestions(e), key.asked(e, nq.authorId), key.bans(e)], [nq.id, nq.authorId, nq.normalised, ...toFields(nq)]);
      if (outcome !== 'ok' && claim === 'new') await ks.release(nq.id);
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
      for (const id of ids) multi.hGetAll(key.question(eventId, id));
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
      const keys = await snapshotKeys(id);
      if (!keys) return { ok: false, current: null };
      const reply = (await run('transition', keys, [id, JSON.stringify(from), JSON.stringify(to), ...toFields(patch)])) as unknown[];
      if (reply[0] === 'missing') return { ok: false, current: null };
      if (reply[0] === 'state') return { ok: false, current: fromSnapshot(reply[1]) };
      return { ok: true, question: fromSnapshot(reply[1]), unhighlighted: Number(reply[2]) === 1 };
    },
    async editQuestion(id, text) {
      hot.dropQuestion(id);
      const keys = await snapshotKeys(id);
      if (!keys) return null;
      const reply = await run('patch', keys, [id, ...toFields({ text, edited: true })]);
      return reply ? fromSnapshot(reply) : null;
    },
    async setReply(id, reply) {
      hot.dropQuestion(id);
      const keys = await snapshotKeys(id);
      if (!keys) return null;
      const out = await run('patch', keys, [id, 'reply', JSON.stringify(reply)]);
      return out ? fromSnapshot(out) : null;
    },
    async setHighlighted(eventId, questionId) {
      const reply = (await run('highlight', [key.highlight(eventId), key.question(eventId, questionId ?? ''), key.votes(eventId)], [questionId ?? ''])) as unknown[];
      if (reply[0] === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
      if (reply[0] === 'state') throw new RallyError(ErrorCode.INVALID_STATE, `only an approved question can be highlighted; this one is ${JSON.parse(String(reply[1])) as string}`);
      const prev = String(reply[1]);
      return { previous: prev === '' ? null : prev, question: reply[2] ? fromSnapshot(reply[2]) : null };
    },
    async hotQuestion(id) {
      return hot.questionAsync(id, () => read(id));
    },
    async recordUpvote(questionId, participantId, up, record) {
      // [PERF2] The command record is store-wide (cmd:*, another slot on a Redis Cluster, [CLU21]),
      // so it is read before the step and written right after it, first writer wins: a retry finds
      // it. A crash between the two leaves no record; the toggle is idempotent (SADD / SREM of the
      // same direction), so its retry changes nothing unless the sender toggled again meanwhile.
      const cmdKey = `${ks.p}cmd:${record.commandKey}`;
      const prior = await client.get(cmdKey);
      if (prior !== null) return { status: 'repeat', result: JSON.parse(String(prior)) as UpvoteResult };
      const e = await ks.eventOf(questionId);
      if (e === null) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      const keys = [key.question(e, questionId), key.voters(e, questionId), `${ev(e)}participant:${participantId}`, key.votes(e), key.my(e, participantId), key.version(e)];
      const reply = (await run('recordUpvote', keys, [participantId, up ? '1' : '0', questionId, JSON.stringify(record.voter.team)])) as string[];
      if (reply[0] === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      if (reply[0] === 'state') {
        hot.dropQuestion(questionId);
        throw stateError('upvoted', reply[1]);
      }
      if (reply[0] === 'stale') {
        hot.dropParticipant(participantId);
        return { status: 'stale' };
      }
      const result: UpvoteResult = { questionId, up, votes: Number(reply[1]) };
      const ttl = Math.max(1, Math.ceil(record.ttlSeconds));
      const first = await client.set(cmdKey, JSON.stringify(result), { NX: true, EX: ttl });
      if (first === null) {
        // Another attempt with this id recorded first (two nodes at once): its answer stands.
        const kept = await client.get(cmdKey);
        if (kept !== null) return { status: 'repeat', result: JSON.parse(String(kept)) as UpvoteResult };
      }
      return { status: 'done', changed: reply[0] === 'ok', result };
    },
    async toggleUpvote(questionId, participantId, up) {
      const e = await ks.eventOf(questionId);
      if (e === null) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      const keys = [key.question(e, questionId), key.voters(e, questionId), key.votes(e), key.my(e, participantId), key.version(e)];
      const reply = (await run('upvote', keys, [participantId, up ? '1' : '0', questionId])) as string[];
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
        const current = await client.hGet(key.question(eventId, id), 'authorName');
        if (current !== null && current !== undefined && String(current) !== 'null') await client.hSet(key.question(eventId, id), 'authorName', JSON.stringify(name));
      }
    },
  };
}
