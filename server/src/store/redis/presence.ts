/*
 * Presence in Redis (node-redis v5).
 *
 * Keys, under the adapter's prefix P, with T = P{eventId}: (the event's hash tag, store/redis/keyspace.ts):
 *   T sockets:{eventId}:{participantId}    hash  socketId -> nodeId of each open socket
 *   T online:{eventId}                     set   participant ids with at least one open socket
 *   T online-room:{eventId}                set   of those, the attendees in room mode
 *   T online-remote:{eventId}              set   of those, the attendees in remote mode
 *   T online-placed:{eventId}              hash  of those attendees, id -> "<cohort> <team as JSON>" they are counted under
 *   T online-teams:{eventId}               hash  "<cohort> <team as JSON>" -> how many (fields at 0 are deleted)
 *   P node:{nodeId}                        set   JSON [eventId, participantId, socketId] the node registered
 *
 * [STORE36] The counts are the cardinalities of the two cohort sets (SCARD, O(1)). Every script
 * that changes who is online, or a participant's mode, keeps them in step in the same script, reading
 * role and mode from the participant hash there, so no interleaving of nodes can make them drift.
 * The rule "attendees by mode, nobody else" ([PRES3], presenceCohort in store.ts) is mirrored here.
 * [STORE37] The same scripts keep the per-team counts: `place` first takes the participant out of
 * whatever it counted them under (online-placed says where), then counts them under their stored
 * cohort and team. Reading them is one HGETALL of a hash with one field per (cohort, team).
 * Attendees already online when this was deployed are counted per team from their next
 * (re)connection; a rolling restart clears each node's sockets, so their clients reconnect.
 * [CLU21] Every key is passed in KEYS and carries the event's hash tag (store/redis/keyspace.ts),
 * except the store-wide node set, which is updated by its own command next to the script.
 */
import type { CohortCounts } from '@rally/shared';
import type { PresenceChange, Store, TeamCohortCounts } from '../store.js';
import { luaRunner } from './lua.js';
import { eventTag, type AnyRedis } from './keyspace.js';


// Shared Lua: place participant `id` in the cohort set (and the team count) its stored record
// says. c = {room, remote, placed, teams} keys of the event; f = HMGET participant eventId role
// mode team (JSON-encoded values); evJson '' takes them out of every cohort.
const COHORT_LUA = `
  local function place(c, evJson, id, f)
    redis.call('SREM', c.room, id)
    redis.call('SREM', c.remote, id)
    local was = redis.call('HGET', c.placed, id)
    if was then
      redis.call('HDEL', c.placed, id)
      if redis.call('HINCRBY', c.teams, was, -1) <= 0 then redis.call('HDEL', c.teams, was) end
    end
    if f[1] ~= evJson or f[2] ~= '"attendee"' then return end
    local cohort = 'remote'
    if f[3] == '"room"' then cohort = 'room' end
    if cohort == 'room' then redis.call('SADD', c.room, id) else redis.call('SADD', c.remote, id) end
    local at = cohort .. ' ' .. (f[4] or 'null')
    redis.call('HSET', c.placed, id, at)
    redis.call('HINCRBY', c.teams, at, 1)
  end
  local function cohorts(from) return { room = KEYS[from], remote = KEYS[from + 1], placed = KEYS[from + 2], teams = KEYS[from + 3] } end
  local function counts(c) return { redis.call('SCARD', c.room), redis.call('SCARD', c.remote) } end
`;

const LUA = {
  // KEYS: sockets, online, participant, then room, remote, placed, teams. ARGV: eventId as JSON, participantId, socketId, nodeId.
  add: `${COHORT_LUA}
    local c = cohorts(4)
    local first = redis.call('HLEN', KEYS[1]) == 0
    redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
    if first then
      redis.call('SADD', KEYS[2], ARGV[2])
      place(c, ARGV[1], ARGV[2], redis.call('HMGET', KEYS[3], 'eventId', 'role', 'mode', 'team'))
    end
    local n = counts(c)
    return { first and 1 or 0, n[1], n[2] }`,
  // KEYS: sockets, online, then room, remote, placed, teams. ARGV: participantId, socketId.
  // Returns {last, room, remote, the node the socket was on or ''}: the caller updates that node's set.
  remove: `${COHORT_LUA}
    local c = cohorts(3)
    local node = redis.call('HGET', KEYS[1], ARGV[2])
    local last = 0
    if node then
      redis.call('HDEL', KEYS[1], ARGV[2])
      if redis.call('HLEN', KEYS[1]) == 0 then
        last = 1
        redis.call('SREM', KEYS[2], ARGV[1])
        place(c, '', ARGV[1], {})
      end
    end
    local n = counts(c)
    return { last, n[1], n[2], node or '' }`,
  // One event's sockets a node registered. KEYS: online, room, remote, placed, teams, then one
  // sockets key per socket. ARGV: nodeId, then (participantId, socketId) per socket, in KEYS order.
  // A socket re-registered by another node since is left alone.
  clearSockets: `${COHORT_LUA}
    local c = { room = KEYS[2], remote = KEYS[3], placed = KEYS[4], teams = KEYS[5] }
    for i = 6, #KEYS do
      local pid, sid = ARGV[2 * (i - 5)], ARGV[2 * (i - 5) + 1]
      if redis.call('HGET', KEYS[i], sid) == ARGV[1] then
        redis.call('HDEL', KEYS[i], sid)
        if redis.call('HLEN', KEYS[i]) == 0 then
          redis.call('SREM', KEYS[1], pid)
          place(c, '', pid, {})
        end
      end
    end
    return 1`,
  // Patches an existing participant (never creates one) and, if they are online, re-places them
  // in the cohort sets. KEYS: participant, online, then room, remote, placed, teams. ARGV: field/value pairs.
  patchParticipant: `${COHORT_LUA}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
    local f = redis.call('HMGET', KEYS[1], 'eventId', 'role', 'mode', 'team', 'id')
    if redis.call('SISMEMBER', KEYS[2], cjson.decode(f[5])) == 1 then place(cohorts(3), f[1], cjson.decode(f[5]), f) end
    return redis.call('HGETALL', KEYS[1])`,
};

type PresenceMethods = Pick<Store, 'presenceAdd' | 'presenceRemove' | 'presenceOnline' | 'presenceCounts' | 'presenceTeamCounts' | 'presenceIsOnline' | 'presenceClearNode'>;

export interface RedisPresence extends PresenceMethods {
  /** updateParticipant's write: the patch and the cohort move in one script. Returns the HGETALL reply, or null when unknown. */
  patchParticipant(eventId: string, participantId: string, fields: string[]): Promise<unknown>;
}

const toChange = (reply: unknown): PresenceChange => {
  const [flag, room, remote] = reply as [number, number, number];
  return { changed: Number(flag) === 1, counts: { room: Number(room), remote: Number(remote) } };
};

export function createRedisPresence(client: AnyRedis, p: string, participantKey: (eventId: string, id: string) => string): RedisPresence {
  const ev = (eventId: string) => eventTag(p, eventId);
  const key = {
    sockets: (eventId: string, participantId: string) => `${ev(eventId)}sockets:${eventId}:${participantId}`,
    online: (eventId: string) => `${ev(eventId)}online:${eventId}`,
    room: (eventId: string) => `${ev(eventId)}online-room:${eventId}`,
    remote: (eventId: string) => `${ev(eventId)}online-remote:${eventId}`,
    placed: (eventId: string) => `${ev(eventId)}online-placed:${eventId}`,
    teams: (eventId: string) => `${ev(eventId)}online-teams:${eventId}`,
    // Store-wide: one node's sockets span events ([CLU23]).
    node: (nodeId: string) => `${p}node:${nodeId}`,
  };
  const cohortKeys = (eventId: string) => [key.room(eventId), key.remote(eventId), key.placed(eventId), key.teams(eventId)];
  const run = luaRunner(client, LUA);
  const member = (eventId: string, participantId: string, socketId: string) => JSON.stringify([eventId, participantId, socketId]);

  return {
    async presenceAdd(eventId, participantId, socketId, nodeId) {
      // The node's set is written first (sent in the same tick, so no extra round trip): a node dying
      // in between leaves a member clearNode skips, never a socket it cannot find.
      const keys = [key.sockets(eventId, participantId), key.online(eventId), participantKey(eventId, participantId), ...cohortKeys(eventId)];
      const [, reply] = await Promise.all([client.sAdd(key.node(nodeId), member(eventId, participantId, socketId)), run('add', keys, [JSON.stringify(eventId), participantId, socketId, nodeId])]);
      return toChange(reply);
    },
    async presenceRemove(eventId, participantId, socketId) {
      const keys = [key.sockets(eventId, participantId), key.online(eventId), ...cohortKeys(eventId)];
      const reply = (await run('remove', keys, [participantId, socketId])) as unknown[];
      const node = String(reply[3] ?? '');
      if (node !== '') await client.sRem(key.node(node), member(eventId, participantId, socketId));
      return toChange(reply);
    },
    async presenceOnline(eventId) {
      return [...(await client.sMembers(key.online(eventId)))].map(String);
    },
    async presenceCounts(eventId): Promise<CohortCounts> {
      // One MULTI: between two separate reads a mode change could move someone from one set to
      // the other, and they would be counted twice or not at all.
      const [room, remote] = (await client.multi().sCard(key.room(eventId)).sCard(key.remote(eventId)).exec()) as unknown as [number, number];
      return { room: Number(room), remote: Number(remote) };
    },
    async presenceTeamCounts(eventId) {
      const fields = (await client.hGetAll(key.teams(eventId))) as Record<string, string>;
      const byTeam = new Map<string | null, TeamCohortCounts>();
      for (const [at, n] of Object.entries(fields)) {
        const space = at.indexOf(' ');
        const cohort = at.slice(0, space) as 'room' | 'remote';
        const team = JSON.parse(at.slice(space + 1)) as string | null;
        const t = byTeam.get(team) ?? { team, room: 0, remote: 0 };
        t[cohort] += Number(n);
        byTeam.set(team, t);
      }
      return [...byTeam.values()].filter((t) => t.room > 0 || t.remote > 0);
    },
    async presenceIsOnline(eventId, participantId) {
      return Number(await client.sIsMember(key.online(eventId), participantId)) === 1;
    },
    async presenceClearNode(nodeId) {
      // One script per event (one slot each); the members done are removed, not the whole set.
      const members = [...(await client.sMembers(key.node(nodeId)))].map(String);
      const byEvent = new Map<string, [string, string][]>();
      for (const m of members) {
        const [eventId, participantId, socketId] = JSON.parse(m) as [string, string, string];
        byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), [participantId, socketId]]);
      }
      for (const [eventId, sockets] of byEvent) {
        const keys = [key.online(eventId), ...cohortKeys(eventId), ...sockets.map(([pid]) => key.sockets(eventId, pid))];
        await run('clearSockets', keys, [nodeId, ...sockets.flat()]);
      }
      if (members.length > 0) await client.sRem(key.node(nodeId), members);
    },
    async patchParticipant(eventId, participantId, fields) {
      return run('patchParticipant', [participantKey(eventId, participantId), key.online(eventId), ...cohortKeys(eventId)], fields);
    },
  };
}
