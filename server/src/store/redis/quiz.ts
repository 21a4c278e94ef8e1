/*
 * The quiz authoring part of the Redis adapter (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P quiz:{id}              string  the StoredQuiz as JSON
 *   P quizzes:{eventId}      set     ids of the event's quizzes
 *
 * Every change is one Lua script, so the version check and the write it guards cannot interleave
 * with another node's.
 */
import type { RedisClientType } from 'redis';
import { ErrorCode, RallyError, type StoredQuiz } from '@rally/shared';
import { compareQuizzes, type QuizStore } from '../quiz-store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

const LUA = {
  // KEYS: quiz, event index. ARGV: id, doc.
  create: `
    if redis.call('SET', KEYS[1], ARGV[2], 'NX') == false then return 0 end
    redis.call('SADD', KEYS[2], ARGV[1])
    return 1`,
  // Compare-and-set on the version. The next document is built by the caller from a read of that
  // version (cjson would re-encode numbers with 14 digits, so Lua never rewrites a document).
  // KEYS: quiz. ARGV: expected version, next doc. Returns 'ok', 'missing' or 'stale'.
  update: `
    local doc = redis.call('GET', KEYS[1])
    if not doc then return 'missing' end
    if tostring(cjson.decode(doc).version) ~= ARGV[1] then return 'stale' end
    redis.call('SET', KEYS[1], ARGV[2])
    return 'ok'`,
  // KEYS: quiz. ARGV: prefix. Removes the quiz and its index entry.
  remove: `
    local doc = redis.call('GET', KEYS[1])
    if not doc then return 0 end
    local quiz = cjson.decode(doc)
    redis.call('DEL', KEYS[1])
    redis.call('SREM', ARGV[1] .. 'quizzes:' .. quiz.eventId, quiz.id)
    return 1`,
};

export function createRedisQuiz(client: AnyRedis, prefix: string): QuizStore {
  const key = {
    quiz: (id: string) => `${prefix}quiz:${id}`,
    byEvent: (eventId: string) => `${prefix}quizzes:${eventId}`,
  };
  const run = luaRunner(client, LUA);

  const getQuiz = async (id: string): Promise<StoredQuiz | null> => {
    const doc = await client.get(key.quiz(id));
    return doc ? (JSON.parse(String(doc)) as StoredQuiz) : null;
  };

  return {
    async createQuiz(quiz) {
      const created = Number(await run('create', [key.quiz(quiz.id), key.byEvent(quiz.eventId)], [quiz.id, JSON.stringify(quiz)]));
      if (!created) throw new RallyError(ErrorCode.CONFLICT, 'a quiz with this id exists');
      return quiz;
    },
    getQuiz,
    async listQuizzes(eventId) {
      const ids = (await client.sMembers(key.byEvent(eventId))) as string[];
      const quizzes = await Promise.all(ids.map((id) => getQuiz(String(id))));
      return quizzes.filter((x): x is StoredQuiz => x !== null).sort(compareQuizzes);
    },
    async updateQuiz(id, expectedVersion, patch) {
      const stale = () => new RallyError(ErrorCode.CONFLICT, 'this quiz was changed meanwhile; reload it and edit again');
      const current = await getQuiz(id);
      if (!current) return null;
      if (current.version !== expectedVersion) throw stale();
      const next: StoredQuiz = { ...current, ...patch, version: current.version + 1 };
      const outcome = String(await run('update', [key.quiz(id)], [String(expectedVersion), JSON.stringify(next)]));
      if (outcome === 'missing') return null;
      if (outcome === 'stale') throw stale();
      return next;
    },
    async deleteQuiz(id) {
      return Number(await run('remove', [key.quiz(id)], [prefix])) === 1;
    },
  };
}
