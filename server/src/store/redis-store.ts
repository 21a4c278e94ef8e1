/*
 * Redis adapter of the Store port (node-redis v5).
 *
 * Key layout, all under a prefix P (default 'rally:'):
 *   P event:{id}                           hash  one field per EventRecord property, value JSON-encoded
 *   P code:{joinCode}                      string  the event id owning that join code
 *   P events                               set   every event id (listEvents)
 *   P participant:{id}                     hash  one field per Participant property, value JSON-encoded
 *   P event-participants:{eventId}         set   participant ids of that event (listParticipants)
 *   P sockets:{eventId}:{participantId}    hash  socketId -> nodeId of each open socket
 *   P online:{eventId}                     set   participant ids with at least one open socket
 *   P node:{nodeId}                        set   JSON [eventId, participantId, socketId] the node registered
 *   P cmd:{key}                            string  JSON command result, with a TTL
 *
 * Records are hashes of JSON-encoded fields rather than one JSON blob so a Lua script can patch a
 * field with HSET and never decode JSON: Redis's cjson turns empty arrays into objects on a
 * round trip, which would corrupt `teams: []`. keyGeneration is a JSON number, so HINCRBY works.
 *
 * Every state change is one command or one Lua script, so it is atomic across nodes. Two scripts
 * (presenceRemove, presenceClearNode) derive keys from the prefix inside Lua, which is fine on a
 * single Redis (or a replicated primary) but not on Redis Cluster.
 */
import { createClient, defineScript, type CommandParser } from 'redis';
import { ErrorCode, RallyError, type Participant } from '@rally/shared';
import type { EventRecord, ParticipantPatch, Store } from './store.js';

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
  // KEYS: sockets, online, node. ARGV: participantId, socketId, nodeId, node member.
  presenceAdd: script(
    3,
    `local first = redis.call('HLEN', KEYS[1]) == 0
     redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
     redis.call('SADD', KEYS[3], ARGV[4])
     if first then redis.call('SADD', KEYS[2], ARGV[1]) return 1 end
     return 0`,
  ),
  // KEYS: sockets, online. ARGV: participantId, socketId, node member, prefix.
  presenceRemove: script(
    2,
    `local node = redis.call('HGET', KEYS[1], ARGV[2])
     if not node then return 0 end
     redis.call('HDEL', KEYS[1], ARGV[2])
     redis.call('SREM', ARGV[4] .. 'node:' .. node, ARGV[3])
     if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
     redis.call('SREM', KEYS[2], ARGV[1])
     return 1`,
  ),
  // KEYS: node. ARGV: nodeId, prefix. A socket re-registered by another node since is left alone.
  presenceClearNode: script(
    1,
    `for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
       local e = cjson.decode(m)
       local sockets = ARGV[2] .. 'sockets:' .. e[1] .. ':' .. e[2]
       if redis.call('HGET', sockets, e[3]) == ARGV[1] then
         redis.call('HDEL', sockets, e[3])
         if redis.call('HLEN', sockets) == 0 then redis.call('SREM', ARGV[2] .. 'online:' .. e[1], e[2]) end
       end
     end
     redis.call('DEL', KEYS[1])
     return 1`,
  ),
  // First writer wins: SET NX EX, and whoever lost reads the winner's value in the same step.
  // KEYS: cmd. ARGV: JSON, ttl seconds.
  remember: script(
    1,
    `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return ARGV[1] end
     return redis.call('GET', KEYS[1])`,
  ),
};

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

export async function createRedisStore(url: string, opts: { keyPrefix?: string } = {}): Promise<Store> {
  const p = opts.keyPrefix ?? 'rally:';
  const key = {
    event: (id: string) => `${p}event:${id}`,
    code: (code: string) => `${p}code:${code}`,
    events: `${p}events`,
    participant: (id: string) => `${p}participant:${id}`,
    eventParticipants: (eventId: string) => `${p}event-participants:${eventId}`,
    // The two below are mirrored inside the presence Lua scripts; change both together.
    sockets: (eventId: string, participantId: string) => `${p}sockets:${eventId}:${participantId}`,
    online: (eventId: string) => `${p}online:${eventId}`,
    node: (nodeId: string) => `${p}node:${nodeId}`,
    cmd: (k: string) => `${p}cmd:${k}`,
  };

  const client = createClient({ url, scripts });
  // node-redis reconnects on its own; without a listener an 'error' event would crash the process.
  // Failures still reach callers as rejected commands (and /readyz through ping).
  client.on('error', () => {});
  await client.connect();

  const readRecords = async <T>(ids: string[], keyOf: (id: string) => string): Promise<T[]> => {
    const replies = await Promise.all(ids.map((id) => client.hGetAll(keyOf(id))));
    return replies.map((r) => fromFields<T>(r)).filter((r): r is T & {} => r !== null);
  };

  return {
    kind: 'redis',

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
    async updateParticipant(id, patch) {
      // Only the patchable fields, so a stray property can never overwrite id or eventId.
      const fields = toFields(Object.fromEntries(PATCHABLE.map((f) => [f, patch[f]])));
      return fromFields<Participant>(await client.patchRecord([key.participant(id)], fields));
    },
    async listParticipants(eventId) {
      const list = await readRecords<Participant>(await client.sMembers(key.eventParticipants(eventId)), key.participant);
      return list.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.id.localeCompare(b.id));
    },

    async presenceAdd(eventId, participantId, socketId, nodeId) {
      const first = await client.presenceAdd(
        [key.sockets(eventId, participantId), key.online(eventId), key.node(nodeId)],
        [participantId, socketId, nodeId, JSON.stringify([eventId, participantId, socketId])],
      );
      return { changed: first === 1 };
    },
    async presenceRemove(eventId, participantId, socketId) {
      const last = await client.presenceRemove(
        [key.sockets(eventId, participantId), key.online(eventId)],
        [participantId, socketId, JSON.stringify([eventId, participantId, socketId]), p],
      );
      return { changed: last === 1 };
    },
    async presenceOnline(eventId) {
      return client.sMembers(key.online(eventId));
    },
    async presenceClearNode(nodeId) {
      await client.presenceClearNode([key.node(nodeId)], [nodeId, p]);
    },

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

    async ping() {
      await client.ping();
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
