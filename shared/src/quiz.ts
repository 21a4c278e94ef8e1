import { z } from 'zod';
import { Id } from './model.js';
import { normaliseWord, textLength } from './poll-tally.js';

/*
 * Live quizzes: what organisers author, what players answer, how answers score, and how the time of
 * an answer is bounded. Rules cited as [QUIZn] are in docs/SPEC.md ("Quizzes"). Pure: the server and
 * the clients grade, score and bound with these same functions.
 */

export const QUIZ_LIMITS = {
  title: 120,
  questions: 100,
  text: 240,
  explanation: 500,
  imageUrl: 2000,
  option: 80,
  minOptions: 2,
  maxOptions: 6,
  minItems: 3,
  maxItems: 6,
  acceptedAnswers: 20,
  typedAnswer: 80,
  topic: 40,
  minTimeLimitSec: 5,
  maxTimeLimitSec: 240,
  /** [QUIZ3] Full points for a correct answer at ×1. */
  basePoints: 1000,
  /** [QUIZ4] Streak bonus per consecutive correct answer after the first, and its cap. */
  streakStep: 100,
  streakCap: 500,
  /** [QUIZ6] How late a display may be after the question reached the device (a stream's delay). */
  maxDisplayLagMs: 10_000,
  teamTalkMaxSec: 30,
} as const;

/** Control characters other than tab and newline, and lone surrogates. */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]|[\uD800-\uDFFF]/u;
const text = (limit: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(4 * limit, `${what} is at most ${limit} characters`)
    .refine((s) => textLength(s) <= limit, `${what} is at most ${limit} characters`)
    .refine((s) => !UNSAFE_TEXT.test(s), 'control characters are not allowed');

export const QuizQuestionKind = z.enum(['choice', 'truefalse', 'type', 'ordering', 'number']);
export type QuizQuestionKind = z.infer<typeof QuizQuestionKind>;

/** [QUIZ1] ×0 (no points: a warm-up), ×1, ×2 (double points). */
export const PointsMultiplier = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type PointsMultiplier = z.infer<typeof PointsMultiplier>;

/** [QUIZ1] A topic tag for "what stuck" (product, pricing, competition, process…). */
export const QuizTopic = text(QUIZ_LIMITS.topic, 'a topic').transform((s) => s.toLowerCase());

const common = {
  text: text(QUIZ_LIMITS.text, 'the question'),
  imageUrl: z.url({ protocol: /^https$/, error: 'the image must be an https URL' }).max(QUIZ_LIMITS.imageUrl).nullable().default(null),
  timeLimitSec: z.number().int().min(QUIZ_LIMITS.minTimeLimitSec, `a time limit is at least ${QUIZ_LIMITS.minTimeLimitSec} s`).max(QUIZ_LIMITS.maxTimeLimitSec, `a time limit is at most ${QUIZ_LIMITS.maxTimeLimitSec} s`),
  points: PointsMultiplier.default(1),
  topic: QuizTopic.nullable().default(null),
  /** Shown at the reveal: why the answer is right (the teaching moment). */
  explanation: text(QUIZ_LIMITS.explanation, 'the explanation').nullable().default(null),
};

const Option = text(QUIZ_LIMITS.option, 'an option');

/**
 * [QUIZ1] What an organiser writes for one question. Correct answers are part of it: this type is
 * presenter-side only; players get PlayerQuestion.
 */
export const QuizQuestionDraft = z
  .discriminatedUnion('kind', [
    /** 2–6 options; one or several correct (several: all and only the correct ones score). */
    z.strictObject({ kind: z.literal('choice'), ...common, options: z.array(Option).min(QUIZ_LIMITS.minOptions).max(QUIZ_LIMITS.maxOptions), correct: z.array(z.number().int().min(0)).min(1) }),
    z.strictObject({ kind: z.literal('truefalse'), ...common, correct: z.boolean() }),
    /** Accepted answers, compared without case, accents and surrounding spaces. */
    z.strictObject({ kind: z.literal('type'), ...common, accepted: z.array(text(QUIZ_LIMITS.typedAnswer, 'an accepted answer')).min(1).max(QUIZ_LIMITS.acceptedAnswers) }),
    /** 3–6 items written in the correct order; players get them shuffled. Only the exact order scores. */
    z.strictObject({ kind: z.literal('ordering'), ...common, items: z.array(Option).min(QUIZ_LIMITS.minItems).max(QUIZ_LIMITS.maxItems) }),
    /** A range for the slider or field, the correct value and a tolerance: inside it scores, closer more. */
    z.strictObject({ kind: z.literal('number'), ...common, min: z.number().finite(), max: z.number().finite(), correct: z.number().finite(), tolerance: z.number().finite().min(0) }),
  ])
  .superRefine((q, ctx) => {
    const unique = (labels: string[], path: string) => {
      const seen = new Set<string>();
      labels.forEach((l, i) => {
        const k = normaliseAnswer(l);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [path, i], message: `"${l}" is listed twice` });
        seen.add(k);
      });
    };
    if (q.kind === 'choice') {
      unique(q.options, 'options');
      if (new Set(q.correct).size !== q.correct.length) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'a correct option is listed twice' });
      if (q.correct.some((i) => i >= q.options.length)) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'a correct option is not one of the options' });
    }
    if (q.kind === 'type') unique(q.accepted, 'accepted');
    if (q.kind === 'ordering') unique(q.items, 'items');
    if (q.kind === 'number') {
      if (q.min >= q.max) ctx.addIssue({ code: 'custom', path: ['max'], message: 'the range must end above where it starts' });
      if (q.correct < q.min || q.correct > q.max) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'the correct value must be inside the range' });
    }
  });
export type QuizQuestionDraft = z.output<typeof QuizQuestionDraft>;
export type QuizQuestionInput = z.input<typeof QuizQuestionDraft>;

/** [QUIZ2] Team mode: none, by the participants' team attribute, or the room against remote. */
export const QuizTeamMode = z.enum(['off', 'teams', 'room-vs-remote']);
export type QuizTeamMode = z.infer<typeof QuizTeamMode>;

export const QuizSettings = z.strictObject({
  /** false: devices show the answer buttons alone; the question is on the stage screen and the stream. */
  questionOnDevices: z.boolean().default(true),
  teamMode: QuizTeamMode.default('off'),
  /** Team mode: seconds of team talk between "get ready" and answering. */
  teamTalkSec: z.number().int().min(0).max(QUIZ_LIMITS.teamTalkMaxSec).default(0),
});
export type QuizSettings = z.output<typeof QuizSettings>;

export const QuizDraft = z.strictObject({
  title: text(QUIZ_LIMITS.title, 'the title'),
  settings: QuizSettings.default({ questionOnDevices: true, teamMode: 'off', teamTalkSec: 0 }),
  questions: z.array(QuizQuestionDraft).max(QUIZ_LIMITS.questions, `a quiz has at most ${QUIZ_LIMITS.questions} questions`),
});
export type QuizDraft = z.output<typeof QuizDraft>;
export type QuizDraftInput = z.input<typeof QuizDraft>;

/** A stored question: the draft with an id. */
export type QuizQuestion = QuizQuestionDraft & { id: string };

/**
 * [QUIZ2] What a player's device gets: never a correct answer. Ordering items come shuffled (the
 * shuffle is the server's, the same for everyone); number questions keep their range.
 */
export type PlayerQuestion =
  | { id: string; kind: 'choice'; text: string | null; imageUrl: string | null; timeLimitSec: number; points: PointsMultiplier; options: string[]; multiple: boolean }
  | { id: string; kind: 'truefalse'; text: string | null; imageUrl: string | null; timeLimitSec: number; points: PointsMultiplier }
  | { id: string; kind: 'type'; text: string | null; imageUrl: string | null; timeLimitSec: number; points: PointsMultiplier }
  | { id: string; kind: 'ordering'; text: string | null; imageUrl: string | null; timeLimitSec: number; points: PointsMultiplier; items: { id: number; label: string }[] }
  | { id: string; kind: 'number'; text: string | null; imageUrl: string | null; timeLimitSec: number; points: PointsMultiplier; min: number; max: number };

/**
 * [QUIZ2] The player's view of a question. `order` is the ordering shuffle (a permutation of item
 * indexes); `showText` false hides the text and image (devices show the buttons alone).
 */
export function playerQuestion(q: QuizQuestion, opts: { showText: boolean; order?: readonly number[] }): PlayerQuestion {
  const base = { id: q.id, text: opts.showText ? q.text : null, imageUrl: opts.showText ? q.imageUrl : null, timeLimitSec: q.timeLimitSec, points: q.points };
  switch (q.kind) {
    case 'choice':
      return { ...base, kind: 'choice', options: q.options, multiple: q.correct.length > 1 };
    case 'truefalse':
      return { ...base, kind: 'truefalse' };
    case 'type':
      return { ...base, kind: 'type' };
    case 'ordering': {
      const order = opts.order ?? q.items.map((_, i) => i);
      return { ...base, kind: 'ordering', items: order.map((i) => ({ id: i, label: q.items[i]! })) };
    }
    case 'number':
      return { ...base, kind: 'number', min: q.min, max: q.max };
  }
}

/** [QUIZ5] What a player sends, by kind. Checked against the question by checkAnswer. */
export const QuizAnswerValue = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('choice'), picks: z.array(z.number().int().min(0).max(QUIZ_LIMITS.maxOptions - 1)).min(1).max(QUIZ_LIMITS.maxOptions) }),
  z.strictObject({ kind: z.literal('truefalse'), value: z.boolean() }),
  z.strictObject({ kind: z.literal('type'), text: z.string().max(4 * QUIZ_LIMITS.typedAnswer).refine((s) => textLength(s.trim()) <= QUIZ_LIMITS.typedAnswer, `answers are at most ${QUIZ_LIMITS.typedAnswer} characters`) }),
  z.strictObject({ kind: z.literal('ordering'), order: z.array(z.number().int().min(0).max(QUIZ_LIMITS.maxItems - 1)).min(QUIZ_LIMITS.minItems).max(QUIZ_LIMITS.maxItems) }),
  z.strictObject({ kind: z.literal('number'), value: z.number().finite() }),
]);
export type QuizAnswerValue = z.infer<typeof QuizAnswerValue>;

/**
 * [QUIZ5] Why an answer does not fit its question (null: it fits): another kind, an option out of
 * range, a pick listed twice, an ordering that is not a permutation of the items, a number outside
 * the range.
 */
export function checkAnswer(q: QuizQuestion, a: QuizAnswerValue): string | null {
  if (a.kind !== q.kind) return `this question takes a ${q.kind} answer`;
  switch (a.kind) {
    case 'choice': {
      const options = (q as Extract<QuizQuestion, { kind: 'choice' }>).options.length;
      if (a.picks.some((p) => p >= options)) return 'a pick is not one of the options';
      if (new Set(a.picks).size !== a.picks.length) return 'an option is picked twice';
      return null;
    }
    case 'ordering': {
      const n = (q as Extract<QuizQuestion, { kind: 'ordering' }>).items.length;
      const sorted = [...a.order].sort((x, y) => x - y);
      return sorted.length === n && sorted.every((v, i) => v === i) ? null : 'the order must list every item exactly once';
    }
    case 'number': {
      const r = q as Extract<QuizQuestion, { kind: 'number' }>;
      return a.value < r.min || a.value > r.max ? `the answer must be between ${r.min} and ${r.max}` : null;
    }
    default:
      return null;
  }
}

/** [QUIZ1] Typed answers compare without case, accents and surrounding (or repeated) spaces. */
export function normaliseAnswer(s: string): string {
  return normaliseWord(s.normalize('NFKD').replace(/\p{M}/gu, ''));
}

/**
 * [QUIZ3] How right an answer is, 0..1: 0 wrong, 1 right; a number inside the tolerance is
 * 1 − distance / tolerance (1 at the exact value; a zero tolerance takes the exact value only).
 * Assumes checkAnswer passed.
 */
export function accuracy(q: QuizQuestion, a: QuizAnswerValue): number {
  switch (q.kind) {
    case 'choice': {
      const picks = (a as Extract<QuizAnswerValue, { kind: 'choice' }>).picks;
      return picks.length === q.correct.length && q.correct.every((c) => picks.includes(c)) ? 1 : 0;
    }
    case 'truefalse':
      return (a as Extract<QuizAnswerValue, { kind: 'truefalse' }>).value === q.correct ? 1 : 0;
    case 'type': {
      const given = normaliseAnswer((a as Extract<QuizAnswerValue, { kind: 'type' }>).text);
      return given !== '' && q.accepted.some((x) => normaliseAnswer(x) === given) ? 1 : 0;
    }
    case 'ordering': {
      const order = (a as Extract<QuizAnswerValue, { kind: 'ordering' }>).order;
      return order.length === q.items.length && order.every((v, i) => v === i) ? 1 : 0;
    }
    case 'number': {
      const d = Math.abs((a as Extract<QuizAnswerValue, { kind: 'number' }>).value - q.correct);
      if (d > q.tolerance) return 0;
      return q.tolerance === 0 ? 1 : 1 - d / q.tolerance;
    }
  }
}

export interface ScoreInput {
  multiplier: PointsMultiplier;
  /** 0..1 from accuracy(); 0 or no answer is wrong. */
  accuracy: number | null;
  /** The bounded response time ([QUIZ6]). */
  responseMs: number;
  timeLimitMs: number;
  /** Consecutive correct answers before this one. */
  streakBefore: number;
  /** Number questions grade closeness; for them accuracy shares the half above the floor with speed. */
  graded: boolean;
}

export interface ScoreOutcome {
  correct: boolean;
  points: number;
  /** Part of `points` that is the streak bonus. */
  bonus: number;
  streakAfter: number;
}

/**
 * [QUIZ3] [QUIZ4] Points for one answer. A correct answer scores between half and full points,
 * linear in response time over the time limit (an answer at once: full; at the limit: half); for a
 * number question, speed and closeness each weigh a quarter above the half. Each consecutive correct
 * answer after the first adds a streak bonus of 100 per step, at most 500. A wrong or missing answer
 * scores 0 and resets the streak. The multiplier applies to all of it; a ×0 question scores nothing
 * and leaves the streak as it was.
 */
export function scoreAnswer(i: ScoreInput): ScoreOutcome {
  const correct = i.accuracy !== null && i.accuracy > 0;
  if (i.multiplier === 0) return { correct, points: 0, bonus: 0, streakAfter: i.streakBefore };
  if (!correct) return { correct: false, points: 0, bonus: 0, streakAfter: 0 };
  const speed = 1 - Math.min(1, Math.max(0, i.responseMs / i.timeLimitMs));
  const share = i.graded ? 0.5 + 0.25 * speed + 0.25 * i.accuracy! : 0.5 + 0.5 * speed;
  const streakAfter = i.streakBefore + 1;
  const bonus = Math.min(QUIZ_LIMITS.streakCap, QUIZ_LIMITS.streakStep * (streakAfter - 1)) * i.multiplier;
  const points = Math.round(QUIZ_LIMITS.basePoints * i.multiplier * share) + bonus;
  return { correct: true, points, bonus, streakAfter };
}

export interface TimingFacts {
  /** What the client says: milliseconds from the question's display on its screen to the answer. */
  claimedMs: number;
  /** Server clock: from sending the question to this socket to receiving the answer. */
  serverElapsedMs: number;
  /** The round trip the server measured to this socket (≥ 0). */
  rttMs: number;
}

/**
 * [QUIZ6] Fair timing, bounded. The question reached the device no sooner than half a round trip
 * after the send, and the answer left it no later than half a round trip before it arrived, so the
 * time between display and answer is at most E − rtt (E: serverElapsedMs). The display came at most
 * QUIZ_LIMITS.maxDisplayLagMs after arrival, so it is at least E − rtt − lag. The claim is clamped
 * into [max(0, E − rtt − lag), max(0, E − rtt)]: it can never make an answer faster than the network
 * allows, nor earlier than the send, and a slow link or a delayed stream costs no points.
 */
export function boundedResponseMs(t: TimingFacts): number {
  const rtt = Math.max(0, t.rttMs);
  const upper = Math.max(0, t.serverElapsedMs - rtt);
  const lower = Math.max(0, upper - QUIZ_LIMITS.maxDisplayLagMs);
  const claim = Number.isFinite(t.claimedMs) ? t.claimedMs : upper;
  return Math.min(upper, Math.max(lower, claim));
}

/**
 * [QUIZ7] A team's score for one question, per capita: the sum of its members' points over the
 * members present when the question opened (a member present but silent counts 0). No one present:
 * 0. So a small cohort is not outweighed by a large one, and participation matters.
 */
export function perCapitaScore(pointsOfPresent: readonly number[]): number {
  if (pointsOfPresent.length === 0) return 0;
  return pointsOfPresent.reduce((s, p) => s + p, 0) / pointsOfPresent.length;
}

/** The identifier of a quiz question's answer options in ids-free payloads. */
export const QuizQuestionRef = z.strictObject({ quizId: Id, questionId: Id });
