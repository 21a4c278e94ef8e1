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
  // [QZSTORE1] [QZSTORE2] KEYS: player, rank, run, question counters, question teams, run questions,
  // run discarded, question answerers, the participant's record.
  // ARGV: questionId, answer JSON, points, streakAfter, participantId, team ('' none), command id
  // ('' none), check standing (1/0), mode JSON, team JSON (the participant's), counter names...
  // Returns {applied 0/1/2 (2: discarded)/3 (repeat)/4 (stale), answer JSON, total, streak, the question's answer count}.
  record: `
    local function answered()
      local n = redis.call('HMGET', KEYS[4], 'answered:room', 'answered:remote')
      return tostring((tonumber(n[1]) or 0) + (tonumber(n[2]) or 0))
    end
    local f = 'a:' .. ARGV[1]
    local first = redis.call('HMGET', KEYS[1], f, 'c:' .. ARGV[1], 'total', 'streak')
    -- [PERF6] A retried command id, before any other check.
    if first[1] and ARGV[7] ~= '' and first[2] == ARGV[7] then return {3, first[1], first[3], first[4], answered()} end
    -- [PERF7] The sender stands as the caller decided (exists, not banned, same mode and team).
    if ARGV[8] == '1' then
      local p = redis.call('HMGET', KEYS[9], 'banned', 'mode', 'team')
      if p[2] ~= ARGV[9] or p[1] == 'true' or (p[3] or 'null') ~= ARGV[10] then return {4, '', '0', '0', '0'} end
    end
    if first[1] then return {0, first[1], first[3], first[4], answered()} end
    if redis.call('SISMEMBER', KEYS[7], ARGV[1]) == 1 then
      return {2, ARGV[2], first[3] or '0', first[4] or '0', answered()}
    end
    local was = redis.call('HMGET', KEYS[1], 'streak', 'member')
    redis.call('HSET', KEYS[1], f, ARGV[2], 'u:' .. ARGV[1], (was[1] or '0') .. '|' .. ARGV[3] .. '|' .. (was[2] or ''), 'streak', ARGV[4])
    if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'c:' .. ARGV[1], ARGV[7]) end
    redis.call('SADD', KEYS[8], ARGV[5])
    local pts = tonumber(ARGV[3])
    local total = redis.call('HINCRBY', KEYS[1], 'total', pts)
    local member = redis.call('HGET', KEYS[1], 'member')
    if (not member) or pts > 0 then
      if member then redis.call('ZREM', KEYS[2], member) end
      local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
      member = string.format('%015d', seq) .. ':' .. ARGV[5]
      redis.call('HSET', KEYS[1], 'member', member)
    end
    redis.call('ZADD', KEYS[2], 0 - total, member)
    for i = 11, #ARGV do redis.call('HINCRBY', KEYS[4], ARGV[i], 1) end
    if ARGV[6] ~= '' then
      redis.call('HINCRBY', KEYS[5], 'points:' .. ARGV[6], pts)
      redis.call('HINCRBY', KEYS[5], 'answered:' .. ARGV[6], 1)
    end
    redis.call('SADD', KEYS[6], ARGV[1])
    return {1, ARGV[2], tostring(total), ARGV[4], answered()}`,
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

  return {
    ...createRedisQuizRuns(client, ks),
    async recordQuizAnswer(r, questionId, participantId, input) {
      checkAnswerInput(input);
      const { answer, streakAfter, player } = input;
      const reply = (await run(
        'record',
        [
          key.player(r, participantId),
          key.rank(r),
          key.run(r),
          key.counters(r, questionId),
          key.teams(r, questionId),
          key.questions(r),
          key.discarded(r),
          key.answerers(r, questionId),
          `${ks.ev(r.eventId)}participant:${participantId}`,
        ],
        [
          questionId,
          JSON.stringify(answer),
          String(answer.points),
          String(streakAfter),
          participantId,
          answer.team ?? '',
          input.commandId ?? '',
          player ? '1' : '0',
          JSON.stringify(player?.mode ?? null),
          JSON.stringify(player?.team ?? null),
          ...quizCounterKeys(answer),
        ],
      )) as [number, string, string, string, string];
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
