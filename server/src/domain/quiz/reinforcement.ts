import {
  accuracy,
  boundedResponseMs,
  checkAnswer,
  ErrorCode,
  playerQuestion,
  RallyError,
  revealOf,
  scoreAnswer,
  type Mode,
  type Participant,
  type QuizAnswerValue,
  type QuizQuestion,
  type QuizReinforcement,
  type QuizRevisit,
  type QuizSelfQuestion,
  type QuizSelfResult,
  type QuizSettings,
  type TopicAccuracy,
  type TopicComparison,
  type WhatStuck,
} from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { QuizAnswerRecord, QuizRunRef, StoredQuizRun } from '../../store/quiz-play-store.js';
import type { DomainDeps } from '../ports.js';
import { requireQuiz } from './authoring.js';
import { orderingShuffle, type AnswerTiming, type QuizRunDoc } from './play.js';

/*
 * [QUIZ40..QUIZ49] The reinforcement quiz ("quick quizzes 30 days after"): a quiz reopened as
 * self-paced until a closing date. Each attendee plays it alone; each question is timed from the
 * server's first send of it to that player. Its answers live in a run of their own (the quiz-play
 * store keyed by its run id), so they never mix with the live run's, and are compared with them
 * per topic ("what stuck"). No sockets, no timers: nothing here is paced by a presenter.
 */

/** The stored document of a reinforcement run (beside live runs' QuizRunDoc in the same store). */
export interface ReinforcementDoc {
  kind: 'reinforcement';
  quizId: string;
  title: string;
  settings: QuizSettings;
  /** The live run's questions (same ids, so topics line up), or the quiz's when there was no live run. */
  questions: QuizQuestion[];
  orders: (number[] | null)[];
  liveRunId: string | null;
  closesAt: string;
}

/**
 * [QUIZ40] One reinforcement run per quiz, with an id derived from the quiz's: found without an
 * index, and reopening again moves the closing date of the same run (results kept).
 */
export const reinforcementRunId = (quizId: string) => `rf-${quizId}`;

/** [QUIZ43] Beyond the time limit, an answer is still taken for this long (network slack). */
export const SELF_PACED_GRACE_MS = 2_000;

const notFound = () => new RallyError(ErrorCode.NOT_FOUND, 'no such reinforcement quiz in this event');

/** [QZSTORE25] The store knows a reinforcement run by the kind it was created with. */
const isReinforcement = (stored: StoredQuizRun): stored is StoredQuizRun & { run: ReinforcementDoc } => stored.kind === 'reinforcement';

const listing = (runId: string, d: ReinforcementDoc): QuizReinforcement => ({
  runId,
  quizId: d.quizId,
  title: d.title,
  questionCount: d.questions.length,
  closesAt: d.closesAt,
  liveRunId: d.liveRunId,
});

async function loadReinforcement(deps: Pick<DomainDeps, 'store'>, eventId: string, runId: string): Promise<StoredQuizRun & { doc: ReinforcementDoc }> {
  const stored = await deps.store.getQuizRun(runId);
  if (!stored || stored.eventId !== eventId || !isReinforcement(stored)) throw notFound();
  return { ...stored, doc: stored.run };
}

/** The live run a reinforcement compares with: the one named, or the event's current run when it is this quiz's. */
async function liveRunFor(deps: Pick<DomainDeps, 'store'>, eventId: string, quizId: string, liveRunId: string | undefined): Promise<(StoredQuizRun & { doc: QuizRunDoc }) | null> {
  const stored = liveRunId ? await deps.store.getQuizRun(liveRunId) : await deps.store.currentQuizRun(eventId);
  const ok = stored && stored.eventId === eventId && stored.kind === 'live' && (stored.run as QuizRunDoc).run.quizId === quizId;
  if (ok) return { ...stored, doc: stored.run as QuizRunDoc };
  if (liveRunId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such live run of this quiz');
  return null;
}

/**
 * [QUIZ40] [QUIZ41] The organiser or a moderator reopens a quiz as self-paced until `closesAt` (in
 * the future). The first reopening creates its run, with the live run's questions; a later one
 * moves the closing date. Refused while a live run is still being played (it would leave the stage).
 */
export async function reopenQuiz(deps: DomainDeps, eventId: string, quizId: string, input: { closesAt: string; liveRunId?: string }): Promise<QuizReinforcement> {
  const quiz = await requireQuiz(deps.store, eventId, quizId);
  const closesMs = Date.parse(input.closesAt);
  if (!(closesMs > deps.clock.now())) throw new RallyError(ErrorCode.BAD_REQUEST, 'the closing date must be in the future');
  const closesAt = new Date(closesMs).toISOString();
  const runId = reinforcementRunId(quiz.id);
  const existing = await deps.store.getQuizRun(runId);
  let doc: ReinforcementDoc;
  if (existing) {
    if (existing.eventId !== eventId || !isReinforcement(existing)) throw notFound();
    doc = { ...existing.run, closesAt };
    if (!(await deps.store.saveQuizRun(runId, doc, existing.version, null))) throw new RallyError(ErrorCode.CONFLICT, 'the quiz was reopened meanwhile; try again');
  } else {
    const current = await deps.store.currentQuizRun(eventId);
    const phase = current ? (current.run as QuizRunDoc).run.step.phase : null;
    // Reopening is for after the live play: a quiz being played keeps the room's attention (and its live run may be the one to compare with).
    if (phase !== null && phase !== 'ended' && phase !== 'podium') throw new RallyError(ErrorCode.INVALID_STATE, 'a live quiz is being played; reopen a quiz once it has ended');
    const live = await liveRunFor(deps, eventId, quiz.id, input.liveRunId);
    const questions = live ? live.doc.run.questions : quiz.questions;
    if (questions.length === 0) throw new RallyError(ErrorCode.INVALID_STATE, 'this quiz has no questions');
    const orders = live ? live.doc.run.orders : questions.map((q) => (q.kind === 'ordering' ? orderingShuffle(runId, q.id, q.items.length) : null));
    doc = { kind: 'reinforcement', quizId: quiz.id, title: quiz.title, settings: quiz.settings, questions, orders, liveRunId: live?.runId ?? null, closesAt };
    // [QZSTORE25] A reinforcement run: never the event's current run, so the live one stays on devices.
    await deps.store.createQuizRun(eventId, runId, doc, null, 'reinforcement');
  }
  const out = listing(runId, doc);
  deps.publish.toEvent(eventId, 'quiz:reopened', out);
  return out;
}

function requireOpen(deps: Pick<DomainDeps, 'clock'>, doc: ReinforcementDoc): void {
  if (deps.clock.now() >= Date.parse(doc.closesAt)) throw new RallyError(ErrorCode.INVALID_STATE, 'this quiz has closed');
}

async function requireAttendee(deps: Pick<DomainDeps, 'store'>, eventId: string, participantId: string): Promise<Participant> {
  const me = await deps.store.getParticipant(participantId);
  if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  return me;
}

/**
 * [QUIZ42] [QUIZ43] The player's next question, to them alone: the first one they have neither
 * answered nor let run out. Its clock starts at the server's first send to this player and is
 * never restarted: asking again (a reload, another device) gets the same question with the time
 * left. Nothing is left: `done`.
 */
export async function selfStart(deps: DomainDeps, eventId: string, participantId: string, runId: string): Promise<QuizSelfQuestion> {
  const { doc } = await loadReinforcement(deps, eventId, runId);
  requireOpen(deps, doc);
  await requireAttendee(deps, eventId, participantId);
  const ref = { eventId, runId };
  const player = await deps.store.getQuizPlayer(ref, participantId);
  const nowMs = deps.clock.now();
  for (let i = 0; i < doc.questions.length; i++) {
    const q = doc.questions[i]!;
    if (player.answers[q.id]) continue;
    // [QZSTORE24] Recorded once: a reload, another device or node reads the first send.
    const sentMs = await deps.store.quizSentAt(ref, q.id, participantId, nowMs);
    if (nowMs > sentMs + q.timeLimitSec * 1000 + SELF_PACED_GRACE_MS) continue; // ran out: missed
    return {
      runId,
      done: false,
      index: i,
      count: doc.questions.length,
      // Self-paced: no stage shows the question, so the device always does.
      question: playerQuestion(q, { showText: true, order: doc.orders[i] ?? undefined }),
      sentAt: new Date(sentMs).toISOString(),
      closesAtQuestion: new Date(sentMs + q.timeLimitSec * 1000).toISOString(),
      total: player.total,
    };
  }
  return { runId, done: true, index: doc.questions.length, count: doc.questions.length, question: null, sentAt: null, closesAtQuestion: null, total: player.total };
}

/**
 * [QUIZ43] [QUIZ44] A self-paced answer: to a question sent to this player, within its time
 * (bounded per [QUIZ6] from the server's send to them and the socket's round trip), before the
 * closing date; scored and stored once in the reinforcement run, and its result told at once.
 */
export async function selfAnswer(
  deps: DomainDeps,
  eventId: string,
  participantId: string,
  input: { runId: string; questionId: string; answer: QuizAnswerValue; displayedForMs: number },
  timing: Pick<AnswerTiming, 'rttMs'>,
): Promise<QuizSelfResult> {
  const { runId, questionId } = input;
  const { doc } = await loadReinforcement(deps, eventId, runId);
  requireOpen(deps, doc);
  const me = await requireAttendee(deps, eventId, participantId);
  const index = doc.questions.findIndex((q) => q.id === questionId);
  if (index < 0) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this quiz');
  const q = doc.questions[index]!;
  const reason = checkAnswer(q, input.answer);
  if (reason) throw new RallyError(ErrorCode.BAD_REQUEST, reason);
  const ref = { eventId, runId };
  const player = await deps.store.getQuizPlayer(ref, participantId);
  const resultOf = (a: QuizAnswerRecord, total: number, streak: number): QuizSelfResult => ({
    runId,
    questionId,
    correct: a.correct,
    points: a.points,
    bonus: a.bonus,
    total,
    streak,
    reveal: revealOf(q),
    explanation: q.explanation ?? null,
  });
  const again = (a: QuizAnswerRecord, total: number, streak: number) => {
    if (sameAnswer(a.value, input.answer)) return resultOf(a, total, streak);
    throw new RallyError(ErrorCode.CONFLICT, 'you already answered');
  };
  const prior = player.answers[questionId];
  if (prior) return again(prior, player.total, player.streak);

  const sentMs = await deps.store.getQuizSentAt(ref, questionId, participantId);
  if (sentMs === null) throw new RallyError(ErrorCode.INVALID_STATE, 'this question has not been sent to you');
  const nowMs = deps.clock.now();
  const limitMs = q.timeLimitSec * 1000;
  const elapsed = nowMs - sentMs;
  if (elapsed - Math.max(0, timing.rttMs) > limitMs + SELF_PACED_GRACE_MS) throw new RallyError(ErrorCode.INVALID_STATE, 'time is up for this question');
  const responseMs = Math.min(limitMs, Math.round(boundedResponseMs({ claimedMs: input.displayedForMs, serverElapsedMs: elapsed, rttMs: timing.rttMs })));
  const streakBefore = missedPrevious(doc.questions, index, player.answers) ? 0 : player.streak;
  const outcome = scoreAnswer({ multiplier: q.points, accuracy: accuracy(q, input.answer), responseMs, timeLimitMs: limitMs, streakBefore, graded: q.kind === 'number' });
  const team = doc.settings.teamMode === 'teams' ? (me.team ?? null) : doc.settings.teamMode === 'room-vs-remote' ? me.mode : null;
  const recorded = await deps.store.recordQuizAnswer(ref, questionId, participantId, {
    streakAfter: outcome.streakAfter,
    answer: { value: input.answer, points: outcome.points, correct: outcome.correct, bonus: outcome.bonus, responseMs, at: isoNow(deps.clock), team, mode: me.mode },
  });
  if (!recorded.applied) return again(recorded.answer, recorded.total, recorded.streak);
  // [QUIZ48] An engagement entry like a live answer's.
  deps.engagement?.interacted(me, 'quizAnswered', { ref: questionId });
  return resultOf(recorded.answer, recorded.total, recorded.streak);
}

const sameAnswer = (a: QuizAnswerValue, b: QuizAnswerValue) => JSON.stringify(a) === JSON.stringify(b);

/** [QUIZ4] Self-paced, every earlier question was asked: missing the previous scoring one breaks the streak. */
function missedPrevious(questions: readonly QuizQuestion[], index: number, answers: Record<string, unknown>): boolean {
  for (let i = index - 1; i >= 0; i--) if (questions[i]!.points > 0) return answers[questions[i]!.id] === undefined;
  return false;
}

/** [QUIZ41] Attendees: the event's reinforcement quizzes open now, with how far they got. */
export async function revisitsForSnapshot(deps: Pick<DomainDeps, 'store' | 'clock'>, me: Participant): Promise<QuizRevisit[] | undefined> {
  if (me.role !== 'attendee') return undefined;
  return revisitsFrom(deps, me, await reinforcementRuns(deps, me.eventId));
}

type ReinforcementRun = StoredQuizRun & { run: ReinforcementDoc };

/** [QUIZ41] [PERF20] The event's reinforcement runs, open or not (the same for every attendee). */
export async function reinforcementRuns(deps: Pick<DomainDeps, 'store'>, eventId: string): Promise<ReinforcementRun[]> {
  const quizzes = await deps.store.listQuizzes(eventId);
  const runs = await Promise.all(quizzes.map((q) => deps.store.getQuizRun(reinforcementRunId(q.id))));
  return runs.filter((r): r is ReinforcementRun => !!r && r.eventId === eventId && isReinforcement(r));
}

/** [QUIZ41] Of those runs, the ones open now, with how far this attendee got. */
export async function revisitsFrom(deps: Pick<DomainDeps, 'store' | 'clock'>, me: Participant, runs: readonly ReinforcementRun[]): Promise<QuizRevisit[]> {
  const open = runs.filter((r) => Date.parse(r.run.closesAt) > deps.clock.now());
  return Promise.all(
    open.map(async (r) => {
      const answered = Object.keys((await deps.store.getQuizPlayer({ eventId: me.eventId, runId: r.runId }, me.id)).answers).length;
      return { ...listing(r.runId, r.run), answered, done: answered >= r.run.questions.length };
    }),
  );
}

/** One answer as the comparison needs it. */
export interface AnswerRow {
  participantId: string;
  topic: string;
  correct: boolean;
  mode: Mode;
}

const PAGE = 200;

/** A run's player: their total, rank and answers. */
export interface RunPlayer {
  total: number;
  rank: number;
  answers: Record<string, QuizAnswerRecord>;
}

/** Every player of a run with their answers, walking the ranking page by page ([QZSTORE3]). */
export async function runPlayers(deps: Pick<DomainDeps, 'store'>, ref: QuizRunRef | null): Promise<Map<string, RunPlayer>> {
  const out = new Map<string, RunPlayer>();
  if (!ref) return out;
  for (let offset = 0; ; offset += PAGE) {
    const page = await deps.store.quizTop(ref, PAGE, offset);
    const states = await Promise.all(page.map((e) => deps.store.getQuizPlayer(ref, e.participantId)));
    page.forEach((e, i) => out.set(e.participantId, { total: e.total, rank: e.rank, answers: states[i]!.answers }));
    if (page.length < PAGE) return out;
  }
}

export function rowsOf(players: Map<string, RunPlayer>, topicOf: Map<string, string>): AnswerRow[] {
  const rows: AnswerRow[] = [];
  for (const [participantId, { answers: byQuestion }] of players) {
    for (const [qid, a] of Object.entries(byQuestion)) {
      const topic = topicOf.get(qid);
      if (topic !== undefined) rows.push({ participantId, topic, correct: a.correct, mode: a.mode });
    }
  }
  return rows;
}

/** [QUIZ46] Correct over answered, per topic; null accuracy without answers. */
export function topicAccuracy(rows: readonly { topic: string; correct: boolean }[], topic: string): TopicAccuracy {
  const mine = rows.filter((r) => r.topic === topic);
  const correct = mine.filter((r) => r.correct).length;
  return { answered: mine.length, correct, accuracy: mine.length ? correct / mine.length : null };
}

export function compareTopics(topics: readonly string[], live: readonly { topic: string; correct: boolean }[], later: readonly { topic: string; correct: boolean }[]): TopicComparison[] {
  return topics.map((topic) => {
    const l = topicAccuracy(live, topic);
    const r = topicAccuracy(later, topic);
    return { topic, live: l, later: r, change: l.accuracy !== null && r.accuracy !== null ? r.accuracy - l.accuracy : null };
  });
}

/** The reinforcement run of a quiz and the live run it compares with (either may be missing). */
export async function quizRuns(deps: Pick<DomainDeps, 'store'>, eventId: string, quizId: string) {
  const quiz = await requireQuiz(deps.store, eventId, quizId);
  const rf = await deps.store.getQuizRun(reinforcementRunId(quiz.id));
  const reinforcement = rf && rf.eventId === eventId && isReinforcement(rf) ? { runId: rf.runId, doc: rf.run } : null;
  const live = reinforcement?.doc.liveRunId ? await liveRunFor(deps, eventId, quiz.id, reinforcement.doc.liveRunId) : await liveRunFor(deps, eventId, quiz.id, undefined);
  const questions = reinforcement?.doc.questions ?? live?.doc.run.questions ?? quiz.questions;
  const topicOf = new Map(questions.map((q) => [q.id, q.topic ?? '']));
  const topics = [...new Set(questions.map((q) => q.topic ?? ''))];
  return { quiz, live: live ? { runId: live.runId } : null, reinforcement, questions, topicOf, topics };
}

/**
 * [QUIZ46] [QUIZ47] "What stuck": per topic, the accuracy of the live run's answers and of the
 * reinforcement's, overall, per cohort (the one each answer was given in), per team (the
 * participant's team) and per participant.
 */
export async function whatStuck(deps: Pick<DomainDeps, 'store'>, eventId: string, quizId: string): Promise<WhatStuck> {
  const runs = await quizRuns(deps, eventId, quizId);
  const [liveAnswers, laterAnswers] = await Promise.all([
    runPlayers(deps, runs.live && { eventId, runId: runs.live.runId }),
    runPlayers(deps, runs.reinforcement && { eventId, runId: runs.reinforcement.runId }),
  ]);
  const live = rowsOf(liveAnswers, runs.topicOf);
  const later = rowsOf(laterAnswers, runs.topicOf);
  const ids = [...new Set([...liveAnswers.keys(), ...laterAnswers.keys()])];
  const people = new Map((await Promise.all(ids.map((id) => deps.store.getParticipant(id)))).flatMap((p) => (p ? [[p.id, p] as const] : [])));
  const teamOf = (r: AnswerRow) => people.get(r.participantId)?.team ?? null;
  const teams = [...new Set([...live, ...later].map(teamOf).filter((t): t is string => t !== null))].sort();
  const cmp = (keep: (r: AnswerRow) => boolean) => compareTopics(runs.topics, live.filter(keep), later.filter(keep));
  return {
    quizId: runs.quiz.id,
    liveRunId: runs.live?.runId ?? null,
    reinforcementRunId: runs.reinforcement?.runId ?? null,
    topics: cmp(() => true),
    cohorts: (['room', 'remote'] as const).map((cohort) => ({ cohort, topics: cmp((r) => r.mode === cohort) })),
    teams: teams.map((team) => ({ team, topics: cmp((r) => teamOf(r) === team) })),
    participants: ids
      .map((id) => ({ participantId: id, name: people.get(id)?.name ?? '', team: people.get(id)?.team ?? null, topics: cmp((r) => r.participantId === id) }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.participantId.localeCompare(b.participantId)),
  };
}
