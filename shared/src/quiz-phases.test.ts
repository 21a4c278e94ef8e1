import { describe, expect, it } from 'vitest';
import { playerQuestion, QuizQuestionDraft, type QuizQuestion, type QuizQuestionInput } from './quiz.js';
import { PlayerQuestionSchema, QuizPhase, QuizPresenterPhase, revealOf } from './quiz-phases.js';

const q = (input: QuizQuestionInput, id: string): QuizQuestion => ({ ...QuizQuestionDraft.parse(input), id });
const choice = q({ kind: 'choice', text: 'Which plans include SSO?', timeLimitSec: 20, options: ['Starter', 'Team', 'Business', 'Enterprise'], correct: [3, 2], explanation: 'SSO is a Business feature' }, 'q1');
const tf = q({ kind: 'truefalse', text: 'Discounts above 20 % need approval', timeLimitSec: 10, correct: true, explanation: 'Deal desk policy' }, 'q2');
const typed = q({ kind: 'type', text: 'Our main competitor in EMEA?', timeLimitSec: 30, accepted: ['Angstrom'] }, 'q3');
const ordering = q({ kind: 'ordering', text: 'Order the sales stages', timeLimitSec: 30, items: ['Discover', 'Qualify', 'Propose', 'Close'] }, 'q4');
const num = q({ kind: 'number', text: 'Net revenue retention (%)', timeLimitSec: 20, min: 50, max: 150, correct: 112, tolerance: 10 }, 'q5');
const all = [choice, tf, typed, ordering, num];

/** Keys that carry (or explain) a correct answer. */
const ANSWER_KEYS = /"(correct|accepted|tolerance|explanation|fullQuestion|distribution)"/;

const presenterAnswering = (full: QuizQuestion): QuizPresenterPhase =>
  QuizPresenterPhase.parse({
    phase: 'answering',
    questionIndex: 0,
    total: 5,
    question: playerQuestion(full, { showText: true, order: [2, 0, 3, 1] }),
    opensAt: '2026-03-02T09:00:03.000Z',
    closesAt: '2026-03-02T09:00:23.000Z',
    answered: 3,
    present: 10,
    fullQuestion: full,
    distribution: { answered: { room: 2, remote: 1 }, correct: { room: 1, remote: 1 }, options: [] },
  });

describe('audience and presenter phases', () => {
  it('[QUIZ20] a presenter phase is not an audience phase: handing one to attendee code is a type error', () => {
    const presenter = presenterAnswering(choice);
    // @ts-expect-error the presenter's answering phase (with the answer key) is not a QuizPhase
    const leaked: QuizPhase = presenter;
    // @ts-expect-error nor is a hand-built object with the full question: a QuizPhase comes out of QuizPhase.parse only
    const forged: QuizPhase = { phase: 'answering', questionIndex: 0, total: 1, question: choice, opensAt: '', closesAt: '', answered: 0, present: 0 };
    // An audience phase is not a presenter phase either: the brands differ both ways.
    const audience = QuizPhase.parse({ phase: 'ended' });
    // @ts-expect-error
    const promoted: QuizPresenterPhase = audience;
    expect([leaked, forged, promoted]).toHaveLength(3);
  });

  it('[QUIZ20] parsing a presenter phase as an audience phase strips the answer key and the live distribution', () => {
    for (const full of all) {
      const presenter = presenterAnswering(full);
      expect(JSON.stringify(presenter)).toMatch(ANSWER_KEYS);
      const audience = QuizPhase.parse(presenter);
      expect(JSON.stringify(audience), full.kind).not.toMatch(ANSWER_KEYS);
      expect(audience).toMatchObject({ phase: 'answering', answered: 3, present: 10, question: { id: full.id, kind: full.kind } });
    }
  });

  it('[QUIZ20] a full question where the player question belongs is refused or stripped, never passed on', () => {
    for (const full of all) {
      const parsed = QuizPhase.safeParse({ phase: 'answering', questionIndex: 0, total: 1, question: full, opensAt: '2026-03-02T09:00:03.000Z', closesAt: '2026-03-02T09:00:23.000Z', answered: 0, present: 0 });
      if (parsed.success) expect(JSON.stringify(parsed.data), full.kind).not.toMatch(ANSWER_KEYS);
    }
    // A choice question without `multiple` is not a player question at all.
    expect(QuizPhase.safeParse({ phase: 'teamTalk', questionIndex: 0, total: 1, question: choice, endsAt: '2026-03-02T09:00:03.000Z' }).success).toBe(false);
  });

  it('[QUIZ20] the presenter schema checks the full question as authoring does', () => {
    const broken = { ...choice, correct: [7] };
    expect(QuizPresenterPhase.safeParse({ phase: 'getReady', questionIndex: 0, total: 1, points: 1, startsAt: '2026-03-02T09:00:03.000Z', fullQuestion: broken }).success).toBe(false);
    const ok = QuizPresenterPhase.parse({ phase: 'getReady', questionIndex: 0, total: 1, points: 1, startsAt: '2026-03-02T09:00:03.000Z', fullQuestion: choice });
    expect(ok).toMatchObject({ fullQuestion: { id: 'q1', correct: [3, 2] } });
  });

  it('[QUIZ2] every player question the core builds fits the player question schema unchanged', () => {
    for (const full of all) {
      for (const showText of [true, false]) {
        const shown = playerQuestion(full, { showText, order: full.kind === 'ordering' ? [3, 1, 0, 2] : undefined });
        expect(PlayerQuestionSchema.parse(shown)).toEqual(shown);
      }
    }
  });
});

describe('the reveal', () => {
  it('[QUIZ25] the public form of each kind of correct answer', () => {
    expect(revealOf(choice)).toEqual({ kind: 'choice', correct: [2, 3] });
    expect(revealOf(tf)).toEqual({ kind: 'truefalse', correct: true });
    expect(revealOf(typed)).toEqual({ kind: 'type', accepted: ['Angstrom'] });
    expect(revealOf(num)).toEqual({ kind: 'number', correct: 112, tolerance: 10 });
    // Ordering: the item ids players hold, in the authored (correct) order, whatever the shuffle.
    const shown = playerQuestion(ordering, { showText: true, order: [3, 1, 0, 2] });
    if (shown.kind !== 'ordering') throw new Error('not an ordering question');
    const reveal = revealOf(ordering);
    if (reveal.kind !== 'ordering') throw new Error('not an ordering reveal');
    const label = (id: number) => shown.items.find((it) => it.id === id)!.label;
    expect(reveal.order.map(label)).toEqual(['Discover', 'Qualify', 'Propose', 'Close']);
  });
});
