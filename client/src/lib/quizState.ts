import type { CommandName, CommandResults, FactPayload, Snapshot, StoredQuiz } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * The authored quizzes this principal may see ([QUIZ13]): staff get every quiz of the event, with
 * answers; everyone else an empty list. Kept by version: a late copy of an older version is stale.
 */
export interface QuizzesState {
  quizzes: StoredQuiz[];
}

export type QuizEvent = { name: 'quiz:updated'; payload: StoredQuiz } | { name: 'quiz:deleted'; payload: FactPayload<'quiz:deleted'> };

export const EMPTY_QUIZZES: QuizzesState = { quizzes: [] };

export function quizzesFromSnapshot(s: Snapshot): QuizzesState {
  return s.quizzes ? { quizzes: s.quizzes } : EMPTY_QUIZZES;
}

export function reduceQuizzes(s: QuizzesState, e: QuizEvent): QuizzesState {
  switch (e.name) {
    case 'quiz:updated': {
      const i = s.quizzes.findIndex((q) => q.id === e.payload.id);
      if (i === -1) return { quizzes: [...s.quizzes, e.payload] };
      if (s.quizzes[i]!.version >= e.payload.version) return s;
      const quizzes = s.quizzes.slice();
      quizzes[i] = e.payload;
      return { quizzes };
    }
    case 'quiz:deleted': {
      const quizzes = s.quizzes.filter((q) => q.id !== e.payload.quizId);
      return quizzes.length === s.quizzes.length ? s : { quizzes };
    }
  }
}

/** Subscribes to quiz facts. */
export function listenQuizFacts(socket: RallySocket, onEvent: (e: QuizEvent) => void): void {
  socket.on('quiz:updated', (payload) => onEvent({ name: 'quiz:updated', payload }));
  socket.on('quiz:deleted', (payload) => onEvent({ name: 'quiz:deleted', payload }));
}

/** What a successful ack of our own quiz command tells the state at once. */
export function quizEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): QuizEvent | null {
  switch (name) {
    case 'quiz:create':
    case 'quiz:update':
    case 'quiz:duplicate':
      return { name: 'quiz:updated', payload: data as StoredQuiz };
    case 'quiz:delete':
      return { name: 'quiz:deleted', payload: { quizId: (data as CommandResults['quiz:delete']).quizId, sessionId: null } };
    default:
      return null;
  }
}
