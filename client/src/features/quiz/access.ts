import { createContext, useContext } from 'react';
import type { AgendaSession, QuizReinforcement, RallyErrorBody, StoredQuiz } from '@rally/shared';

export type QuizResult<T> = { ok: true; data: T } | { ok: false; error: RallyErrorBody };

/**
 * [QUIZ17] [UI72] Who the quiz authoring screens speak to Rally as. One editor serves two pages: the
 * moderator console (its live state, the moderator's own token, and commands for copy, delete and reopen)
 * and the organiser page (no socket: the quizzes read over REST with the admin token, and read
 * again after each write). The screens take what they need from here and never ask which page.
 */
export interface QuizAccess {
  eventId: string;
  /** The event's agenda, in order. */
  agenda: AgendaSession[];
  quizzes: StoredQuiz[];
  /** The Bearer token for the quiz REST routes, or null when this browser holds none ... */
  token: () => string | null;
  /** ... and then what to tell the user. */
  signedOut: string;
  /** [QUIZ12] A copy into the quiz's own session. */
  duplicate: (quizId: string) => Promise<void>;
  remove: (quizId: string) => Promise<void>;
  /** [QUIZ40] Reopens the quiz as self-paced until `closesAt` (again: moves the date). */
  reopen: (quizId: string, closesAt: string) => Promise<QuizResult<QuizReinforcement>>;
  /** When the quiz's reinforcement run closes, when this page knows it is open; else null. */
  reopenedUntil: (quizId: string) => string | null;
  /** After a write over REST: the console hears `quiz:updated` by itself; the organiser page reads the list again. */
  changed: () => void;
}

const QuizAccessContext = createContext<QuizAccess | null>(null);

export const QuizAccessProvider = QuizAccessContext.Provider;

export function useQuizAccess(): QuizAccess {
  const access = useContext(QuizAccessContext);
  if (!access) throw new Error('quiz authoring outside a QuizAccessProvider');
  return access;
}

/** A quiz route of the event, e.g. `quizUrl(a, 'abc/export.csv')`. */
export const quizUrl = (access: Pick<QuizAccess, 'eventId'>, rest = '') => `/api/events/${encodeURIComponent(access.eventId)}/quizzes${rest ? `/${rest}` : ''}`;
