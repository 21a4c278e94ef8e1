import type Database from 'better-sqlite3';
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
  type RecordAnswerInput,
  type RecordAnswerOutcome,
} from '../quiz-play-store.js';
import { createSqliteQuizRuns } from './quiz-runs.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quiz_players (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  total INTEGER NOT NULL,
  streak INTEGER NOT NULL,
  -- [QZSTORE3] When the player reached their total, in the run's answer order: the tie-break.
  reached INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id, participant_id)
) WITHOUT ROWID;
-- [QZSTORE3] The ranking: ranks, top-n and the player ahead are index ranges, never a sort.
CREATE INDEX IF NOT EXISTS quiz_players_rank ON quiz_players(event_id, run_id, total DESC, reached ASC);
CREATE TABLE IF NOT EXISTS quiz_answers (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  -- [QZSTORE23] What the answer's step replaced, to take it back: the player's streak and
  -- tie-break before it (reached NULL: the answer brought the player into the ranking).
  streak_before INTEGER,
  reached_before INTEGER,
  -- [PERF6] The command the answer was recorded under: the answer is its idempotency record.
  command_id TEXT,
  PRIMARY KEY (event_id, run_id, participant_id, question_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quiz_answers_question ON quiz_answers(event_id, run_id, question_id);
-- [QZSTORE23] Questions whose answers were taken back; they take no more.
CREATE TABLE IF NOT EXISTS quiz_discarded (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  PRIMARY KEY (event_id, run_id, question_id)
) WITHOUT ROWID;
-- The run's answer sequence (the tie-break clock).
CREATE TABLE IF NOT EXISTS quiz_runs (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quiz_counters (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id, question_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quiz_team_sums (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  team TEXT NOT NULL,
  points INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id, question_id, team)
) WITHOUT ROWID;
-- [QZSTORE24] When a question was first sent to a player (self-paced runs): the first record wins.
CREATE TABLE IF NOT EXISTS quiz_sent (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (event_id, run_id, question_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quiz_presence (
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (event_id, run_id, question_id)
) WITHOUT ROWID;
`;

interface PlayerRow {
  total: number;
  streak: number;
  reached: number;
}

/** [PERF7] What the quiz-play module borrows from the store around it: the group commit and the standing check. */
interface ResultRow {
  participant_id: string;
  total: number;
  streak: number;
  reached: number;
  doc: string | null;
}

export interface SqliteQuizPlayHooks {
  /** Joins the turn's batch (the write lock): what is read next is current. */
  begin(): void;
  /** The participant exists, is not banned, and has this mode and team (read through the hot cache). */
  stands(participantId: string, mode: 'room' | 'remote', team: string | null): boolean;
  /** Drops this connection's read caches if another connection has committed since the last look. */
  fresh(): void;
  /** [PERF26] Where each ranking walk's last page ended, kept by the store and dropped around every write to quiz_players. */
  rankCursors: Map<string, RankCursor>;
}

/** [PERF26] The ranking position right after a page: its end offset and its last row's sort key. */
export interface RankCursor {
  end: number;
  total: number;
  reached: number;
}

/** The quiz-play tables on the embedded store's database; each mutation is one transaction. */
export function createSqliteQuizPlay(db: Database.Database, hooks: SqliteQuizPlayHooks): QuizPlayStore {
  // Files from before [QZSTORE23]: the undo columns are added first (the question index does not need them).
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(quiz_answers)').all();
  if (columns.length > 0 && !columns.some((c) => c.name === 'streak_before')) {
    db.exec('ALTER TABLE quiz_answers ADD COLUMN streak_before INTEGER; ALTER TABLE quiz_answers ADD COLUMN reached_before INTEGER');
  }
  // Files from before [PERF6]: the command id column.
  if (columns.length > 0 && !columns.some((c) => c.name === 'command_id')) db.exec('ALTER TABLE quiz_answers ADD COLUMN command_id TEXT');
  db.exec(SCHEMA);
  const RUN = 'event_id = ? AND run_id = ?';
  const q = {
    answer: db.prepare<[string, string, string, string], { doc: string; command_id: string | null }>(
      `SELECT doc, command_id FROM quiz_answers WHERE ${RUN} AND participant_id = ? AND question_id = ?`,
    ),
    answers: db.prepare<[string, string, string], { question_id: string; doc: string }>(`SELECT question_id, doc FROM quiz_answers WHERE ${RUN} AND participant_id = ?`),
    insertAnswer: db.prepare(
      'INSERT INTO quiz_answers (event_id, run_id, participant_id, question_id, doc, streak_before, reached_before, command_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    questionAnswers: db.prepare<[string, string, string], { participant_id: string; doc: string; streak_before: number | null; reached_before: number | null }>(
      `SELECT participant_id, doc, streak_before, reached_before FROM quiz_answers WHERE ${RUN} AND question_id = ?`,
    ),
    isDiscarded: db.prepare<[string, string, string], { one: number }>(`SELECT 1 AS one FROM quiz_discarded WHERE ${RUN} AND question_id = ?`),
    markDiscarded: db.prepare('INSERT INTO quiz_discarded (event_id, run_id, question_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    dropPlayer: db.prepare(`DELETE FROM quiz_players WHERE ${RUN} AND participant_id = ?`),
    dropQuestion: ['quiz_answers', 'quiz_counters', 'quiz_team_sums', 'quiz_presence'].map((t) => db.prepare(`DELETE FROM ${t} WHERE ${RUN} AND question_id = ?`)),
    player: db.prepare<[string, string, string], PlayerRow>(`SELECT total, streak, reached FROM quiz_players WHERE ${RUN} AND participant_id = ?`),
    nextSeq: db.prepare<[string, string], { seq: number }>(
      'INSERT INTO quiz_runs (event_id, run_id, seq) VALUES (?, ?, 1) ON CONFLICT(event_id, run_id) DO UPDATE SET seq = seq + 1 RETURNING seq',
    ),
    putPlayer: db.prepare(
      `INSERT INTO quiz_players (event_id, run_id, participant_id, total, streak, reached) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(event_id, run_id, participant_id) DO UPDATE SET total = excluded.total, streak = excluded.streak, reached = excluded.reached`,
    ),
    bump: db.prepare(
      'INSERT INTO quiz_counters (event_id, run_id, question_id, key, n) VALUES (?, ?, ?, ?, 1) ON CONFLICT(event_id, run_id, question_id, key) DO UPDATE SET n = n + 1',
    ),
    addTeam: db.prepare(
      `INSERT INTO quiz_team_sums (event_id, run_id, question_id, team, points, answered) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT(event_id, run_id, question_id, team) DO UPDATE SET points = points + excluded.points, answered = answered + 1`,
    ),
    // Two index ranges: everyone with more, and everyone with as much who got there first.
    above: db.prepare<[string, string, number, string, string, number, number], { n: number }>(
      `SELECT (SELECT COUNT(*) FROM quiz_players WHERE ${RUN} AND total > ?) + (SELECT COUNT(*) FROM quiz_players WHERE ${RUN} AND total = ? AND reached < ?) AS n`,
    ),
    aheadTied: db.prepare<[string, string, number, number], { participant_id: string; total: number }>(
      `SELECT participant_id, total FROM quiz_players WHERE ${RUN} AND total = ? AND reached < ? ORDER BY reached DESC LIMIT 1`,
    ),
    aheadAbove: db.prepare<[string, string, number], { participant_id: string; total: number }>(
      `SELECT participant_id, total FROM quiz_players WHERE ${RUN} AND total > ? ORDER BY total ASC, reached DESC LIMIT 1`,
    ),
    top: db.prepare<[string, string, number, number], { participant_id: string; total: number }>(
      `SELECT participant_id, total FROM quiz_players WHERE ${RUN} ORDER BY total DESC, reached ASC LIMIT ? OFFSET ?`,
    ),
    // [QZSTORE26] The ranking's index range, each player's answer to the question by its primary key.
    results: db.prepare<[string, string, string, number, number], ResultRow>(
      `SELECT p.participant_id, p.total, p.streak, p.reached, a.doc FROM quiz_players p INDEXED BY quiz_players_rank
       LEFT JOIN quiz_answers a ON a.event_id = p.event_id AND a.run_id = p.run_id AND a.participant_id = p.participant_id AND a.question_id = ?
       WHERE p.event_id = ? AND p.run_id = ? ORDER BY p.total DESC, p.reached ASC LIMIT ? OFFSET ?`,
    ),
    // [PERF26] The page after a cursor: (total, reached) is unique in a run (reached is the run's answer sequence).
    resultsAfter: db.prepare<[string, string, string, number, number, number, number], ResultRow>(
      `SELECT p.participant_id, p.total, p.streak, p.reached, a.doc FROM quiz_players p INDEXED BY quiz_players_rank
       LEFT JOIN quiz_answers a ON a.event_id = p.event_id AND a.run_id = p.run_id AND a.participant_id = p.participant_id AND a.question_id = ?
       WHERE p.event_id = ? AND p.run_id = ? AND (p.total < ? OR (p.total = ? AND p.reached > ?)) ORDER BY p.total DESC, p.reached ASC LIMIT ?`,
    ),
    count: db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM quiz_players WHERE ${RUN}`),
    answered: db.prepare<[string, string, string], { n: number }>(
      `SELECT COALESCE(SUM(n), 0) AS n FROM quiz_counters WHERE ${RUN} AND question_id = ? AND key IN ('answered:room', 'answered:remote')`,
    ),
    counters: db.prepare<[string, string, string], { key: string; n: number }>(`SELECT key, n FROM quiz_counters WHERE ${RUN} AND question_id = ?`),
    teamSums: db.prepare<[string, string, string], { team: string; points: number; answered: number }>(
      `SELECT team, points, answered FROM quiz_team_sums WHERE ${RUN} AND question_id = ?`,
    ),
    allTeamSums: db.prepare<[string, string], { question_id: string; team: string; points: number; answered: number }>(
      `SELECT question_id, team, points, answered FROM quiz_team_sums WHERE ${RUN}`,
    ),
    presence: db.prepare<[string, string, string], { doc: string }>(`SELECT doc FROM quiz_presence WHERE ${RUN} AND question_id = ?`),
    allPresence: db.prepare<[string, string], { question_id: string; doc: string }>(`SELECT question_id, doc FROM quiz_presence WHERE ${RUN}`),
    putPresence: db.prepare('INSERT INTO quiz_presence (event_id, run_id, question_id, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    putSent: db.prepare(`INSERT OR IGNORE INTO quiz_sent (event_id, run_id, question_id, participant_id, at) VALUES (?, ?, ?, ?, ?)`),
    sent: db.prepare<[string, string, string, string], { at: number }>(`SELECT at FROM quiz_sent WHERE ${RUN} AND question_id = ? AND participant_id = ?`),
    deletes: ['quiz_players', 'quiz_answers', 'quiz_runs', 'quiz_counters', 'quiz_team_sums', 'quiz_presence', 'quiz_discarded', 'quiz_sent'].map((t) => db.prepare(`DELETE FROM ${t} WHERE ${RUN}`)),
  };

  // [PERF6] [PERF7] One atomic step without a savepoint of its own: it joins the turn's batch first
  // (so what it reads is read under the write lock, another connection's commit included), and every
  // refusal comes before its first write.
  const record = (run: QuizRunRef, questionId: string, participantId: string, input: RecordAnswerInput): RecordAnswerOutcome => {
    hooks.begin();
    const { eventId: e, runId: r } = run;
    const { answer, streakAfter, commandId = null } = input;
    // [QZSTORE27] The count after the step, read inside it.
    const answered = () => q.answered.get(e, r, questionId)!.n;
    const first = q.answer.get(e, r, participantId, questionId);
    const before = q.player.get(e, r, participantId);
    const kept = (extra: { repeat?: true }) => ({ applied: false, ...extra, answer: JSON.parse(first!.doc) as QuizAnswerRecord, total: before!.total, streak: before!.streak, answered: answered() });
    // [PERF6] A retried command id, before any other check.
    if (first && commandId !== null && first.command_id === commandId) return kept({ repeat: true });
    if (input.player && !hooks.stands(participantId, input.player.mode, input.player.team)) return { applied: false, stale: true, answer, total: 0, streak: 0, answered: 0 };
    if (first) return kept({});
    if (q.isDiscarded.get(e, r, questionId)) return { applied: false, discarded: true as const, answer, total: before?.total ?? 0, streak: before?.streak ?? 0, answered: answered() };
    q.insertAnswer.run(e, r, participantId, questionId, JSON.stringify(answer), before?.streak ?? 0, before?.reached ?? null, commandId);
    const total = (before?.total ?? 0) + answer.points;
    // [QZSTORE3] Reaching a new total (or entering the ranking) moves the player behind those already there.
    const reached = !before || answer.points > 0 ? q.nextSeq.get(e, r)!.seq : before.reached;
    q.putPlayer.run(e, r, participantId, total, streakAfter, reached);
    for (const k of quizCounterKeys(answer)) q.bump.run(e, r, questionId, k);
    if (answer.team !== null) q.addTeam.run(e, r, questionId, answer.team, answer.points);
    return { applied: true, answer, total, streak: streakAfter, answered: answered() };
  };

  const discard = db.transaction((run: QuizRunRef, questionId: string) => {
    const { eventId: e, runId: r } = run;
    for (const a of q.questionAnswers.all(e, r, questionId)) {
      const me = q.player.get(e, r, a.participant_id);
      if (!me) continue;
      // [QZSTORE3] Back to the total, streak and tie-break the player had; with none, out of the ranking.
      const points = (JSON.parse(a.doc) as QuizAnswerRecord).points;
      // An answer stored before the undo columns existed: its points go, streak 0, place kept.
      if (a.streak_before === null) q.putPlayer.run(e, r, a.participant_id, me.total - points, 0, me.reached);
      else if (a.reached_before === null) q.dropPlayer.run(e, r, a.participant_id);
      else q.putPlayer.run(e, r, a.participant_id, me.total - points, a.streak_before, a.reached_before);
    }
    for (const d of q.dropQuestion) d.run(e, r, questionId);
    q.markDiscarded.run(e, r, questionId);
  });

  const rankOf = db.transaction((run: QuizRunRef, participantId: string) => {
    const { eventId: e, runId: r } = run;
    const me = q.player.get(e, r, participantId);
    if (!me) return null;
    const rank = q.above.get(e, r, me.total, e, r, me.total, me.reached)!.n + 1;
    const ahead = q.aheadTied.get(e, r, me.total, me.reached) ?? q.aheadAbove.get(e, r, me.total);
    return { rank, total: me.total, streak: me.streak, ahead: ahead ? { participantId: ahead.participant_id, total: ahead.total } : null };
  });

  const presenceOf = (run: QuizRunRef, questionId: string) => {
    const row = q.presence.get(run.eventId, run.runId, questionId);
    return row ? (JSON.parse(row.doc) as Record<string, number>) : null;
  };

  const setPresence = db.transaction((run: QuizRunRef, questionId: string, present: Record<string, number>) => {
    q.putPresence.run(run.eventId, run.runId, questionId, JSON.stringify(present));
    return presenceOf(run, questionId)!;
  });

  const setSent = db.transaction((run: QuizRunRef, questionId: string, participantId: string, atMs: number) => {
    q.putSent.run(run.eventId, run.runId, questionId, participantId, atMs);
    return q.sent.get(run.eventId, run.runId, questionId, participantId)!.at;
  });

  const stats = db.transaction((run: QuizRunRef, questionId: string) => {
    const counters = Object.fromEntries(q.counters.all(run.eventId, run.runId, questionId).map((c) => [c.key, c.n]));
    const sums = Object.fromEntries(q.teamSums.all(run.eventId, run.runId, questionId).map((t) => [t.team, t]));
    return { ...quizStatsFromCounters(counters), teams: quizTeamScores(sums, presenceOf(run, questionId)) };
  });

  const standings = db.transaction((run: QuizRunRef) => {
    const sums = new Map<string, Record<string, { points: number; answered: number }>>();
    const present = new Map<string, Record<string, number>>();
    for (const t of q.allTeamSums.all(run.eventId, run.runId)) {
      const m = sums.get(t.question_id) ?? {};
      m[t.team] = t;
      sums.set(t.question_id, m);
    }
    for (const p of q.allPresence.all(run.eventId, run.runId)) present.set(p.question_id, JSON.parse(p.doc) as Record<string, number>);
    const questions = new Set([...sums.keys(), ...present.keys()]);
    return quizStandingsFrom([...questions].map((id) => ({ questionId: id, teams: quizTeamScores(sums.get(id) ?? {}, present.get(id) ?? null) })));
  });

  const deleteRun = db.transaction((run: QuizRunRef) => {
    for (const d of q.deletes) d.run(run.eventId, run.runId);
  });

  return {
    ...createSqliteQuizRuns(db),
    async recordQuizAnswer(run, questionId, participantId, input) {
      checkAnswerInput(input);
      return record(run, questionId, participantId, input);
    },
    async quizAnswerCommand(run, questionId, participantId) {
      return q.answer.get(run.eventId, run.runId, participantId, questionId)?.command_id ?? null;
    },
    async discardQuizQuestion(run, questionId) {
      discard(run, questionId);
    },
    async getQuizPlayer(run, participantId) {
      const me = q.player.get(run.eventId, run.runId, participantId);
      const answers = Object.fromEntries(q.answers.all(run.eventId, run.runId, participantId).map((a) => [a.question_id, JSON.parse(a.doc) as QuizAnswerRecord]));
      return { total: me?.total ?? 0, streak: me?.streak ?? 0, answers };
    },
    async quizRankOf(run, participantId) {
      return rankOf(run, participantId);
    },
    async quizTop(run, n, offset = 0) {
      const skip = Math.max(0, Math.floor(offset));
      if (!(n >= 1)) return [];
      return q.top.all(run.eventId, run.runId, Math.floor(n), skip).map((row, i) => ({ participantId: row.participant_id, total: row.total, rank: skip + i + 1 }));
    },
    async quizQuestionResults(run, questionId, n, offset = 0) {
      const skip = Math.max(0, Math.floor(offset));
      if (!(n >= 1)) return [];
      // [PERF26] A reveal walks the ranking page by page. OFFSET makes SQLite step over (and join)
      // every row before the page, so a walk of N players cost O(N² / page); the next page of the
      // same walk starts after the last row read instead, while no write to the ranking came between.
      hooks.fresh();
      const key = `${run.eventId}\u0000${run.runId}\u0000${questionId}`;
      const at = skip > 0 ? hooks.rankCursors.get(key) : undefined;
      const rows =
        at !== undefined && at.end === skip
          ? q.resultsAfter.all(questionId, run.eventId, run.runId, at.total, at.total, at.reached, Math.floor(n))
          : q.results.all(questionId, run.eventId, run.runId, Math.floor(n), skip);
      const last = rows[rows.length - 1];
      if (last) {
        // Walks of runs long over are dropped in bulk: the map holds the walks of the moment.
        if (hooks.rankCursors.size >= 100) hooks.rankCursors.clear();
        hooks.rankCursors.set(key, { end: skip + rows.length, total: last.total, reached: last.reached });
      }
      return rows.map((row, i) => ({
        participantId: row.participant_id,
        total: row.total,
        rank: skip + i + 1,
        streak: row.streak,
        answer: row.doc === null ? null : (JSON.parse(row.doc) as QuizAnswerRecord),
      }));
    },
    async quizPlayerCount(run) {
      return q.count.get(run.eventId, run.runId)!.n;
    },
    async quizAnswersCount(run, questionId) {
      return q.answered.get(run.eventId, run.runId, questionId)!.n;
    },
    async quizQuestionStats(run, questionId) {
      return stats(run, questionId);
    },
    async setQuizPresentAtOpen(run, questionId, present) {
      checkPresence(present);
      return setPresence(run, questionId, present);
    },
    async getQuizPresentAtOpen(run, questionId) {
      return presenceOf(run, questionId);
    },
    async quizSentAt(run, questionId, participantId, atMs) {
      checkSentAt(atMs);
      return setSent(run, questionId, participantId, atMs);
    },
    async getQuizSentAt(run, questionId, participantId) {
      return q.sent.get(run.eventId, run.runId, questionId, participantId)?.at ?? null;
    },
    async quizTeamStandings(run) {
      return standings(run);
    },
    async deleteQuizRun(run) {
      deleteRun(run);
    },
  };
}
