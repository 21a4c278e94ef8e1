import {
  ErrorCode,
  RallyError,
  SURVEY_LIMITS,
  surveyResults,
  textLength,
  type Participant,
  type Role,
  type Survey,
  type SurveyAnswer,
  type SurveyDraft,
  type SurveyReceipt,
  type SurveyResults,
  type SurveySnapshot,
  type surveyFactSchemas,
} from '@rally/shared';
import type { z } from 'zod';
import { isoNow, type Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import type { SurveyStore } from '../../store/survey-store.js';
import { MODERATOR_ROLES } from '../ports.js';
import type { EngagementPort } from './record.js';

type SurveyFact = keyof typeof surveyFactSchemas;
type SurveyPayload<N extends SurveyFact> = z.infer<(typeof surveyFactSchemas)[N]>;

/** The part of the Publisher port surveys use, typed by their own facts. */
export interface SurveyPublisher {
  toEvent<N extends SurveyFact>(eventId: string, fact: N, payload: SurveyPayload<N>): void;
  toRoles<N extends SurveyFact>(eventId: string, roles: readonly Role[], fact: N, payload: SurveyPayload<N>): void;
}

export interface SurveyDeps {
  store: SurveyStore & Pick<Store, 'getEvent' | 'getParticipant'>;
  clock: Clock;
  publish: SurveyPublisher;
  engagement?: EngagementPort;
}

/** Who hears of a draft survey (authoring is the organisers' business). */
const SURVEY_STAFF = ['moderator', 'admin', 'presenter'] as const satisfies readonly Role[];

async function requireSurvey(deps: Pick<SurveyDeps, 'store'>, eventId: string): Promise<Survey> {
  const s = await deps.store.getSurvey(eventId);
  if (!s) throw new RallyError(ErrorCode.NOT_FOUND, 'this event has no survey yet');
  return s;
}

/** [ENG15] Writes (or rewrites) the event's survey while it is a draft; questions get ids s1…sN. */
export async function defineSurvey(deps: SurveyDeps, eventId: string, draft: SurveyDraft): Promise<Survey> {
  if (!(await deps.store.getEvent(eventId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  const existing = await deps.store.getSurvey(eventId);
  const survey: Survey = {
    eventId,
    title: draft.title,
    anonymous: draft.anonymous,
    questions: draft.questions.map((q, i) => ({ id: `s${i + 1}`, kind: q.kind, prompt: q.prompt, required: q.required })),
    state: 'draft',
    createdAt: existing?.createdAt ?? isoNow(deps.clock),
    openedAt: null,
    closedAt: null,
  };
  await deps.store.putSurvey(survey);
  deps.publish.toRoles(eventId, SURVEY_STAFF, 'survey:updated', survey);
  return survey;
}

async function move(deps: SurveyDeps, eventId: string, from: 'draft' | 'open', to: 'open' | 'closed'): Promise<Survey> {
  const current = await requireSurvey(deps, eventId);
  const at = isoNow(deps.clock);
  const moved = await deps.store.transitionSurvey(eventId, from, to, to === 'open' ? { openedAt: at } : { closedAt: at });
  if (!moved) {
    const now = (await deps.store.getSurvey(eventId)) ?? current;
    throw new RallyError(ErrorCode.INVALID_STATE, `the survey is ${now.state}`);
  }
  deps.publish.toEvent(eventId, 'survey:updated', moved);
  deps.engagement?.moment(eventId, to === 'open' ? 'survey.opened' : 'survey.closed', { title: moved.title, at });
  return moved;
}

/** [ENG15] draft -> open. */
export const openSurvey = (deps: SurveyDeps, eventId: string) => move(deps, eventId, 'draft', 'open');
/** [ENG15] open -> closed. */
export const closeSurvey = (deps: SurveyDeps, eventId: string) => move(deps, eventId, 'open', 'closed');

/**
 * [ENG15] Checks answers against the survey and puts them in question order: each question at
 * most once, every required one answered, ratings 1–5, NPS 0–10, texts of 1–500 characters.
 */
export function checkAnswers(survey: Survey, answers: readonly SurveyAnswer[]): SurveyAnswer[] {
  const bad = (m: string) => new RallyError(ErrorCode.BAD_REQUEST, m);
  const byId = new Map<string, SurveyAnswer>();
  for (const a of answers) {
    const q = survey.questions.find((x) => x.id === a.questionId);
    if (!q) throw bad(`no question ${a.questionId} in this survey`);
    if (byId.has(a.questionId)) throw bad(`question ${a.questionId} is answered twice`);
    if (q.kind === 'text') {
      if (typeof a.value !== 'string') throw bad(`question ${q.id} takes a text answer`);
      const text = a.value.trim();
      if (text.length === 0 || textLength(text) > SURVEY_LIMITS.text) throw bad(`answers are 1 to ${SURVEY_LIMITS.text} characters`);
      byId.set(q.id, { questionId: q.id, value: text });
      continue;
    }
    const [lo, hi] = q.kind === 'rating' ? [1, 5] : [0, 10];
    if (typeof a.value !== 'number' || !Number.isInteger(a.value) || a.value < lo || a.value > hi) throw bad(`question ${q.id} takes a whole number from ${lo} to ${hi}`);
    byId.set(q.id, { questionId: q.id, value: a.value });
  }
  for (const q of survey.questions) if (q.required && !byId.has(q.id)) throw bad(`question ${q.id} ("${q.prompt}") needs an answer`);
  return survey.questions.flatMap((q) => (byId.has(q.id) ? [byId.get(q.id)!] : []));
}

/**
 * [ENG15] An attendee answers. Again while the survey is open replaces their answers; an
 * identical resubmission changes nothing. Only the first submission is an engagement entry.
 */
export async function submitSurvey(deps: SurveyDeps, eventId: string, participantId: string, answers: readonly SurveyAnswer[]): Promise<SurveyReceipt> {
  const me = await deps.store.getParticipant(participantId);
  if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
  if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, 'only attendees answer the survey');
  const survey = await requireSurvey(deps, eventId);
  if (survey.state !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, survey.state === 'draft' ? 'the survey is not open yet' : 'the survey is closed');
  const checked = checkAnswers(survey, answers);
  const at = isoNow(deps.clock);
  const { status } = await deps.store.submitSurvey(eventId, { participantId, cohort: me.mode, answers: checked, fingerprint: JSON.stringify(checked), at });
  // [SEC22] An anonymous survey's entry says who answered, not when: stamped with its opening, written once it closed.
  if (status === 'recorded') {
    const hold = { activity: 'survey' as const, id: eventId, startedAt: survey.openedAt ?? at };
    deps.engagement?.interacted(me, 'surveyAnswered', survey.anonymous ? { withheldUntilClosed: hold } : undefined);
  }
  if (status !== 'unchanged') {
    // [ENG19] An anonymous survey's webhook names nobody and carries no answers: with a time and a
    // cohort they could be matched to the log's entry of who answered when.
    const data = survey.anonymous ? { anonymous: true, replaced: status === 'replaced' } : { anonymous: false, replaced: status === 'replaced', participantId, name: me.name, team: me.team, mode: me.mode, answers: checked };
    deps.engagement?.moment(eventId, 'survey.submitted', data);
  }
  return { answers: checked, status };
}

/** [ENG16] The results, or null without a survey. */
export async function loadSurveyResults(store: SurveyStore, eventId: string): Promise<SurveyResults | null> {
  const survey = await store.getSurvey(eventId);
  if (!survey) return null;
  return surveyResults(survey, await store.listSurveyResponses(eventId));
}

const isStaff = (p: Participant) => (MODERATOR_ROLES as readonly string[]).includes(p.role) || p.role === 'presenter';

/** [ENG15] Staff see the survey in any state; the audience once it is open. */
export async function surveyForSnapshot(store: SurveyStore, me: Participant): Promise<SurveySnapshot> {
  return surveyFrom(store, me, await store.getSurvey(me.eventId));
}

/** [ENG15] [PERF20] The survey part from the event's survey as read (shared by a role's snapshots). */
export async function surveyFrom(store: SurveyStore, me: Participant, survey: Awaited<ReturnType<SurveyStore['getSurvey']>>): Promise<SurveySnapshot> {
  const visible = survey && (isStaff(me) || survey.state !== 'draft') ? survey : null;
  const mine = visible && me.role === 'attendee' ? await store.getSurveyResponse(me.eventId, me.id) : null;
  return { survey: visible, myAnswers: mine ? mine.answers : null };
}
