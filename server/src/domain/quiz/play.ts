import { createHash } from 'node:crypto';
import {
  accuracy,
  boundedResponseMs,
  checkAnswer,
  ErrorCode,
  QUIZ_PHASE_LIMITS,
  RallyError,
  scoreAnswer,
  unavailable,
  type Participant,
  type QuizAnswerValue,
  type QuizControl,
  type QuizDistribution,
  type QuizJoined,
  type QuizMyResult,
  type QuizPhase,
  type QuizPlayerState,
  type QuizPresenterPhase,
  type QuizQuestion,
  type QuizRunPresenterPhase,
  type QuizSnapshot,
  type QuizStandings,
  type Role,
} from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import type { QuizQuestionStats, QuizRunRef, StoredQuizRun } from '../../store/quiz-play-store.js';
import type { DomainDeps } from '../ports.js';
import { setHighlight } from '../qa/moderation.js';
import { moveSlot } from '../stage/slot.js';
import { QUIZ_STAFF_ROLES, requireQuiz } from './authoring.js';
import { audienceView, dueAt, newRun, next, presenterView, screenView, type QuizAction, type QuizEffect, type QuizRun } from './phases.js';

/*
 * [QUIZ30..QUIZ39] Live play of a quiz run: the presenter opens and paces it, players answer, each
 * role gets the phase it may see, each player their own result. The phase machine (phases.ts) says
 * what happens; this module loads, stores (compare-and-set, so of two nodes computing one transition
 * only the winner publishes) and carries out the effects. No sockets: facts leave through the
 * Publisher, timers through QuizTimers.
 */

/** [QUIZ32] Who gets the audience view: attendees and the stage screen. */
export const QUIZ_AUDIENCE_ROLES = ['attendee', 'screen'] as const satisfies readonly Role[];

/** The stored document of a run: the machine's state plus what the wire needs beside it. */
export interface QuizRunDoc {
  run: QuizRun;
  /** [QUIZ35] When the open question's answering phase was published (server ms): where the timing bound starts. */
  sentAtMs: number | null;
  /** Question ids revealed so far, in order ([QUIZ34] results of a reconnecting player). */
  revealed: string[];
}

/** What a node's timers do with a run's due time; the realtime layer implements it with setTimeout. */
export interface QuizTimers {
  at(runId: string, atMs: number): void;
}

export type QuizPlayDeps = DomainDeps & { quizTimers?: QuizTimers; coalesceMs?: number };

/** The answer's facts the realtime layer measured ([QUIZ35]). */
export interface AnswerTiming {
  /** When this socket connected (server ms): a question sent before it reached this socket no sooner. */
  connectedAtMs: number;
  /** The latest round trip measured on this socket's heartbeats; 0 when unknown. */
  rttMs: number;
}

const notFound = () => new RallyError(ErrorCode.NOT_FOUND, 'no such quiz run in this event');
/** Players per store call at a reveal ([QZSTORE26]): ten calls for 10,000 players. */
const GRADE_PAGE = 1_000;
/** [QUIZ33] At most this many players present but without a score hear "no answer" at a reveal. */
const MAX_UNRANKED_RESULTS = 5_000;
const CAS_ATTEMPTS = 8;

/** [QUIZ30] The deterministic shuffle of an ordering question's items: never the correct order itself. */
export function orderingShuffle(runId: string, questionId: string, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = createHash('sha256').update(`${runId}:${questionId}`).digest();
  for (let i = n - 1; i > 0; i--) {
    if (i * 4 + 4 > seed.length) seed = createHash('sha256').update(seed).digest();
    const j = seed.readUInt32BE((i * 4) % (seed.length - 3)) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  // Shown in the correct order the question would answer itself: rotate by one.
  if (order.every((v, i) => v === i)) order.push(order.shift()!);
  return order;
}

const teamOf = (run: QuizRun, p: Pick<Participant, 'team' | 'mode'>): string | null =>
  run.settings.teamMode === 'teams' ? (p.team ?? null) : run.settings.teamMode === 'room-vs-remote' ? p.mode : null;

/** [QUIZ20] Who is here now, per cohort and per team: one O(1)-ish presence read, never a scan. */
async function joinedNow(deps: DomainDeps, eventId: string, run: Pick<QuizRun, 'settings'>): Promise<QuizJoined> {
  const counts = await deps.store.presenceCounts(eventId);
  if (run.settings.teamMode !== 'teams') return { room: counts.room, remote: counts.remote, teams: [] };
  const teams = await deps.store.presenceTeamCounts(eventId);
  return {
    room: counts.room,
    remote: counts.remote,
    teams: teams.filter((t) => t.team !== null).map((t) => ({ team: t.team!, room: t.room, remote: t.remote })),
  };
}

async function loadRun(deps: DomainDeps, eventId: string, runId: string): Promise<StoredQuizRun & { doc: QuizRunDoc }> {
  const stored = await deps.store.getQuizRun(runId);
  // [QUIZ41] [QZSTORE25] A reinforcement run (found by its id) is not paced: live controls and answers do not reach it.
  if (!stored || stored.eventId !== eventId || stored.kind !== 'live') throw notFound();
  return { ...stored, doc: stored.run as QuizRunDoc };
}

/**
 * [QUIZ2] [QUIZ32] Attendees get `phase`; the stage screen the same, but with the question's text when
 * devices show the buttons alone. A change of the answered count alone goes to the stage screen only:
 * devices do not show it, and at 10,000 players it would be twice a second per node to everyone.
 */
function publishAudience(deps: DomainDeps, eventId: string, runId: string, version: number, phase: QuizPhase, run: QuizRun, countsOnly = false): void {
  const screenPhase = run.settings.questionOnDevices ? phase : screenView(run);
  if (countsOnly) return deps.publish.toRoles(eventId, ['screen'], 'quiz:phaseChanged', { runId, version, phase: screenPhase });
  if (run.settings.questionOnDevices) return deps.publish.toRoles(eventId, QUIZ_AUDIENCE_ROLES, 'quiz:phaseChanged', { runId, version, phase });
  deps.publish.toRoles(eventId, ['attendee'], 'quiz:phaseChanged', { runId, version, phase });
  deps.publish.toRoles(eventId, ['screen'], 'quiz:phaseChanged', { runId, version, phase: screenPhase });
}

function publishPresenter(deps: DomainDeps, eventId: string, runId: string, version: number, phase: QuizPresenterPhase): void {
  deps.publish.toRoles(eventId, QUIZ_STAFF_ROLES, 'quiz:presenterPhaseChanged', { runId, version, phase });
}

/**
 * [QUIZ30] The presenter opens a run of a quiz of this event with at least one question: a new run
 * in its lobby, put on stage, announced to everyone by role.
 */
export async function openRun(deps: QuizPlayDeps, eventId: string, quizId: string): Promise<QuizRunPresenterPhase> {
  const quiz = await requireQuiz(deps.store, eventId, quizId);
  if (quiz.questions.length === 0) throw new RallyError(ErrorCode.INVALID_STATE, 'this quiz has no questions');
  const runId = newId();
  const orders = quiz.questions.map((q) => (q.kind === 'ordering' ? orderingShuffle(runId, q.id, q.items.length) : null));
  const base = newRun({ quizId: quiz.id, title: quiz.title, settings: quiz.settings, questions: quiz.questions, orders });
  const joined = await joinedNow(deps, eventId, base);
  const run: QuizRun = { ...base, joined, present: joined.room + joined.remote };
  const doc: QuizRunDoc = { run, sentAtMs: null, revealed: [] };
  const stored = await deps.store.createQuizRun(eventId, runId, doc, null, 'live');
  publishAudience(deps, eventId, runId, stored.version, audienceView(run), run);
  const presenter = presenterView(run);
  publishPresenter(deps, eventId, runId, stored.version, presenter);
  // [STAGE30] The stage shows the run; a highlighted question makes way, as for any other slot.
  await moveSlot(deps, eventId, { kind: 'quiz', runId });
  await setHighlight(deps, eventId, null);
  return { runId, version: stored.version, phase: presenter };
}

interface Applied {
  stored: StoredQuizRun & { doc: QuizRunDoc };
  effects: QuizEffect[];
}

/**
 * One transition of a run, stored by compare-and-set and retried on a lost race with a fresh read
 * (the action is judged again against what the winner wrote). Returns null effects when nothing
 * changed. Only the winner carries out the effects.
 */
async function transition(deps: QuizPlayDeps, eventId: string, runId: string, action: QuizAction | ((doc: QuizRunDoc) => Promise<QuizAction | null>)): Promise<Applied> {
  for (let attempt = 0; ; attempt++) {
    const current = await loadRun(deps, eventId, runId);
    const a = typeof action === 'function' ? await action(current.doc) : action;
    if (a === null) return { stored: current, effects: [] };
    const nowMs = deps.clock.now();
    const t = next(current.doc.run, a, nowMs);
    if (t.effects.length === 0) return { stored: current, effects: [] };
    const doc = nextDoc(current.doc, t.state, t.effects, nowMs);
    const saved = await deps.store.saveQuizRun(runId, doc, current.version, dueAt(t.state.step));
    if (saved) {
      const stored = { ...saved, doc };
      const step = t.state.step;
      // [QUIZ7] A question that just opened: who is present per team, the divisor of per-capita scores.
      if (step.phase === 'answering' && openedNow(current.doc.run, t.state)) await recordPresenceAtOpen(deps, { eventId, runId }, t.state, t.state.questions[step.index]!.id);
      await carryOut(deps, stored, t.effects);
      return { stored, effects: t.effects };
    }
    if (attempt >= CAS_ATTEMPTS) throw new RallyError(ErrorCode.CONFLICT, 'the quiz is busy; try again');
  }
}

/** The transition opened a question's answering (it was not answering that question before). */
function openedNow(before: QuizRun, after: QuizRun): boolean {
  const b = before.step;
  const a = after.step;
  return a.phase === 'answering' && !(b.phase === 'answering' && b.index === a.index);
}

/** What the document keeps beside the machine's state: when a question was sent, which were revealed. */
function nextDoc(before: QuizRunDoc, run: QuizRun, effects: QuizEffect[], nowMs: number): QuizRunDoc {
  const a = run.step;
  const opened = openedNow(before.run, run);
  const graded = effects.flatMap((e) => (e.kind === 'grade' ? [e.questionId] : []));
  return { run, sentAtMs: opened ? nowMs : a.phase === 'answering' ? before.sentAtMs : null, revealed: [...before.revealed, ...graded] };
}

async function carryOut(deps: QuizPlayDeps, stored: StoredQuizRun & { doc: QuizRunDoc }, effects: QuizEffect[]): Promise<void> {
  const { eventId, runId, version, doc } = stored;
  const ref = { eventId, runId };
  for (const e of effects) {
    switch (e.kind) {
      case 'persist':
        break;
      case 'publishAudience':
        publishAudience(deps, eventId, runId, version, e.phase, doc.run, e.countsOnly);
        break;
      case 'publishPresenter':
        publishPresenter(deps, eventId, runId, version, e.phase);
        break;
      case 'schedule':
        deps.quizTimers?.at(runId, e.atMs);
        break;
      case 'grade':
        await grade(deps, ref, doc.run, e.questionId);
        break;
      case 'discard':
        // [QUIZ27] Skipped or ended before its reveal: its answers are taken back ([QZSTORE23]).
        await deps.store.discardQuizQuestion(ref, e.questionId);
        break;
    }
  }
}

async function recordPresenceAtOpen(deps: DomainDeps, ref: QuizRunRef, run: QuizRun, questionId: string): Promise<void> {
  if (run.settings.teamMode === 'off') return;
  const joined = await joinedNow(deps, ref.eventId, run);
  const present: Record<string, number> =
    run.settings.teamMode === 'room-vs-remote' ? { room: joined.room, remote: joined.remote } : Object.fromEntries(joined.teams.map((t) => [t.team, t.room + t.remote]));
  await deps.store.setQuizPresentAtOpen(ref, questionId, present);
}

/** [QUIZ27] [QUIZ30] A presenter control. */
export async function control(deps: QuizPlayDeps, eventId: string, runId: string, action: QuizControl): Promise<QuizRunPresenterPhase> {
  const before = await loadRun(deps, eventId, runId);
  // [QUIZ25] The reveal shows every answer recorded: the counts are brought up to date first.
  if (action === 'next' && next(before.doc.run, { type: 'tick' }, deps.clock.now()).state.step.phase === 'locked') await refreshAnswered(deps, eventId, runId);
  // The lobby's head count is refreshed with the start.
  if (action === 'start' && before.doc.run.step.phase === 'lobby') {
    const joined = await joinedNow(deps, eventId, before.doc.run);
    await transition(deps, eventId, runId, { type: 'joined', joined });
  }
  const { stored } = await transition(deps, eventId, runId, { type: action });
  return { runId, version: stored.version, phase: presenterView(stored.doc.run) };
}

/**
 * [QUIZ20] The lobby shows who is here as people arrive: the event's current run, while in its
 * lobby, takes the presence counts now (a transition only when they changed).
 */
export async function refreshLobby(deps: QuizPlayDeps, eventId: string): Promise<void> {
  const current = await deps.store.currentQuizRun(eventId);
  if (!current) return;
  const run = (current.run as QuizRunDoc).run;
  if (run.step.phase !== 'lobby') return;
  const joined = await joinedNow(deps, eventId, run);
  if (JSON.stringify(joined) === JSON.stringify(run.joined)) return;
  await transition(deps, eventId, current.runId, { type: 'joined', joined });
}

/** [QUIZ23] Catches a run up with its clock (a timer fired, or the sweep found it due). */
export async function tickRun(deps: QuizPlayDeps, runId: string): Promise<void> {
  const stored = await deps.store.getQuizRun(runId);
  if (!stored || stored.kind !== 'live') return;
  await transition(deps, stored.eventId, runId, { type: 'tick' });
}

/** [QUIZ23] Every due run, caught up; the store's compare-and-set lets one node win each transition. */
export async function tickDueRuns(deps: QuizPlayDeps): Promise<void> {
  const due = await deps.store.dueQuizRuns(deps.clock.now(), 100);
  await Promise.all(due.map((id) => tickRun(deps, id)));
}

/** [QUIZ25] The answers so far as the reveal shows them, from the store's counters. */
export function distributionOf(q: QuizQuestion, stats: Omit<QuizQuestionStats, 'teams'>): QuizDistribution {
  const keys = q.kind === 'choice' ? q.options.map((_, i) => `opt:${i}`) : q.kind === 'truefalse' ? ['true', 'false'] : [];
  return {
    answered: { room: stats.room.answered, remote: stats.remote.answered },
    correct: { room: stats.room.correct, remote: stats.remote.correct },
    options: keys.map((k) => ({ room: stats.tally.room[k] ?? 0, remote: stats.tally.remote[k] ?? 0 })),
  };
}

/** [QUIZ24] [QUIZ36] The open question's answer count, present count and distribution, from the store. */
async function refreshAnswered(deps: QuizPlayDeps, eventId: string, runId: string): Promise<void> {
  await transition(deps, eventId, runId, async (doc) => {
    const step = doc.run.step;
    if (step.phase !== 'answering' && step.phase !== 'locked') return null;
    const q = doc.run.questions[step.index]!;
    const [stats, counts] = await Promise.all([deps.store.quizQuestionStats({ eventId, runId }, q.id), deps.store.presenceCounts(eventId)]);
    return { type: 'answered', answered: stats.answered, present: counts.room + counts.remote, distribution: distributionOf(q, stats) };
  });
}

/** [QUIZ36] Per node and run: at most one answered-count update per window. */
const pendingCounts = new Map<string, ReturnType<typeof setTimeout>>();

function scheduleCount(deps: QuizPlayDeps, eventId: string, runId: string): void {
  if (pendingCounts.has(runId)) return;
  const timer = setTimeout(() => {
    pendingCounts.delete(runId);
    refreshAnswered(deps, eventId, runId).catch(() => undefined);
  }, deps.coalesceMs ?? 500);
  timer.unref?.();
  pendingCounts.set(runId, timer);
}

/** [PERF7] An answer decided on a stale copy of the sender is decided again on a fresh read, this many times at most. */
const STALE_RETRIES = 3;

/**
 * [QUIZ31] [QUIZ35] [QUIZ36] A player's answer to the open question: checked, timed within the
 * bound, scored now (correctness and points are told at the reveal), stored once.
 *
 * [PERF6] [PERF7] The hot path: the sender comes from the store's per-node cache, and the answer
 * record is the command's idempotency record (`commandId`, checked by the store's step before
 * anything else); the step also confirms the sender stands as decided here (not banned, same mode
 * and team), or answers `stale` and the answer is decided again on a fresh read.
 */
export async function answer(
  deps: QuizPlayDeps,
  eventId: string,
  participantId: string,
  input: { runId: string; questionId: string; answer: QuizAnswerValue; displayedForMs: number },
  timing: AnswerTiming,
  commandId?: string,
): Promise<{ runId: string; questionId: string; received: true }> {
  const { runId, questionId } = input;
  const received = { runId, questionId, received: true } as const;
  const ref = { eventId, runId };
  for (let attempt = 1; ; attempt++) {
    const [stored, me] = await Promise.all([loadRun(deps, eventId, runId), deps.store.hotParticipant(participantId)]);
    if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
    if (me.banned) {
      // [PERF6] An id applied before the ban is answered as it was, not refused now.
      if (commandId && (await deps.store.quizAnswerCommand(ref, questionId, participantId)) === commandId) return received;
      // [SEC10] Read here anyway, so the ban is checked here rather than by a second read in the pipeline.
      throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
    }
    const nowMs = deps.clock.now();
    const index = stored.doc.run.questions.findIndex((q) => q.id === questionId);
    if (index < 0) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this quiz');
    const q = stored.doc.run.questions[index]!;
    // Judged on the run caught up to now: a question whose time ran out is closed even before a timer says so.
    const step = next(stored.doc.run, { type: 'tick' }, nowMs).state.step;
    const open = step.phase === 'answering' && step.index === index;
    const reason = checkAnswer(q, input.answer);
    if (!open) {
      // A retry of an answer already taken is still "received".
      const mine = (await deps.store.getQuizPlayer(ref, participantId)).answers[questionId];
      if (mine && sameAnswer(mine.value, input.answer)) return received;
      throw new RallyError(ErrorCode.INVALID_STATE, step.phase === 'answering' || step.phase === 'getReady' || step.phase === 'teamTalk' || step.phase === 'lobby' ? 'this question is not open' : 'this question is closed');
    }
    if (reason) throw new RallyError(ErrorCode.BAD_REQUEST, reason);

    const opensAtMs = Math.max(step.opensAtMs, stored.doc.sentAtMs ?? step.opensAtMs, timing.connectedAtMs);
    const responseMs = Math.round(boundedResponseMs({ claimedMs: input.displayedForMs, serverElapsedMs: nowMs - opensAtMs, rttMs: timing.rttMs }));
    const player = await deps.store.getQuizPlayer(ref, participantId);
    const prior = player.answers[questionId];
    if (prior) {
      if (sameAnswer(prior.value, input.answer)) return received;
      throw new RallyError(ErrorCode.CONFLICT, 'you already answered');
    }
    const streakBefore = missedPreviousScoring(stored.doc.run.questions, index, stored.doc.revealed, player.answers) ? 0 : player.streak;
    const outcome = scoreAnswer({ multiplier: q.points, accuracy: accuracy(q, input.answer), responseMs, timeLimitMs: q.timeLimitSec * 1000, streakBefore, graded: q.kind === 'number' });
    const recorded = await deps.store.recordQuizAnswer(ref, questionId, participantId, {
      streakAfter: outcome.streakAfter,
      answer: { value: input.answer, points: outcome.points, correct: outcome.correct, bonus: outcome.bonus, responseMs, at: isoNow(deps.clock), team: teamOf(stored.doc.run, me), mode: me.mode },
      ...(commandId ? { commandId } : {}),
      player: { mode: me.mode, team: me.team ?? null },
    });
    if (recorded.stale) {
      if (attempt < STALE_RETRIES) continue;
      throw unavailable('your details changed while answering; try again', 100);
    }
    if (recorded.repeat) return received;
    // The question was skipped while this answer was on its way ([QZSTORE23]).
    if (recorded.discarded) throw new RallyError(ErrorCode.INVALID_STATE, 'this question is closed');
    if (!recorded.applied) {
      // Another tab or node was first ([QZSTORE1]).
      if (sameAnswer(recorded.answer.value, input.answer)) return received;
      throw new RallyError(ErrorCode.CONFLICT, 'you already answered');
    }
    deps.engagement?.interacted(me, 'quizAnswered', { ref: questionId });
    // [QUIZ24] Everyone present has answered: lock now; otherwise the count goes out coalesced.
    // The count is the one the record step read ([QZSTORE27]): no second read per answer.
    const counts = await deps.store.presenceCounts(eventId);
    const present = counts.room + counts.remote;
    if (present > 0 && recorded.answered >= present) await refreshAnswered(deps, eventId, runId);
    else scheduleCount(deps, eventId, runId);
    return received;
  }
}

const sameAnswer = (a: QuizAnswerValue, b: QuizAnswerValue) => JSON.stringify(a) === JSON.stringify(b);

/**
 * [QUIZ4] The streak counts consecutive answers: missing the previous scoring question (×1 or ×2)
 * breaks it. Questions only move forward, so an earlier question that was not revealed was skipped
 * or dropped, and counts for nothing ([QUIZ27]): it is passed over.
 */
function missedPreviousScoring(questions: readonly QuizQuestion[], index: number, revealed: readonly string[], answers: Record<string, unknown>): boolean {
  for (let i = index - 1; i >= 0; i--) {
    if (questions[i]!.points > 0 && revealed.includes(questions[i]!.id)) return answers[questions[i]!.id] === undefined;
  }
  return false;
}

/**
 * [QUIZ33] At a reveal, each player hears their own outcome: the ranking is walked page by page
 * (never sorted in memory), each page one store call that brings every ranked player's streak and
 * answer to the question with their place ([QZSTORE26]), each ranked player told their answer's
 * points, total, rank and the gap to the player ahead; present attendees without a score hear they
 * did not answer. Then the standings go into the run ([QUIZ26]).
 */
async function grade(deps: QuizPlayDeps, ref: QuizRunRef, run: QuizRun, questionId: string): Promise<void> {
  const { store } = deps;
  const q = run.questions.find((x) => x.id === questionId)!;
  const players = await store.quizPlayerCount(ref);
  const ranked = new Set<string>();
  let ahead: number | null = null;
  for (let offset = 0; ; offset += GRADE_PAGE) {
    const page = await store.quizQuestionResults(ref, questionId, GRADE_PAGE, offset);
    const results: { participantId: string; payload: QuizMyResult }[] = [];
    for (const e of page) {
      ranked.add(e.participantId);
      const a = e.answer;
      const result: QuizMyResult = {
        runId: ref.runId,
        questionId,
        answered: a !== null,
        correct: a?.correct ?? false,
        points: a?.points ?? 0,
        bonus: a?.bonus ?? 0,
        total: e.total,
        streak: a === null && q.points > 0 ? 0 : e.streak,
        rank: e.rank,
        players,
        gapToAhead: ahead === null ? null : ahead - e.total,
      };
      results.push({ participantId: e.participantId, payload: result });
      ahead = e.total;
    }
    // [CLU5] A page's results in bulk: the snapshot carries them too ([QUIZ34]).
    deps.publish.toParticipants('quiz:answerScored', results);
    if (page.length < GRADE_PAGE) break;
  }
  const online = (await store.presenceOnline(ref.eventId)).filter((id) => !ranked.has(id)).slice(0, MAX_UNRANKED_RESULTS);
  const people = await Promise.all(online.map((id) => store.getParticipant(id)));
  const none = { runId: ref.runId, questionId, answered: false, correct: false, points: 0, bonus: 0, total: 0, streak: 0, rank: null, players, gapToAhead: null };
  deps.publish.toParticipants(
    'quiz:answerScored',
    people.flatMap((p) => (p && p.role === 'attendee' ? [{ participantId: p.id, payload: none }] : [])),
  );
  const standings = await standingsOf(deps, ref);
  await transition(deps, ref.eventId, ref.runId, { type: 'standings', standings });
}

/** [QUIZ26] The top players (with their names) and the teams, per capita ([QUIZ7]). */
async function standingsOf(deps: DomainDeps, ref: QuizRunRef): Promise<QuizStandings> {
  const [top, teams] = await Promise.all([deps.store.quizTop(ref, QUIZ_PHASE_LIMITS.standingsTop), deps.store.quizTeamStandings(ref)]);
  const people = await Promise.all(top.map((e) => deps.store.getParticipant(e.participantId)));
  return {
    players: top.map((e, i) => ({ rank: e.rank, participantId: e.participantId, name: people[i]?.name ?? '', team: people[i]?.team ?? null, score: e.total })),
    teams: teams.map((t, i) => ({ rank: i + 1, team: t.team, score: t.score })),
  };
}

/**
 * [QUIZ34] The snapshot part: the event's current run as this role may see it, and for an
 * attendee their answers and the results of the questions revealed so far. Nothing once it ended.
 */
export async function quizForSnapshot(deps: Pick<DomainDeps, 'store'>, me: Participant): Promise<QuizSnapshot | undefined> {
  return quizFromRun(deps, me, await deps.store.currentQuizRun(me.eventId));
}

/** [QUIZ34] [PERF20] The snapshot part from the event's current run as read (shared by a role's snapshots). */
export async function quizFromRun(deps: Pick<DomainDeps, 'store'>, me: Participant, stored: StoredQuizRun | null): Promise<QuizSnapshot | undefined> {
  if (!stored) return undefined;
  const doc = stored.run as QuizRunDoc;
  if (doc.run.step.phase === 'ended') return undefined;
  const { runId, version } = stored;
  if ((QUIZ_STAFF_ROLES as readonly Role[]).includes(me.role)) return { presenterPhase: { runId, version, phase: presenterView(doc.run) } };
  const phase = { runId, version, phase: me.role === 'screen' ? screenView(doc.run) : audienceView(doc.run) };
  if (me.role !== 'attendee') return { phase };
  return { phase, me: await playerState(deps, { eventId: me.eventId, runId }, doc, me.id) };
}

async function playerState(deps: Pick<DomainDeps, 'store'>, ref: QuizRunRef, doc: QuizRunDoc, participantId: string): Promise<QuizPlayerState> {
  const [player, rank, players] = await Promise.all([deps.store.getQuizPlayer(ref, participantId), deps.store.quizRankOf(ref, participantId), deps.store.quizPlayerCount(ref)]);
  const answers = Object.fromEntries(Object.entries(player.answers).map(([qid, a]) => [qid, a.value]));
  const results: Record<string, QuizMyResult> = {};
  for (const qid of doc.revealed) {
    const a = player.answers[qid];
    results[qid] = {
      runId: ref.runId,
      questionId: qid,
      answered: a !== undefined,
      correct: a?.correct ?? false,
      points: a?.points ?? 0,
      bonus: a?.bonus ?? 0,
      total: player.total,
      streak: player.streak,
      rank: rank?.rank ?? null,
      players,
      gapToAhead: rank?.ahead ? rank.ahead.total - rank.total : null,
    };
  }
  return { total: player.total, streak: player.streak, rank: rank?.rank ?? null, answers, results };
}
