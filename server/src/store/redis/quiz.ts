/*
 * The quiz authoring part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T quiz:{id}              string  the StoredQuiz as JSON
 *   T quizzes:{eventId}      set     ids of the event's quizzes
 *
 * Every change is one Lua script, so the version check and the write it guards cannot interleave
 * with another node's.
 */
import { ErrorCode, RallyError, type StoredQuiz } from '@rally/shared';
import { compareQuizzes, type QuizStore } from '../quiz-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


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
  // KEYS: quiz, event index. ARGV: id. Removes the quiz and its index entry.
  remove: `
    if redis.call('DEL', KEYS[1]) == 0 then return 0 end
    redis.call('SREM', KEYS[2], ARGV[1])
    return 1`,
};

export function createRedisQuiz(client: AnyRedis, ks: Keyspace): QuizStore {
  const key = {
    quiz: (eventId: string, id: string) => `${ks.ev(eventId)}quiz:${id}`,
    byEvent: (eventId: string) => `${ks.ev(eventId)}quizzes:${eventId}`,
  };
  const run = luaRunner(client, LUA);

  const getQuiz = async (id: string): Promise<StoredQuiz | null> => {
    const eventId = await ks.eventOf(id);
    if (eventId === null) return null;
    const doc = await client.get(key.quiz(eventId, id));
    return doc ? (JSON.parse(String(doc)) as StoredQuiz) : null;
  };

  return {
    async createQuiz(quiz) {
      const conflict = () => new RallyError(ErrorCode.CONFLICT, 'a quiz with this id exists');
      if ((await ks.claim(quiz.id, quiz.eventId)) === 'other') throw conflict();
      const created = Number(await run('create', [key.quiz(quiz.eventId, quiz.id), key.byEvent(quiz.eventId)], [quiz.id, JSON.stringify(quiz)]));
      if (!created) throw conflict();
      return quiz;
    },
    getQuiz,
    async listQuizzes(eventId) {
      const ids = (await client.sMembers(key.byEvent(eventId))) as string[];
      const quizzes = await Promise.all(ids.map(async (id) => {
        const doc = await client.get(key.quiz(eventId, String(id)));
        return doc ? (JSON.parse(String(doc)) as StoredQuiz) : null;
      }));
      return quizzes.filter((x): x is StoredQuiz => x !== null).sort(compareQuizzes);
    },
    async updateQuiz(id, expectedVersion, patch) {
      const stale = () => new RallyError(ErrorCode.CONFLICT, 'this quiz was changed meanwhile; reload it and edit again');
      const current = await getQuiz(id);
      if (!current) return null;
      if (current.version !== expectedVersion) throw stale();
      const next: StoredQuiz = { ...current, ...patch, version: current.version + 1 };
      const outcome = String(await run('update', [key.quiz(current.eventId, id)], [String(expectedVersion), JSON.stringify(next)]));
      if (outcome === 'missing') return null;
      if (outcome === 'stale') throw stale();
      return next;
    },
    async deleteQuiz(id) {
      const eventId = await ks.eventOf(id);
      if (eventId === null) return false;
      const removed = Number(await run('remove', [key.quiz(eventId, id), key.byEvent(eventId)], [id])) === 1;
      if (removed) await ks.release(id);
      return removed;
    },
  };
}
