import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, QuizDraft } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { buildSnapshot } from '../snapshot.js';
import { createQuiz, deleteQuiz, duplicateQuiz, QUIZ_STAFF_ROLES, updateQuiz } from './authoring.js';
import { TEMPLATE_QUESTIONS } from './transfer.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

const draft = (title = 'Product quiz', questions = TEMPLATE_QUESTIONS.slice(0, 3)) => QuizDraft.parse({ title, questions });

describe('quiz authoring', () => {
  it('[QUIZ10] a quiz is created as a draft in an agenda session (or none) with version 1 and question ids; an unknown session is NOT_FOUND', async () => {
    const quiz = await createQuiz(k.deps, k.event.id, 'keynote', draft());
    expect(quiz).toMatchObject({ eventId: k.event.id, sessionId: 'keynote', title: 'Product quiz', state: 'draft', version: 1 });
    expect(quiz.questions.map(({ id: _id, ...q }) => q)).toEqual(draft().questions);
    expect(new Set(quiz.questions.map((q) => q.id)).size).toBe(3);
    expect(await createQuiz(k.deps, k.event.id, null, draft('Loose'))).toMatchObject({ sessionId: null });
    await expect(createQuiz(k.deps, k.event.id, 'no-such-session', draft())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(createQuiz(k.deps, 'no-such-event', null, draft())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect((await k.store.listQuizzes(k.event.id)).length).toBe(2);
  });

  it('[QUIZ11] an edit names the version it started from: reordered questions are stored in the new order; a stale version is CONFLICT and nothing changes', async () => {
    const quiz = await createQuiz(k.deps, k.event.id, 'keynote', draft());
    const [a, b, c] = draft().questions;
    const edited = await updateQuiz(k.deps, k.event.id, quiz.id, 1, QuizDraft.parse({ title: 'Renamed', settings: { teamMode: 'teams', teamTalkSec: 15 }, questions: [c, a, a, b] }));
    expect(edited).toMatchObject({ id: quiz.id, title: 'Renamed', version: 2, settings: { questionOnDevices: true, teamMode: 'teams', teamTalkSec: 15 } });
    expect(edited.questions.map((q) => q.text)).toEqual([c!.text, a!.text, a!.text, b!.text]);
    await expect(updateQuiz(k.deps, k.event.id, quiz.id, 1, draft('Lost'))).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    expect(await k.store.getQuiz(quiz.id)).toEqual(edited);
    await expect(updateQuiz(k.deps, 'another-event', quiz.id, 2, draft())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[QUIZ12] a quiz can be duplicated (into its session or another, as a new version-1 draft) and deleted', async () => {
    const quiz = await createQuiz(k.deps, k.event.id, 'keynote', draft());
    const copy = await duplicateQuiz(k.deps, k.event.id, quiz.id);
    expect(copy).toMatchObject({ sessionId: 'keynote', title: 'Product quiz (copy)', version: 1 });
    expect(copy.id).not.toBe(quiz.id);
    expect(copy.questions.map(({ id: _id, ...q }) => q)).toEqual(quiz.questions.map(({ id: _id, ...q }) => q));
    expect((await duplicateQuiz(k.deps, k.event.id, quiz.id, 'workshop')).sessionId).toBe('workshop');
    await expect(duplicateQuiz(k.deps, k.event.id, quiz.id, 'nowhere')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await deleteQuiz(k.deps, k.event.id, quiz.id)).toEqual({ quizId: quiz.id });
    expect(await k.store.getQuiz(quiz.id)).toBeNull();
    await expect(deleteQuiz(k.deps, k.event.id, quiz.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[QUIZ13] every change is told to staff only (presenters, moderators, organisers), never to the event or the audience', async () => {
    const quiz = await createQuiz(k.deps, k.event.id, 'keynote', draft());
    await updateQuiz(k.deps, k.event.id, quiz.id, 1, draft('Edited'));
    await duplicateQuiz(k.deps, k.event.id, quiz.id);
    await deleteQuiz(k.deps, k.event.id, quiz.id);
    expect(k.publish.published.map((p) => [p.fact, p.to, p.roles])).toEqual([
      ['quiz:updated', 'roles', QUIZ_STAFF_ROLES],
      ['quiz:updated', 'roles', QUIZ_STAFF_ROLES],
      ['quiz:updated', 'roles', QUIZ_STAFF_ROLES],
      ['quiz:deleted', 'roles', QUIZ_STAFF_ROLES],
    ]);
    expect(QUIZ_STAFF_ROLES).not.toContain('attendee');
    expect(QUIZ_STAFF_ROLES).not.toContain('screen');
    expect(k.publish.of('quiz:deleted')[0]!.payload).toEqual({ quizId: quiz.id, sessionId: 'keynote' });
  });

  it('[QUIZ13] the snapshot has every quiz, with answers, for staff; attendees and the stage screen get none', async () => {
    const quiz = await createQuiz(k.deps, k.event.id, 'keynote', draft());
    for (const role of ['moderator', 'admin', 'presenter'] as const) {
      const snap = await buildSnapshot(k.deps, await k.person({ role }), k.event);
      expect(snap.quizzes).toEqual([quiz]);
    }
    for (const role of ['attendee', 'screen'] as const) {
      const snap = await buildSnapshot(k.deps, await k.person({ role }), k.event);
      expect(snap.quizzes).toBeUndefined();
      expect(JSON.stringify(snap)).not.toContain(quiz.id);
    }
  });
});
