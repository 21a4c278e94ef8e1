import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RallyError, type StoredQuiz } from '@rally/shared';
import type { QuizStore } from '../../src/store/quiz-store.js';

// The rules cited as [QZSTOREn] are in docs/SPEC.md ("Store: quizzes").

let seq = 0;
const newEvent = () => `ev_qz_${++seq}`;

function makeQuiz(eventId: string, overrides: Partial<StoredQuiz> = {}): StoredQuiz {
  const n = ++seq;
  const at = new Date(Date.UTC(2026, 0, 20, 9) + n * 1000).toISOString();
  return {
    id: `quiz_${n}`,
    eventId,
    sessionId: 'opening',
    title: `Quiz ${n} "quoted" & <b>`,
    settings: { questionOnDevices: true, teamMode: 'off', teamTalkSec: 0 },
    questions: [
      { id: `qq_${n}_1`, kind: 'choice', text: 'Which?', imageUrl: null, timeLimitSec: 20, points: 1, topic: 'product', explanation: null, options: ['A', 'B', 'C'], correct: [0, 2] },
      // Numbers that lose digits when re-encoded with 14 significant digits must come back exactly.
      { id: `qq_${n}_2`, kind: 'number', text: 'How many?', imageUrl: 'https://example.com/x.png', timeLimitSec: 30, points: 2, topic: null, explanation: 'Because.', min: -1e15, max: 123456789.123456789, correct: 0.1 + 0.2, tolerance: 0 },
    ],
    state: 'draft',
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

/** Runs the quiz authoring store contract against one adapter; `make` gives a fresh, empty store per test. */
export function quizContract(name: string, make: () => Promise<{ quiz: QuizStore; cleanup: () => Promise<void> }>) {
  describe(`QuizStore contract: ${name}`, () => {
    let store: QuizStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ quiz: store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('[QZSTORE10] createQuiz stores the quiz and reads it back exactly (numbers to the last digit); unknown is null; a taken id is CONFLICT and changes nothing', async () => {
      const ev = newEvent();
      const q = makeQuiz(ev);
      expect(await store.createQuiz(q)).toEqual(q);
      expect(await store.getQuiz(q.id)).toEqual(q);
      expect(await store.getQuiz('quiz_missing')).toBeNull();
      await expectCode(store.createQuiz({ ...q, title: 'Other' }), ErrorCode.CONFLICT);
      expect(await store.getQuiz(q.id)).toEqual(q);
      expect(await store.listQuizzes(ev)).toEqual([q]);
    });

    it('[QZSTORE11] listQuizzes is the event’s quizzes only, by session (none first), then creation, then id', async () => {
      const ev = newEvent();
      const other = newEvent();
      const late = makeQuiz(ev, { sessionId: 'a' });
      const early = makeQuiz(ev, { sessionId: 'a', createdAt: '2026-01-01T00:00:00.000Z' });
      const none = makeQuiz(ev, { sessionId: null });
      const b = makeQuiz(ev, { sessionId: 'b', createdAt: '2025-01-01T00:00:00.000Z' });
      for (const q of [late, b, early, none, makeQuiz(other)]) await store.createQuiz(q);
      expect((await store.listQuizzes(ev)).map((q) => q.id)).toEqual([none.id, early.id, late.id, b.id]);
      expect(await store.listQuizzes(newEvent())).toEqual([]);
    });

    it('[QZSTORE12] updateQuiz replaces the content and bumps the version when the version matches; a stale version is CONFLICT and changes nothing; unknown is null', async () => {
      const ev = newEvent();
      const q = await store.createQuiz(makeQuiz(ev));
      const patch = { title: 'Renamed', settings: { questionOnDevices: false, teamMode: 'teams' as const, teamTalkSec: 10 }, questions: [], updatedAt: '2026-02-01T00:00:00.000Z' };
      const updated = await store.updateQuiz(q.id, 1, patch);
      expect(updated).toEqual({ ...q, ...patch, version: 2 });
      expect(await store.getQuiz(q.id)).toEqual(updated);
      await expectCode(store.updateQuiz(q.id, 1, { ...patch, title: 'Lost edit' }), ErrorCode.CONFLICT);
      expect(await store.getQuiz(q.id)).toEqual(updated);
      expect(await store.updateQuiz('quiz_missing', 1, patch)).toBeNull();
      const again = await store.updateQuiz(q.id, 2, { ...patch, questions: q.questions });
      expect(again).toEqual({ ...q, ...patch, questions: q.questions, version: 3 });
      expect(await store.getQuiz(q.id)).toEqual(again);
    });

    it('[QZSTORE12] of two editors of one version exactly one wins; the other gets CONFLICT', async () => {
      const q = await store.createQuiz(makeQuiz(newEvent()));
      const patch = (title: string) => ({ title, settings: q.settings, questions: q.questions, updatedAt: q.updatedAt });
      const results = await Promise.allSettled([store.updateQuiz(q.id, 1, patch('One')), store.updateQuiz(q.id, 1, patch('Two'))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0]!.reason as RallyError).code).toBe(ErrorCode.CONFLICT);
      const stored = await store.getQuiz(q.id);
      expect(stored!.version).toBe(2);
      expect(stored!.title).toBe((won[0] as PromiseFulfilledResult<StoredQuiz>).value.title);
    });

    it('[QZSTORE13] deleteQuiz removes it from get and list; unknown is false; other quizzes stay', async () => {
      const ev = newEvent();
      const a = await store.createQuiz(makeQuiz(ev));
      const b = await store.createQuiz(makeQuiz(ev));
      expect(await store.deleteQuiz(a.id)).toBe(true);
      expect(await store.getQuiz(a.id)).toBeNull();
      expect(await store.listQuizzes(ev)).toEqual([b]);
      expect(await store.deleteQuiz(a.id)).toBe(false);
      expect(await store.updateQuiz(a.id, 1, { title: 'x', settings: a.settings, questions: [], updatedAt: a.updatedAt })).toBeNull();
    });
  });
}
