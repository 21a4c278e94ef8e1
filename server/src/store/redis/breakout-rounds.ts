/*
 * [BSTORE1]–[BSTORE9] Breakout rounds, who is in which room, help requests and templates on Redis.
 *
 * Keys, under the adapter's prefix P:
 *   P brk-round:{id}          hash  `eventId`, `version`, `status`, `doc` (the round as JSON), `seq` (placement counter)
 *   P brk-rounds:{eventId}    list  round ids, oldest first
 *   P brk-running:{eventId}   string  the id of the event's open or closing round ([BSTORE7])
 *   P brk-due                 zset  round id -> due time in ms ([BSTORE8])
 *   P brk-asg:{roundId}       hash  participant id -> room id
 *   P brk-order:{roundId}     zset  participant id -> placement number (the rooms' member order)
 *   P brk-count:{roundId}     hash  room id -> people in it (kept by every script that places)
 *   P brk-out:{roundId}       set   participants a moderator moved out of every room ([BSTORE9])
 *   P brk-help:{id}           hash  `roundId`, `doc` (the request without takenBy), `takenBy` (JSON or '')
 *   P brk-helps:{roundId}     list  help ids, oldest first
 *   P brk-tpl:{id}            hash  `eventId`, `doc`
 *   P brk-tpls:{eventId}      list  template ids, oldest first
 *
 * Every change is one Lua script, so a placement's capacity check and its write cannot interleave
 * with another node's. Lua never decodes or re-encodes a document (cjson would damage empty arrays
 * and numbers): status and version live in their own fields.
 */
import type { RedisClientType } from 'redis';
import { ErrorCode, RallyError, type BreakoutRound, type BreakoutTemplate, type HelpRequest } from '@rally/shared';
import { roundDueAtMs, type BreakoutRoundStore, type PlaceKind, type PlaceOutcome } from '../breakout-store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

const LUA = {
  // KEYS: round, event's rounds. ARGV: id, eventId, version, status, doc.
  create: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'version', ARGV[3], 'status', ARGV[4], 'doc', ARGV[5], 'seq', '0')
    redis.call('RPUSH', KEYS[2], ARGV[1])
    return 1`,
  // KEYS: round, running, due. ARGV: id, expected version, next version, status, doc, due ms ('' none).
  replace: `
    if redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then return 0 end
    local running = ARGV[4] == 'open' or ARGV[4] == 'closing'
    local current = redis.call('GET', KEYS[2])
    if running and current and current ~= ARGV[1] then return 0 end
    redis.call('HSET', KEYS[1], 'version', ARGV[3], 'status', ARGV[4], 'doc', ARGV[5])
    if running then redis.call('SET', KEYS[2], ARGV[1]) elseif current == ARGV[1] then redis.call('DEL', KEYS[2]) end
    if ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1]) else redis.call('ZREM', KEYS[3], ARGV[1]) end
    return 1`,
  // KEYS: round, event's rounds, running, due, asg, order, count, helps, out. ARGV: id, prefix.
  remove: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    redis.call('LREM', KEYS[2], 0, ARGV[1])
    if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
    redis.call('ZREM', KEYS[4], ARGV[1])
    for _, h in ipairs(redis.call('LRANGE', KEYS[8], 0, -1)) do redis.call('DEL', ARGV[2] .. 'brk-help:' .. h) end
    redis.call('DEL', KEYS[1], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
    return 1`,
  // KEYS: running. ARGV: prefix. [BSTORE7] The event's running round's document in one round trip.
  running: `
    local id = redis.call('GET', KEYS[1])
    if not id then return false end
    return redis.call('HGET', ARGV[1] .. 'brk-round:' .. id, 'doc')`,
  // KEYS: round, asg, order, count, out. ARGV: participant/room pairs, in member order.
  setAll: `
    redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
    local n = 0
    for i = 1, #ARGV, 2 do
      n = n + 1
      redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
      redis.call('ZADD', KEYS[3], n, ARGV[i])
      redis.call('HINCRBY', KEYS[4], ARGV[i + 1], 1)
      redis.call('SREM', KEYS[5], ARGV[i])
    end
    redis.call('HSET', KEYS[1], 'seq', tostring(n))
    return n`,
  // KEYS: round, asg, order, count, out. ARGV: participant, room ('' none), capacity, kind ([BSTORE9]).
  // Returns {'ok', previous room or ''} or {reason}.
  place: `
    local status = redis.call('HGET', KEYS[1], 'status')
    if not status then return {'unknownRound'} end
    if status == 'closed' then return {'closed'} end
    if ARGV[4] == 'lateJoin' and redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1 then return {'excluded'} end
    local prev = redis.call('HGET', KEYS[2], ARGV[1]) or ''
    if ARGV[2] == '' then
      if prev ~= '' then
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('HINCRBY', KEYS[4], prev, -1)
      end
      if ARGV[4] == 'move' then redis.call('SADD', KEYS[5], ARGV[1]) end
      return {'ok', prev}
    end
    if prev == ARGV[2] then return {'ok', prev} end
    if tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return {'full'} end
    if prev ~= '' then redis.call('HINCRBY', KEYS[4], prev, -1) end
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
    redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[1], 'seq', 1), ARGV[1])
    redis.call('SREM', KEYS[5], ARGV[1])
    return {'ok', prev}`,
  // KEYS: asg, order. ARGV: a, b. Each takes the other's room and place in the member order.
  swap: `
    local ra = redis.call('HGET', KEYS[1], ARGV[1])
    local rb = redis.call('HGET', KEYS[1], ARGV[2])
    local sa = redis.call('ZSCORE', KEYS[2], ARGV[1])
    local sb = redis.call('ZSCORE', KEYS[2], ARGV[2])
    if rb then
      redis.call('HSET', KEYS[1], ARGV[1], rb)
      redis.call('ZADD', KEYS[2], sb, ARGV[1])
    else
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('ZREM', KEYS[2], ARGV[1])
    end
    if ra then
      redis.call('HSET', KEYS[1], ARGV[2], ra)
      redis.call('ZADD', KEYS[2], sa, ARGV[2])
    else
      redis.call('HDEL', KEYS[1], ARGV[2])
      redis.call('ZREM', KEYS[2], ARGV[2])
    end
    return 1`,
  // KEYS: help, round's helps. ARGV: id, roundId, doc.
  addHelp: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'roundId', ARGV[2], 'doc', ARGV[3], 'takenBy', '')
    redis.call('RPUSH', KEYS[2], ARGV[1])
    return 1`,
  // KEYS: help. ARGV: takenBy JSON. The first taker wins. Returns {doc, takenBy} or false.
  takeHelp: `
    local h = redis.call('HMGET', KEYS[1], 'doc', 'takenBy')
    if not h[1] then return false end
    if h[2] == '' then
      redis.call('HSET', KEYS[1], 'takenBy', ARGV[1])
      return {h[1], ARGV[1]}
    end
    return {h[1], h[2]}`,
  // KEYS: template. ARGV: id, eventId, doc, prefix.
  saveTemplate: `
    if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('RPUSH', ARGV[4] .. 'brk-tpls:' .. ARGV[2], ARGV[1]) end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'doc', ARGV[3])
    return 1`,
  // KEYS: template. ARGV: id, prefix.
  deleteTemplate: `
    local ev = redis.call('HGET', KEYS[1], 'eventId')
    if not ev then return 0 end
    redis.call('LREM', ARGV[2] .. 'brk-tpls:' .. ev, 0, ARGV[1])
    redis.call('DEL', KEYS[1])
    return 1`,
};

export function createRedisBreakoutRounds(client: AnyRedis, prefix: string): BreakoutRoundStore {
  const key = {
    round: (id: string) => `${prefix}brk-round:${id}`,
    rounds: (eventId: string) => `${prefix}brk-rounds:${eventId}`,
    running: (eventId: string) => `${prefix}brk-running:${eventId}`,
    due: `${prefix}brk-due`,
    asg: (roundId: string) => `${prefix}brk-asg:${roundId}`,
    order: (roundId: string) => `${prefix}brk-order:${roundId}`,
    count: (roundId: string) => `${prefix}brk-count:${roundId}`,
    out: (roundId: string) => `${prefix}brk-out:${roundId}`,
    help: (id: string) => `${prefix}brk-help:${id}`,
    helps: (roundId: string) => `${prefix}brk-helps:${roundId}`,
    tpl: (id: string) => `${prefix}brk-tpl:${id}`,
    tpls: (eventId: string) => `${prefix}brk-tpls:${eventId}`,
  };
  const run = luaRunner(client, LUA);
  const roundKeys = (id: string) => [key.round(id), key.asg(id), key.order(id), key.count(id), key.out(id)];

  const getRound = async (id: string): Promise<BreakoutRound | null> => {
    const doc = await client.hGet(key.round(id), 'doc');
    return doc ? (JSON.parse(String(doc)) as BreakoutRound) : null;
  };
  const readHelp = async (id: string): Promise<HelpRequest | null> => {
    const [doc, takenBy] = (await client.hmGet(key.help(id), ['doc', 'takenBy'])) as (string | null)[];
    return doc ? toHelp(String(doc), takenBy ? String(takenBy) : '') : null;
  };
  const toHelp = (doc: string, takenBy: string): HelpRequest => ({ ...(JSON.parse(doc) as HelpRequest), takenBy: takenBy ? JSON.parse(takenBy) : null });
  const readTemplate = async (id: string): Promise<BreakoutTemplate | null> => {
    const doc = await client.hGet(key.tpl(id), 'doc');
    return doc ? (JSON.parse(String(doc)) as BreakoutTemplate) : null;
  };
  const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

  return {
    async createRound(round) {
      const ok = Number(await run('create', [key.round(round.id), key.rounds(round.eventId)], [round.id, round.eventId, String(round.version), round.status, JSON.stringify(round)]));
      if (!ok) throw new RallyError(ErrorCode.CONFLICT, 'a breakout round with this id exists');
    },
    getRound,
    async roundState(id) {
      const [eventId, status] = (await client.hmGet(key.round(id), ['eventId', 'status'])) as (string | null)[];
      return eventId && status ? { eventId: String(eventId), status: String(status) as BreakoutRound['status'] } : null;
    },
    async listRounds(eventId) {
      const ids = (await client.lRange(key.rounds(eventId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => getRound(String(id)))));
    },
    async runningRound(eventId) {
      const doc = await run('running', [key.running(eventId)], [prefix]);
      return doc ? (JSON.parse(String(doc)) as BreakoutRound) : null;
    },
    async replaceRound(next) {
      const due = roundDueAtMs(next);
      const ok = await run('replace', [key.round(next.id), key.running(next.eventId), key.due], [next.id, String(next.version - 1), String(next.version), next.status, JSON.stringify(next), due === null ? '' : String(due)]);
      return Number(ok) === 1;
    },
    async deleteRound(id) {
      const eventId = await client.hGet(key.round(id), 'eventId');
      if (!eventId) return false;
      const ev = String(eventId);
      const keys = [key.round(id), key.rounds(ev), key.running(ev), key.due, key.asg(id), key.order(id), key.count(id), key.helps(id), key.out(id)];
      return Number(await run('remove', keys, [id, prefix])) === 1;
    },
    async dueRounds(nowMs, limit) {
      return ((await client.zRangeByScore(key.due, '-inf', nowMs, { LIMIT: { offset: 0, count: limit } })) as string[]).map(String);
    },
    async setAssignments(roundId, assignments) {
      const args: string[] = [];
      for (const [p, room] of assignments) args.push(p, room);
      await run('setAll', roundKeys(roundId), args);
    },
    async place(roundId, participantId, roomId, capacity, kind: PlaceKind = 'move'): Promise<PlaceOutcome> {
      const [outcome, prev] = (await run('place', roundKeys(roundId), [participantId, roomId ?? '', String(capacity), kind])) as string[];
      if (outcome === 'ok') return { ok: true, previousRoomId: prev ? String(prev) : null };
      return { ok: false, reason: outcome as 'full' | 'unknownRound' | 'closed' | 'excluded' };
    },
    async swap(roundId, a, b) {
      await run('swap', [key.asg(roundId), key.order(roundId)], [a, b]);
    },
    async roomOf(roundId, participantId) {
      const room = await client.hGet(key.asg(roundId), participantId);
      return room ? String(room) : null;
    },
    async listAssignments(roundId) {
      const [asg, order] = await Promise.all([client.hGetAll(key.asg(roundId)) as Promise<Record<string, string>>, client.zRange(key.order(roundId), 0, -1) as Promise<string[]>]);
      const out = new Map<string, string>();
      for (const p of order) if (asg[String(p)]) out.set(String(p), String(asg[String(p)]));
      return out;
    },
    async addHelp(req) {
      const { takenBy: _t, ...doc } = req;
      const ok = Number(await run('addHelp', [key.help(req.id), key.helps(req.roundId)], [req.id, req.roundId, JSON.stringify({ ...doc, takenBy: null })]));
      if (!ok) throw new RallyError(ErrorCode.CONFLICT, 'a help request with this id exists');
    },
    async takeHelp(helpId, takenBy) {
      const reply = (await run('takeHelp', [key.help(helpId)], [JSON.stringify(takenBy)])) as string[] | null;
      return reply ? toHelp(String(reply[0]), String(reply[1])) : null;
    },
    getHelp: readHelp,
    async listHelp(roundId) {
      const ids = (await client.lRange(key.helps(roundId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => readHelp(String(id)))));
    },
    async saveTemplate(t) {
      await run('saveTemplate', [key.tpl(t.id)], [t.id, t.eventId, JSON.stringify(t), prefix]);
    },
    getTemplate: readTemplate,
    async listTemplates(eventId) {
      const ids = (await client.lRange(key.tpls(eventId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => readTemplate(String(id)))));
    },
    async deleteTemplate(id) {
      return Number(await run('deleteTemplate', [key.tpl(id)], [id, prefix])) === 1;
    },
  };
}
