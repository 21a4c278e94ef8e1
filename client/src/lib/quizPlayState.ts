import type { CommandName, CommandResults, QuizAnswerValue, QuizMyResult, QuizPhase, QuizPresenterPhase, QuizReinforcement, QuizRevisit, QuizRunPhase, QuizRunPresenterPhase, Snapshot } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * [UI50] The live play of quizzes as this client knows it: per run, the phase its role may see
 * (attendees and the stage screen the audience phase, staff the presenter phase with the answer
 * key) and, for a player, their own answers and results. Kept per run id, so a late fact of an
 * earlier run never overwrites the run on stage; within a run the highest version wins (facts and
 * acks race, and several nodes send).
 */
export interface QuizPlayState {
  runs: Record<string, { version: number; phase: QuizPhase }>;
  presenterRuns: Record<string, { version: number; phase: QuizPresenterPhase }>;
  players: Record<string, PlayerRun>;
  /** [QUIZ41] Attendees: the reinforcement quizzes open to them ("Quizzes to revisit"). */
  revisits: QuizRevisit[];
}

/** One player's part in one run: what they answered, and their results as revealed. */
export interface PlayerRun {
  total: number;
  streak: number;
  rank: number | null;
  answers: Record<string, QuizAnswerValue>;
  results: Record<string, QuizMyResult>;
}

export type QuizPlayEvent =
  | { name: 'quiz:phaseChanged'; payload: QuizRunPhase }
  | { name: 'quiz:presenterPhaseChanged'; payload: QuizRunPresenterPhase }
  | { name: 'quiz:answerScored'; payload: QuizMyResult }
  /** Our own answer was received (the ack carries no answer: the sender knows it). */
  | { name: 'quiz:answered'; payload: { runId: string; questionId: string; answer: QuizAnswerValue } }
  /** [QUIZ41] A quiz was reopened as self-paced (or its closing date moved). */
  | { name: 'quiz:reopened'; payload: QuizReinforcement }
  /** [QUIZ42] Our own progress in a self-paced run (from a selfStart or selfAnswer ack). */
  | { name: 'quiz:selfProgress'; payload: { runId: string; answered?: number; done?: boolean } };

export const EMPTY_QUIZ_PLAY: QuizPlayState = { runs: {}, presenterRuns: {}, players: {}, revisits: [] };

const EMPTY_PLAYER: PlayerRun = { total: 0, streak: 0, rank: null, answers: {}, results: {} };

/**
 * [QUIZ34] The snapshot's `quiz` part: the current run as this role sees it (audience `phase`, staff
 * `presenterPhase`) and, for a player, their own state. Absent when no run is current.
 */
export function quizPlayFromSnapshot(s: Snapshot): QuizPlayState {
  const part = s.quiz;
  const revisits = s.quizRevisits ?? [];
  if (!part) return { ...EMPTY_QUIZ_PLAY, revisits };
  const state: QuizPlayState = { runs: {}, presenterRuns: {}, players: {}, revisits };
  if (part.phase) state.runs[part.phase.runId] = { version: part.phase.version, phase: part.phase.phase };
  if (part.presenterPhase) state.presenterRuns[part.presenterPhase.runId] = { version: part.presenterPhase.version, phase: part.presenterPhase.phase };
  const runId = part.phase?.runId ?? part.presenterPhase?.runId;
  if (part.me && runId) {
    const p = part.me;
    state.players[runId] = { total: p.total, streak: p.streak, rank: p.rank, answers: { ...p.answers }, results: { ...p.results } };
  }
  return state;
}

export function reduceQuizPlay(s: QuizPlayState, e: QuizPlayEvent): QuizPlayState {
  switch (e.name) {
    case 'quiz:phaseChanged': {
      const { runId, version, phase } = e.payload;
      const prev = s.runs[runId];
      if (prev && prev.version >= version) return s;
      return { ...s, runs: { ...s.runs, [runId]: { version, phase } } };
    }
    case 'quiz:presenterPhaseChanged': {
      const { runId, version, phase } = e.payload;
      const prev = s.presenterRuns[runId];
      if (prev && prev.version >= version) return s;
      return { ...s, presenterRuns: { ...s.presenterRuns, [runId]: { version, phase } } };
    }
    case 'quiz:answerScored': {
      const r = e.payload;
      const prev = s.players[r.runId] ?? EMPTY_PLAYER;
      const old = prev.results[r.questionId];
      // A duplicate (a reconnect's snapshot and the fact) changes nothing.
      if (old && old.total === r.total && old.rank === r.rank) return s;
      // Results arrive in question order; a later one carries a total at least as high. An older
      // result still fills its own question's slot but does not take the running score back.
      const newer = r.total >= prev.total;
      const next: PlayerRun = {
        ...prev,
        results: { ...prev.results, [r.questionId]: r },
        ...(newer ? { total: r.total, streak: r.streak, rank: r.rank } : {}),
      };
      return { ...s, players: { ...s.players, [r.runId]: next } };
    }
    case 'quiz:answered': {
      const { runId, questionId, answer } = e.payload;
      const prev = s.players[runId] ?? EMPTY_PLAYER;
      if (questionId in prev.answers) return s;
      return { ...s, players: { ...s.players, [runId]: { ...prev, answers: { ...prev.answers, [questionId]: answer } } } };
    }
    case 'quiz:reopened': {
      const r = e.payload;
      const old = s.revisits.find((x) => x.runId === r.runId);
      const next: QuizRevisit = { ...r, answered: old?.answered ?? 0, done: old?.done ?? false };
      return { ...s, revisits: old ? s.revisits.map((x) => (x.runId === r.runId ? next : x)) : [...s.revisits, next] };
    }
    case 'quiz:selfProgress': {
      const { runId, answered, done } = e.payload;
      return {
        ...s,
        revisits: s.revisits.map((x) => (x.runId === runId ? { ...x, answered: Math.max(x.answered, answered ?? x.answered), done: done ?? x.done } : x)),
      };
    }
  }
}

/** Subscribes to the quiz play facts. */
export function listenQuizPlayFacts(socket: RallySocket, onEvent: (e: QuizPlayEvent) => void): void {
  socket.on('quiz:phaseChanged', (payload) => onEvent({ name: 'quiz:phaseChanged', payload }));
  socket.on('quiz:presenterPhaseChanged', (payload) => onEvent({ name: 'quiz:presenterPhaseChanged', payload }));
  socket.on('quiz:answerScored', (payload) => onEvent({ name: 'quiz:answerScored', payload }));
  socket.on('quiz:reopened', (payload) => onEvent({ name: 'quiz:reopened', payload }));
}

/** What a successful ack of our own quiz play command tells the state at once. */
export function quizPlayEventFromAck<N extends CommandName>(name: N, data: CommandResults[N], fields: unknown): QuizPlayEvent | null {
  switch (name) {
    case 'quiz:open':
    case 'quiz:control':
      return { name: 'quiz:presenterPhaseChanged', payload: data as QuizRunPresenterPhase };
    case 'quiz:answer': {
      const f = fields as { runId: string; questionId: string; answer: QuizAnswerValue };
      return { name: 'quiz:answered', payload: { runId: f.runId, questionId: f.questionId, answer: f.answer } };
    }
    case 'quiz:reopen':
      return { name: 'quiz:reopened', payload: data as QuizReinforcement };
    case 'quiz:selfStart': {
      const d = data as CommandResults['quiz:selfStart'];
      return { name: 'quiz:selfProgress', payload: { runId: d.runId, answered: d.done ? d.count : undefined, done: d.done } };
    }
    default:
      return null;
  }
}

/** The player's own record for a run (empty before they answered anything). */
export function playerRun(s: QuizPlayState, runId: string): PlayerRun {
  return s.players[runId] ?? EMPTY_PLAYER;
}

/** Which question a phase is about (null for lobby, podium and ended). */
export function phaseQuestionId(p: QuizPhase | QuizPresenterPhase): string | null {
  return 'question' in p ? p.question.id : null;
}
