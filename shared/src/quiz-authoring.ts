import { z } from 'zod';
import { CommandId, Id } from './model.js';
import { QuizDraft, QuizQuestionDraft, QuizSettings, type QuizQuestion } from './quiz.js';

/*
 * Quiz authoring over the wire: the stored quiz, the commands that write it, the staff-only facts
 * and the snapshot part. Rules [QUIZ10]–[QUIZ19] in docs/SPEC.md ("Quizzes"). A stored quiz holds
 * the correct answers, so every message here goes to staff only: never to attendees or the screen.
 */

/** A stored question: a valid draft question with its id (question ids are assigned at every write of a draft). */
export const StoredQuizQuestion = z.custom<QuizQuestion>((v) => {
  if (typeof v !== 'object' || v === null || !Id.safeParse((v as { id?: unknown }).id).success) return false;
  const { id: _id, ...draft } = v as Record<string, unknown>;
  return QuizQuestionDraft.safeParse(draft).success;
}, 'not a valid quiz question');

/** [QUIZ10] Live play comes later; an authored quiz is a draft. */
export const QuizState = z.enum(['draft']);
export type QuizState = z.infer<typeof QuizState>;

/** [QUIZ10] A quiz as stored and as staff see it: with every correct answer. */
export const StoredQuiz = z.object({
  id: Id,
  eventId: Id,
  /** The agenda session it belongs to (null: outside the agenda). */
  sessionId: Id.nullable(),
  title: z.string(),
  settings: QuizSettings,
  questions: z.array(StoredQuizQuestion),
  state: QuizState,
  /** [QUIZ11] 1 at creation, bumped by every change; updates name the version they edited. */
  version: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type StoredQuiz = z.infer<typeof StoredQuiz>;

export const quizAuthoringCommandSchemas = {
  /** [QUIZ10] Moderators and organisers create a quiz in an agenda session (or outside the agenda: null). */
  'quiz:create': z.strictObject({ id: CommandId, sessionId: Id.nullable(), draft: QuizDraft }),
  /**
   * [QUIZ11] Replaces title, settings and the whole question list (reorder, duplicate and delete a
   * question are edits of the list). `version` is the version edited: another editor's change since
   * is CONFLICT, and nothing is written.
   */
  'quiz:update': z.strictObject({ id: CommandId, quizId: Id, version: z.number().int().min(1), draft: QuizDraft }),
  /** [QUIZ12] Deletes a quiz. */
  'quiz:delete': z.strictObject({ id: CommandId, quizId: Id }),
  /** [QUIZ12] Copies a quiz into a new one (title suffixed " (copy)"), in its session or another. */
  'quiz:duplicate': z.strictObject({ id: CommandId, quizId: Id, sessionId: Id.nullable().optional() }),
} as const;

export interface QuizAuthoringCommandResults {
  'quiz:create': StoredQuiz;
  'quiz:update': StoredQuiz;
  'quiz:delete': { quizId: string };
  'quiz:duplicate': StoredQuiz;
}

export const quizAuthoringFactSchemas = {
  /** [QUIZ13] Staff (moderators, organisers, presenters) only: a quiz was created, changed or duplicated. */
  'quiz:updated': StoredQuiz,
  /** [QUIZ13] Staff only: a quiz was deleted. */
  'quiz:deleted': z.object({ quizId: Id, sessionId: Id.nullable() }),
} as const;

/** The REST import: a quiz file's questions. Errors name the file's line ([QUIZ15]). */
export interface QuizImportError {
  line: number;
  message: string;
}
