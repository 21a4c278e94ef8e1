/*
 * [QZSTORE20]–[QZSTORE22] Quiz run documents on Redis (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P quiz-rundoc:{runId}        hash  `eventId`, `kind` ([QZSTORE25]; missing: live), `version`, `due` ('' none), `doc` (the run as JSON)
 *   P quiz-current:{eventId}     string  the id of the event's last created live run
 *   P quiz-due                   zset  run id -> due time (epoch ms), for every node's deadline sweep
 *
 * Create and save are one Lua script each: the version check and the write it guards cannot
 * interleave with another node's. Lua never re-encodes the document (cjson would round numbers).
 */
import type { RedisClientType } from 'redis';
import { ErrorCode, RallyError } from '@rally/shared';
import { checkRunKind, type QuizPlayStore, type QuizRunKind, type StoredQuizRun } from '../quiz-play-store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;
type QuizRunDocs = Pick<QuizPlayStore, 'createQuizRun' | 'getQuizRun' | 'saveQuizRun' | 'currentQuizRun' | 'dueQuizRuns'>;

const LUA = {
  // KEYS: doc, current, due. ARGV: runId, eventId, doc, due ('' none), kind.
  create: `
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('HSET', KEYS[1], 'eventId', ARGV[2], 'kind', ARGV[5], 'version', '1', 'due', ARGV[4], 'doc', ARGV[3])
    if ARGV[5] == 'live' then redis.call('SET', KEYS[2], ARGV[1]) end
    if ARGV[4] ~= '' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1]) end
    return 1`,
  // KEYS: doc, due. ARGV: runId, expected version, doc, due ('' none). Returns the new version, or 0.
  save: `
    local v = redis.call('HGET', KEYS[1], 'version')
    if not v or v ~= ARGV[2] then return 0 end
    local nv = tonumber(v) + 1
    redis.call('HSET', KEYS[1], 'version', tostring(nv), 'due', ARGV[4], 'doc', ARGV[3])
    if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) else redis.call('ZREM', KEYS[2], ARGV[1]) end
    return nv`,
};

export function createRedisQuizRuns(client: AnyRedis, prefix: string): QuizRunDocs {
  const key = {
    doc: (runId: string) => `${prefix}quiz-rundoc:${runId}`,
    current: (eventId: string) => `${prefix}quiz-current:${eventId}`,
    due: `${prefix}quiz-due`,
  };
  const run = luaRunner(client, LUA);
  const due = (ms: number | null) => (ms === null ? '' : String(ms));

  const getQuizRun = async (runId: string): Promise<StoredQuizRun | null> => {
    const h = (await client.hGetAll(key.doc(runId))) as Record<string, string>;
    if (!h.doc) return null;
    const kind: QuizRunKind = h.kind === 'reinforcement' ? 'reinforcement' : 'live';
    return { eventId: String(h.eventId), runId, kind, run: JSON.parse(String(h.doc)) as unknown, version: Number(h.version), dueAtMs: h.due ? Number(h.due) : null };
  };

  return {
    async createQuizRun(eventId, runId, doc, dueAtMs, kind = 'live') {
      checkRunKind(kind);
      const json = JSON.stringify(doc);
      const created = Number(await run('create', [key.doc(runId), key.current(eventId), key.due], [runId, eventId, json, due(dueAtMs), kind]));
      if (!created) throw new RallyError(ErrorCode.CONFLICT, 'a quiz run with this id exists');
      return { eventId, runId, kind, run: JSON.parse(json) as unknown, version: 1, dueAtMs };
    },
    getQuizRun,
    async saveQuizRun(runId, doc, expectedVersion, dueAtMs) {
      const json = JSON.stringify(doc);
      const version = Number(await run('save', [key.doc(runId), key.due], [runId, String(expectedVersion), json, due(dueAtMs)]));
      if (!version) return null;
      const [eventId, kind] = ((await client.hmGet(key.doc(runId), ['eventId', 'kind'])) as (string | null)[]).map((v) => (v === null ? null : String(v)));
      return { eventId: String(eventId), runId, kind: kind === 'reinforcement' ? 'reinforcement' : 'live', run: JSON.parse(json) as unknown, version, dueAtMs };
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
