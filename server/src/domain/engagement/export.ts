import {
  ENGAGEMENT_KINDS,
  ENGAGEMENT_KIND_NAMES,
  surveyResults,
  surveyTextsShown,
  type AgendaSession,
  type EngagementEntry,
  type EngagementKind,
  type EngagementWeights,
  type Participant,
  type Survey,
} from '@rally/shared';
import type { StoredSurveyResponse } from '../../store/survey-store.js';
import type { FoldState } from './fold.js';
import { participantFigures, teamScores } from './views.js';

export type Cell = string | number | null;

/** Kinds with a count column in the per-participant export, in registry order. */
const COUNTED = ENGAGEMENT_KIND_NAMES.filter((k) => ENGAGEMENT_KINDS[k].column !== null);
const columnOf = (k: EngagementKind) => ENGAGEMENT_KINDS[k].column as string;

export interface ParticipantExportInput {
  state: FoldState;
  participants: readonly Participant[];
  /** [ENG18] Deleted participants (id -> tombstone): never exported. */
  deleted: Readonly<Record<string, string>>;
  weights: EngagementWeights;
  asOfMs: number;
  agenda: readonly AgendaSession[];
  survey: Survey | null;
  responses: readonly StoredSurveyResponse[];
}

/** [ENG19] Survey answers go in per-participant columns only when the survey is named. */
const namedSurvey = (s: Survey | null): s is Survey => s !== null && !s.anonymous;

/**
 * [ENG13] One row per attendee: who, sessions attended with minutes, one count per kind that has
 * an export column (registry order, so a new kind adds its column), the score, then the answers
 * of a named survey. `email` is the one given at join ([BRK35]), empty when none was.
 */
export function participantColumns(survey: Survey | null): string[] {
  return [
    'participant_id',
    'name',
    'email',
    'team',
    'mode',
    'sessions',
    'minutes_attended',
    ...COUNTED.map(columnOf),
    'engagement_score',
    ...(namedSurvey(survey) ? survey.questions.map((q) => `survey_${q.id}: ${q.prompt}`) : []),
  ];
}

export function participantRows(input: ParticipantExportInput): Cell[][] {
  const titles = new Map(input.agenda.map((s) => [s.id, s.title]));
  const answers = new Map(input.responses.map((r) => [r.participantId, new Map(r.answers.map((a) => [a.questionId, a.value]))]));
  const rows: Cell[][] = [participantColumns(input.survey)];
  for (const p of input.participants) {
    if (p.role !== 'attendee' || input.deleted[p.id] !== undefined) continue;
    const f = participantFigures(input.state, p.id, input.weights, input.asOfMs);
    const mine = answers.get(p.id);
    rows.push([
      p.id,
      p.name,
      p.email ?? null,
      p.team,
      p.mode,
      f.sessions.map((s) => `${titles.get(s.sessionId) ?? s.sessionId} (${s.minutes} min)`).join('; '),
      f.minutes,
      ...COUNTED.map((k) => f.counts[k] ?? 0),
      f.score,
      ...(namedSurvey(input.survey) ? input.survey.questions.map((q) => mine?.get(q.id) ?? null) : []),
    ]);
  }
  return rows;
}

/** [ENG12] Team scores as a table. */
export function teamRows(state: FoldState, weights: EngagementWeights): Cell[][] {
  return [['team', 'members', 'total', 'average'], ...teamScores(state, weights).map((t) => [t.team, t.members, t.total, t.average])];
}

export const LOG_COLUMNS = ['cursor', 'at', 'kind', 'participant_id', 'mode', 'team', 'session_id', 'ref', 'breakout_room_id'] as const;

/** [ENG14] The raw log as table rows (without the header). */
export const logRow = (e: EngagementEntry): Cell[] => [e.cursor, e.at, e.kind, e.participantId, e.mode, e.team, e.sessionId, e.ref ?? null, e.breakoutRoomId ?? null];

/**
 * [ENG16] The survey's results as one tidy table: responses per cohort, then per question the
 * distribution, average or NPS, and every open-text answer. Texts are sorted alphabetically, never
 * in the order they came, and carry no name: with a time they could be matched to the log. An
 * anonymous survey's texts carry no cohort either and are listed only once it closed ([SEC48]).
 */
export function surveyRows(survey: Survey, responses: readonly StoredSurveyResponse[]): Cell[][] {
  const results = surveyResults(survey, responses);
  const rows: Cell[][] = [['question_id', 'prompt', 'kind', 'row_type', 'item', 'room', 'remote', 'total']];
  const r = results.responses;
  rows.push([null, survey.title, null, 'responses', 'responses', r.room, r.remote, r.room + r.remote]);
  for (const q of results.questions) {
    const prompt = survey.questions.find((x) => x.id === q.questionId)?.prompt ?? null;
    const head = [q.questionId, prompt, q.kind];
    if (q.kind === 'text') {
      rows.push([...head, 'answers', 'answers', q.answers?.room ?? null, q.answers?.remote ?? null, q.total]);
      // [SEC48] An anonymous survey's texts only once it is closed, and with empty cohort cells.
      if (!surveyTextsShown(survey)) continue;
      const texts = responses
        .flatMap((resp) => resp.answers.filter((a) => a.questionId === q.questionId && typeof a.value === 'string').map((a) => ({ text: String(a.value), cohort: resp.cohort })))
        .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.cohort.localeCompare(b.cohort)));
      for (const t of texts) rows.push([...head, 'text', t.text, ...(survey.anonymous ? [null, null] : [t.cohort === 'room' ? 1 : 0, t.cohort === 'remote' ? 1 : 0]), 1]);
      continue;
    }
    for (const d of q.distribution) rows.push([...head, 'value', d.value, d.room, d.remote, d.room + d.remote]);
    if (q.kind === 'rating') rows.push([...head, 'average', 'average', q.average.room, q.average.remote, q.average.all]);
    else for (const part of ['promoters', 'passives', 'detractors', 'score'] as const) rows.push([...head, 'nps', part, q.nps.room[part], q.nps.remote[part], q.nps.all[part]]);
  }
  return rows;
}
