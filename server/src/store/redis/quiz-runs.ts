/*
 * [QZSTORE20]–[QZSTORE22] Quiz run documents on Redis (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T quiz-rundoc:{runId}        hash  `eventId`, `kind` ([QZSTORE25]; missing: live), `version`, `due` ('' none), `doc` (the run as JSON)
 *   T quiz-current:{eventId}     string  the id of the event's last created live run
 *   P quiz-due                   zset  run id -> due time (epoch ms), for every node's deadline sweep (store-wide)
 *
 * Create and save are one Lua script each: the version check and the write it guards cannot
 * interleave with another node's. Lua never re-encodes the document (cjson would round numbers).
 * [CLU23] quiz-due is store-wide, so it is written by its own command next to the script: a due
 * time is added (never raised: ZADD LT) before the save and set exactly after it, and removed after
 * it, so a node dying in between leaves an early entry (the sweep re-reads the run) rather than a
 * run nobody advances.
 */
import { ErrorCode, RallyError } from '@rally/shared';
import { parseCache } from '../sqlite/parse-cache.js';
import { checkRunKind, type QuizPlayStore, type QuizRunKind, type StoredQuizRun } from '../quiz-play-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';

type QuizRunDocs = Pick<QuizPlayStore, 'createQuizRun' | 'getQuizRun' | 'saveQuizRun' | 'currentQuizRun' | 'dueQuizRuns'>;

const LUA = {
  // KEYS: doc, current. ARGV: runId, eventId, doc, due ('' none), kind.
  create: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'kind', ARGV[5], 'version', '1', 'due', ARGV[4], 'doc', ARGV[3])
    if ARGV[5] == 'live' then redis.call('SET', KEYS[2], ARGV[1]) end
    return 1`,
  // KEYS: doc. ARGV: expected version, doc, due ('' none). Returns the new version, or 0.
  save: `
    local v = redis.call('HGET', KEYS[1], 'version')
    if not v or v ~= ARGV[1] then return 0 end
    local nv = tonumber(v) + 1
    redis.call('HSET', KEYS[1], 'version', tostring(nv), 'due', ARGV[3], 'doc', ARGV[2])
    return nv`,
};

export function createRedisQuizRuns(client: AnyRedis, ks: Keyspace): QuizRunDocs {
  const key = {
    doc: (eventId: string, runId: string) => `${ks.ev(eventId)}quiz-rundoc:${runId}`,
    current: (eventId: string) => `${ks.ev(eventId)}quiz-current:${eventId}`,
    due: `${ks.p}quiz-due`,
  };
  const run = luaRunner(client, LUA);
  const due = (ms: number | null) => (ms === null ? '' : String(ms));

  // [PERF11] Every answer reads its run: its document is parsed once per stored text (frozen), not per read.
  const runDocs = parseCache<unknown>(500);
  const getQuizRun = async (runId: string): Promise<StoredQuizRun | null> => {
    const eventId = await ks.eventOf(runId);
    if (eventId === null) return null;
    const h = (await client.hGetAll(key.doc(eventId, runId))) as Record<string, string>;
    if (!h.doc) return null;
    const kind: QuizRunKind = h.kind === 'reinforcement' ? 'reinforcement' : 'live';
    return { eventId: String(h.eventId), runId, kind, run: runDocs.parse(runId, String(h.doc)), version: Number(h.version), dueAtMs: h.due ? Number(h.due) : null };
  };

  return {
    async createQuizRun(eventId, runId, doc, dueAtMs, kind = 'live') {
      checkRunKind(kind);
      const json = JSON.stringify(doc);
      const conflict = () => new RallyError(ErrorCode.CONFLICT, 'a quiz run with this id exists');
      const claim = await ks.claim(runId, eventId);
      if (claim === 'other') throw conflict();
      if (dueAtMs !== null) await client.zAdd(key.due, { score: dueAtMs, value: runId }, { LT: true });
      const created = Number(await run('create', [key.doc(eventId, runId), key.current(eventId)], [runId, eventId, json, due(dueAtMs), kind]));
      if (!created) throw conflict();
      return { eventId, runId, kind, run: JSON.parse(json) as unknown, version: 1, dueAtMs };
    },
    getQuizRun,
    async saveQuizRun(runId, doc, expectedVersion, dueAtMs) {
      const json = JSON.stringify(doc);
      const eventId = await ks.eventOf(runId);
      if (eventId === null) return null;
      if (dueAtMs !== null) await client.zAdd(key.due, { score: dueAtMs, value: runId }, { LT: true });
      const version = Number(await run('save', [key.doc(eventId, runId)], [String(expectedVersion), json, due(dueAtMs)]));
      if (!version) return null;
      if (dueAtMs !== null) await client.zAdd(key.due, { score: dueAtMs, value: runId });
      else await client.zRem(key.due, runId);
      const kind = await client.hGet(key.doc(eventId, runId), 'kind');
      return { eventId, runId, kind: kind === 'reinforcement' ? 'reinforcement' : 'live', run: JSON.parse(json) as unknown, version, dueAtMs };
    },
    async currentQuizRun(eventId) {
      const runId = await client.get(key.current(eventId));
      return runId ? getQuizRun(String(runId)) : null;
    },
    async dueQuizRuns(nowMs, limit) {
      const ids = (await client.zRangeByScore(key.due, '-inf', nowMs, { LIMIT: { offset: 0, count: limit } })) as string[];
      return ids.map(String);
    },
  };
}
