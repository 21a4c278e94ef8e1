import type { QuizQuestion, QuizSettings, StoredQuiz } from '@rally/shared';

/** What an edit replaces: the authored content of a quiz. */
export interface QuizContentPatch {
  title: string;
  settings: QuizSettings;
  questions: QuizQuestion[];
  updatedAt: string;
}

/** One stable order for listQuizzes in every adapter: by session (none first), then creation, then id. */
export function compareQuizzes(a: StoredQuiz, b: StoredQuiz): number {
  const sa = a.sessionId ?? '';
  const sb = b.sessionId ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The quiz authoring part of the storage port. Both adapters implement it (store/sqlite/quiz.ts,
 * store/redis/quiz.ts) and pass one contract suite (server/test/store/quiz-contract.ts). Every
 * change is one SQLite transaction or one Lua script. Rules [QZSTORE10]–[QZSTORE19] in docs/SPEC.md.
 */
export interface QuizStore {
  /** [QZSTORE10] Stores a new quiz as given (version 1); CONFLICT when the id is taken, nothing written. */
  createQuiz(quiz: StoredQuiz): Promise<StoredQuiz>;
  /** [QZSTORE10] Null when unknown. */
  getQuiz(id: string): Promise<StoredQuiz | null>;
  /** [QZSTORE11] Every quiz of the event, sorted with compareQuizzes; another event's never. */
  listQuizzes(eventId: string): Promise<StoredQuiz[]>;
  /**
   * [QZSTORE12] Compare-and-set on the version: when the stored version is `expectedVersion`,
   * replaces the content and bumps the version by one, returning the quiz; otherwise CONFLICT and
   * nothing changes. Null when unknown. Of two editors of one version exactly one wins.
   */
  updateQuiz(id: string, expectedVersion: number, patch: QuizContentPatch): Promise<StoredQuiz | null>;
  /** [QZSTORE13] Deletes the quiz; false when unknown. It is gone from get and list. */
  deleteQuiz(id: string): Promise<boolean>;
}
