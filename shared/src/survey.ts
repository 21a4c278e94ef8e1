import { z } from 'zod';
import { CommandId, Id, Mode } from './model.js';
import { average, npsBreakdown, textLength } from './poll-tally.js';

/*
 * The end-of-day satisfaction survey: one per event, several questions (rating 1–5, NPS 0–10,
 * open text), answered at the attendee's own pace while it is open. Rules [ENGn] in docs/SPEC.md
 * ("Engagement", surveys).
 */

export const SURVEY_LIMITS = {
  title: 120,
  prompt: 200,
  questions: 20,
  /** [ENG15] Characters of an open-text answer, counted as a person counts them. */
  text: 500,
  /** Open-text answers the dashboard shows (the most recent); the exports have all of them. */
  latestTexts: 20,
} as const;

/** Control characters other than tab and newline, and lone surrogates (they do not survive UTF-8). */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]|[\uD800-\uDFFF]/u;

const bounded = (limit: number, what: string) =>
  z
    .string()
    .max(4 * limit, `${what} are at most ${limit} characters`)
    .trim()
    .min(1, `the ${what.replace(/s$/, '')} is empty`)
    .refine((s) => textLength(s) <= limit, `${what} are at most ${limit} characters`)
    .refine((s) => !UNSAFE_TEXT.test(s), 'control characters are not allowed');

export const SurveyQuestionKind = z.enum(['rating', 'nps', 'text']);
export type SurveyQuestionKind = z.infer<typeof SurveyQuestionKind>;

/** [ENG15] What an organiser writes for one question. */
export const SurveyQuestionDraft = z.strictObject({
  kind: SurveyQuestionKind,
  prompt: bounded(SURVEY_LIMITS.prompt, 'prompts'),
  required: z.boolean(),
});

/** [ENG15] A survey as authored: a title, 1–20 questions, named or anonymous answers. */
export const SurveyDraft = z.strictObject({
  title: bounded(SURVEY_LIMITS.title, 'titles'),
  /** [ENG19] Anonymous: answers are never tied to a person, in any export or API. */
  anonymous: z.boolean(),
  questions: z.array(SurveyQuestionDraft).min(1, 'a survey needs a question').max(SURVEY_LIMITS.questions, `a survey has at most ${SURVEY_LIMITS.questions} questions`),
});
export type SurveyDraft = z.infer<typeof SurveyDraft>;

export const SurveyState = z.enum(['draft', 'open', 'closed']);
export type SurveyState = z.infer<typeof SurveyState>;

export const SurveyQuestion = z.object({ id: Id, kind: SurveyQuestionKind, prompt: z.string(), required: z.boolean() });
export type SurveyQuestion = z.infer<typeof SurveyQuestion>;

/** A survey as stored and sent (the audience gets it once open). Questions get ids s1…sN. */
export const Survey = z.object({
  eventId: Id,
  title: z.string(),
  anonymous: z.boolean(),
  questions: z.array(SurveyQuestion),
  /** draft -> open -> closed, never backwards. */
  state: SurveyState,
  createdAt: z.iso.datetime(),
  openedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type Survey = z.infer<typeof Survey>;

/** One answer: a whole number for rating and NPS questions, text for open ones (checked against the survey). */
export const SurveyAnswer = z.strictObject({
  questionId: Id,
  value: z.union([z.number().int().min(0).max(10), bounded(SURVEY_LIMITS.text, 'answers')]),
});
export type SurveyAnswer = z.infer<typeof SurveyAnswer>;

export const SurveyAnswers = z.array(SurveyAnswer).max(SURVEY_LIMITS.questions);

/** The ack of survey:submit: the answers as stored, and whether they replaced earlier ones. */
export const SurveyReceipt = z.object({ answers: SurveyAnswers, status: z.enum(['recorded', 'replaced', 'unchanged']) });
export type SurveyReceipt = z.infer<typeof SurveyReceipt>;

const Cohorts = { room: z.number().int(), remote: z.number().int() };
const Averages = z.object({ room: z.number().nullable(), remote: z.number().nullable(), all: z.number().nullable() });
const Nps = z.object({ promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), score: z.number().int().nullable() });

/** [ENG16] Results per question, split by cohort. */
export const SurveyQuestionResults = z.discriminatedUnion('kind', [
  z.object({ questionId: Id, kind: z.literal('rating'), distribution: z.array(z.object({ value: z.number().int(), ...Cohorts })), average: Averages }),
  z.object({ questionId: Id, kind: z.literal('nps'), distribution: z.array(z.object({ value: z.number().int(), ...Cohorts })), nps: z.object({ room: Nps, remote: Nps, all: Nps }) }),
  /**
   * The most recent texts (never with a name), listed alphabetically ([SEC23]); the exports have all
   * of them. [SEC48] An anonymous survey's texts carry no cohort: `answers` (texts per cohort) and
   * each text's `mode` are absent, and while it is open the texts and their count are held
   * (`latest` empty, `total` null) until it closes.
   */
  z.object({
    questionId: Id,
    kind: z.literal('text'),
    /** Texts per cohort; absent for an anonymous survey. */
    answers: z.object(Cohorts).optional(),
    /** How many texts; null while an anonymous survey is open. */
    total: z.number().int().nullable(),
    latest: z.array(z.object({ text: z.string(), mode: Mode.optional() })),
  }),
]);
export type SurveyQuestionResults = z.infer<typeof SurveyQuestionResults>;

export const SurveyResults = z.object({
  state: SurveyState,
  /** Attendees who answered, per cohort (in the cohort they answered in). */
  responses: z.object(Cohorts),
  questions: z.array(SurveyQuestionResults),
});
export type SurveyResults = z.infer<typeof SurveyResults>;

/** Commands, merged into commandSchemas. */
export const surveyCommandSchemas = {
  /** [ENG15] Moderators and organisers write (or rewrite) the event's survey while it is a draft. */
  'survey:define': z.strictObject({ id: CommandId, survey: SurveyDraft }),
  /** [ENG15] draft -> open: attendees see it. */
  'survey:open': z.strictObject({ id: CommandId }),
  /** [ENG15] open -> closed: answers are final. */
  'survey:close': z.strictObject({ id: CommandId }),
  /** [ENG15] An attendee answers (all their answers at once); again to change them while it is open. */
  'survey:submit': z.strictObject({ id: CommandId, answers: SurveyAnswers }),
} as const;

export interface SurveyCommandResults {
  'survey:define': Survey;
  'survey:open': Survey;
  'survey:close': Survey;
  'survey:submit': SurveyReceipt;
}

/** Facts, merged into factSchemas. */
export const surveyFactSchemas = {
  /** [ENG15] Staff: the survey changed (drafts too). Everyone: it opened or closed. */
  'survey:updated': Survey,
} as const;

/** [ENG15] The survey part of a snapshot. */
export const SurveySnapshot = z.object({
  /** Staff: the survey in any state; attendees: once open. */
  survey: Survey.nullable(),
  /** This participant's answers, if they answered. */
  myAnswers: SurveyAnswers.nullable(),
});
export type SurveySnapshot = z.infer<typeof SurveySnapshot>;

/** One participant's stored answers, as results are built from them. */
export interface SurveyResponseLike {
  cohort: 'room' | 'remote';
  answers: readonly SurveyAnswer[];
  at: string;
}

/**
 * [SEC48] Whether a survey's texts may be shown now: a named survey's always; an anonymous one's only
 * once it is closed. While it is open its per-cohort counts move with each response, so a text
 * appearing at the same moment would be tied to its author's cohort (and ratings) by the change.
 */
export const surveyTextsShown = (survey: Pick<Survey, 'anonymous' | 'state'>): boolean => !survey.anonymous || survey.state === 'closed';

/** [ENG16] Results from the responses. Pure, so the dashboard and the exports agree. */
export function surveyResults(survey: Survey, responses: readonly SurveyResponseLike[]): SurveyResults {
  const responded = { room: 0, remote: 0 };
  for (const r of responses) responded[r.cohort]++;
  const byTime = [...responses].sort((a, b) => a.at.localeCompare(b.at));
  const questions = survey.questions.map((q): SurveyQuestionResults => {
    const given = byTime.flatMap((r) => r.answers.filter((a) => a.questionId === q.id).map((a) => ({ cohort: r.cohort, value: a.value })));
    if (q.kind === 'text') {
      const texts = given.filter((g): g is { cohort: 'room' | 'remote'; value: string } => typeof g.value === 'string');
      // [ENG16] [SEC23] The most recent ones, but listed alphabetically: in the order they came they
      // could be matched to the log's order of who answered.
      const recent = texts.slice(-SURVEY_LIMITS.latestTexts);
      if (survey.anonymous) {
        // [SEC48] No cohort on an anonymous text, nor a count per cohort (a lone text's would name
        // its cohort); nothing of the texts while the survey is open.
        if (!surveyTextsShown(survey)) return { questionId: q.id, kind: 'text', total: null, latest: [] };
        const latest = recent.map((t) => ({ text: t.value })).sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
        return { questionId: q.id, kind: 'text', total: texts.length, latest };
      }
      const answers = { room: 0, remote: 0 };
      for (const t of texts) answers[t.cohort]++;
      const latest = recent.map((t) => ({ text: t.value, mode: t.cohort }));
      latest.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.mode.localeCompare(b.mode)));
      return { questionId: q.id, kind: 'text', answers, total: texts.length, latest };
    }
    const [from, to] = q.kind === 'rating' ? [1, 5] : [0, 10];
    const distribution = Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i, room: 0, remote: 0 }));
    for (const g of given) if (typeof g.value === 'number' && g.value >= from && g.value <= to) distribution[g.value - from]![g.cohort]++;
    const of = (pick: (d: (typeof distribution)[number]) => number) => distribution.map((d) => ({ value: d.value, count: pick(d) }));
    if (q.kind === 'rating') {
      return { questionId: q.id, kind: 'rating', distribution, average: { room: average(of((d) => d.room)), remote: average(of((d) => d.remote)), all: average(of((d) => d.room + d.remote)) } };
    }
    return { questionId: q.id, kind: 'nps', distribution, nps: { room: npsBreakdown(of((d) => d.room)), remote: npsBreakdown(of((d) => d.remote)), all: npsBreakdown(of((d) => d.room + d.remote)) } };
  });
  return { state: survey.state, responses: responded, questions };
}
