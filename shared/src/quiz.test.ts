import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accuracy,
  boundedResponseMs,
  checkAnswer,
  normaliseAnswer,
  perCapitaScore,
  playerQuestion,
  QUIZ_LIMITS,
  QuizDraft,
  QuizQuestionDraft,
  scoreAnswer,
  type PointsMultiplier,
  type QuizQuestion,
  type QuizQuestionInput,
} from './quiz.js';

const q = (input: QuizQuestionInput, id = 'qq_1'): QuizQuestion => ({ ...QuizQuestionDraft.parse(input), id });
const choice = q({ kind: 'choice', text: 'Which plans include SSO?', timeLimitSec: 20, options: ['Starter', 'Team', 'Business', 'Enterprise'], correct: [2, 3] });
const single = q({ kind: 'choice', text: 'Our list price per seat?', timeLimitSec: 20, options: ['$10', '$20', '$30'], correct: [1] });
const tf = q({ kind: 'truefalse', text: 'Discounts above 20 % need approval', timeLimitSec: 10, correct: true });
const typed = q({ kind: 'type', text: 'Our main competitor in EMEA?', timeLimitSec: 30, accepted: ['Ångström Systems', 'Angstrom'] });
const ordering = q({ kind: 'ordering', text: 'Order the sales stages', timeLimitSec: 30, items: ['Discover', 'Qualify', 'Propose', 'Close'] });
const num = q({ kind: 'number', text: 'Net revenue retention last year (%)', timeLimitSec: 20, min: 50, max: 150, correct: 112, tolerance: 10 });

describe('authoring', () => {
  it('[QUIZ1] five kinds with defaults: ×1 points, no topic, no image, no explanation; topics are lower case', () => {
    expect(choice).toMatchObject({ points: 1, topic: null, imageUrl: null, explanation: null });
    expect(q({ kind: 'truefalse', text: 'x', timeLimitSec: 5, correct: false, topic: ' Pricing ', points: 2 })).toMatchObject({ topic: 'pricing', points: 2 });
  });

  it('[QUIZ1] bad questions are refused with a reason: limits, options, duplicates, ranges, correct answers that are not options', () => {
    const bad: QuizQuestionInput[] = [
      { kind: 'choice', text: 'x', timeLimitSec: 4, options: ['a', 'b'], correct: [0] },
      { kind: 'choice', text: 'x', timeLimitSec: 241, options: ['a', 'b'], correct: [0] },
      { kind: 'choice', text: 'x', timeLimitSec: 20, options: ['a'], correct: [0] },
      { kind: 'choice', text: 'x', timeLimitSec: 20, options: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], correct: [0] },
      { kind: 'choice', text: 'x', timeLimitSec: 20, options: ['a', 'A '], correct: [0] },
      { kind: 'choice', text: 'x', timeLimitSec: 20, options: ['a', 'b'], correct: [2] },
      { kind: 'choice', text: 'x', timeLimitSec: 20, options: ['a', 'b'], correct: [] },
      { kind: 'ordering', text: 'x', timeLimitSec: 20, items: ['a', 'b'] },
      { kind: 'number', text: 'x', timeLimitSec: 20, min: 10, max: 5, correct: 7, tolerance: 1 },
      { kind: 'number', text: 'x', timeLimitSec: 20, min: 0, max: 5, correct: 7, tolerance: 1 },
      { kind: 'type', text: 'x', timeLimitSec: 20, accepted: [] },
      { kind: 'truefalse', text: '', timeLimitSec: 20, correct: true },
      { kind: 'truefalse', text: 'x', timeLimitSec: 20, correct: true, points: 3 as PointsMultiplier },
      { kind: 'truefalse', text: 'x', timeLimitSec: 20, correct: true, imageUrl: 'http://example.com/a.png' },
    ];
    for (const b of bad) expect(QuizQuestionDraft.safeParse(b).success, JSON.stringify(b)).toBe(false);
    expect(QuizDraft.safeParse({ title: 'Pricing check', questions: [] }).success).toBe(true);
  });
});

describe('what players get', () => {
  it('[QUIZ2] a player question carries no correct answer, and no text when the question is on the stage only', () => {
    for (const full of [choice, tf, typed, ordering, num]) {
      const shown = playerQuestion(full, { showText: true, order: [2, 0, 3, 1] });
      const json = JSON.stringify(shown);
      expect(json).not.toMatch(/"correct"|"accepted"|"tolerance"|"explanation"/);
      expect(playerQuestion(full, { showText: false }).text).toBeNull();
    }
    expect(playerQuestion(ordering, { showText: true, order: [2, 0, 3, 1] })).toMatchObject({ items: [{ id: 2, label: 'Propose' }, { id: 0, label: 'Discover' }, { id: 3, label: 'Close' }, { id: 1, label: 'Qualify' }] });
    expect(playerQuestion(choice, { showText: true })).toMatchObject({ multiple: true });
    expect(playerQuestion(single, { showText: true })).toMatchObject({ multiple: false });
  });
});

describe('grading', () => {
  it('[QUIZ5] answers that do not fit the question are refused with a reason', () => {
    expect(checkAnswer(choice, { kind: 'choice', picks: [4] })).toMatch(/not one of the options/);
    expect(checkAnswer(choice, { kind: 'choice', picks: [1, 1] })).toMatch(/twice/);
    expect(checkAnswer(choice, { kind: 'truefalse', value: true })).toMatch(/choice answer/);
    expect(checkAnswer(ordering, { kind: 'ordering', order: [0, 1, 1, 3] })).toMatch(/exactly once/);
    expect(checkAnswer(ordering, { kind: 'ordering', order: [0, 1, 2] })).toMatch(/exactly once/);
    expect(checkAnswer(num, { kind: 'number', value: 151 })).toMatch(/between 50 and 150/);
    expect(checkAnswer(ordering, { kind: 'ordering', order: [3, 2, 1, 0] })).toBeNull();
  });

  it('[QUIZ1] several correct options: all and only the correct ones score; type answers ignore case, accents and spaces; ordering only exact', () => {
    expect(accuracy(choice, { kind: 'choice', picks: [3, 2] })).toBe(1);
    expect(accuracy(choice, { kind: 'choice', picks: [2] })).toBe(0);
    expect(accuracy(choice, { kind: 'choice', picks: [1, 2, 3] })).toBe(0);
    expect(accuracy(tf, { kind: 'truefalse', value: true })).toBe(1);
    expect(accuracy(typed, { kind: 'type', text: '  ångström   SYSTEMS ' })).toBe(1);
    expect(accuracy(typed, { kind: 'type', text: 'angstrom' })).toBe(1);
    expect(accuracy(typed, { kind: 'type', text: 'Angstrom Sys' })).toBe(0);
    expect(accuracy(typed, { kind: 'type', text: '   ' })).toBe(0);
    expect(accuracy(ordering, { kind: 'ordering', order: [0, 1, 2, 3] })).toBe(1);
    expect(accuracy(ordering, { kind: 'ordering', order: [0, 1, 3, 2] })).toBe(0);
    expect(normaliseAnswer('Ça  Va')).toBe('ca va');
  });

  it('[QUIZ3] a number inside the tolerance scores, closer more; outside scores nothing', () => {
    expect(accuracy(num, { kind: 'number', value: 112 })).toBe(1);
    expect(accuracy(num, { kind: 'number', value: 107 })).toBeCloseTo(0.5);
    expect(accuracy(num, { kind: 'number', value: 122 })).toBe(0);
    expect(accuracy(num, { kind: 'number', value: 123 })).toBe(0);
    const exact = q({ kind: 'number', text: 'x', timeLimitSec: 20, min: 0, max: 10, correct: 3, tolerance: 0 });
    expect(accuracy(exact, { kind: 'number', value: 3 })).toBe(1);
    expect(accuracy(exact, { kind: 'number', value: 3.01 })).toBe(0);
  });
});

const limit = 20_000;
const score = (over: Partial<Parameters<typeof scoreAnswer>[0]>) => scoreAnswer({ multiplier: 1, accuracy: 1, responseMs: 0, timeLimitMs: limit, streakBefore: 0, graded: false, ...over });

describe('scoring', () => {
  it('[QUIZ3] correct: full points at once, half at the limit, linear between; wrong or missing: 0', () => {
    expect(score({ responseMs: 0 }).points).toBe(QUIZ_LIMITS.basePoints);
    expect(score({ responseMs: limit }).points).toBe(QUIZ_LIMITS.basePoints / 2);
    expect(score({ responseMs: limit / 2 }).points).toBe(QUIZ_LIMITS.basePoints * 0.75);
    expect(score({ accuracy: 0 }).points).toBe(0);
    expect(score({ accuracy: null }).points).toBe(0);
  });

  it('[QUIZ3] property: a correct answer scores between half and full points (before the bonus), never more when slower', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: limit }), fc.integer({ min: 0, max: limit }), fc.double({ min: 0.001, max: 1, noNaN: true }), fc.boolean(), (a, b, acc, graded) => {
        const [fast, slow] = [Math.min(a, b), Math.max(a, b)];
        const f = score({ responseMs: fast, accuracy: acc, graded });
        const s = score({ responseMs: slow, accuracy: acc, graded });
        const base = QUIZ_LIMITS.basePoints;
        return f.points - f.bonus >= base / 2 && f.points - f.bonus <= base && s.points <= f.points;
      }),
    );
  });

  it('[QUIZ4] property: the streak bonus grows by 100 per consecutive correct answer after the first, capped at 500; a wrong answer resets it', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 30 }), (rights) => {
        let streak = 0;
        for (const right of rights) {
          const out = score({ accuracy: right ? 1 : 0, streakBefore: streak });
          const expectedStreak = right ? streak + 1 : 0;
          const expectedBonus = right ? Math.min(500, 100 * (expectedStreak - 1)) : 0;
          if (out.streakAfter !== expectedStreak || out.bonus !== expectedBonus) return false;
          streak = out.streakAfter;
        }
        return true;
      }),
    );
  });

  it('[QUIZ3] [QUIZ4] ×2 doubles points and bonus; ×0 scores nothing and leaves the streak alone', () => {
    const one = score({ responseMs: 5000, streakBefore: 3 });
    const two = score({ responseMs: 5000, streakBefore: 3, multiplier: 2 });
    expect(two.points).toBe(2 * one.points);
    expect(two.bonus).toBe(2 * one.bonus);
    expect(score({ multiplier: 0, streakBefore: 3 })).toMatchObject({ points: 0, bonus: 0, streakAfter: 3 });
    expect(score({ multiplier: 0, accuracy: 0, streakBefore: 3 })).toMatchObject({ points: 0, streakAfter: 3 });
  });

  it('[QUIZ3] a number answer: speed and closeness each weigh a quarter above the half', () => {
    expect(score({ graded: true, accuracy: 1, responseMs: 0 }).points).toBe(1000);
    expect(score({ graded: true, accuracy: 0.5, responseMs: 0 }).points).toBe(875);
    expect(score({ graded: true, accuracy: 1, responseMs: limit }).points).toBe(750);
  });
});

describe('fair timing', () => {
  it('[QUIZ6] a truthful claim behind a slow link or a delayed stream is kept', () => {
    // Sent at 0; 400 ms round trip; shown 3 s after it arrived; answered 4 s later: E = 0.2 + 3 + 4 + 0.2 s.
    expect(boundedResponseMs({ claimedMs: 4000, serverElapsedMs: 7400, rttMs: 400 })).toBe(4000);
  });

  it('[QUIZ6] property: the bounded time is never below E − rtt − lag, never above E − rtt, never negative', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 5_000 }), (claim, elapsed, rtt) => {
        const t = boundedResponseMs({ claimedMs: claim, serverElapsedMs: elapsed, rttMs: rtt });
        const upper = Math.max(0, elapsed - rtt);
        return t >= 0 && t <= upper && t >= Math.max(0, upper - QUIZ_LIMITS.maxDisplayLagMs);
      }),
    );
  });

  it('[QUIZ6] a claim of an instant answer cannot beat the network, nor a claim from before the send', () => {
    expect(boundedResponseMs({ claimedMs: 0, serverElapsedMs: 15_000, rttMs: 100 })).toBe(15_000 - 100 - QUIZ_LIMITS.maxDisplayLagMs);
    expect(boundedResponseMs({ claimedMs: 60_000, serverElapsedMs: 8000, rttMs: 100 })).toBe(7900);
    expect(boundedResponseMs({ claimedMs: Number.NaN, serverElapsedMs: 8000, rttMs: 100 })).toBe(7900);
  });
});

describe('teams', () => {
  it('[QUIZ7] property: per capita, a team of any size scoring the same points each has the same team score', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 800 }), (p, small, large) => {
        return perCapitaScore(Array(small).fill(p)) === perCapitaScore(Array(large).fill(p));
      }),
    );
  });

  it('[QUIZ7] members present who do not answer count 0; no one present is 0', () => {
    expect(perCapitaScore([1000, 0, 0, 0])).toBe(250);
    expect(perCapitaScore([])).toBe(0);
  });
});
