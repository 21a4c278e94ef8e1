/*
 * Presence in Redis (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P sockets:{eventId}:{participantId}    hash  socketId -> nodeId of each open socket
 *   P online:{eventId}                     set   participant ids with at least one open socket
 *   P online-room:{eventId}                set   of those, the attendees in room mode
 *   P online-remote:{eventId}              set   of those, the attendees in remote mode
 *   P online-placed:{eventId}              hash  of those attendees, id -> "<cohort> <team as JSON>" they are counted under
 *   P online-teams:{eventId}               hash  "<cohort> <team as JSON>" -> how many (fields at 0 are deleted)
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
 * Key names are rebuilt from the prefix inside Lua, fine on one Redis but not on Redis Cluster.
 */
import type { RedisClientType } from 'redis';
import type { CohortCounts } from '@rally/shared';
import type { PresenceChange, Store, TeamCohortCounts } from '../store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

// Shared Lua: place participant ARGV id of event ev in the cohort set (and the team count) its
// stored record says. f = HMGET participant eventId role mode team (JSON-encoded values).
const COHORT_LUA = `
  local function cohortKeys(p, ev) return p .. 'online-room:' .. ev, p .. 'online-remote:' .. ev end
  local function place(p, ev, evJson, id, f)
    local room, remote = cohortKeys(p, ev)
    local placed, teams = p .. 'online-placed:' .. ev, p .. 'online-teams:' .. ev
    redis.call('SREM', room, id)
    redis.call('SREM', remote, id)
    local was = redis.call('HGET', placed, id)
    if was then
      redis.call('HDEL', placed, id)
      if redis.call('HINCRBY', teams, was, -1) <= 0 then redis.call('HDEL', teams, was) end
    end
    if f[1] ~= evJson or f[2] ~= '"attendee"' then return end
    local cohort = 'remote'
    if f[3] == '"room"' then cohort = 'room' end
    if cohort == 'room' then redis.call('SADD', room, id) else redis.call('SADD', remote, id) end
    local at = cohort .. ' ' .. (f[4] or 'null')
    redis.call('HSET', placed, id, at)
    redis.call('HINCRBY', teams, at, 1)
  end
  local function counts(p, ev)
    local room, remote = cohortKeys(p, ev)
    return { redis.call('SCARD', room), redis.call('SCARD', remote) }
  end
`;

const LUA = {
  // [PERF22] The presence changes of one turn, in order, as one script: ARGV prefix, then per change
  // 'a' eventId eventIdAsJson participantId socketId nodeId nodeMember participantKey (a socket
  // opened) or 'r' eventId participantId socketId nodeMember (closed). One reply per change:
  // { changed, room, remote }, as each alone would have given.
  batch: `${COHORT_LUA}
    local P = ARGV[1]
    local out = {}
    local i = 2
    while i <= #ARGV do
      local ev = ARGV[i + 1]
      if ARGV[i] == 'a' then
        local id, sid, node, member, pk = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
        local sockets = P .. 'sockets:' .. ev .. ':' .. id
        local first = redis.call('HLEN', sockets) == 0
        redis.call('HSET', sockets, sid, node)
        redis.call('SADD', P .. 'node:' .. node, member)
        if first then
          redis.call('SADD', P .. 'online:' .. ev, id)
          place(P, ev, ARGV[i + 2], id, redis.call('HMGET', pk, 'eventId', 'role', 'mode', 'team'))
        end
        local c = counts(P, ev)
        out[#out + 1] = { first and 1 or 0, c[1], c[2] }
        i = i + 8
      else
        local id, sid, member = ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
        local sockets = P .. 'sockets:' .. ev .. ':' .. id
        local node = redis.call('HGET', sockets, sid)
        local last = 0
        if node then
          redis.call('HDEL', sockets, sid)
          redis.call('SREM', P .. 'node:' .. node, member)
          if redis.call('HLEN', sockets) == 0 then
            last = 1
            redis.call('SREM', P .. 'online:' .. ev, id)
            place(P, ev, '', id, {})
          end
        end
        local c = counts(P, ev)
        out[#out + 1] = { last, c[1], c[2] }
        i = i + 5
      end
    end
    return out`,
  // KEYS: node. ARGV: prefix, nodeId. A socket re-registered by another node since is left alone.
  clearNode: `${COHORT_LUA}
    for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
      local e = cjson.decode(m)
      local sockets = ARGV[1] .. 'sockets:' .. e[1] .. ':' .. e[2]
      if redis.call('HGET', sockets, e[3]) == ARGV[2] then
        redis.call('HDEL', sockets, e[3])
        if redis.call('HLEN', sockets) == 0 then
          redis.call('SREM', ARGV[1] .. 'online:' .. e[1], e[2])
          place(ARGV[1], e[1], '', e[2], {})
        end
      end
    end
    redis.call('DEL', KEYS[1])
    return 1`,
  // Patches an existing participant (never creates one) and, if they are online, re-places them
  // in the cohort sets. KEYS: participant. ARGV: prefix, then field/value pairs.
  patchParticipant: `${COHORT_LUA}
    if redis.call('EXISTS', KEYS[1]) == 0 then return false end
    if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
    local f = redis.call('HMGET', KEYS[1], 'eventId', 'role', 'mode', 'team', 'id')
    local ev, id = cjson.decode(f[1]), cjson.decode(f[5])
    if redis.call('SISMEMBER', ARGV[1] .. 'online:' .. ev, id) == 1 then place(ARGV[1], ev, f[1], id, f) end
    return redis.call('HGETALL', KEYS[1])`,
};

type PresenceMethods = Pick<Store, 'presenceAdd' | 'presenceRemove' | 'presenceOnline' | 'presenceCounts' | 'presenceTeamCounts' | 'presenceIsOnline' | 'presenceClearNode'>;

export interface RedisPresence extends PresenceMethods {
  /** updateParticipant's write: the patch and the cohort move in one script. Returns the HGETALL reply, or null when unknown. */
  patchParticipant(participantKey: string, fields: string[]): Promise<unknown>;
}

/** Presence changes per script call: a few milliseconds of Redis at most. */
const BATCH_MAX = 500;

const toChange = (reply: unknown): PresenceChange => {
  const [flag, room, remote] = reply as [number, number, number];
  return { changed: Number(flag) === 1, counts: { room: Number(room), remote: Number(remote) } };
};

export function createRedisPresence(client: AnyRedis, p: string, participantKey: (id: string) => string): RedisPresence {
  const key = {
    sockets: (eventId: string, participantId: string) => `${p}sockets:${eventId}:${participantId}`,
    online: (eventId: string) => `${p}online:${eventId}`,
    room: (eventId: string) => `${p}online-room:${eventId}`,
    remote: (eventId: string) => `${p}online-remote:${eventId}`,
    node: (nodeId: string) => `${p}node:${nodeId}`,
    teams: (eventId: string) => `${p}online-teams:${eventId}`,
  };
  const run = luaRunner(client, LUA);
  const member = (eventId: string, participantId: string, socketId: string) => JSON.stringify([eventId, participantId, socketId]);

  // [PERF22] Changes wait for the end of the turn and go as one script call (at most BATCH_MAX
  // each): a reconnect storm's thousands of opens and closes cost a few calls, not one each.
  let pending: { args: string[]; resolve: (c: PresenceChange) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const ops = pending;
    pending = [];
    if (ops.length === 0) return;
    run('batch', [], [p, ...ops.flatMap((o) => o.args)]).then(
      (replies) => ops.forEach((o, i) => o.resolve(toChange((replies as unknown[])[i]))),
      (e: unknown) => ops.forEach((o) => o.reject(e)),
    );
  };
  const change = (args: string[]) =>
    new Promise<PresenceChange>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ args, resolve, reject });
      if (pending.length >= BATCH_MAX) flush();
    });

  return {
    presenceAdd(eventId, participantId, socketId, nodeId) {
      return change(['a', eventId, JSON.stringify(eventId), participantId, socketId, nodeId, member(eventId, participantId, socketId), participantKey(participantId)]);
    },
    presenceRemove(eventId, participantId, socketId) {
      return change(['r', eventId, participantId, socketId, member(eventId, participantId, socketId)]);
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
      await run('clearNode', [key.node(nodeId)], [p, nodeId]);
    },
    async patchParticipant(pk, fields) {
      return run('patchParticipant', [pk], [p, ...fields]);
    },
  };
}
