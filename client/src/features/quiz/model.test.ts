import { describe, expect, it } from 'vitest';
import { QuizDraft, type StoredQuiz } from '@rally/shared';
import { blankQuestion, draftOf, duplicateAt, formOf, move } from './model';

const quiz: StoredQuiz = {
  id: 'qz',
  eventId: 'ev',
  sessionId: null,
  title: 'Kickoff',
  settings: { questionOnDevices: false, teamMode: 'teams', teamTalkSec: 10 },
  questions: [
    { id: 'a', kind: 'choice', text: 'Which?', imageUrl: null, timeLimitSec: 20, points: 1, topic: 'product', explanation: null, options: ['A', 'B', 'C'], correct: [0, 2] },
    { id: 'b', kind: 'truefalse', text: 'True?', imageUrl: 'https://example.com/i.png', timeLimitSec: 10, points: 0, topic: null, explanation: 'Yes.', correct: false },
    { id: 'c', kind: 'type', text: 'Who?', imageUrl: null, timeLimitSec: 30, points: 2, topic: null, explanation: null, accepted: ['Acme', 'Acme Corp'] },
    { id: 'd', kind: 'ordering', text: 'Order', imageUrl: null, timeLimitSec: 45, points: 1, topic: null, explanation: null, items: ['1', '2', '3'] },
    { id: 'e', kind: 'number', text: 'How many?', imageUrl: null, timeLimitSec: 20, points: 1, topic: null, explanation: null, min: -5, max: 10.5, correct: 2.25, tolerance: 1 },
  ],
  state: 'draft',
  version: 4,
  createdAt: '2027-01-01T09:00:00.000Z',
  updatedAt: '2027-01-01T09:00:00.000Z',
};

describe('quiz editor model', () => {
  it('[QUIZ18] a stored quiz shown in the form and saved again is the same draft, every kind', () => {
    const draft = QuizDraft.parse(draftOf(formOf(quiz)));
    expect(draft).toEqual({ title: quiz.title, settings: quiz.settings, questions: quiz.questions.map(({ id: _id, ...q }) => q) });
  });

  it('[QUIZ18] a blank question is refused by the shared schema with the reason (what the server would say)', () => {
    const r = QuizDraft.safeParse(draftOf({ ...formOf(undefined), title: 'T', questions: [blankQuestion('choice')] }));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('questions.0.text');
  });

  it('[QUIZ18] reorder and duplicate keep every question, with distinct keys', () => {
    const qs = formOf(quiz).questions;
    expect(move(qs, 0, 1).map((q) => q.kind)).toEqual(['truefalse', 'choice', 'type', 'ordering', 'number']);
    expect(move(qs, 0, -1)).toEqual(qs);
    const dup = duplicateAt(qs, 1);
    expect(dup.map((q) => q.kind)).toEqual(['choice', 'truefalse', 'truefalse', 'type', 'ordering', 'number']);
    expect(new Set(dup.map((q) => q.key)).size).toBe(6);
  });
});
