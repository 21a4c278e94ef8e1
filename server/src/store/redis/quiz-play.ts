/*
 * The quiz-play part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts), for run R = {eventId}:{runId}:
 *   T quiz-player:R:{participantId}   hash  `total`, `streak`, `member` (their ranking member), `a:{questionId}` -> answer JSON,
 *                                           `u:{questionId}` -> `{streak before}|{points}|{member before, '' if none}` (the undo, [QZSTORE23]),
 *                                           `c:{questionId}` -> the id of the command the answer was recorded under ([PERF6])
 *   T quiz-rank:R                     zset  the ranking: score −total, member `{reached, 15 digits}:{participantId}`
 *   T quiz-run:R                      hash  `seq`: the run's answer sequence (the tie-break clock)
 *   T quiz-questions:R                set   question ids with counters, team sums or presence (standings, deleteQuizRun)
 *   T quiz-counters:R:{questionId}    hash  `answered:room`, `correct:remote`, `opt:2:room`, `true:remote`… -> count
 *   T quiz-teams:R:{questionId}       hash  `points:{team}`, `answered:{team}` -> sum, count
 *   T quiz-present:R:{questionId}     string  presence at open, JSON team -> count (SET NX: first wins)
 *   T quiz-answerers:R:{questionId}   set   participant ids who answered the question (what a discard takes back)
 *   T quiz-sent:R                     hash  `{questionId}\n{participantId}` -> epoch ms of the first send ([QZSTORE24], HSETNX: first wins)
 *   T quiz-discarded:R                set   question ids discarded ([QZSTORE23]): they take no more answers
 *
 * [QZSTORE3] Ranking without sorting: the score is −total so ZRANK counts from the best, and equal
 * scores order by member, which starts with the zero-padded sequence number of the answer that
 * reached the total; so among equal totals whoever got there first ranks higher, in every adapter.
 *
 * Every script gets all its keys in KEYS (none is built inside Lua), all in the event's slot ([CLU21]).
 */
import {
  checkAnswerInput,
  checkPresence,
  checkSentAt,
  quizCounterKeys,
  quizStandingsFrom,
  quizStatsFromCounters,
  quizTeamScores,
  type QuizAnswerRecord,
  type QuizPlayStore,
  type QuizRunRef,
} from '../quiz-play-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';
import { createRedisQuizRuns } from './quiz-runs.js';


const LUA = {
  // [QZSTORE1] [QZSTORE2] [PERF8] The answers of one turn and one event, applied one after another
  // (each still one atomic step: the script runs whole). Per answer, nine KEYS: player, rank, run,
  // question counters, question teams, run questions, run discarded, question answerers, the
  // participant's record; and in ARGV: questionId, answer JSON, points, streakAfter, participantId,
  // team ('' none), command id ('' none), check standing (1/0), mode JSON, team JSON (the
  // participant's), counter count, counter names...
  // Returns per answer {applied 0/1/2 (2: discarded)/3 (repeat)/4 (stale), answer JSON, total, streak, the question's answer count}.
  record: `
    local function one(K, A, c0, c1)
      local function answered()
        local n = redis.call('HMGET', K[4], 'answered:room', 'answered:remote')
        return tostring((tonumber(n[1]) or 0) + (tonumber(n[2]) or 0))
      end
      local f = 'a:' .. A[1]
      local first = redis.call('HMGET', K[1], f, 'c:' .. A[1], 'total', 'streak')
      -- [PERF6] A retried command id, before any other check.
      if first[1] and A[7] ~= '' and first[2] == A[7] then return {3, first[1], first[3], first[4], answered()} end
      -- [PERF7] The sender stands as the caller decided (exists, not banned, same mode and team).
      if A[8] == '1' then
        local p = redis.call('HMGET', K[9], 'banned', 'mode', 'team')
        if p[2] ~= A[9] or p[1] == 'true' or (p[3] or 'null') ~= A[10] then return {4, '', '0', '0', '0'} end
      end
      if first[1] then return {0, first[1], first[3], first[4], answered()} end
      if redis.call('SISMEMBER', K[7], A[1]) == 1 then
        return {2, A[2], first[3] or '0', first[4] or '0', answered()}
      end
      local was = redis.call('HMGET', K[1], 'streak', 'member')
      redis.call('HSET', K[1], f, A[2], 'u:' .. A[1], (was[1] or '0') .. '|' .. A[3] .. '|' .. (was[2] or ''), 'streak', A[4])
      if A[7] ~= '' then redis.call('HSET', K[1], 'c:' .. A[1], A[7]) end
      redis.call('SADD', K[8], A[5])
      local pts = tonumber(A[3])
      local total = redis.call('HINCRBY', K[1], 'total', pts)
      local member = redis.call('HGET', K[1], 'member')
      if (not member) or pts > 0 then
        if member then redis.call('ZREM', K[2], member) end
        local seq = redis.call('HINCRBY', K[3], 'seq', 1)
        member = string.format('%015d', seq) .. ':' .. A[5]
        redis.call('HSET', K[1], 'member', member)
      end
      redis.call('ZADD', K[2], 0 - total, member)
      for j = c0, c1 do redis.call('HINCRBY', K[4], ARGV[j], 1) end
      if A[6] ~= '' then
        redis.call('HINCRBY', K[5], 'points:' .. A[6], pts)
        redis.call('HINCRBY', K[5], 'answered:' .. A[6], 1)
      end
      redis.call('SADD', K[6], A[1])
      return {1, A[2], tostring(total), A[4], answered()}
    end
    local out = {}
    local i = 1
    local v = 0
    while i <= #ARGV do
      local K = {}
      for j = 1, 9 do K[j] = KEYS[9 * v + j] end
      local A = {}
      for j = 1, 10 do A[j] = ARGV[i + j - 1] end
      local n = tonumber(ARGV[i + 10])
      v = v + 1
      out[v] = one(K, A, i + 11, i + 10 + n)
      i = i + 11 + n
    end
    return out`,
  // [QZSTORE23] KEYS: rank, run discarded, question answerers, counters, teams, presence, run
  // questions, then the answerers' player keys. ARGV: questionId, then the answerers' ids in the
  // same order. Returns 0 without changing anything when that list is not the answerer set (someone
  // answered since it was read): the caller reads it again.
  discard: `
    if redis.call('SCARD', KEYS[3]) ~= #ARGV - 1 then return 0 end
    for i = 2, #ARGV do
      if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return 0 end
    end
    redis.call('SADD', KEYS[2], ARGV[1])
    local f = 'a:' .. ARGV[1]
    local u = 'u:' .. ARGV[1]
    for i = 2, #ARGV do
      local pk = KEYS[i + 6]
      local undo = redis.call('HGET', pk, u)
      if undo then
        local c1 = string.find(undo, '|', 1, true)
        local c2 = string.find(undo, '|', c1 + 1, true)
        local streak = string.sub(undo, 1, c1 - 1)
        local pts = tonumber(string.sub(undo, c1 + 1, c2 - 1))
        local before = string.sub(undo, c2 + 1)
        local member = redis.call('HGET', pk, 'member')
        if member then redis.call('ZREM', KEYS[1], member) end
        if before == '' then
          redis.call('DEL', pk)
        else
          local total = redis.call('HINCRBY', pk, 'total', 0 - pts)
          redis.call('HSET', pk, 'streak', streak, 'member', before)
          redis.call('HDEL', pk, f, u, 'c:' .. ARGV[1])
          redis.call('ZADD', KEYS[1], 0 - total, before)
        end
      end
    end
    redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
    redis.call('SREM', KEYS[7], ARGV[1])
    return 1`,
  // [QZSTORE3] KEYS: player, rank. Returns {rank0, total, streak, ahead member or '', ahead score or ''}.
  rank: `
    local st = redis.call('HMGET', KEYS[1], 'member', 'total', 'streak')
    if not st[1] then return false end
    local r = redis.call('ZRANK', KEYS[2], st[1])
    if not r then return false end
    local ahead = {}
    if r > 0 then ahead = redis.call('ZRANGE', KEYS[2], r - 1, r - 1, 'WITHSCORES') end
    return {r, st[2], st[3], ahead[1] or '', ahead[2] or ''}`,
  // [QZSTORE6] KEYS: presence, run questions. ARGV: questionId, presence JSON.
  present: `
    redis.call('SET', KEYS[1], ARGV[2], 'NX')
    redis.call('SADD', KEYS[2], ARGV[1])
    return redis.call('GET', KEYS[1])`,
};

/** [PERF8] Answers sent in one script call at most: a bigger turn is split, each part still one call. */
const ANSWER_BATCH_MAX = 500;

/** A ranking member -> the participant id after the fixed-width sequence. */
const participantOf = (member: string) => member.slice(16);
/** −score -> total; abs keeps a total of 0 from reading as −0. */
const totalOf = (score: string | number) => Math.abs(Number(score));

/** Flat `kind:team` fields of a team hash -> sums per team. */
function teamSums(fields: Record<string, string>): Record<string, { points: number; answered: number }> {
  const out: Record<string, { points: number; answered: number }> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    const cut = k.indexOf(':');
    const kind = k.slice(0, cut);
    const team = k.slice(cut + 1);
    const t = (out[team] ??= { points: 0, answered: 0 });
    if (kind === 'points') t.points = Number(v);
    else if (kind === 'answered') t.answered = Number(v);
  }
  return out;
}

const numbers = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, Number(v)]));

/** [QZSTORE24] One send-time field per question and player (ids hold no newline). */
const sentField = (questionId: string, participantId: string) => `${questionId}\n${participantId}`;

/**
 * `hooks.stale`: [PERF7] the record step found the sender's stored standing changed: the store's
 * per-node cache drops its copy.
 */
export function createRedisQuizPlay(client: AnyRedis, ks: Keyspace, hooks: { stale(participantId: string): void }): QuizPlayStore {
  const runKey = (run: QuizRunRef) => `${run.eventId}:${run.runId}`;
  const key = {
    player: (run: QuizRunRef, participantId: string) => `${ks.ev(run.eventId)}quiz-player:${runKey(run)}:${participantId}`,
    rank: (run: QuizRunRef) => `${ks.ev(run.eventId)}quiz-rank:${runKey(run)}`,
    run: (run: QuizRunRef) => `${ks.ev(run.eventId)}quiz-run:${runKey(run)}`,
    questions: (run: QuizRunRef) => `${ks.ev(run.eventId)}quiz-questions:${runKey(run)}`,
    counters: (run: QuizRunRef, questionId: string) => `${ks.ev(run.eventId)}quiz-counters:${runKey(run)}:${questionId}`,
    teams: (run: QuizRunRef, questionId: string) => `${ks.ev(run.eventId)}quiz-teams:${runKey(run)}:${questionId}`,
    present: (run: QuizRunRef, questionId: string) => `${ks.ev(run.eventId)}quiz-present:${runKey(run)}:${questionId}`,
    answerers: (run: QuizRunRef, questionId: string) => `${ks.ev(run.eventId)}quiz-answerers:${runKey(run)}:${questionId}`,
    discarded: (run: QuizRunRef) => `${ks.ev(run.eventId)}quiz-discarded:${runKey(run)}`,
    sent: (run: QuizRunRef) => `${ks.ev(run.eventId)}quiz-sent:${runKey(run)}`,
  };
  const run = luaRunner(client, LUA);

  // [PERF8] Every answer recorded in one turn of the event loop goes to Redis in one script call per
  // event (all its keys are in the event's slot, [CLU21]), at most ANSWER_BATCH_MAX per call; each
  // caller's promise settles with its own answer's reply once the script has returned.
  let queue: { eventId: string; keys: string[]; args: string[]; resolve: (reply: unknown[]) => void; reject: (e: unknown) => void }[] = [];
  const sendAnswers = async (batch: typeof queue) => {
    try {
      const replies = (await run('record', batch.flatMap((b) => b.keys), batch.flatMap((b) => b.args))) as unknown[][];
      batch.forEach((b, k) => b.resolve(replies[k]!));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  };
  const flushAnswers = () => {
    const byEvent = new Map<string, typeof queue>();
    for (const b of queue) byEvent.set(b.eventId, [...(byEvent.get(b.eventId) ?? []), b]);
    queue = [];
    for (const batch of byEvent.values()) for (let k = 0; k < batch.length; k += ANSWER_BATCH_MAX) void sendAnswers(batch.slice(k, k + ANSWER_BATCH_MAX));
  };
  const recordBatched = (eventId: string, keys: string[], args: string[]) =>
    new Promise<unknown[]>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flushAnswers);
      queue.push({ eventId, keys, args, resolve, reject });
    });

  return {
    ...createRedisQuizRuns(client, ks),
    async recordQuizAnswer(r, questionId, participantId, input) {
      checkAnswerInput(input);
      const { answer, player } = input;
      const keys = [
        key.player(r, participantId),
        key.rank(r),
        key.run(r),
        key.counters(r, questionId),
        key.teams(r, questionId),
        key.questions(r),
        key.discarded(r),
        key.answerers(r, questionId),
        `${ks.ev(r.eventId)}participant:${participantId}`,
      ];
      const counters = quizCounterKeys(answer);
      const args = [
        questionId,
        JSON.stringify(answer),
        String(answer.points),
        String(input.streakAfter),
        participantId,
        answer.team ?? '',
        input.commandId ?? '',
        player ? '1' : '0',
        JSON.stringify(player?.mode ?? null),
        JSON.stringify(player?.team ?? null),
        String(counters.length),
        ...counters,
      ];
      const reply = await recordBatched(r.eventId, keys, args);
      const status = Number(reply[0]);
      const answered = Number(reply[4]);
      if (status === 4) {
        hooks.stale(participantId);
        return { applied: false, stale: true, answer, total: 0, streak: 0, answered: 0 };
      }
      if (status === 2) return { applied: false, discarded: true, answer, total: Number(reply[2]), streak: Number(reply[3]), answered };
      const kept = { applied: status === 1, answer: JSON.parse(String(reply[1])) as QuizAnswerRecord, total: Number(reply[2]), streak: Number(reply[3]), answered };
      return status === 3 ? { ...kept, repeat: true } : kept;
    },
    async quizAnswerCommand(r, questionId, participantId) {
      const id = await client.hGet(key.player(r, participantId), `c:${questionId}`);
      return id == null ? null : String(id);
    },
    async discardQuizQuestion(r, questionId) {
      // Optimistic: the script refuses a stale answerer list, so an answer racing the discard is
      // either in the list or refused by the discarded mark; answers stop once play moved on.
      for (let attempt = 1; ; attempt++) {
        const ids = [...(await client.sMembers(key.answerers(r, questionId)))].map(String);
        const done = await run(
          'discard',
          [
            key.rank(r),
            key.discarded(r),
            key.answerers(r, questionId),
            key.counters(r, questionId),
            key.teams(r, questionId),
            key.present(r, questionId),
            key.questions(r),
            ...ids.map((id) => key.player(r, id)),
          ],
          [questionId, ...ids],
        );
        if (Number(done) === 1) return;
        if (attempt >= 20) throw new Error(`could not discard quiz question ${questionId}: answers kept arriving`);
      }
    },
    async getQuizPlayer(r, participantId) {
      const fields = (await client.hGetAll(key.player(r, participantId))) as Record<string, string>;
      const answers: Record<string, QuizAnswerRecord> = {};
      for (const [k, v] of Object.entries(fields ?? {})) if (k.startsWith('a:')) answers[k.slice(2)] = JSON.parse(String(v)) as QuizAnswerRecord;
      return { total: Number(fields?.total ?? 0), streak: Number(fields?.streak ?? 0), answers };
    },
    async quizRankOf(r, participantId) {
      const reply = (await run('rank', [key.player(r, participantId), key.rank(r)], [])) as [number, string, string, string, string] | null;
      if (!reply) return null;
      const [rank0, total, streak, aheadMember, aheadScore] = reply;
      const ahead = String(aheadMember) === '' ? null : { participantId: participantOf(String(aheadMember)), total: totalOf(aheadScore) };
      return { rank: Number(rank0) + 1, total: Number(total), streak: Number(streak), ahead };
    },
    async quizTop(r, n, offset = 0) {
      const skip = Math.max(0, Math.floor(offset));
      if (!(n >= 1)) return [];
      const rows = await client.zRangeWithScores(key.rank(r), skip, skip + Math.floor(n) - 1);
      return rows.map((row, i) => ({ participantId: participantOf(String(row.value)), total: totalOf(row.score), rank: skip + i + 1 }));
    },
    async quizQuestionResults(r, questionId, n, offset = 0) {
      const skip = Math.max(0, Math.floor(offset));
      if (!(n >= 1)) return [];
      // [QZSTORE26] The page of the ranking, then every player's streak and answer in one pipeline:
      // two round trips a page, whatever its size. Read at a reveal, when the question takes no
      // more answers; a player whose hash is gone meanwhile reads as no answer, streak 0.
      const rows = await client.zRangeWithScores(key.rank(r), skip, skip + Math.floor(n) - 1);
      if (rows.length === 0) return [];
      const ids = rows.map((row) => participantOf(String(row.value)));
      const pipe = client.multi();
      for (const id of ids) pipe.hmGet(key.player(r, id), ['streak', `a:${questionId}`]);
      const fields = (await pipe.execAsPipeline()) as unknown as [string | null, string | null][];
      return rows.map((row, i) => {
        const [streak, doc] = fields[i]!;
        return {
          participantId: ids[i]!,
          total: totalOf(row.score),
          rank: skip + i + 1,
          streak: Number(streak ?? 0),
          answer: doc == null ? null : (JSON.parse(String(doc)) as QuizAnswerRecord),
        };
      });
    },
    async quizPlayerCount(r) {
      return Number(await client.zCard(key.rank(r)));
    },
    async quizAnswersCount(r, questionId) {
      const [room, remote] = (await client.hmGet(key.counters(r, questionId), ['answered:room', 'answered:remote'])) as (string | null)[];
      return Number(room ?? 0) + Number(remote ?? 0);
    },
    async quizQuestionStats(r, questionId) {
      // MULTI: counters, team sums and presence at one point in time.
      const [counters, teams, present] = (await client
        .multi()
        .hGetAll(key.counters(r, questionId))
        .hGetAll(key.teams(r, questionId))
        .get(key.present(r, questionId))
        .exec()) as unknown as [Record<string, string>, Record<string, string>, string | null];
      const presence = present ? (JSON.parse(String(present)) as Record<string, number>) : null;
      return { ...quizStatsFromCounters(numbers(counters)), teams: quizTeamScores(teamSums(teams), presence) };
    },
    async setQuizPresentAtOpen(r, questionId, present) {
      checkPresence(present);
      const stored = await run('present', [key.present(r, questionId), key.questions(r)], [questionId, JSON.stringify(present)]);
      return JSON.parse(String(stored)) as Record<string, number>;
    },
    async getQuizPresentAtOpen(r, questionId) {
      const doc = await client.get(key.present(r, questionId));
      return doc ? (JSON.parse(String(doc)) as Record<string, number>) : null;
    },
    async quizTeamStandings(r) {
      const ids = [...(await client.sMembers(key.questions(r)))].map(String);
      if (ids.length === 0) return [];
      // One MULTI for every question's sums and presence: the standings are of one point in time.
      const multi = client.multi();
      for (const id of ids) multi.hGetAll(key.teams(r, id)).get(key.present(r, id));
      const replies = (await multi.exec()) as unknown[];
      return quizStandingsFrom(
        ids.map((questionId, i) => {
          const present = replies[2 * i + 1] as string | null;
          return { questionId, teams: quizTeamScores(teamSums(replies[2 * i] as Record<string, string>), present ? (JSON.parse(String(present)) as Record<string, number>) : null) };
        }),
      );
    },
    async quizSentAt(r, questionId, participantId, atMs) {
      checkSentAt(atMs);
      // HSETNX then HGET in one MULTI: the first record wins and every caller reads the winner.
      const [, at] = (await client.multi().hSetNX(key.sent(r), sentField(questionId, participantId), String(atMs)).hGet(key.sent(r), sentField(questionId, participantId)).exec()) as unknown as [number, string];
      return Number(at);
    },
    async getQuizSentAt(r, questionId, participantId) {
      const at = await client.hGet(key.sent(r), sentField(questionId, participantId));
      return at == null ? null : Number(at);
    },
    async deleteQuizRun(r) {
      // Every player who answered is in the ranking, every question with data in the set.
      const [members, questions] = (await client.multi().zRange(key.rank(r), 0, -1).sMembers(key.questions(r)).exec()) as unknown as [string[], string[]];
      const keys = [
        key.rank(r),
        key.run(r),
        key.questions(r),
        key.discarded(r),
        key.sent(r),
        ...members.map((m) => key.player(r, participantOf(String(m)))),
        ...questions.flatMap((q) => [key.counters(r, String(q)), key.teams(r, String(q)), key.present(r, String(q)), key.answerers(r, String(q))]),
      ];
      for (let i = 0; i < keys.length; i += 500) await client.del(keys.slice(i, i + 500));
    },
  };
}
