import { z } from 'zod';
import { CommandId, Id } from './model.js';
import { QuizAnswerValue } from './quiz.js';
import { PlayerQuestionSchema, QuizReveal } from './quiz-phases.js';
import { MAX_CLAIMED_MS } from './quiz-play.js';

/*
 * [QUIZ40..QUIZ49] The reinforcement quiz: a quiz reopened as self-paced with a closing date, played
 * alone by each attendee, its results kept in a run of its own and compared per topic with the
 * live run's ("what stuck").
 */

/** [QUIZ40] An open (or closed) reinforcement run as attendees see it listed: no answer key. */
export const QuizReinforcement = z.object({
  runId: Id,
  quizId: Id,
  title: z.string(),
  questionCount: z.number().int().min(0),
  closesAt: z.string(),
  /** The live run it is compared with ([QUIZ46]); null when none was given or found. */
  liveRunId: Id.nullable(),
});
export type QuizReinforcement = z.infer<typeof QuizReinforcement>;

/** [QUIZ41] An attendee's listing: the run and how far they got. */
export const QuizRevisit = QuizReinforcement.extend({ answered: z.number().int().min(0), done: z.boolean() });
export type QuizRevisit = z.infer<typeof QuizRevisit>;

/** [QUIZ40] Body of POST /api/events/:id/quizzes/:quizId/reinforcement (and the command's fields). */
export const QuizReopenBody = z.strictObject({ closesAt: z.iso.datetime({ offset: true }), liveRunId: Id.optional() });
export type QuizReopenBody = z.infer<typeof QuizReopenBody>;

/** [QUIZ42] The player's next question, sent to them alone, or `done` when none is left. */
export const QuizSelfQuestion = z.object({
  runId: Id,
  done: z.boolean(),
  /** 0-based position of `question`, or the number of questions when done. */
  index: z.number().int().min(0),
  count: z.number().int().min(0),
  question: PlayerQuestionSchema.nullable(),
  /** When the server first sent this question to this player: its clock runs from then ([QUIZ43]). */
  sentAt: z.string().nullable(),
  closesAtQuestion: z.string().nullable(),
  total: z.number().int().min(0),
});
export type QuizSelfQuestion = z.infer<typeof QuizSelfQuestion>;

/** [QUIZ44] The player's result for one self-paced question, told at once. */
export const QuizSelfResult = z.object({
  runId: Id,
  questionId: Id,
  correct: z.boolean(),
  points: z.number().int().min(0),
  bonus: z.number().int().min(0),
  total: z.number().int().min(0),
  streak: z.number().int().min(0),
  reveal: QuizReveal,
  explanation: z.string().nullable(),
});
export type QuizSelfResult = z.infer<typeof QuizSelfResult>;

/** [QUIZ46] Accuracy on a topic: correct answers over answers given; null with no answers. */
export const TopicAccuracy = z.object({ answered: z.number().int().min(0), correct: z.number().int().min(0), accuracy: z.number().min(0).max(1).nullable() });
export type TopicAccuracy = z.infer<typeof TopicAccuracy>;

/** [QUIZ46] One topic, live vs later. `change` is later − live accuracy (null unless both exist). */
export const TopicComparison = z.object({ topic: z.string(), live: TopicAccuracy, later: TopicAccuracy, change: z.number().nullable() });
export type TopicComparison = z.infer<typeof TopicComparison>;

export const WhatStuck = z.object({
  quizId: Id,
  liveRunId: Id.nullable(),
  reinforcementRunId: Id.nullable(),
  /** Topics in the order they first appear in the quiz; '' is the questions without a topic. */
  topics: z.array(TopicComparison),
  cohorts: z.array(z.object({ cohort: z.enum(['room', 'remote']), topics: z.array(TopicComparison) })),
  teams: z.array(z.object({ team: z.string(), topics: z.array(TopicComparison) })),
  participants: z.array(z.object({ participantId: Id, name: z.string(), team: z.string().nullable(), topics: z.array(TopicComparison) })),
});
export type WhatStuck = z.infer<typeof WhatStuck>;

export const quizReinforcementCommandSchemas = {
  /** [QUIZ40] Reopens a quiz as self-paced until `closesAt`. */
  'quiz:reopen': z.strictObject({ id: CommandId, quizId: Id, closesAt: z.iso.datetime({ offset: true }), liveRunId: Id.optional() }),
  /** [QUIZ42] The player's next self-paced question (the same one again while its time runs). */
  'quiz:selfStart': z.strictObject({ id: CommandId, runId: Id }),
  /** [QUIZ43] [QUIZ44] The player's answer to the question they were sent, with its display-to-answer time. */
  'quiz:selfAnswer': z.strictObject({ id: CommandId, runId: Id, questionId: Id, answer: QuizAnswerValue, displayedForMs: z.number().finite().min(0).max(MAX_CLAIMED_MS) }),
} as const;

export interface QuizReinforcementCommandResults {
  'quiz:reopen': QuizReinforcement;
  'quiz:selfStart': QuizSelfQuestion;
  'quiz:selfAnswer': QuizSelfResult;
}

export const quizReinforcementFactSchemas = {
  /** [QUIZ41] Everyone in the event: a quiz was reopened as self-paced (or its closing date moved). */
  'quiz:reopened': QuizReinforcement,
} as const;

/** [QUIZ47] One side (live or later) of a participant's quiz results. */
export const QuizResultSide = z.object({
  points: z.number().int().min(0),
  rank: z.number().int().min(1),
  topics: z.array(TopicAccuracy.extend({ topic: z.string() })),
});
export type QuizResultSide = z.infer<typeof QuizResultSide>;

/** [QUIZ47] A participant's results in a quiz: null on a side they did not play. */
export const QuizResultEntry = z.object({
  participantId: Id,
  name: z.string(),
  team: z.string().nullable(),
  mode: z.enum(['room', 'remote']).nullable(),
  live: QuizResultSide.nullable(),
  later: QuizResultSide.nullable(),
});
export type QuizResultEntry = z.infer<typeof QuizResultEntry>;

/** [QUIZ47] GET …/quizzes/:quizId/results: a page after the cursor, by participant id. */
export const QuizResultsPage = z.object({ topics: z.array(z.string()), entries: z.array(QuizResultEntry), nextCursor: z.string().nullable(), hasMore: z.boolean() });
export type QuizResultsPage = z.infer<typeof QuizResultsPage>;
