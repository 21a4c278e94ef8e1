/*
 * Redis adapter of the Store port (node-redis v5).
 *
 * Key layout (schema version 3), under a prefix P (default 'rally:'), with T = P{eventId}: the
 * event's hash tag, so every key of one event lives in one Redis Cluster hash slot ([CLU20],
 * store/redis/keyspace.ts):
 *   T event:{id}                           hash  one field per EventRecord property, value JSON-encoded
 *   P code:{joinCode}                      string  the event id owning that join code (store-wide)
 *   P events                               set   every event id (listEvents; store-wide)
 *   P owner:{childId}                      string  the event of a participant, poll, question, quiz,
 *                                                 quiz run, breakout round, help request or template
 *   T participant:{id}                     hash  one field per Participant property, value JSON-encoded
 *   T event-participants:{eventId}         set   participant ids of that event (listParticipants)
 *   T sockets:*, T online*:*, P node:*     presence, see store/redis/presence.ts
 *   P cmd:{key}                            string  JSON command result, with a TTL (store-wide)
 *   T reaction-window:{participantId}      list  the participant's latest reaction command ids, with a TTL ([PERF9], [REL18])
 *   T poll:{id}                            hash  one field per Poll property, JSON-encoded, plus `version`
 *   T event-polls:{eventId}                set   poll ids of that event (listPolls)
 *   T poll-order:{eventId}:{sessionId}     string  highest order given in that session (INCR)
 *   T live-polls:{eventId}                 set   ids of the event's live polls (results ticker)
 *   P poll-deadlines                       zset  live polls with a deadline, scored by closesAt in ms (store-wide)
 *   T tally:{pollId}                       hash  counter key -> count (HINCRBY), see PollTally
 *   T votes:{pollId}                       hash  participantId -> StoredVote JSON
 *   T answers:{pollId}                     hash  answerId -> open-text answer JSON (without status)
 *   T answer-status:{pollId}               hash  answerId -> pending | approved | rejected
 *   P schema, schema-lock, events-by-end   schema version, its migration lock, events by end: store/redis/migrations.ts
 *
 * Records are hashes of JSON-encoded fields rather than one JSON blob so a Lua script can patch a
 * field with HSET and never decode JSON: Redis's cjson turns empty arrays into objects on a
 * round trip, which would corrupt `teams: []`. keyGeneration is a JSON number, so HINCRBY works.
 *
 * Every state change of an event is one command or one Lua script, so it is atomic across nodes; every
 * key a script touches is passed in KEYS and is in the event's slot, so the same holds on a Redis
 * Cluster ([CLU21]). Store-wide keys are written by their own commands next to the event's
 * ([CLU23]). `redis+cluster://` URLs connect to a cluster (store/redis/connect.ts).
 *
 * Poll counters are plain hash fields bumped with HINCRBY inside the castVote script, so a vote,
 * the removal of the vote it replaces and the version bump are one atomic step on every node.
 *
 * Q&A keys (question:*, event-questions:*, qa-*) and scripts are in store/redis/qa.ts, composed
 * below on the same client and prefix; so are the stage keys (stage-*, chat-*) and the scripts that
 * patch the event hash's stage fields, in store/redis/stage.ts; the engagement log (one stream per
 * event, eng-*) in store/redis/engagement.ts; the survey (survey*) in store/redis/survey.ts; quiz
 * play (quiz-*) in store/redis/quiz-play.ts; the attendee list (roster*) in store/redis/roster.ts;
 * breakout rounds (brk-*) in store/redis/breakout-rounds.ts; what happens inside breakout rooms (brk-chat*,
 * brk-takeaways, brk-scorecards, brk-video) in store/redis/breakout-rooms.ts.
 */
import { deepFreeze } from './sqlite/parse-cache.js';
import { defineScript, type CommandParser } from 'redis';
import { ErrorCode, RallyError, type AnswerStatus, type Participant, type Poll, type PollResults, type PollState } from '@rally/shared';
import { createRedisQa } from './redis/qa.js';
import { createRedisQuizPlay } from './redis/quiz-play.js';
import { createRedisBreakoutRounds } from './redis/breakout-rounds.js';
import { createRedisStage } from './redis/stage.js';
import { createRedisQuiz } from './redis/quiz.js';
import { createRedisEngagement } from './redis/engagement.js';
import { createRedisSurvey } from './redis/survey.js';
import { createRedisRoster } from './redis/roster.js';
import { createRedisBreakoutRooms } from './redis/breakout-rooms.js';
import { createRedisPresence } from './redis/presence.js';
import { createRedisConnection } from './redis/connect.js';
import { createKeyspace, eventTag, type AnyRedis } from './redis/keyspace.js';
import { luaRunner } from './redis/lua.js';
import { indexEventEnd, migrateRedis, redisKeys } from './redis/migrations.js';
import { createRedisBreakoutNameErasure, createRedisEventDeletion } from './redis/delete-event.js';
import { retentionIndexMs } from './schema-version.js';
import { createVoteBatcher } from './redis/vote-batch.js';
import { createHotCache } from './hot-cache.js';
import { COMMAND_WINDOW } from './command-window-memory.js';
import { comparePolls, type EventRecord, type ParticipantPatch, type Store, type StoredAnswer, type StoredVote } from './store.js';

/** [REL2] Commands written to a Redis that has stopped answering, past which new ones fail at once. */
const REDIS_QUEUE_MAX = 20_000;

/** A script called as client.<name>(keys, args); the client sends EVALSHA and falls back to EVAL. */
const script = (keyCount: number, lua: string) =>
  defineScript({
    NUMBER_OF_KEYS: keyCount,
    SCRIPT: lua,
    parseCommand(parser: CommandParser, keys: string[], args: string[]) {
      parser.pushKeys(keys);
      parser.push(...args);
    },
    transformReply: (reply: unknown) => reply,
  });

const scripts = {
  // KEYS: event. ARGV: field/value pairs. The join code and the events index are store-wide, so
  // they are written by their own commands around it ([CLU23]).
  createEvent: script(
    1,
    `if redis.call('EXISTS', KEYS[1]) == 1 then return 'id' end
     redis.call('HSET', KEYS[1], unpack(ARGV))
     return 'ok'`,
  ),
  // KEYS: participant, event's participant index. ARGV: id, then field/value pairs.
  createParticipant: script(
    2,
    `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
     redis.call('HSET', KEYS[1], unpack(ARGV, 2))
     redis.call('SADD', KEYS[2], ARGV[1])
     return 1`,
  ),
  // Patches an existing record only (never creates one). KEYS: record. ARGV: field/value pairs.
  patchRecord: script(
    1,
    `if redis.call('EXISTS', KEYS[1]) == 0 then return false end
     if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // [OPS51] [OPS55] Sets a field once; never creates the record. KEYS: event. ARGV: field, value JSON.
  markEvent: script(
    1,
    `if redis.call('EXISTS', KEYS[1]) == 0 then return false end
     local v = redis.call('HGET', KEYS[1], ARGV[1])
     if not v or v == 'null' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // KEYS: event. ARGV: keys JSON.
  rotateKeys: script(
    1,
    `if redis.call('EXISTS', KEYS[1]) == 0 then return false end
     redis.call('HSET', KEYS[1], 'keys', ARGV[1])
     redis.call('HINCRBY', KEYS[1], 'keyGeneration', 1)
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // First writer wins: SET NX EX, and whoever lost reads the winner's value in the same step.
  // KEYS: cmd. ARGV: JSON, ttl seconds.
  remember: script(
    1,
    `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return ARGV[1] end
     return redis.call('GET', KEYS[1])`,
  ),

  // Polls. Fields of a poll hash are JSON-encoded, so a state compares as '"live"'.
  // KEYS: poll, event's poll index, session order counter. ARGV: id, then field/value pairs.
  createPoll: script(
    3,
    `if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
     local order = redis.call('INCR', KEYS[3])
     redis.call('HSET', KEYS[1], unpack(ARGV, 2))
     redis.call('HSET', KEYS[1], 'order', tostring(order), 'version', '0')
     redis.call('SADD', KEYS[2], ARGV[1])
     return order`,
  ),
  // Replaces the authored fields of a draft; fields a kind does not have are removed first.
  // KEYS: poll. ARGV: field/value pairs.
  updateDraft: script(
    1,
    `local state = redis.call('HGET', KEYS[1], 'state')
     if not state then return false end
     if state ~= '"draft"' then return 'state' end
     redis.call('HDEL', KEYS[1], 'options', 'maxPicks', 'scale')
     redis.call('HSET', KEYS[1], unpack(ARGV))
     redis.call('HINCRBY', KEYS[1], 'version', 1)
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // KEYS: poll, event's poll index. ARGV: id.
  deleteDraft: script(
    2,
    `local state = redis.call('HGET', KEYS[1], 'state')
     if not state then return 0 end
     if state ~= '"draft"' then return 'state' end
     redis.call('DEL', KEYS[1])
     redis.call('SREM', KEYS[2], ARGV[1])
     return 1`,
  ),
  // Compare-and-set on the state. KEYS: poll, event's live polls. ARGV: from JSON, to JSON, id,
  // then field/value pairs. The store-wide deadline index is written next to it ([CLU23]).
  transitionPoll: script(
    2,
    `if redis.call('HGET', KEYS[1], 'state') ~= ARGV[1] then return false end
     redis.call('HSET', KEYS[1], 'state', ARGV[2], unpack(ARGV, 4))
     redis.call('HINCRBY', KEYS[1], 'version', 1)
     if ARGV[2] == '"live"' then redis.call('SADD', KEYS[2], ARGV[3]) else redis.call('SREM', KEYS[2], ARGV[3]) end
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // KEYS: poll.
  reveal: script(
    1,
    `if redis.call('EXISTS', KEYS[1]) == 0 then return false end
     redis.call('HSET', KEYS[1], 'revealed', 'true')
     redis.call('HINCRBY', KEYS[1], 'version', 1)
     return redis.call('HGETALL', KEYS[1])`,
  ),
  // One vote per participant per poll: store/redis/vote-batch.ts, one script call per event and turn ([PERF3], [CLU21]).
  // [STORE38] First write wins, and only for a closed poll. KEYS: poll, results. ARGV: results JSON.
  putFinalResults: script(
    2,
    `if redis.call('HGET', KEYS[1], 'state') ~= '"closed"' then return 0 end
     return redis.call('SETNX', KEYS[2], ARGV[1])`,
  ),
  // KEYS: answers, answer statuses, poll. ARGV: answerId, status.
  moderateAnswer: script(
    3,
    `local doc = redis.call('HGET', KEYS[1], ARGV[1])
     if not doc then return false end
     redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
     redis.call('HINCRBY', KEYS[3], 'version', 1)
     return doc`,
  ),
};

// [PERF9] [REL16] KEYS: the participant's reaction window, their record. ARGV: command id, window
// size, ttl ms, mode JSON, team JSON. A retried id first (LPOS: 'repeat'), then the sender's standing
// as decided ('stale', nothing taken), then the id goes first, the list is cut and its expiry pushed back.
const CLAIM_REACTION = `
if redis.call('LPOS', KEYS[1], ARGV[1]) then return 'repeat' end
local f = redis.call('HMGET', KEYS[2], 'banned', 'mode', 'team')
if f[2] ~= ARGV[4] or f[1] == 'true' or (f[3] or 'null') ~= ARGV[5] then return 'stale' end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'claimed'`;

// A variable number of KEYS, so run through luaRunner rather than defined with a fixed count.
// KEYS: event's poll index, session order counter, then the poll key of each member of the index
// as read before. ARGV: sessionId JSON, member count m, the m member ids (in KEYS order), then
// the poll ids in their new order. -1 (nothing changed) when the index is not that list any more.
const REORDER_POLLS = `local m = tonumber(ARGV[2])
     if redis.call('SCARD', KEYS[1]) ~= m then return -1 end
     local keyOf = {}
     for i = 1, m do
       if redis.call('SISMEMBER', KEYS[1], ARGV[2 + i]) == 0 then return -1 end
       keyOf[ARGV[2 + i]] = KEYS[2 + i]
     end
     local inSession = {}
     local n = 0
     for id, key in pairs(keyOf) do
       if redis.call('HGET', key, 'sessionId') == ARGV[1] then
         inSession[id] = true
         n = n + 1
       end
     end
     local first = 3 + m
     if n ~= #ARGV - first + 1 then return 0 end
     local seen = {}
     for i = first, #ARGV do
       if not inSession[ARGV[i]] or seen[ARGV[i]] then return 0 end
       seen[ARGV[i]] = true
     end
     for i = first, #ARGV do
       local key = keyOf[ARGV[i]]
       redis.call('HSET', key, 'order', tostring(i - first + 1))
       redis.call('HINCRBY', key, 'version', 1)
     end
     if tonumber(redis.call('GET', KEYS[2]) or '0') < n then redis.call('SET', KEYS[2], n) end
     return 1`;

/**
 * [BRK46] Many hashes of one event in one call (KEYS share the event's hash tag), each HGETALL as a
 * flat JSON array, all of them one JSON text: opening a round for 10,000 people read 10,000 hashes
 * as 10,000 commands and their reply objects (~1 s at that moment on a busy node, mostly garbage);
 * one JSON.parse per batch costs a quarter of that. An empty hash (gone meanwhile) comes back as `{}`.
 */
const READ_HASHES = `local out = {}
     for i, k in ipairs(KEYS) do out[i] = cjson.encode(redis.call('HGETALL', k)) end
     return '[' .. table.concat(out, ',') .. ']'`;
/** Hashes per READ_HASHES call: short enough that Redis answers other clients in between. */
const READ_HASHES_BATCH = 1000;

/** The scripts above, as the client exposes them: client.<name>(keys, args). */
type ScriptMethods = { [K in keyof typeof scripts]: (keys: string[], args: string[]) => Promise<unknown> };

/** Poll fields the server owns; a draft edit never writes them. */
const POLL_META = ['id', 'eventId', 'sessionId', 'order', 'state', 'createdAt', 'openedAt', 'closesAt', 'closedAt', 'revealed', 'presentAtClose'];

const PATCHABLE = ['name', 'team', 'mode', 'banned', 'email'] as const satisfies readonly (keyof ParticipantPatch)[];

/** Object -> flat [field, JSON, ...] for HSET; undefined values are skipped. */
const toFields = (record: object): string[] =>
  Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [k, JSON.stringify(v)]));

/** HGETALL reply (object from the client, flat array from a script) -> record, or null when empty. */
function fromFields<T>(reply: unknown): T | null {
  // Written field by field, not through entry pairs: a round's open reads 10,000 of these at once.
  const out: Record<string, unknown> = {};
  let empty = true;
  const put = (k: string, v: string) => {
    const value = v.length < BIG_FIELD ? JSON.parse(v) : bigField(v);
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
    empty = false;
  };
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) put(String(reply[i]), String(reply[i + 1]));
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply as Record<string, string>)) put(k, v);
  } else {
    return null;
  }
  return empty ? null : (out as T);
}

/**
 * [PERF22] Big field values (an event's agenda, settings and keys) parsed once per text, frozen: a
 * reconnection reads the event four times (handshake, setup, presence twice), and the agenda was
 * parsed each time. Small values are cheaper to parse than to look up.
 */
const BIG_FIELD = 64;
const bigFields = new Map<string, unknown>();
function bigField(text: string): unknown {
  const hit = bigFields.get(text);
  if (hit !== undefined) return hit;
  if (bigFields.size >= 2_000) bigFields.clear();
  const value = deepFreeze(JSON.parse(text) as unknown);
  bigFields.set(text, value);
  return value;
}

/** Redis has applied a write when its call resolves: nothing is pending between calls. */
const applied: Promise<void> = Promise.resolve();

export async function createRedisStore(url: string, opts: { keyPrefix?: string } = {}): Promise<Store> {
  const p = opts.keyPrefix ?? 'rally:';
  // [CLU20] Every key of an event carries its hash tag (store/redis/keyspace.ts).
  const ev = (eventId: string) => eventTag(p, eventId);
  const key = {
    event: (id: string) => `${ev(id)}event:${id}`,
    code: (code: string) => `${p}code:${code}`,
    events: `${p}events`,
    participant: (e: string, id: string) => `${ev(e)}participant:${id}`,
    eventParticipants: (e: string) => `${ev(e)}event-participants:${e}`,
    cmd: (k: string) => `${p}cmd:${k}`,
    poll: (e: string, id: string) => `${ev(e)}poll:${id}`,
    eventPolls: (e: string) => `${ev(e)}event-polls:${e}`,
    pollOrder: (e: string, sessionId: string | null) => `${ev(e)}poll-order:${e}:${sessionId ?? ''}`,
    livePolls: (e: string) => `${ev(e)}live-polls:${e}`,
    deadlines: `${p}poll-deadlines`,
    tally: (e: string, pollId: string) => `${ev(e)}tally:${pollId}`,
    // Kept out of the poll hash, which is read whole as the Poll clients see.
    finalResults: (e: string, pollId: string) => `${ev(e)}poll-results:${pollId}`,
    votes: (e: string, pollId: string) => `${ev(e)}votes:${pollId}`,
    answers: (e: string, pollId: string) => `${ev(e)}answers:${pollId}`,
    answerStatus: (e: string, pollId: string) => `${ev(e)}answer-status:${pollId}`,
  };

  /** A poll hash -> Poll; `version` is storage bookkeeping and is dropped. */
  const toPoll = (reply: unknown): Poll | null => {
    const rec = fromFields<Poll & { version?: number }>(reply);
    if (!rec) return null;
    const { version: _v, ...poll } = rec;
    return poll as Poll;
  };
  const readPolls = async (e: string, ids: string[]) => (await Promise.all(ids.map((id) => client.hGetAll(key.poll(e, id))))).map(toPoll).filter((x): x is Poll => x !== null);
  const byTime = <T extends { at: string }>(k: (x: T) => string) => (a: T, b: T) => a.at.localeCompare(b.at) || k(a).localeCompare(k(b));

  const client = createRedisConnection(url, {
    scripts,
    // [REL2] While Redis is unreachable a command fails at once (ClientOfflineError, answered
    // UNAVAILABLE) instead of waiting in memory for the whole outage and being acked long after.
    disableOfflineQueue: true,
    // [REL2] A Redis that hangs (stopped, not closed) cannot make the queue of commands written to
    // it grow without bound: past this many, commands fail at once (UNAVAILABLE).
    commandsQueueMaxLength: REDIS_QUEUE_MAX,
    // Reconnect quickly, never give up: an outage ends when Redis is back, not when we stop trying.
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000), connectTimeout: 2000 },
  }) as AnyRedis & ScriptMethods;
  // node-redis reconnects on its own; without a listener an 'error' event would crash the process.
  // Failures still reach callers as rejected commands (and /readyz through ping).
  client.on('error', () => {});
  await client.connect();
  // [OPS41] [OPS43] Data newer than this code is refused; older data is migrated, one node at a time.
  try {
    await migrateRedis(client, p, `Redis (key prefix ${p})`);
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }

  const ks = createKeyspace(client, p);
  const runLua = luaRunner(client, { reorderPolls: REORDER_POLLS, readHashes: READ_HASHES, claimReaction: CLAIM_REACTION });
  /** The event of a poll, or null when the store knows no such poll. */
  const pollEvent = (id: string) => ks.eventOf(id);
  const getPoll = async (id: string): Promise<Poll | null> => {
    const e = await pollEvent(id);
    return e === null ? null : toPoll(await client.hGetAll(key.poll(e, id)));
  };
  const presence = createRedisPresence(client, p, key.participant);
  // Breakout room chat, takeaways, scorecards and video presence (store/redis/breakout-rooms.ts);
  // deleting a round purges them too ([BSTORE1]).
  const { purgeRoomData: purgeBreakoutRoomData, ...breakoutRooms } = createRedisBreakoutRooms(client, ks);
  const breakoutRounds = createRedisBreakoutRounds(client, ks);
  const stage = createRedisStage(client, ks);
  const deleteEvent = createRedisEventDeletion(client, ks);
  const eraseBreakoutNames = createRedisBreakoutNameErasure(client, ks);

  // [PERF1] The hot commands' cache (store/hot-cache.ts): this node's own writes drop entries; a
  // change made on another node is caught by the vote script's standing check (`stale`) or state
  // check, which drop the entry too.
  const hot = createHotCache();
  const castVotes = createVoteBatcher(client, ks, { stale: hot.dropParticipant, notLive: hot.dropPoll });

  const readRecords = async <T>(ids: string[], keyOf: (id: string) => string): Promise<T[]> => {
    const replies = await Promise.all(ids.map((id) => client.hGetAll(keyOf(id))));
    return replies.map((r) => fromFields<T>(r)).filter((r): r is T & {} => r !== null);
  };

  /** [BRK46] Records of one event by id, in batches of one script call (READ_HASHES); the missing are left out. */
  const readEventRecords = async <T>(ids: string[], keyOf: (id: string) => string): Promise<T[]> => {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < ids.length; i += READ_HASHES_BATCH) calls.push(runLua('readHashes', ids.slice(i, i + READ_HASHES_BATCH).map(keyOf), []));
    const out: T[] = [];
    for (const text of await Promise.all(calls)) {
      for (const flat of JSON.parse(String(text)) as unknown[]) {
        const record = Array.isArray(flat) ? fromFields<T>(flat) : null;
        if (record !== null) out.push(record);
      }
    }
    return out;
  };

  return {
    kind: 'redis',
    ...createRedisQa(client, ks, hot),
    ...stage,
    ...createRedisEngagement(client, ks),
    ...createRedisSurvey(client, ks),
    ...createRedisQuiz(client, ks),
    ...createRedisQuizPlay(client, ks, { stale: hot.dropParticipant }),
    ...createRedisRoster(client, ks),
    ...breakoutRounds,
    ...breakoutRooms,
    async deleteRound(id) {
      const eventId = await ks.eventOf(id);
      const deleted = await breakoutRounds.deleteRound(id);
      if (deleted) await purgeBreakoutRoomData(id, eventId);
      return deleted;
    },

    async createEvent(event) {
      const idTaken = () => new RallyError(ErrorCode.CONFLICT, 'an event with this id exists');
      if (Number(await client.exists(key.event(event.id))) === 1) throw idTaken();
      // [CLU23] The join code is claimed first, by its own command: a create cut short after it
      // leaves a code only a retry of the same create can take.
      if (!(await client.set(key.code(event.code), event.id, { condition: 'NX' })) && String(await client.get(key.code(event.code))) !== event.id) {
        throw new RallyError(ErrorCode.CONFLICT, 'an event with this join code exists');
      }
      const outcome = await client.createEvent([key.event(event.id)], toFields(event));
      if (outcome === 'id') throw idTaken();
      await client.sAdd(key.events, event.id);
      // [OPS50] Its own command (events-by-end is not one of the event's keys).
      await indexEventEnd(client, p, event.id, retentionIndexMs(event));
    },
    async setAgenda(eventId, agenda, at) {
      const out = await stage.setAgenda(eventId, agenda, at);
      if (out) await indexEventEnd(client, p, eventId, retentionIndexMs(out.event));
      return out;
    },
    async getEvent(id) {
      return fromFields<EventRecord>(await client.hGetAll(key.event(id)));
    },
    async getEventByCode(code) {
      const id = await client.get(key.code(code));
      return id === null ? null : fromFields<EventRecord>(await client.hGetAll(key.event(String(id))));
    },
    async listEvents() {
      const events = await readRecords<EventRecord>([...(await client.sMembers(key.events))].map(String), key.event);
      // Sets are unordered; sort so callers see a stable order.
      return events.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async markEvent(id, field, at) {
      const e = fromFields<EventRecord>(await client.markEvent([key.event(id)], [field, JSON.stringify(at)]));
      if (e) await indexEventEnd(client, p, id, retentionIndexMs(e));
      return e;
    },
    async deleteEvent(id) {
      return deleteEvent(id);
    },
    async eraseBreakoutNames(eventId, ids, name) {
      await eraseBreakoutNames(eventId, ids, name);
    },
    async eventsEndedBefore(endMs, limit) {
      return [...(await client.zRangeByScore(redisKeys.eventsByEnd(p), '-inf', endMs, { LIMIT: { offset: 0, count: limit } }))].map(String);
    },
    async setLiveSession(eventId, sessionId) {
      return fromFields<EventRecord>(await client.patchRecord([key.event(eventId)], ['liveSessionId', JSON.stringify(sessionId)]));
    },
    async rotateKeys(eventId, keys) {
      return fromFields<EventRecord>(await client.rotateKeys([key.event(eventId)], [JSON.stringify(keys)]));
    },

    async createParticipant(participant) {
      const e = participant.eventId;
      const conflict = () => new RallyError(ErrorCode.CONFLICT, 'a participant with this id exists');
      if ((await ks.claim(participant.id, e)) === 'other') throw conflict();
      const created = await client.createParticipant([key.participant(e, participant.id), key.eventParticipants(e)], [participant.id, ...toFields(participant)]);
      if (created !== 1) throw conflict();
    },
    async getParticipant(id) {
      const e = await ks.eventOf(id);
      return e === null ? null : fromFields<Participant>(await client.hGetAll(key.participant(e, id)));
    },
    async hotParticipant(id) {
      return hot.participantAsync(id, async () => {
        const e = await ks.eventOf(id);
        return e === null ? null : fromFields<Participant>(await client.hGetAll(key.participant(e, id)));
      });
    },
    async claimReaction(eventId, participantId, commandId, standing) {
      const keys = [`${ev(eventId)}reaction-window:${participantId}`, key.participant(eventId, participantId)];
      const out = String(await runLua('claimReaction', keys, [commandId, String(COMMAND_WINDOW.size), String(COMMAND_WINDOW.ttlMs), JSON.stringify(standing.mode), JSON.stringify(standing.team)]));
      if (out === 'stale') hot.dropParticipant(participantId);
      return out as 'claimed' | 'repeat' | 'stale';
    },
    async releaseReaction(eventId, participantId, commandId) {
      await client.lRem(`${ev(eventId)}reaction-window:${participantId}`, 1, commandId);
    },
    async updateParticipant(id, patch) {
      const e = await ks.eventOf(id);
      if (e === null) return null;
      // Only the patchable fields, so a stray property can never overwrite id or eventId.
      const fields = toFields(Object.fromEntries(PATCHABLE.map((f) => [f, patch[f]])));
      // [STORE36] The presence script patches and moves an online attendee's count in one step.
      const updated = fromFields<Participant>(await presence.patchParticipant(e, id, fields));
      // After the write: a read made while it was on its way may have cached the old record.
      hot.dropParticipant(id);
      return updated;
    },
    async listParticipants(eventId) {
      const list = await readEventRecords<Participant>([...(await client.sMembers(key.eventParticipants(eventId)))].map(String), (id) => key.participant(eventId, id));
      // Code-unit order (ISO times, ids of letters and digits): localeCompare's collation costs ~1 µs a
      // comparison, ~0.1 s for an event of 10,000 (bench B7's open).
      return list.sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async getParticipants(eventId, ids) {
      // [BRK63] Keys under the event's tag: another event's participant is simply not there.
      return readEventRecords<Participant>([...new Set(ids)], (id) => key.participant(eventId, id));
    },

    presenceAdd: presence.presenceAdd,
    presenceRemove: presence.presenceRemove,
    presenceOnline: presence.presenceOnline,
    presenceCounts: presence.presenceCounts,
    presenceTeamCounts: presence.presenceTeamCounts,
    presenceIsOnline: presence.presenceIsOnline,
    presenceClearNode: presence.presenceClearNode,

    async rememberCommand<T>(k: string, result: T, ttlSeconds: number) {
      // EX takes whole seconds and must be positive.
      const ttl = String(Math.max(1, Math.ceil(ttlSeconds)));
      const stored = await client.remember([key.cmd(k)], [JSON.stringify(result ?? null), ttl]);
      return JSON.parse(String(stored)) as T;
    },
    async recalledCommand<T>(k: string) {
      const stored = await client.get(key.cmd(k));
      return stored === null ? undefined : (JSON.parse(String(stored)) as T);
    },
    durable: () => applied,

    async createPoll(poll) {
      const { order: _o, ...fields } = poll;
      const e = poll.eventId;
      const conflict = () => new RallyError(ErrorCode.CONFLICT, 'a poll with this id exists');
      if ((await ks.claim(poll.id, e)) === 'other') throw conflict();
      const order = await client.createPoll([key.poll(e, poll.id), key.eventPolls(e), key.pollOrder(e, poll.sessionId)], [poll.id, ...toFields(fields)]);
      if (Number(order) < 0) throw conflict();
      return { ...poll, order: Number(order) };
    },
    getPoll,
    async hotPoll(id) {
      return hot.pollAsync(id, () => getPoll(id));
    },
    async listPolls(eventId) {
      return (await readPolls(eventId, [...(await client.sMembers(key.eventPolls(eventId)))].map(String))).sort(comparePolls);
    },
    async updatePollDraft(id, content) {
      const e = await pollEvent(id);
      if (e === null) return null;
      const authored = Object.fromEntries(Object.entries(content).filter(([k]) => !POLL_META.includes(k)));
      const reply = await client.updateDraft([key.poll(e, id)], toFields(authored));
      if (reply === 'state') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft can be changed or deleted');
      return toPoll(reply);
    },
    async deletePoll(id) {
      const e = await pollEvent(id);
      if (e === null) return false;
      const reply = await client.deleteDraft([key.poll(e, id), key.eventPolls(e)], [id]);
      if (reply === 'state') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft can be changed or deleted');
      if (reply === 1) await ks.release(id);
      return reply === 1;
    },
    async reorderPolls(eventId, sessionId, pollIds) {
      for (let attempt = 1; ; attempt++) {
        const members = [...(await client.sMembers(key.eventPolls(eventId)))].map(String);
        const keys = [key.eventPolls(eventId), key.pollOrder(eventId, sessionId), ...members.map((id) => key.poll(eventId, id))];
        const ok = Number(await runLua('reorderPolls', keys, [JSON.stringify(sessionId), String(members.length), ...members, ...pollIds]));
        // -1: a poll was created or deleted since the read; read the index again.
        if (ok === -1 && attempt < 20) continue;
        if (ok !== 1) return null;
        return readPolls(eventId, pollIds);
      }
    },
    async transitionPoll(id, from, to, patch) {
      hot.dropPoll(id);
      const e = await pollEvent(id);
      if (e === null) return null;
      const deadline = to === 'live' && patch.closesAt ? Date.parse(patch.closesAt) : null;
      // [CLU23] The store-wide deadline index by its own commands: added (never raised) before the
      // script and set exactly after; removed after. A node dying in between leaves an entry the
      // sweep reads early (duePolls re-checks state and closesAt), never a live poll without one.
      if (deadline !== null) await client.zAdd(key.deadlines, { score: deadline, value: id }, { LT: true });
      const poll = toPoll(await client.transitionPoll([key.poll(e, id), key.livePolls(e)], [JSON.stringify(from), JSON.stringify(to), id, ...toFields(patch)]));
      if (!poll) return null;
      if (deadline !== null) await client.zAdd(key.deadlines, { score: deadline, value: id });
      else if (to !== 'live') await client.zRem(key.deadlines, id);
      return poll;
    },
    async setRevealed(id) {
      hot.dropPoll(id);
      const e = await pollEvent(id);
      return e === null ? null : toPoll(await client.reveal([key.poll(e, id)], []));
    },
    castVote: castVotes,
    async getMyVotes(participantId, pollIds) {
      // One pipelined round trip: node-redis sends the commands of one tick together.
      const events = await Promise.all(pollIds.map((id) => pollEvent(id)));
      const docs = await Promise.all(pollIds.map((id, i) => (events[i] === null ? null : client.hGet(key.votes(events[i]!, id), participantId))));
      const out: Record<string, StoredVote> = {};
      pollIds.forEach((id, i) => {
        const doc = docs[i];
        if (doc) out[id] = JSON.parse(String(doc)) as StoredVote;
      });
      return out;
    },
    async listVotes(pollId) {
      const e = await pollEvent(pollId);
      if (e === null) return [];
      const docs = await client.hVals(key.votes(e, pollId));
      return docs.map((d) => JSON.parse(String(d)) as StoredVote).sort(byTime((v) => v.participantId));
    },
    async getTally(pollId) {
      const e = await pollEvent(pollId);
      if (e === null) return null;
      // MULTI: version, state and counters are read at one point in time.
      const [[version, state], counters] = (await client.multi().hmGet(key.poll(e, pollId), ['version', 'state']).hGetAll(key.tally(e, pollId)).exec()) as unknown as [
        [string | null, string | null],
        Record<string, string>,
      ];
      if (version === null || version === undefined || !state) return null;
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(counters ?? {})) if (Number(v) > 0) out[k] = Number(v);
      return { version: Number(version), state: JSON.parse(state) as PollState, counters: out };
    },
    async putFinalResults(pollId, results) {
      const e = await pollEvent(pollId);
      if (e === null) return;
      await client.putFinalResults([key.poll(e, pollId), key.finalResults(e, pollId)], [JSON.stringify(results)]);
    },
    async getFinalResults(pollId) {
      const e = await pollEvent(pollId);
      if (e === null) return null;
      // MULTI: the results and the version they are shown with are read at one point in time.
      const [version, doc] = (await client.multi().hGet(key.poll(e, pollId), 'version').get(key.finalResults(e, pollId)).exec()) as unknown as [string | null, string | null];
      if (!doc || version === null || version === undefined) return null;
      return { results: JSON.parse(doc) as PollResults, version: Number(version) };
    },
    async livePollVersions(eventId) {
      // One MULTI in the event's slot: the live set and each poll's version at one point in time
      // would need the ids first, so the set is read, then the versions; a poll that closed in
      // between still reads with its version (the ticker publishes a final tick for it anyway).
      const ids = [...(await client.sMembers(key.livePolls(eventId)))].map(String);
      if (ids.length === 0) return [];
      const multi = client.multi();
      for (const id of ids) multi.hGet(key.poll(eventId, id), 'version');
      const versions = (await multi.exec()) as unknown as (string | null)[];
      const out: { pollId: string; version: number }[] = [];
      ids.forEach((pollId, i) => {
        const v = versions[i];
        if (v !== null && v !== undefined) out.push({ pollId, version: Number(v) });
      });
      return out;
    },
    async duePolls(nowMs) {
      const ids = [...(await client.zRangeByScore(key.deadlines, '-inf', nowMs))].map(String);
      const polls = (await Promise.all(ids.map((id) => getPoll(id)))).filter((x): x is Poll => x !== null);
      return polls.filter((x) => x.state === 'live' && x.closesAt !== null && Date.parse(x.closesAt) <= nowMs);
    },
    async listAnswers(pollId) {
      const e = await pollEvent(pollId);
      if (e === null) return [];
      const [docs, statuses] = await Promise.all([client.hGetAll(key.answers(e, pollId)), client.hGetAll(key.answerStatus(e, pollId))]);
      return Object.entries(docs as Record<string, string>)
        .map(([id, doc]) => ({ ...(JSON.parse(doc) as Omit<StoredAnswer, 'status'>), status: ((statuses as Record<string, string>)[id] ?? 'pending') as AnswerStatus }))
        .sort(byTime((a) => a.id));
    },
    async moderateAnswer(pollId, answerId, status) {
      const e = await pollEvent(pollId);
      if (e === null) return null;
      const doc = await client.moderateAnswer([key.answers(e, pollId), key.answerStatus(e, pollId), key.poll(e, pollId)], [answerId, status]);
      if (typeof doc !== 'string') return null;
      return { ...(JSON.parse(doc) as Omit<StoredAnswer, 'status'>), status };
    },

    async ping() {
      await client.ping();
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
