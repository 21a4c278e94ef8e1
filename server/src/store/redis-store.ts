/*
 * Redis adapter of the Store port (node-redis v5).
 *
 * Key layout, all under a prefix P (default 'rally:'):
 *   P event:{id}                           hash  one field per EventRecord property, value JSON-encoded
 *   P code:{joinCode}                      string  the event id owning that join code
 *   P events                               set   every event id (listEvents)
 *   P participant:{id}                     hash  one field per Participant property, value JSON-encoded
 *   P event-participants:{eventId}         set   participant ids of that event (listParticipants)
 *   P sockets:*, online*:*, node:*        presence, see store/redis/presence.ts
 *   P cmd:{key}                            string  JSON command result, with a TTL
 *   P poll:{id}                            hash  one field per Poll property, JSON-encoded, plus `version`
 *   P event-polls:{eventId}                set   poll ids of that event (listPolls)
 *   P poll-order:{eventId}:{sessionId}     string  highest order given in that session (INCR)
 *   P live-polls:{eventId}                 set   ids of the event's live polls (results ticker)
 *   P poll-deadlines                       zset  live polls with a deadline, scored by closesAt in ms
 *   P tally:{pollId}                       hash  counter key -> count (HINCRBY), see PollTally
 *   P votes:{pollId}                       hash  participantId -> StoredVote JSON
 *   P answers:{pollId}                     hash  answerId -> open-text answer JSON (without status)
 *   P answer-status:{pollId}               hash  answerId -> pending | approved | rejected
 *
 * Records are hashes of JSON-encoded fields rather than one JSON blob so a Lua script can patch a
 * field with HSET and never decode JSON: Redis's cjson turns empty arrays into objects on a
 * round trip, which would corrupt `teams: []`. keyGeneration is a JSON number, so HINCRBY works.
 *
 * Every state change is one command or one Lua script, so it is atomic across nodes. Some scripts
 * (presence, poll reorder and transitions) derive keys from the prefix inside Lua, which is fine on
 * a single Redis (or a replicated primary) but not on Redis Cluster.
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
import { createClient, defineScript, type CommandParser } from 'redis';
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
import { createVoteBatcher } from './redis/vote-batch.js';
import { createHotCache } from './hot-cache.js';
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
  // KEYS: event, code, events index. ARGV: id, then field/value pairs.
  createEvent: script(
    3,
    `if redis.call('EXISTS', KEYS[1]) == 1 then return 'id' end
     if redis.call('EXISTS', KEYS[2]) == 1 then return 'code' end
     redis.call('HSET', KEYS[1], unpack(ARGV, 2))
     redis.call('SET', KEYS[2], ARGV[1])
     redis.call('SADD', KEYS[3], ARGV[1])
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
  // KEYS: event's poll index, session order counter. ARGV: prefix, sessionId JSON, poll ids...
  reorderPolls: script(
    2,
    `local inSession = {}
     local n = 0
     for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
       if redis.call('HGET', ARGV[1] .. 'poll:' .. id, 'sessionId') == ARGV[2] then
         inSession[id] = true
         n = n + 1
       end
     end
     if n ~= #ARGV - 2 then return 0 end
     local seen = {}
     for i = 3, #ARGV do
       if not inSession[ARGV[i]] or seen[ARGV[i]] then return 0 end
       seen[ARGV[i]] = true
     end
     for i = 3, #ARGV do
       local key = ARGV[1] .. 'poll:' .. ARGV[i]
       redis.call('HSET', key, 'order', tostring(i - 2))
       redis.call('HINCRBY', key, 'version', 1)
     end
     if tonumber(redis.call('GET', KEYS[2]) or '0') < n then redis.call('SET', KEYS[2], n) end
     return 1`,
  ),
  // Compare-and-set on the state. KEYS: poll, deadlines. ARGV: prefix, from JSON, to JSON, id,
  // deadline ms or '', then field/value pairs.
  transitionPoll: script(
    2,
    `if redis.call('HGET', KEYS[1], 'state') ~= ARGV[2] then return false end
     redis.call('HSET', KEYS[1], 'state', ARGV[3], unpack(ARGV, 6))
     redis.call('HINCRBY', KEYS[1], 'version', 1)
     local live = ARGV[1] .. 'live-polls:' .. cjson.decode(redis.call('HGET', KEYS[1], 'eventId'))
     if ARGV[3] == '"live"' then
       redis.call('SADD', live, ARGV[4])
       if ARGV[5] ~= '' then redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4]) end
     else
       redis.call('SREM', live, ARGV[4])
       redis.call('ZREM', KEYS[2], ARGV[4])
     end
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
  // One vote per participant per poll: store/redis/vote-batch.ts, one script call per turn ([PERF3]).
  // KEYS: live polls of the event. ARGV: prefix. Returns [id, version, ...].
  livePollVersions: script(
    1,
    `local out = {}
     for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
       local v = redis.call('HGET', ARGV[1] .. 'poll:' .. id, 'version')
       if v then
         out[#out + 1] = id
         out[#out + 1] = v
       end
     end
     return out`,
  ),
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

/** Poll fields the server owns; a draft edit never writes them. */
const POLL_META = ['id', 'eventId', 'sessionId', 'order', 'state', 'createdAt', 'openedAt', 'closesAt', 'closedAt', 'revealed', 'presentAtClose'];

const PATCHABLE = ['name', 'team', 'mode', 'banned'] as const satisfies readonly (keyof ParticipantPatch)[];

/** Object -> flat [field, JSON, ...] for HSET; undefined values are skipped. */
const toFields = (record: object): string[] =>
  Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [k, JSON.stringify(v)]));

/** HGETALL reply (object from the client, flat array from a script) -> record, or null when empty. */
function fromFields<T>(reply: unknown): T | null {
  let entries: [string, string][];
  if (Array.isArray(reply)) {
    entries = [];
    for (let i = 0; i + 1 < reply.length; i += 2) entries.push([String(reply[i]), String(reply[i + 1])]);
  } else if (reply && typeof reply === 'object') {
    entries = Object.entries(reply as Record<string, string>);
  } else {
    return null;
  }
  if (entries.length === 0) return null;
  return Object.fromEntries(entries.map(([k, v]) => [k, JSON.parse(v)])) as T;
}

/** Redis has applied a write when its call resolves: nothing is pending between calls. */
const applied: Promise<void> = Promise.resolve();

export async function createRedisStore(url: string, opts: { keyPrefix?: string } = {}): Promise<Store> {
  const p = opts.keyPrefix ?? 'rally:';
  const key = {
    event: (id: string) => `${p}event:${id}`,
    code: (code: string) => `${p}code:${code}`,
    events: `${p}events`,
    participant: (id: string) => `${p}participant:${id}`,
    eventParticipants: (eventId: string) => `${p}event-participants:${eventId}`,
    cmd: (k: string) => `${p}cmd:${k}`,
    // poll and live-polls are mirrored inside Lua scripts; change them together.
    poll: (id: string) => `${p}poll:${id}`,
    eventPolls: (eventId: string) => `${p}event-polls:${eventId}`,
    pollOrder: (eventId: string, sessionId: string | null) => `${p}poll-order:${eventId}:${sessionId ?? ''}`,
    livePolls: (eventId: string) => `${p}live-polls:${eventId}`,
    deadlines: `${p}poll-deadlines`,
    tally: (pollId: string) => `${p}tally:${pollId}`,
    // Kept out of the poll hash, which is read whole as the Poll clients see.
    finalResults: (pollId: string) => `${p}poll-results:${pollId}`,
    votes: (pollId: string) => `${p}votes:${pollId}`,
    answers: (pollId: string) => `${p}answers:${pollId}`,
    answerStatus: (pollId: string) => `${p}answer-status:${pollId}`,
  };

  /** A poll hash -> Poll; `version` is storage bookkeeping and is dropped. */
  const toPoll = (reply: unknown): Poll | null => {
    const rec = fromFields<Poll & { version?: number }>(reply);
    if (!rec) return null;
    const { version: _v, ...poll } = rec;
    return poll as Poll;
  };
  const readPolls = async (ids: string[]) => (await Promise.all(ids.map((id) => client.hGetAll(key.poll(id))))).map(toPoll).filter((x): x is Poll => x !== null);
  const byTime = <T extends { at: string }>(k: (x: T) => string) => (a: T, b: T) => a.at.localeCompare(b.at) || k(a).localeCompare(k(b));

  const client = createClient({
    url,
    scripts,
    // [REL2] While Redis is unreachable a command fails at once (ClientOfflineError, answered
    // UNAVAILABLE) instead of waiting in memory for the whole outage and being acked long after.
    disableOfflineQueue: true,
    // [REL2] A Redis that hangs (stopped, not closed) cannot make the queue of commands written to
    // it grow without bound: past this many, commands fail at once (UNAVAILABLE).
    commandsQueueMaxLength: REDIS_QUEUE_MAX,
    // Reconnect quickly, never give up: an outage ends when Redis is back, not when we stop trying.
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000), connectTimeout: 2000 },
  });
  // node-redis reconnects on its own; without a listener an 'error' event would crash the process.
  // Failures still reach callers as rejected commands (and /readyz through ping).
  client.on('error', () => {});
  await client.connect();

  const presence = createRedisPresence(client, p, key.participant);
  // Breakout room chat, takeaways, scorecards and video presence (store/redis/breakout-rooms.ts);
  // deleting a round purges them too ([BSTORE1]).
  const { purgeRoomData: purgeBreakoutRoomData, ...breakoutRooms } = createRedisBreakoutRooms(client, p);
  const breakoutRounds = createRedisBreakoutRounds(client, p);

  // [PERF1] The hot commands' cache (store/hot-cache.ts): this node's own writes drop entries; a
  // change made on another node is caught by the vote script's standing check (`stale`) or state
  // check, which drop the entry too.
  const hot = createHotCache();
  const castVotes = createVoteBatcher(client, p, { stale: hot.dropParticipant, notLive: hot.dropPoll });

  const readRecords = async <T>(ids: string[], keyOf: (id: string) => string): Promise<T[]> => {
    const replies = await Promise.all(ids.map((id) => client.hGetAll(keyOf(id))));
    return replies.map((r) => fromFields<T>(r)).filter((r): r is T & {} => r !== null);
  };

  return {
    kind: 'redis',
    ...createRedisQa(client, p, hot),
    ...createRedisStage(client, p),
    ...createRedisEngagement(client, p),
    ...createRedisSurvey(client, p),
    ...createRedisQuiz(client, p),
    ...createRedisQuizPlay(client, p),
    ...createRedisRoster(client, p),
    ...breakoutRounds,
    ...breakoutRooms,
    async deleteRound(id) {
      const deleted = await breakoutRounds.deleteRound(id);
      if (deleted) await purgeBreakoutRoomData(id);
      return deleted;
    },

    async createEvent(event) {
      const outcome = await client.createEvent(
        [key.event(event.id), key.code(event.code), key.events],
        [event.id, ...toFields(event)],
      );
      if (outcome === 'id') throw new RallyError(ErrorCode.CONFLICT, 'an event with this id exists');
      if (outcome === 'code') throw new RallyError(ErrorCode.CONFLICT, 'an event with this join code exists');
    },
    async getEvent(id) {
      return fromFields<EventRecord>(await client.hGetAll(key.event(id)));
    },
    async getEventByCode(code) {
      const id = await client.get(key.code(code));
      return id === null ? null : fromFields<EventRecord>(await client.hGetAll(key.event(id)));
    },
    async listEvents() {
      const events = await readRecords<EventRecord>(await client.sMembers(key.events), key.event);
      // Sets are unordered; sort so callers see a stable order.
      return events.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async setLiveSession(eventId, sessionId) {
      return fromFields<EventRecord>(await client.patchRecord([key.event(eventId)], ['liveSessionId', JSON.stringify(sessionId)]));
    },
    async rotateKeys(eventId, keys) {
      return fromFields<EventRecord>(await client.rotateKeys([key.event(eventId)], [JSON.stringify(keys)]));
    },

    async createParticipant(participant) {
      const created = await client.createParticipant(
        [key.participant(participant.id), key.eventParticipants(participant.eventId)],
        [participant.id, ...toFields(participant)],
      );
      if (created !== 1) throw new RallyError(ErrorCode.CONFLICT, 'a participant with this id exists');
    },
    async getParticipant(id) {
      return fromFields<Participant>(await client.hGetAll(key.participant(id)));
    },
    async hotParticipant(id) {
      return hot.participantAsync(id, async () => fromFields<Participant>(await client.hGetAll(key.participant(id))));
    },
    async updateParticipant(id, patch) {
      // Only the patchable fields, so a stray property can never overwrite id or eventId.
      const fields = toFields(Object.fromEntries(PATCHABLE.map((f) => [f, patch[f]])));
      // [STORE36] The presence script patches and moves an online attendee's count in one step.
      const updated = fromFields<Participant>(await presence.patchParticipant(key.participant(id), fields));
      // After the write: a read made while it was on its way may have cached the old record.
      hot.dropParticipant(id);
      return updated;
    },
    async listParticipants(eventId) {
      const list = await readRecords<Participant>(await client.sMembers(key.eventParticipants(eventId)), key.participant);
      return list.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.id.localeCompare(b.id));
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
      return stored === null ? undefined : (JSON.parse(stored) as T);
    },
    durable: () => applied,

    async createPoll(poll) {
      const { order: _o, ...fields } = poll;
      const order = await client.createPoll(
        [key.poll(poll.id), key.eventPolls(poll.eventId), key.pollOrder(poll.eventId, poll.sessionId)],
        [poll.id, ...toFields(fields)],
      );
      if (Number(order) < 0) throw new RallyError(ErrorCode.CONFLICT, 'a poll with this id exists');
      return { ...poll, order: Number(order) };
    },
    async getPoll(id) {
      return toPoll(await client.hGetAll(key.poll(id)));
    },
    async hotPoll(id) {
      return hot.pollAsync(id, async () => toPoll(await client.hGetAll(key.poll(id))));
    },
    async listPolls(eventId) {
      return (await readPolls(await client.sMembers(key.eventPolls(eventId)))).sort(comparePolls);
    },
    async updatePollDraft(id, content) {
      const authored = Object.fromEntries(Object.entries(content).filter(([k]) => !POLL_META.includes(k)));
      const reply = await client.updateDraft([key.poll(id)], toFields(authored));
      if (reply === 'state') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft can be changed or deleted');
      return toPoll(reply);
    },
    async deletePoll(id) {
      // eventId never changes, so reading it before the script cannot race with anything.
      const eventId = await client.hGet(key.poll(id), 'eventId');
      if (!eventId) return false;
      const reply = await client.deleteDraft([key.poll(id), key.eventPolls(JSON.parse(eventId) as string)], [id]);
      if (reply === 'state') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft can be changed or deleted');
      return reply === 1;
    },
    async reorderPolls(eventId, sessionId, pollIds) {
      const ok = await client.reorderPolls([key.eventPolls(eventId), key.pollOrder(eventId, sessionId)], [p, JSON.stringify(sessionId), ...pollIds]);
      if (ok !== 1) return null;
      return readPolls(pollIds);
    },
    async transitionPoll(id, from, to, patch) {
      hot.dropPoll(id);
      const deadline = to === 'live' && patch.closesAt ? String(Date.parse(patch.closesAt)) : '';
      return toPoll(
        await client.transitionPoll([key.poll(id), key.deadlines], [p, JSON.stringify(from), JSON.stringify(to), id, deadline, ...toFields(patch)]),
      );
    },
    async setRevealed(id) {
      hot.dropPoll(id);
      return toPoll(await client.reveal([key.poll(id)], []));
    },
    castVote: castVotes,
    async getMyVotes(participantId, pollIds) {
      // One pipelined round trip: node-redis sends the commands of one tick together.
      const docs = await Promise.all(pollIds.map((id) => client.hGet(key.votes(id), participantId)));
      const out: Record<string, StoredVote> = {};
      pollIds.forEach((id, i) => {
        const doc = docs[i];
        if (doc) out[id] = JSON.parse(doc) as StoredVote;
      });
      return out;
    },
    async listVotes(pollId) {
      const docs = await client.hVals(key.votes(pollId));
      return docs.map((d) => JSON.parse(d) as StoredVote).sort(byTime((v) => v.participantId));
    },
    async getTally(pollId) {
      // MULTI: version, state and counters are read at one point in time.
      const [[version, state], counters] = (await client.multi().hmGet(key.poll(pollId), ['version', 'state']).hGetAll(key.tally(pollId)).exec()) as unknown as [
        [string | null, string | null],
        Record<string, string>,
      ];
      if (version === null || version === undefined || !state) return null;
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(counters ?? {})) if (Number(v) > 0) out[k] = Number(v);
      return { version: Number(version), state: JSON.parse(state) as PollState, counters: out };
    },
    async putFinalResults(pollId, results) {
      await client.putFinalResults([key.poll(pollId), key.finalResults(pollId)], [JSON.stringify(results)]);
    },
    async getFinalResults(pollId) {
      // MULTI: the results and the version they are shown with are read at one point in time.
      const [version, doc] = (await client.multi().hGet(key.poll(pollId), 'version').get(key.finalResults(pollId)).exec()) as unknown as [string | null, string | null];
      if (!doc || version === null || version === undefined) return null;
      return { results: JSON.parse(doc) as PollResults, version: Number(version) };
    },
    async livePollVersions(eventId) {
      const flat = (await client.livePollVersions([key.livePolls(eventId)], [p])) as string[];
      const out: { pollId: string; version: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ pollId: flat[i]!, version: Number(flat[i + 1]) });
      return out;
    },
    async duePolls(nowMs) {
      const ids = await client.zRangeByScore(key.deadlines, '-inf', nowMs);
      const polls = await readPolls(ids);
      return polls.filter((x) => x.state === 'live' && x.closesAt !== null && Date.parse(x.closesAt) <= nowMs);
    },
    async listAnswers(pollId) {
      const [docs, statuses] = await Promise.all([client.hGetAll(key.answers(pollId)), client.hGetAll(key.answerStatus(pollId))]);
      return Object.entries(docs)
        .map(([id, doc]) => ({ ...(JSON.parse(doc) as Omit<StoredAnswer, 'status'>), status: (statuses[id] ?? 'pending') as AnswerStatus }))
        .sort(byTime((a) => a.id));
    },
    async moderateAnswer(pollId, answerId, status) {
      const doc = await client.moderateAnswer([key.answers(pollId), key.answerStatus(pollId), key.poll(pollId)], [answerId, status]);
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
