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
 * the event's slot ([CLU21]). Upvote toggles of one turn share one script call per event, each
 * still its own atomic step ([PERF13], upvote-batch.ts). Every script that changes a
 * question returns it as it is right after the change (`snapshot` below), so what a node
 * publishes is never mixed with a later change.
 */
import { ErrorCode, type QuestionState, RallyError } from '@rally/shared';
import { createHotCache, type HotCache } from '../hot-cache.js';
import { compareQuestions, type NewQuestion, type QaStore, type RecordedUpvote, type StoredQuestion, type UpvoteRecord, type UpvoteResult } from '../qa-store.js';
import { luaRunner } from './lua.js';
import { createUpvoteBatcher } from './upvote-batch.js';
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
};

const noop = () => {};

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

  /** [PERF13] Upvote toggles, one script call per event per turn (upvote-batch.ts). */
  const toggle = createUpvoteBatcher(client, ks);
  /** recordUpvote calls in flight on this node, by command key (the latest for each key). */
  const inFlight = new Map<string, Promise<RecordedUpvote>>();

  const recordOne = async (questionId: string, participantId: string, up: boolean, record: UpvoteRecord): Promise<RecordedUpvote> => {
    // [PERF2] The command record is store-wide (cmd:*, another slot on a Redis Cluster, [CLU21]),
    // so it is read before the step and written right after it, first writer wins: a retry finds
    // it. A crash between the two leaves no record; the toggle is idempotent (SADD / SREM of the
    // same direction), so its retry changes nothing unless the sender toggled again meanwhile.
    const cmdKey = `${ks.p}cmd:${record.commandKey}`;
    // Read as the call is made, so the toggle keeps its place in the turn's order (upvote-batch.ts).
    let prior: string | null = null;
    const gate = client.get(cmdKey).then((v: unknown) => {
      prior = v === null || v === undefined ? null : String(v);
      return prior === null;
    });
    const r = await toggle({ questionId, participantId, up, voter: { team: record.voter.team }, gate });
    if (r.status === 'gated') return { status: 'repeat', result: JSON.parse(prior!) as UpvoteResult };
    if (r.status === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
    if (r.status === 'state') {
      hot.dropQuestion(questionId);
      throw stateError('upvoted', r.state);
    }
    if (r.status === 'stale') {
      hot.dropParticipant(participantId);
      return { status: 'stale' };
    }
    const result: UpvoteResult = { questionId, up, votes: r.votes };
    const ttl = Math.max(1, Math.ceil(record.ttlSeconds));
    const first = await client.set(cmdKey, JSON.stringify(result), { NX: true, EX: ttl });
    if (first === null) {
      // Another attempt with this id recorded first (two nodes at once): its answer stands.
      const kept = await client.get(cmdKey);
      if (kept !== null) return { status: 'repeat', result: JSON.parse(String(kept)) as UpvoteResult };
    }
    return { status: 'done', changed: r.status === 'ok', result };
  };

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
      // Two attempts with one command id on this node (a client's retry while its first is in
      // flight, both in one turn's batch) run one after the other, so the second finds the first's
      // record as it would one at a time, never toggling twice ([PERF13]).
      const key = record.commandKey;
      const earlier = inFlight.get(key);
      const mine = earlier ? earlier.then(noop, noop).then(() => recordOne(questionId, participantId, up, record)) : recordOne(questionId, participantId, up, record);
      inFlight.set(key, mine);
      try {
        return await mine;
      } finally {
        if (inFlight.get(key) === mine) inFlight.delete(key);
      }
    },
    async toggleUpvote(questionId, participantId, up) {
      const r = await toggle({ questionId, participantId, up, voter: null });
      if (r.status === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
      if (r.status === 'state') throw stateError('upvoted', r.state);
      if (r.status === 'stale' || r.status === 'gated') throw new Error(`unreachable: toggleUpvote has no voter check and no gate (${r.status})`);
      return { votes: r.votes, changed: r.status === 'ok' };
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
