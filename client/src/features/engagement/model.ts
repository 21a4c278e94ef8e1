import { z } from 'zod';
import {
  ENGAGEMENT_KIND_NAMES,
  ENGAGEMENT_KINDS,
  EngagementSettingsPatch,
  PARTICIPATION_KINDS,
  SurveyDraft,
  type EngagementDashboard,
  type EngagementKind,
  type EngagementSettings,
  type ScopeFigures,
  type SurveyAnswer,
  type SurveyQuestion,
  type SurveyQuestionResults,
} from '@rally/shared';
import { sentence } from '../../lib/text';

/** Pure helpers of the engagement dashboard and the survey screens (tested in model.test.ts). */

export const pct = (rate: number) => `${Math.round(rate * 100)}%`;

/** [ENG8] 0.667 -> "67%": parity reads as remote participation as a share of the room's. */
export const parityText = (v: number | null) => (v === null ? '—' : pct(v));

/**
 * [ENG22] Time-weighted attendees (person-equivalents, 2 decimals) as people read them: whole
 * numbers as is, others with at most 2 decimals (2.02, 2.5).
 */
export const peopleText = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/** [ENG25] What counts as taking part, in words, from the registry: "poll votes, questions, … or survey answers". */
export function takingPartText(): string {
  const labels = PARTICIPATION_KINDS.map((k) => ENGAGEMENT_KINDS[k].label.toLowerCase());
  return labels.length < 2 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
}

/**
 * [ENG16] [SEC48] The count line of an open-text question: per cohort for a named survey; a total
 * for an anonymous one (its texts carry no cohort); null while an anonymous survey is open (the
 * texts and their count are held until it closes).
 */
export function textCountLine(q: Extract<SurveyQuestionResults, { kind: 'text' }>): string | null {
  if (q.total === null) return null;
  if (q.answers) return `${q.answers.room} room · ${q.answers.remote} remote answers`;
  return `${q.total} ${q.total === 1 ? 'answer' : 'answers'}`;
}

/** The gauge's scale: 0 to 2 (a threshold may be set up to 2), stretched when parity goes beyond. */
export const gaugeMax = (value: number | null) => Math.max(2, value ?? 0);

/** One row of the participation chart: overall, then each participation kind in registry order. */
export interface RateRow {
  key: string;
  label: string;
  room: number;
  remote: number;
}

/** [ENG7] Overall participation and per activity, room and remote, for one scope. */
export function rateRows(f: ScopeFigures): RateRow[] {
  const byKind = new Map(f.activities.map((a) => [a.kind, a]));
  return [
    { key: 'all', label: 'Overall', room: f.participation.room, remote: f.participation.remote },
    ...PARTICIPATION_KINDS.map((k) => {
      const a = byKind.get(k);
      return { key: k, label: ENGAGEMENT_KINDS[k].label, room: a?.rate.room ?? 0, remote: a?.rate.remote ?? 0 };
    }),
  ];
}

/** [ENG6] One kind's interactions per minute over the dashboard's timeline, oldest first. */
export function perMinute(d: EngagementDashboard, kind: EngagementKind): { room: number[]; remote: number[] } {
  return {
    room: d.timeline.map((m) => m.counts[kind]?.room ?? 0),
    remote: d.timeline.map((m) => m.counts[kind]?.remote ?? 0),
  };
}

/** [ENG6] Interactions in the last complete minute for one kind (both cohorts). */
export const lastMinuteOf = (d: EngagementDashboard, kind: EngagementKind) => (d.lastMinute[kind]?.room ?? 0) + (d.lastMinute[kind]?.remote ?? 0);

/** Kinds whose weight an organiser tunes: all of them, in registry order ([ENG2] [ENG5]). */
export const WEIGHT_KINDS = ENGAGEMENT_KIND_NAMES;

/** What the settings form holds: text as typed, so a half-typed number is not lost. */
export interface SettingsForm {
  weights: Record<EngagementKind, string>;
  /** The parity threshold as a percentage (80 = remote at 80 % of the room's participation). */
  thresholdPct: string;
  leaderboard: EngagementSettings['leaderboard'];
}

export function settingsForm(s: EngagementSettings): SettingsForm {
  const weights = Object.fromEntries(WEIGHT_KINDS.map((k) => [k, String(s.weights[k] ?? ENGAGEMENT_KINDS[k].defaultWeight)])) as Record<EngagementKind, string>;
  return { weights, thresholdPct: String(Math.round(s.parityThreshold * 100)), leaderboard: s.leaderboard };
}

/** Field errors keyed `weights.voted`, `thresholdPct`. */
export type FieldErrors = Partial<Record<string, string>>;

const numberField = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .regex(/^\d+(\.\d+)?$/, `${label} must be a number`)
    .transform(Number);

/**
 * [ENG5] [ENG9] The form read into an `engagement:configure` patch, checked with the protocol's
 * own schema so the browser refuses exactly what the server would. Only changed fields are sent.
 */
export function settingsPatch(form: SettingsForm, current: EngagementSettings): { ok: true; patch: EngagementSettingsPatch } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const weights: Partial<Record<EngagementKind, number>> = {};
  for (const k of WEIGHT_KINDS) {
    const n = numberField(`The weight of ${ENGAGEMENT_KINDS[k].label.toLowerCase()}`).safeParse(form.weights[k]);
    if (!n.success) errors[`weights.${k}`] = n.error.issues[0]!.message;
    else if (n.data !== current.weights[k]) weights[k] = n.data;
  }
  const t = numberField('The threshold').safeParse(form.thresholdPct);
  let parityThreshold: number | undefined;
  if (!t.success) errors.thresholdPct = t.error.issues[0]!.message;
  else {
    const ratio = Math.round(t.data * 10) / 1000;
    if (ratio !== current.parityThreshold) parityThreshold = ratio;
  }
  const candidate = {
    ...(Object.keys(weights).length ? { weights } : {}),
    ...(parityThreshold !== undefined ? { parityThreshold } : {}),
    ...(form.leaderboard !== current.leaderboard ? { leaderboard: form.leaderboard } : {}),
  };
  const parsed = EngagementSettingsPatch.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, kind] = issue.path;
      if (head === 'weights' && typeof kind === 'string') errors[`weights.${kind}`] ??= 'Weights are whole points from 0 to 100';
      else if (head === 'parityThreshold') errors.thresholdPct ??= 'The threshold is 0 to 200%';
      else errors.form ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, patch: parsed.data };
}

/** A survey question as being written in the editor. */
export interface QuestionDraftForm {
  kind: SurveyQuestion['kind'];
  prompt: string;
  required: boolean;
}

export const QUESTION_KIND_LABEL: Record<SurveyQuestion['kind'], string> = { rating: 'Rating (1–5)', nps: 'NPS (0–10)', text: 'Open text' };

/** [ENG15] The editor's content checked with the protocol's schema; errors keyed `title`, `questions.0.prompt`, `questions`. */
export function surveyDraft(form: { title: string; anonymous: boolean; questions: QuestionDraftForm[] }): { ok: true; draft: SurveyDraft } | { ok: false; errors: FieldErrors } {
  const parsed = SurveyDraft.safeParse(form);
  if (parsed.success) return { ok: true, draft: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) errors[issue.path.join('.') || 'form'] ??= sentence(issue.message);
  return { ok: false, errors };
}

/** What an attendee has picked or typed, per question id. */
export type AnswerForm = Record<string, number | string | undefined>;

export function answerForm(answers: readonly SurveyAnswer[] | null): AnswerForm {
  return Object.fromEntries((answers ?? []).map((a) => [a.questionId, a.value]));
}

/**
 * [ENG15] The answers to send: every question with a value (texts trimmed, blanks dropped), or
 * the prompts of required questions still unanswered.
 */
export function surveyAnswers(questions: readonly SurveyQuestion[], form: AnswerForm): { ok: true; answers: SurveyAnswer[] } | { ok: false; missing: string[] } {
  const answers: SurveyAnswer[] = [];
  const missing: string[] = [];
  for (const q of questions) {
    const v = form[q.id];
    const value = typeof v === 'string' ? v.trim() : v;
    if (value === undefined || value === '') {
      if (q.required) missing.push(q.id);
      continue;
    }
    answers.push({ questionId: q.id, value });
  }
  return missing.length ? { ok: false, missing } : { ok: true, answers };
}
