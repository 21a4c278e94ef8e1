import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RallyError, type EngagementKind, type Participant, type Role, type SurveyDraft } from '@rally/shared';
import { fakeClock } from '../../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/store.js';
import type { InteractionDetail } from './record.js';
import { closeSurvey, defineSurvey, openSurvey, submitSurvey, surveyForSnapshot, type SurveyDeps } from './survey.js';

const DRAFT: SurveyDraft = {
  title: 'End of day 1',
  anonymous: false,
  questions: [
    { kind: 'rating', prompt: 'How was the day?', required: true },
    { kind: 'nps', prompt: 'Would you recommend this SKO?', required: true },
    { kind: 'text', prompt: 'What should we change?', required: false },
  ],
};

let store: Store;
let deps: SurveyDeps;
let published: { to: string; roles?: readonly Role[]; fact: string; payload: any }[];
let interactions: { participantId: string; kind: EngagementKind; detail?: InteractionDetail }[];
let moments: { type: string; data: any }[];
const EVENT = 'ev_survey';
let n = 0;

async function person(role: Role = 'attendee', mode: 'room' | 'remote' = 'remote', banned = false): Promise<Participant> {
  const p: Participant = { id: `sp${++n}`, eventId: EVENT, name: `Person ${n}`, role, mode, team: 'EMEA', banned, joinedAt: '2027-01-20T09:00:00.000Z' };
  await store.createParticipant(p);
  return p;
}

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

beforeEach(async () => {
  store = createSqliteStore(':memory:');
  await store.createEvent({
    id: EVENT,
    code: 'CDEFGH',
    name: 'Survey SKO',
    teams: [],
    agenda: [],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: '2027-01-20T08:00:00.000Z',
    keys: { presenter: 'k1-0123456789', moderator: 'k2-0123456789', stage: 'k3-0123456789' },
    keyGeneration: 0,
  } as never);
  published = [];
  interactions = [];
  moments = [];
  deps = {
    store,
    clock: fakeClock(),
    publish: {
      toEvent: (_e, fact, payload) => void published.push({ to: 'event', fact, payload }),
      toRoles: (_e, roles, fact, payload) => void published.push({ to: 'roles', roles, fact, payload }),
    },
    engagement: {
      interacted: (p, kind, detail) => void interactions.push({ participantId: p.id, kind, detail }),
      moment: (_e, type, data) => void moments.push({ type, data }),
    },
  };
});
afterEach(async () => {
  await store.close();
});

describe('the survey', () => {
  it('[ENG15] staff define a draft (questions get ids s1…), only staff hear of it; opening tells everyone; a live survey cannot be rewritten', async () => {
    const s = await defineSurvey(deps, EVENT, DRAFT);
    expect(s.questions.map((q) => q.id)).toEqual(['s1', 's2', 's3']);
    expect(s.state).toBe('draft');
    expect(published).toEqual([{ to: 'roles', roles: ['moderator', 'admin', 'presenter'], fact: 'survey:updated', payload: s }]);
    const attendee = await person();
    expect((await surveyForSnapshot(store, attendee)).survey).toBeNull();
    expect((await surveyForSnapshot(store, await person('moderator'))).survey).toEqual(s);

    const opened = await openSurvey(deps, EVENT);
    expect(opened.state).toBe('open');
    expect(published.at(-1)).toMatchObject({ to: 'event', fact: 'survey:updated', payload: { state: 'open' } });
    expect(moments.map((m) => m.type)).toEqual(['survey.opened']);
    expect((await surveyForSnapshot(store, attendee)).survey?.state).toBe('open');
    await expectCode(defineSurvey(deps, EVENT, DRAFT), ErrorCode.INVALID_STATE);
    await expectCode(openSurvey(deps, EVENT), ErrorCode.INVALID_STATE);
  });

  it('[ENG15] an attendee answers at their own pace and may change the answers until it closes; only the first answer is an engagement entry', async () => {
    await defineSurvey(deps, EVENT, DRAFT);
    const a = await person();
    await expectCode(submitSurvey(deps, EVENT, a.id, [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }]), ErrorCode.INVALID_STATE);
    await openSurvey(deps, EVENT);
    const first = await submitSurvey(deps, EVENT, a.id, [{ questionId: 's2', value: 9 }, { questionId: 's1', value: 4 }]);
    expect(first).toEqual({ status: 'recorded', answers: [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }] });
    expect((await submitSurvey(deps, EVENT, a.id, [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }])).status).toBe('unchanged');
    const changed = await submitSurvey(deps, EVENT, a.id, [{ questionId: 's1', value: 2 }, { questionId: 's2', value: 3 }, { questionId: 's3', value: '  More breaks  ' }]);
    expect(changed).toEqual({ status: 'replaced', answers: [{ questionId: 's1', value: 2 }, { questionId: 's2', value: 3 }, { questionId: 's3', value: 'More breaks' }] });
    expect(interactions).toEqual([{ participantId: a.id, kind: 'surveyAnswered', detail: undefined }]);
    expect((await surveyForSnapshot(store, a)).myAnswers).toEqual(changed.answers);
    await closeSurvey(deps, EVENT);
    await expectCode(submitSurvey(deps, EVENT, a.id, [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 5 }]), ErrorCode.INVALID_STATE);
  });

  it('[ENG15] answers must fit the survey: known questions once each, required ones present, ratings 1–5, NPS 0–10, text for text questions; only attendees', async () => {
    await defineSurvey(deps, EVENT, DRAFT);
    await openSurvey(deps, EVENT);
    const a = await person();
    const bad = async (answers: { questionId: string; value: number | string }[]) => expectCode(submitSurvey(deps, EVENT, a.id, answers), ErrorCode.BAD_REQUEST);
    await bad([{ questionId: 's1', value: 4 }]);
    await bad([{ questionId: 's1', value: 0 }, { questionId: 's2', value: 5 }]);
    await bad([{ questionId: 's1', value: 6 }, { questionId: 's2', value: 5 }]);
    await bad([{ questionId: 's1', value: 'great' }, { questionId: 's2', value: 5 }]);
    await bad([{ questionId: 's1', value: 3 }, { questionId: 's2', value: 5 }, { questionId: 's3', value: 7 }]);
    await bad([{ questionId: 's1', value: 3 }, { questionId: 's1', value: 4 }, { questionId: 's2', value: 5 }]);
    await bad([{ questionId: 's1', value: 3 }, { questionId: 's2', value: 5 }, { questionId: 's9', value: 1 }]);
    await expectCode(submitSurvey(deps, EVENT, (await person('moderator')).id, [{ questionId: 's1', value: 3 }, { questionId: 's2', value: 5 }]), ErrorCode.FORBIDDEN);
    await expectCode(submitSurvey(deps, EVENT, (await person('attendee', 'room', true)).id, [{ questionId: 's1', value: 3 }, { questionId: 's2', value: 5 }]), ErrorCode.BANNED);
    expect(await store.listSurveyResponses(EVENT)).toEqual([]);
    expect(interactions).toEqual([]);
  });

  it('[ENG19] [ENG17] a named survey\'s webhook names the attendee; an anonymous survey\'s carries neither a person nor the answers', async () => {
    await defineSurvey(deps, EVENT, DRAFT);
    await openSurvey(deps, EVENT);
    const a = await person();
    await submitSurvey(deps, EVENT, a.id, [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 10 }]);
    expect(moments.at(-1)).toEqual({ type: 'survey.submitted', data: expect.objectContaining({ anonymous: false, participantId: a.id, name: a.name, answers: [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 10 }] }) });

    await closeSurvey(deps, EVENT);
    const EVENT2 = 'ev_survey_anonymous';
    await store.createEvent({ ...(await store.getEvent(EVENT))!, id: EVENT2, code: 'CDEFGJ' });
    const b = { ...a, id: 'sp_anon', eventId: EVENT2 };
    await store.createParticipant(b);
    await defineSurvey(deps, EVENT2, { ...DRAFT, anonymous: true });
    await openSurvey(deps, EVENT2);
    await submitSurvey(deps, EVENT2, b.id, [{ questionId: 's1', value: 1 }, { questionId: 's2', value: 0 }, { questionId: 's3', value: 'Too long' }]);
    const data = moments.at(-1)!.data;
    expect(data).toEqual({ anonymous: true, replaced: false });
    expect(JSON.stringify(data)).not.toContain(b.id);
  });
});
