import type { Mode, QuizAnswerValue } from '@rally/shared';

/**
 * Live play of a quiz: answers, player totals and streaks, ranks, per-question counts and team
 * scores of one run (one playing of a quiz). Keyed by strings only (eventId, runId, questionId,
 * participantId): it knows nothing of the quiz documents, which are stored elsewhere. Both adapters
 * (store/sqlite/quiz-play.ts, store/redis/quiz-play.ts) pass one contract suite
 * (server/test/store/quiz-play-contract.ts). Rules [QZSTOREn] in docs/SPEC.md.
 */

/** One run of a quiz in an event. */
export interface QuizRunRef {
  eventId: string;
  runId: string;
}

/** One player's answer to one question, as scored by the caller (shared/src/quiz.ts). */
export interface QuizAnswerRecord {
  value: QuizAnswerValue;
  /** Whole points ≥ 0, bonus included ([QUIZ3]). */
  points: number;
  correct: boolean;
  /** The part of `points` that is the streak bonus ([QUIZ4]). */
  bonus: number;
  /** The bounded response time ([QUIZ6]). */
  responseMs: number;
  at: string;
  /** [QUIZ7] The team the points count for (the team attribute, or the cohort in room-vs-remote); null: none. */
  team: string | null;
  /** The cohort the player answered in. */
  mode: Mode;
}

export interface RecordAnswerInput {
  /** The player's streak after this answer, computed by the caller with scoreAnswer ([QZSTORE2]). */
  streakAfter: number;
  answer: QuizAnswerRecord;
  /**
   * [PERF6] The command's id, kept with the answer (not in it): the answer is its command's
   * idempotency record, and a later step given the same id answers `repeat` before any other check.
   */
  commandId?: string;
  /**
   * [PERF7] The sender's standing as the caller decided on it (read from the per-node cache): the
   * step confirms the stored participant exists, is not banned and has this mode and team, else it
   * changes nothing and answers `stale`.
   */
  player?: { mode: Mode; team: string | null };
}

export interface RecordAnswerOutcome {
  /**
   * False: nothing changed. Either the player had already answered this question and `answer` is
   * that first one, or the question was discarded ([QZSTORE23]: `discarded` true, `answer` the one given).
   */
  applied: boolean;
  discarded?: true;
  /** [PERF6] The stored answer was recorded under this command id: a retry, nothing changed. */
  repeat?: true;
  /** [PERF7] The sender's stored standing is not the one given: nothing changed; decide again on a fresh read. */
  stale?: true;
  answer: QuizAnswerRecord;
  /** The player's run total and streak right after this step. */
  total: number;
  streak: number;
  /** [QZSTORE27] The question's answer count right after this step (quizAnswersCount, read in the same step). */
  answered: number;
}

export interface QuizPlayerState {
  total: number;
  streak: number;
  /** Question id -> the player's answer. */
  answers: Record<string, QuizAnswerRecord>;
}

export interface QuizRank {
  /** 1-based, strict: ties are broken by who reached the total first ([QZSTORE3]). */
  rank: number;
  total: number;
  streak: number;
  /** The player ranked just above (for "the gap to the player ahead"); null for the leader. */
  ahead: { participantId: string; total: number } | null;
}

export interface QuizRankEntry {
  participantId: string;
  total: number;
  rank: number;
}

/** [QZSTORE26] One ranked player at a reveal: their place, and their answer to the question in hand. */
export interface QuizQuestionResultEntry extends QuizRankEntry {
  streak: number;
  /** Their answer to the question; null when they did not answer it. */
  answer: QuizAnswerRecord | null;
}

export interface CohortAnswerCounts {
  answered: number;
  correct: number;
}

/** One team's standing on one question ([QUIZ7], [QZSTORE6]). */
export interface QuizTeamQuestionScore {
  team: string;
  /** Sum of its members' points on the question. */
  points: number;
  /** Members who answered. */
  answered: number;
  /** Members present when the question opened, as recorded by setQuizPresentAtOpen (0 if not recorded). */
  present: number;
  /** points / max(present, answered); 0 when both are 0. */
  score: number;
}

export interface QuizQuestionStats {
  answered: number;
  room: CohortAnswerCounts;
  remote: CohortAnswerCounts;
  /** [QZSTORE5] Per cohort, answer value -> count: `opt:<index>` for choice picks, `true` / `false` for true-false. */
  tally: Record<Mode, Record<string, number>>;
  /** Teams with presence recorded or an answer, by team name. */
  teams: QuizTeamQuestionScore[];
}

export interface QuizTeamStanding {
  team: string;
  /** Sum over the run's questions of the team's per-capita score. */
  score: number;
}

/**
 * [QZSTORE25] What a run is: a live run, paced by a presenter (the event's current run is its last
 * live one), or a reinforcement run, played alone by each attendee ([QUIZ40]) and found by its id.
 */
export type QuizRunKind = 'live' | 'reinforcement';

/** [QZSTORE20] A run document: the run's state as the phase machine keeps it, stored whole. */
export interface StoredQuizRun {
  eventId: string;
  runId: string;
  /** [QZSTORE25] Set at creation, never changed. */
  kind: QuizRunKind;
  /** Plain JSON, opaque to the store (server/src/domain/quiz/phases.ts QuizRun). */
  run: unknown;
  /** 1 at creation, +1 at every save: the compare-and-set token, and the order of published phases. */
  version: number;
  /** When the run's current step ends by itself (epoch ms), for the deadline sweep; null: never. */
  dueAtMs: number | null;
}

/**
 * The quiz-play part of the storage port. Every mutation is one SQLite transaction or one Lua
 * script. The ranking holds the players with at least one recorded answer.
 */
export interface QuizPlayStore {
  /**
   * [QZSTORE1] [QZSTORE2] One answer per player per question per run, and in the same step the
   * player's total (+= points), streak (= streakAfter), rank, the question's counters and the
   * team's sum. A second answer changes nothing and returns the first.
   */
  recordQuizAnswer(run: QuizRunRef, questionId: string, participantId: string, input: RecordAnswerInput): Promise<RecordAnswerOutcome>;
  /**
   * [QZSTORE23] Takes back every answer to the question, in one step: each player's total loses the
   * answer's points, their streak and place in the ranking return to what they were before it (a
   * player whose only answer it was leaves the ranking), and the question's counters, team sums and
   * presence at open are removed. The answers are deleted, and the question refuses answers from
   * then on (`discarded: true`). A second discard changes nothing. Relies on the answer being each
   * player's latest (a player answers one open question at a time; the discarded one is the last).
   */
  discardQuizQuestion(run: QuizRunRef, questionId: string): Promise<void>;
  /** [PERF6] The id of the command the player's answer to the question was recorded under; null: none (or no answer). */
  quizAnswerCommand(run: QuizRunRef, questionId: string, participantId: string): Promise<string | null>;
  /** [QZSTORE7] The player's total, streak and answers; zeros and no answers when they never answered. */
  getQuizPlayer(run: QuizRunRef, participantId: string): Promise<QuizPlayerState>;
  /** [QZSTORE3] Null when the player has no answer in the run. */
  quizRankOf(run: QuizRunRef, participantId: string): Promise<QuizRank | null>;
  /**
   * [QZSTORE3] n entries of the ranking, best first, after skipping `offset` (default 0: the top n).
   * Walking it page by page gives every player's rank and the player ahead in one pass over the
   * ranking: how to tell everyone their rank at a reveal, rather than quizRankOf per player (which
   * counts the players ahead on SQLite).
   */
  quizTop(run: QuizRunRef, n: number, offset?: number): Promise<QuizRankEntry[]>;
  /**
   * [QZSTORE26] A page of the ranking as quizTop gives it, each entry with the player's streak and
   * their answer to `questionId` (null: none), in one store call: what a reveal tells every ranked
   * player, read a page at a time instead of one getQuizPlayer per player.
   */
  quizQuestionResults(run: QuizRunRef, questionId: string, n: number, offset?: number): Promise<QuizQuestionResultEntry[]>;
  /** [QZSTORE3] How many players the ranking holds. */
  quizPlayerCount(run: QuizRunRef): Promise<number>;
  /** [QZSTORE4] Answers recorded for the question: O(1), for a live "n answered". */
  quizAnswersCount(run: QuizRunRef, questionId: string): Promise<number>;
  /** [QZSTORE4] [QZSTORE5] [QZSTORE6] What the reveal shows, read at one point in time. */
  quizQuestionStats(run: QuizRunRef, questionId: string): Promise<QuizQuestionStats>;
  /**
   * [QZSTORE6] Team members present when the question opened. The first record for a question wins
   * (later ones change nothing); returns the stored one.
   */
  setQuizPresentAtOpen(run: QuizRunRef, questionId: string, present: Record<string, number>): Promise<Record<string, number>>;
  getQuizPresentAtOpen(run: QuizRunRef, questionId: string): Promise<Record<string, number> | null>;
  /**
   * [QZSTORE24] When the question was first sent to the player (a self-paced run, [QUIZ43]): the
   * first record wins, atomically on every node; returns the stored time (epoch ms).
   */
  quizSentAt(run: QuizRunRef, questionId: string, participantId: string, atMs: number): Promise<number>;
  /** [QZSTORE24] The recorded send time, or null when the question was never sent to the player. */
  getQuizSentAt(run: QuizRunRef, questionId: string, participantId: string): Promise<number | null>;
  /** [QZSTORE6] Per team, the sum of its per-capita scores over the run's questions; best first, then by name. */
  quizTeamStandings(run: QuizRunRef): Promise<QuizTeamStanding[]>;
  /** [QZSTORE8] Forgets everything of the run's play (send times included; not its run document). */
  deleteQuizRun(run: QuizRunRef): Promise<void>;

  /**
   * [QZSTORE20] [QZSTORE25] Stores a new run document at version 1, of the kind given (default
   * live); a live one becomes the event's current run. CONFLICT when the id is taken.
   */
  createQuizRun(eventId: string, runId: string, run: unknown, dueAtMs: number | null, kind?: QuizRunKind): Promise<StoredQuizRun>;
  /** [QZSTORE20] Null when unknown. */
  getQuizRun(runId: string): Promise<StoredQuizRun | null>;
  /**
   * [QZSTORE21] Compare-and-set: when the stored version is `expectedVersion`, replaces the document
   * and its due time and bumps the version; otherwise (or unknown) null and nothing changes. Of two
   * writers of one version exactly one wins: the only one that may publish what it wrote.
   */
  saveQuizRun(runId: string, run: unknown, expectedVersion: number, dueAtMs: number | null): Promise<StoredQuizRun | null>;
  /** [QZSTORE20] [QZSTORE25] The live run created last in the event, or null (reinforcement runs are never current). */
  currentQuizRun(eventId: string): Promise<StoredQuizRun | null>;
  /** [QZSTORE22] Ids of runs whose due time is at or before nowMs, at most `limit`, soonest first. */
  dueQuizRuns(nowMs: number, limit: number): Promise<string[]>;
}

/**
 * [QZSTORE5] The tally counters one answer adds to, without the cohort: each pick of a choice, or
 * the true-false value. Other kinds are not tallied (their reveal shows the correct answer and
 * the counts).
 */
export function quizTallyKeys(value: QuizAnswerValue): string[] {
  if (value.kind === 'choice') return [...new Set(value.picks)].map((i) => `opt:${i}`);
  if (value.kind === 'truefalse') return [String(value.value)];
  return [];
}

/** Every counter an answer bumps by one in its question, cohort last: `answered:room`, `correct:room`, `opt:2:room`. */
export function quizCounterKeys(a: QuizAnswerRecord): string[] {
  return ['answered', ...(a.correct ? ['correct'] : []), ...quizTallyKeys(a.value)].map((k) => `${k}:${a.mode}`);
}

/** Counters (as quizCounterKeys names them) -> the cohort counts and tally of QuizQuestionStats. */
export function quizStatsFromCounters(counters: Record<string, number>): Omit<QuizQuestionStats, 'teams'> {
  const stats: Omit<QuizQuestionStats, 'teams'> = {
    answered: 0,
    room: { answered: 0, correct: 0 },
    remote: { answered: 0, correct: 0 },
    tally: { room: {}, remote: {} },
  };
  for (const [k, n] of Object.entries(counters)) {
    if (!(n > 0)) continue;
    const cut = k.lastIndexOf(':');
    const what = k.slice(0, cut);
    const mode = k.slice(cut + 1);
    if (mode !== 'room' && mode !== 'remote') continue;
    if (what === 'answered') {
      stats[mode].answered = n;
      stats.answered += n;
    } else if (what === 'correct') stats[mode].correct = n;
    else stats.tally[mode][what] = n;
  }
  return stats;
}

/**
 * [QUIZ7] [QZSTORE6] A team's per-capita score on one question. A member who answered was there,
 * so the divisor is at least the number who answered (someone who joined after the question opened
 * cannot push a team above its members' average).
 */
export function quizTeamScores(sums: Record<string, { points: number; answered: number }>, present: Record<string, number> | null): QuizTeamQuestionScore[] {
  const teams = new Set([...Object.keys(sums), ...Object.keys(present ?? {})]);
  return [...teams].sort().map((team) => {
    const points = sums[team]?.points ?? 0;
    const answered = sums[team]?.answered ?? 0;
    const here = present?.[team] ?? 0;
    const divisor = Math.max(here, answered);
    return { team, points, answered, present: here, score: divisor === 0 ? 0 : points / divisor };
  });
}

/** Per-question team scores (in any order) -> standings, summed in question-id order so both adapters agree to the last bit. */
export function quizStandingsFrom(perQuestion: { questionId: string; teams: QuizTeamQuestionScore[] }[]): QuizTeamStanding[] {
  const total = new Map<string, number>();
  for (const q of [...perQuestion].sort((a, b) => (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0))) {
    for (const t of q.teams) total.set(t.team, (total.get(t.team) ?? 0) + t.score);
  }
  return [...total].map(([team, score]) => ({ team, score })).sort((a, b) => b.score - a.score || (a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
}

/** Refuses what would corrupt the counters (a programming error, not user input: the caller scores). */
export function checkAnswerInput(input: RecordAnswerInput): void {
  const { answer, streakAfter } = input;
  if (!Number.isSafeInteger(answer.points) || answer.points < 0) throw new Error(`quiz points must be a whole number ≥ 0, got ${answer.points}`);
  if (!Number.isSafeInteger(streakAfter) || streakAfter < 0) throw new Error(`a streak must be a whole number ≥ 0, got ${streakAfter}`);
  if (answer.mode !== 'room' && answer.mode !== 'remote') throw new Error(`unknown cohort ${String(answer.mode)}`);
  if (answer.team === '') throw new Error('a team name is never empty (null: no team)');
}

/** Presence counts are whole numbers ≥ 0 per non-empty team name. */
export function checkPresence(present: Record<string, number>): void {
  for (const [team, n] of Object.entries(present)) {
    if (team === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`presence at open must be whole numbers ≥ 0 per team, got ${team}: ${n}`);
  }
}

/** [QZSTORE25] A run is live or reinforcement, nothing else (a programming error otherwise). */
export function checkRunKind(kind: string): void {
  if (kind !== 'live' && kind !== 'reinforcement') throw new Error(`unknown quiz run kind ${kind}`);
}

/** [QZSTORE24] A send time is a whole number of epoch ms. */
export function checkSentAt(atMs: number): void {
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new Error(`a send time must be whole epoch ms, got ${atMs}`);
}
