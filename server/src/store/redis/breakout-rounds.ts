/*
 * [BSTORE1]–[BSTORE9] Breakout rounds, who is in which room, help requests and templates on Redis.
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T brk-round:{id}          hash  `eventId`, `version`, `status`, `doc` (the round as JSON), `seq` (placement counter:
 *                                   the last member-order number given, and [BSTORE11] the round's placement number,
 *                                   raised by every script that changes an assignment, read by those that read them)
 *   T brk-rounds:{eventId}    list  round ids, oldest first
 *   T brk-running:{eventId}   string  the id of the event's open or closing round ([BSTORE7])
 *   P brk-due                 zset  round id -> due time in ms ([BSTORE8]), store-wide
 *   T brk-asg:{roundId}       hash  participant id -> room id
 *   T brk-order:{roundId}     zset  participant id -> placement number (the rooms' member order)
 *   T brk-count:{roundId}     hash  room id -> people in it (kept by every script that places)
 *   T brk-out:{roundId}       set   participants a moderator moved out of every room ([BSTORE9])
 *   T brk-byroom:{roundId}    zset  [BRK63] the rooms' members, all at score 0, as `room:seq:participant`
 *                                   (seq zero-padded to 15 digits: lexical order is the member order),
 *                                   so one room's members are one ZRANGEBYLEX; built by the first
 *                                   roomMembers read after an assignment and kept exactly by every
 *                                   placing script while it exists (see BYROOM below)
 *   T brk-help:{id}           hash  `roundId`, `doc` (the request without takenBy), `takenBy` (JSON or '')
 *   T brk-helps:{roundId}     list  help ids, oldest first
 *   T brk-tpl:{id}            hash  `eventId`, `doc`
 *   T brk-tpls:{eventId}      list  template ids, oldest first
 *
 * Every change is one Lua script, so a placement's capacity check and its write cannot interleave
 * with another node's. Lua never decodes or re-encodes a document (cjson would damage empty arrays
 * and numbers): status and version live in their own fields. [CLU23] brk-due is store-wide: it is
 * written by its own command next to the script (a due time added, never raised, before; set
 * exactly or removed after), so a node dying in between leaves an early entry, never a lost one.
 */
import { ErrorCode, RallyError, type BreakoutRound, type BreakoutTemplate, type HelpRequest } from '@rally/shared';
import { numbered, roundDueAtMs, type BreakoutRoundStore, type PlaceKind, type PlaceOutcome } from '../breakout-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


/*
 * [BRK63] brk-byroom is an index built on demand: setAll drops it, roomMembers builds it from
 * brk-asg and brk-order when absent, and place and swap keep it exactly while it exists. So it is
 * exact whenever it exists, data written before it existed (or migrated, [CLU20]) needs nothing,
 * and an assignment's script stays O(people), not twice that. Room ids are letters, digits, _ and -
 * (shared Id), so `room:` never prefixes another room's entries.
 */
const BYROOM = `
  local function entry(room, seq, p) return room .. ':' .. string.format('%015d', tonumber(seq)) .. ':' .. p end`;
/** [BSTORE11] The round's placement number (KEYS[n]: the round's hash), as a Lua expression. */
const PSEQ = (n: number) => `tonumber(redis.call('HGET', KEYS[${n}], 'seq') or '0')`;

const LUA = {
  // KEYS: round, event's rounds. ARGV: id, eventId, version, status, doc.
  create: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'version', ARGV[3], 'status', ARGV[4], 'doc', ARGV[5], 'seq', '0')
    redis.call('RPUSH', KEYS[2], ARGV[1])
    return 1`,
  // KEYS: round, running. ARGV: id, expected version, next version, status, doc.
  replace: `
    if redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then return 0 end
    local running = ARGV[4] == 'open' or ARGV[4] == 'closing'
    local current = redis.call('GET', KEYS[2])
    if running and current and current ~= ARGV[1] then return 0 end
    redis.call('HSET', KEYS[1], 'version', ARGV[3], 'status', ARGV[4], 'doc', ARGV[5])
    if running then redis.call('SET', KEYS[2], ARGV[1]) elseif current == ARGV[1] then redis.call('DEL', KEYS[2]) end
    return 1`,
  // KEYS: round, event's rounds, running, asg, order, count, helps, out, byroom, then the key of each help
  // request read from helps. ARGV: id, then those help ids. Returns -1, changing nothing, when the
  // list of help requests is not that one any more (the caller reads it again).
  remove: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    local helps = redis.call('LRANGE', KEYS[7], 0, -1)
    if #helps ~= #ARGV - 1 then return -1 end
    for i, h in ipairs(helps) do if h ~= ARGV[i + 1] then return -1 end end
    redis.call('LREM', KEYS[2], 0, ARGV[1])
    if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
    for i = 10, #KEYS do redis.call('DEL', KEYS[i]) end
    redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
    return 1`,
  // KEYS: round, asg, order, count, out, byroom. ARGV: participant/room pairs, in member order.
  // [BSTORE11] The member order goes on from the counter, so it only ever grows (and grows when nobody is placed).
  setAll: `
    redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[6])
    local base = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
    local n = 0
    for i = 1, #ARGV, 2 do
      n = n + 1
      redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
      redis.call('ZADD', KEYS[3], base + n, ARGV[i])
      redis.call('HINCRBY', KEYS[4], ARGV[i + 1], 1)
      redis.call('SREM', KEYS[5], ARGV[i])
    end
    redis.call('HSET', KEYS[1], 'seq', tostring(base + math.max(n, 1)))
    return n`,
  // KEYS: round, asg, order, count, out, byroom. ARGV: participant, room ('' none), capacity, kind ([BSTORE9]).
  // Returns {'ok', previous room or ''} or {reason}.
  place: BYROOM + `
    local indexed = redis.call('EXISTS', KEYS[6]) == 1
    local status = redis.call('HGET', KEYS[1], 'status')
    if not status then return {'unknownRound'} end
    if status == 'closed' then return {'closed'} end
    if ARGV[4] == 'lateJoin' and redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1 then return {'excluded'} end
    local prev = redis.call('HGET', KEYS[2], ARGV[1]) or ''
    if ARGV[2] == '' then
      if prev ~= '' then
        if indexed then redis.call('ZREM', KEYS[6], entry(prev, redis.call('ZSCORE', KEYS[3], ARGV[1]), ARGV[1])) end
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('HINCRBY', KEYS[4], prev, -1)
        redis.call('HINCRBY', KEYS[1], 'seq', 1)
      end
      if ARGV[4] == 'move' then redis.call('SADD', KEYS[5], ARGV[1]) end
      return {'ok', prev}
    end
    if prev == ARGV[2] then return {'ok', prev} end
    if tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return {'full'} end
    if prev ~= '' then
      redis.call('HINCRBY', KEYS[4], prev, -1)
      if indexed then redis.call('ZREM', KEYS[6], entry(prev, redis.call('ZSCORE', KEYS[3], ARGV[1]), ARGV[1])) end
    end
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
    local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
    redis.call('ZADD', KEYS[3], seq, ARGV[1])
    if indexed then redis.call('ZADD', KEYS[6], 0, entry(ARGV[2], seq, ARGV[1])) end
    redis.call('SREM', KEYS[5], ARGV[1])
    return {'ok', prev}`,
  // KEYS: asg, order, byroom, round. ARGV: a, b. Each takes the other's room and place in the member order.
  swap: BYROOM + `
    redis.call('HINCRBY', KEYS[4], 'seq', 1)
    local ra = redis.call('HGET', KEYS[1], ARGV[1])
    local rb = redis.call('HGET', KEYS[1], ARGV[2])
    local sa = redis.call('ZSCORE', KEYS[2], ARGV[1])
    local sb = redis.call('ZSCORE', KEYS[2], ARGV[2])
    if redis.call('EXISTS', KEYS[3]) == 1 then
      if ra then redis.call('ZREM', KEYS[3], entry(ra, sa, ARGV[1])) end
      if rb then redis.call('ZREM', KEYS[3], entry(rb, sb, ARGV[2])) end
      if rb then redis.call('ZADD', KEYS[3], 0, entry(rb, sb, ARGV[1])) end
      if ra then redis.call('ZADD', KEYS[3], 0, entry(ra, sa, ARGV[2])) end
    end
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
  // [BRK63] KEYS: asg, order, byroom, round. ARGV: room ids. The placement number ([BSTORE11]), then
  // each room's members in member order (the index built first when absent: once per assignment, O(people)).
  roomMembers: BYROOM + `
    if #ARGV > 0 and redis.call('EXISTS', KEYS[3]) == 0 then
      local order = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
      for i = 1, #order, 2 do
        local room = redis.call('HGET', KEYS[1], order[i])
        if room then redis.call('ZADD', KEYS[3], 0, entry(room, order[i + 1], order[i])) end
      end
    end
    local out = {}
    for i, room in ipairs(ARGV) do
      local members = redis.call('ZRANGEBYLEX', KEYS[3], '[' .. room .. ':', '(' .. room .. ';')
      local skip = #room + 18
      for j, m in ipairs(members) do members[j] = string.sub(m, skip) end
      out[i] = members
    end
    return {${PSEQ(4)}, out}`,
  // KEYS: asg, order, round. The placement number ([BSTORE11]), then every assignment in member order
  // as one text, "participant TAB room" per line: one bulk reply instead of three strings a person to
  // parse (10,000 at a round's open, bench B7).
  listAssignments: `
    local order = redis.call('ZRANGE', KEYS[2], 0, -1)
    local out = {}
    for i = 1, #order, 1000 do
      local last = math.min(i + 999, #order)
      local rooms = redis.call('HMGET', KEYS[1], unpack(order, i, last))
      for j = 1, last - i + 1 do
        if rooms[j] then out[#out + 1] = order[i + j - 1] .. '\\t' .. rooms[j] end
      end
    end
    return {${PSEQ(3)}, table.concat(out, '\\n')}`,
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
  // KEYS: template, event's templates. ARGV: id, eventId, doc.
  saveTemplate: `
    if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'doc', ARGV[3])
    return 1`,
  // KEYS: template, event's templates. ARGV: id.
  deleteTemplate: `
    if redis.call('DEL', KEYS[1]) == 0 then return 0 end
    redis.call('LREM', KEYS[2], 0, ARGV[1])
    return 1`,
};

export function createRedisBreakoutRounds(client: AnyRedis, ks: Keyspace): BreakoutRoundStore {
  const ev = ks.ev;
  const key = {
    round: (e: string, id: string) => `${ev(e)}brk-round:${id}`,
    rounds: (e: string) => `${ev(e)}brk-rounds:${e}`,
    running: (e: string) => `${ev(e)}brk-running:${e}`,
    due: `${ks.p}brk-due`,
    asg: (e: string, roundId: string) => `${ev(e)}brk-asg:${roundId}`,
    order: (e: string, roundId: string) => `${ev(e)}brk-order:${roundId}`,
    count: (e: string, roundId: string) => `${ev(e)}brk-count:${roundId}`,
    out: (e: string, roundId: string) => `${ev(e)}brk-out:${roundId}`,
    byroom: (e: string, roundId: string) => `${ev(e)}brk-byroom:${roundId}`,
    help: (e: string, id: string) => `${ev(e)}brk-help:${id}`,
    helps: (e: string, roundId: string) => `${ev(e)}brk-helps:${roundId}`,
    tpl: (e: string, id: string) => `${ev(e)}brk-tpl:${id}`,
    tpls: (e: string) => `${ev(e)}brk-tpls:${e}`,
  };
  const run = luaRunner(client, LUA);
  const roundKeys = (e: string, id: string) => [key.round(e, id), key.asg(e, id), key.order(e, id), key.count(e, id), key.out(e, id), key.byroom(e, id)];
  /** A child's event, or null when the store knows no such round, help request or template. */
  const eventOf = (id: string) => ks.eventOf(id);

  const readRound = async (e: string, id: string): Promise<BreakoutRound | null> => {
    const doc = await client.hGet(key.round(e, id), 'doc');
    return doc ? (JSON.parse(String(doc)) as BreakoutRound) : null;
  };
  const getRound = async (id: string): Promise<BreakoutRound | null> => {
    const e = await eventOf(id);
    return e === null ? null : readRound(e, id);
  };
  const readHelp = async (e: string, id: string): Promise<HelpRequest | null> => {
    const [doc, takenBy] = (await client.hmGet(key.help(e, id), ['doc', 'takenBy'])) as (string | null)[];
    return doc ? toHelp(String(doc), takenBy ? String(takenBy) : '') : null;
  };
  const toHelp = (doc: string, takenBy: string): HelpRequest => ({ ...(JSON.parse(doc) as HelpRequest), takenBy: takenBy ? JSON.parse(takenBy) : null });
  const readTemplate = async (e: string, id: string): Promise<BreakoutTemplate | null> => {
    const doc = await client.hGet(key.tpl(e, id), 'doc');
    return doc ? (JSON.parse(String(doc)) as BreakoutTemplate) : null;
  };
  const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);
  const conflict = (what: string) => new RallyError(ErrorCode.CONFLICT, `a ${what} with this id exists`);

  return {
    async createRound(round) {
      if ((await ks.claim(round.id, round.eventId)) === 'other') throw conflict('breakout round');
      const ok = Number(await run('create', [key.round(round.eventId, round.id), key.rounds(round.eventId)], [round.id, round.eventId, String(round.version), round.status, JSON.stringify(round)]));
      if (!ok) throw conflict('breakout round');
    },
    getRound,
    async roundState(id) {
      const e = await eventOf(id);
      if (e === null) return null;
      const [eventId, status] = (await client.hmGet(key.round(e, id), ['eventId', 'status'])) as (string | null)[];
      return eventId && status ? { eventId: String(eventId), status: String(status) as BreakoutRound['status'] } : null;
    },
    async listRounds(eventId) {
      const ids = (await client.lRange(key.rounds(eventId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => readRound(eventId, String(id)))));
    },
    async runningRound(eventId) {
      // [BSTORE7] Two reads in the event's slot; a round that stops running in between reads as
      // the document it has now.
      const id = await client.get(key.running(eventId));
      return id ? readRound(eventId, String(id)) : null;
    },
    async replaceRound(next) {
      const due = roundDueAtMs(next);
      const e = next.eventId;
      if (due !== null) await client.zAdd(key.due, { score: due, value: next.id }, { LT: true });
      const ok = await run('replace', [key.round(e, next.id), key.running(e)], [next.id, String(next.version - 1), String(next.version), next.status, JSON.stringify(next)]);
      if (Number(ok) !== 1) return false;
      if (due !== null) await client.zAdd(key.due, { score: due, value: next.id });
      else await client.zRem(key.due, next.id);
      return true;
    },
    async deleteRound(id) {
      const e = await eventOf(id);
      if (e === null) return false;
      for (let attempt = 1; ; attempt++) {
        const helps = ((await client.lRange(key.helps(e, id), 0, -1)) as string[]).map(String);
        const keys = [key.round(e, id), key.rounds(e), key.running(e), key.asg(e, id), key.order(e, id), key.count(e, id), key.helps(e, id), key.out(e, id), key.byroom(e, id), ...helps.map((h) => key.help(e, h))];
        const done = Number(await run('remove', keys, [id, ...helps]));
        if (done === -1 && attempt < 20) continue;
        if (done !== 1) return false;
        await client.zRem(key.due, id);
        await Promise.all([id, ...helps].map((x) => ks.release(x)));
        return true;
      }
    },
    async dueRounds(nowMs, limit) {
      return ((await client.zRangeByScore(key.due, '-inf', nowMs, { LIMIT: { offset: 0, count: limit } })) as string[]).map(String);
    },
    async setAssignments(roundId, assignments) {
      const e = await eventOf(roundId);
      if (e === null) return;
      const args: string[] = [];
      for (const [p, room] of assignments) args.push(p, room);
      await run('setAll', roundKeys(e, roundId), args);
    },
    async place(roundId, participantId, roomId, capacity, kind: PlaceKind = 'move'): Promise<PlaceOutcome> {
      const e = await eventOf(roundId);
      if (e === null) return { ok: false, reason: 'unknownRound' };
      const [outcome, prev] = (await run('place', roundKeys(e, roundId), [participantId, roomId ?? '', String(capacity), kind])) as string[];
      if (outcome === 'ok') return { ok: true, previousRoomId: prev ? String(prev) : null };
      return { ok: false, reason: outcome as 'full' | 'unknownRound' | 'closed' | 'excluded' };
    },
    async swap(roundId, a, b) {
      const e = await eventOf(roundId);
      if (e === null) return;
      await run('swap', [key.asg(e, roundId), key.order(e, roundId), key.byroom(e, roundId), key.round(e, roundId)], [a, b]);
    },
    async placeSeq(roundId) {
      const e = await eventOf(roundId);
      if (e === null) return 0;
      return Number((await client.hGet(key.round(e, roundId), 'seq')) ?? 0);
    },
    async roomOf(roundId, participantId) {
      const e = await eventOf(roundId);
      if (e === null) return null;
      const room = await client.hGet(key.asg(e, roundId), participantId);
      return room ? String(room) : null;
    },
    async listAssignments(roundId) {
      const e = await eventOf(roundId);
      if (e === null) return numbered(new Map<string, string>(), 0);
      const [seq, reply] = (await run('listAssignments', [key.asg(e, roundId), key.order(e, roundId), key.round(e, roundId)], [])) as [unknown, unknown];
      const out = numbered(new Map<string, string>(), Number(seq));
      const text = String(reply);
      if (text === '') return out;
      for (const line of text.split('\n')) {
        const tab = line.indexOf('\t');
        out.set(line.slice(0, tab), line.slice(tab + 1));
      }
      return out;
    },
    async roomCounts(roundId) {
      const out = new Map<string, number>();
      const e = await eventOf(roundId);
      if (e === null) return out;
      // [BRK63] The counts every placing script keeps; a room emptied again holds 0 and is left out.
      for (const [room, n] of Object.entries((await client.hGetAll(key.count(e, roundId))) as Record<string, string>)) if (Number(n) > 0) out.set(room, Number(n));
      return out;
    },
    async roomMembers(roundId, roomIds) {
      const out = new Map<string, string[]>(roomIds.map((r) => [r, []]));
      const e = await eventOf(roundId);
      if (e === null) return numbered(out, 0);
      // [BSTORE11] Even for no room: the number alone, read in the script's one step.
      const [seq, lists] = (await run('roomMembers', [key.asg(e, roundId), key.order(e, roundId), key.byroom(e, roundId), key.round(e, roundId)], [...roomIds])) as [unknown, unknown[][]];
      roomIds.forEach((r, i) => out.set(r, (lists[i] ?? []).map(String)));
      return numbered(out, Number(seq));
    },
    async addHelp(req) {
      const e = await eventOf(req.roundId);
      if (e === null) throw new RallyError(ErrorCode.NOT_FOUND, 'no such breakout round');
      const { takenBy: _t, ...doc } = req;
      if ((await ks.claim(req.id, e)) === 'other') throw conflict('help request');
      const ok = Number(await run('addHelp', [key.help(e, req.id), key.helps(e, req.roundId)], [req.id, req.roundId, JSON.stringify({ ...doc, takenBy: null })]));
      if (!ok) throw conflict('help request');
    },
    async takeHelp(helpId, takenBy) {
      const e = await eventOf(helpId);
      if (e === null) return null;
      const reply = (await run('takeHelp', [key.help(e, helpId)], [JSON.stringify(takenBy)])) as string[] | null;
      return reply ? toHelp(String(reply[0]), String(reply[1])) : null;
    },
    async getHelp(id) {
      const e = await eventOf(id);
      return e === null ? null : readHelp(e, id);
    },
    async listHelp(roundId) {
      const e = await eventOf(roundId);
      if (e === null) return [];
      const ids = (await client.lRange(key.helps(e, roundId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => readHelp(e, String(id)))));
    },
    async saveTemplate(t) {
      if ((await ks.claim(t.id, t.eventId)) === 'other') throw conflict('breakout template');
      await run('saveTemplate', [key.tpl(t.eventId, t.id), key.tpls(t.eventId)], [t.id, t.eventId, JSON.stringify(t)]);
    },
    async getTemplate(id) {
      const e = await eventOf(id);
      return e === null ? null : readTemplate(e, id);
    },
    async listTemplates(eventId) {
      const ids = (await client.lRange(key.tpls(eventId), 0, -1)) as string[];
      return present(await Promise.all(ids.map((id) => readTemplate(eventId, String(id)))));
    },
    async deleteTemplate(id) {
      const e = await eventOf(id);
      if (e === null) return false;
      const removed = Number(await run('deleteTemplate', [key.tpl(e, id), key.tpls(e)], [id])) === 1;
      if (removed) await ks.release(id);
      return removed;
    },
  };
}
