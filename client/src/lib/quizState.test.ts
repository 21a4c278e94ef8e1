import { describe, expect, it } from 'vitest';
import type { StoredQuiz } from '@rally/shared';
import { EMPTY_QUIZZES, reduceQuizzes } from './quizState';

const quiz = (id: string, version: number, title = `Quiz ${id}`): StoredQuiz => ({
  id,
  eventId: 'ev',
  sessionId: null,
  title,
  settings: { questionOnDevices: true, teamMode: 'off', teamTalkSec: 0 },
  questions: [],
  state: 'draft',
  version,
  createdAt: '2027-01-01T09:00:00.000Z',
  updatedAt: '2027-01-01T09:00:00.000Z',
});

describe('quiz state', () => {
  it('[QUIZ13] adds, replaces by newer version only, and deletes', () => {
    let s = reduceQuizzes(EMPTY_QUIZZES, { name: 'quiz:updated', payload: quiz('a', 1) });
    s = reduceQuizzes(s, { name: 'quiz:updated', payload: quiz('a', 3, 'New') });
    const stale = reduceQuizzes(s, { name: 'quiz:updated', payload: quiz('a', 2, 'Old') });
    expect(stale).toBe(s);
    expect(s.quizzes.map((q) => q.title)).toEqual(['New']);
    s = reduceQuizzes(s, { name: 'quiz:deleted', payload: { quizId: 'a', sessionId: null } });
    expect(s.quizzes).toEqual([]);
  });
});
