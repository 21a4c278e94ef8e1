import { z } from 'zod';
import { CommandId, Id } from './model.js';
import { QuizAnswerValue } from './quiz.js';
import { QuizPhase, QuizPresenterPhase } from './quiz-phases.js';

/*
 * [QUIZ30..] Live play over the wire: the presenter opens a run of a quiz and paces it, players
 * answer, everyone gets the phase as their role may see it, and each player their own result.
 * Phases are in quiz-phases.ts ([QUIZ20..29]); scoring and the timing bound in quiz.ts.
 */

/** [QUIZ27] The presenter's controls. */
export const QuizControl = z.enum(['start', 'next', 'lockNow', 'addTime', 'skip', 'end']);
export type QuizControl = z.infer<typeof QuizControl>;

/** The longest display-to-answer time a client may claim; longer claims are bounded anyway ([QUIZ6]). */
export const MAX_CLAIMED_MS = 600_000;

/** The audience's view of a run: what attendees and the stage screen receive. */
export const QuizRunPhase = z.object({ runId: Id, version: z.number().int().min(0), phase: QuizPhase });
export type QuizRunPhase = z.output<typeof QuizRunPhase>;

/** Presenters, moderators and organisers: the same with the answer key. */
export const QuizRunPresenterPhase = z.object({ runId: Id, version: z.number().int().min(0), phase: QuizPresenterPhase });
export type QuizRunPresenterPhase = z.output<typeof QuizRunPresenterPhase>;

/** [QUIZ33] A player's own outcome for one question, sent to that player alone at the reveal. */
export const QuizMyResult = z.object({
  runId: Id,
  questionId: Id,
  answered: z.boolean(),
  correct: z.boolean(),
  points: z.number().int().min(0),
  /** Part of `points` that is the streak bonus. */
  bonus: z.number().int().min(0),
  total: z.number().int().min(0),
  streak: z.number().int().min(0),
  /** 1-based among the run's players; null before the player has a score. */
  rank: z.number().int().min(1).nullable(),
  players: z.number().int().min(0),
  /** Points between this player and the one just above; null when first. */
  gapToAhead: z.number().int().min(0).nullable(),
});
export type QuizMyResult = z.infer<typeof QuizMyResult>;

/** [QUIZ34] What a (re)connecting player gets of the run on stage: the phase, their answers and score. */
export const QuizPlayerState = z.object({
  total: z.number().int().min(0),
  streak: z.number().int().min(0),
  rank: z.number().int().min(1).nullable(),
  /** Question id -> the answer given (it cannot be given again). */
  answers: z.record(z.string(), QuizAnswerValue),
  /** Results of the questions revealed so far, by question id. */
  results: z.record(z.string(), QuizMyResult),
});
export type QuizPlayerState = z.infer<typeof QuizPlayerState>;

/**
 * [QUIZ34] The snapshot part for the event's current run (absent when there is none, or it ended):
 * attendees and the stage screen get `phase`, staff `presenterPhase`, and attendees `me`.
 */
export const QuizSnapshot = z.object({
  phase: QuizRunPhase.optional(),
  presenterPhase: QuizRunPresenterPhase.optional(),
  me: QuizPlayerState.optional(),
});
export type QuizSnapshot = z.output<typeof QuizSnapshot>;

export const quizPlayCommandSchemas = {
  /** [QUIZ30] Opens a new live run of a quiz in its lobby and puts it on stage. */
  'quiz:open': z.strictObject({ id: CommandId, quizId: Id }),
  /** [QUIZ27] [QUIZ30] A presenter control on a run. */
  'quiz:control': z.strictObject({ id: CommandId, runId: Id, action: QuizControl }),
  /**
   * [QUIZ31] [QUIZ6] A player's answer to the open question, with how long after its display on this
   * screen it was given (measured on the device).
   */
  'quiz:answer': z.strictObject({
    id: CommandId,
    runId: Id,
    questionId: Id,
    answer: QuizAnswerValue,
    displayedForMs: z.number().finite().min(0).max(MAX_CLAIMED_MS),
  }),
} as const;

export interface QuizPlayCommandResults {
  'quiz:open': QuizRunPresenterPhase;
  'quiz:control': QuizRunPresenterPhase;
  /** Received: correctness and points come at the reveal (quiz:myResult). */
  'quiz:answer': { runId: string; questionId: string; received: true };
}

export const quizPlayFactSchemas = {
  /** [QUIZ32] Attendees and the stage screen: the run's phase changed (or its answer count moved). */
  'quiz:phaseChanged': QuizRunPhase,
  /** [QUIZ32] Presenters, moderators, organisers: the same with the answer key and live distribution. */
  'quiz:presenterPhaseChanged': QuizRunPresenterPhase,
  /** [QUIZ33] One player: their outcome for the question just revealed. */
  'quiz:myResult': QuizMyResult,
} as const;
