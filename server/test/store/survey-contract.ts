import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RallyError, type Survey } from '@rally/shared';
import type { StoredSurveyResponse, SurveyStore } from '../../src/store/survey-store.js';

// The rules cited as [SVSTOREn] are in docs/SPEC.md (Survey store).

let seq = 0;
const newEvent = () => `ev_sv_${++seq}_${process.pid}`;

const survey = (eventId: string, overrides: Partial<Survey> = {}): Survey => ({
  eventId,
  title: 'End of day 1',
  anonymous: false,
  questions: [
    { id: 's1', kind: 'rating', prompt: 'How was the day?', required: true },
    { id: 's2', kind: 'text', prompt: 'What should we change?', required: false },
  ],
  state: 'draft',
  createdAt: '2027-01-20T17:00:00.000Z',
  openedAt: null,
  closedAt: null,
  ...overrides,
});

const response = (participantId: string, value: number, at = '2027-01-20T17:30:00.000Z'): StoredSurveyResponse => ({
  participantId,
  cohort: 'remote',
  answers: [{ questionId: 's1', value }],
  fingerprint: JSON.stringify([value]),
  at,
});

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

export function surveyContract(name: string, make: () => Promise<{ store: SurveyStore; cleanup: () => Promise<void> }>) {
  describe(`SurveyStore contract: ${name}`, () => {
    let store: SurveyStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('[SVSTORE1] putSurvey creates or replaces a draft and reads it back unchanged; once open it is INVALID_STATE and unchanged', async () => {
      const ev = newEvent();
      expect(await store.getSurvey(ev)).toBeNull();
      await store.putSurvey(survey(ev));
      const rewritten = survey(ev, { title: 'Day one, rewritten', questions: [{ id: 's1', kind: 'nps', prompt: 'Recommend us?', required: true }] });
      await store.putSurvey(rewritten);
      expect(await store.getSurvey(ev)).toEqual(rewritten);
      await store.transitionSurvey(ev, 'draft', 'open', { openedAt: '2027-01-20T17:05:00.000Z' });
      await expectCode(store.putSurvey(survey(ev)), ErrorCode.INVALID_STATE);
      expect((await store.getSurvey(ev))!.title).toBe('Day one, rewritten');
    });

    it('[SVSTORE2] transitionSurvey is a compare-and-set: of concurrent opens exactly one returns the survey; a wrong `from` or no survey is null', async () => {
      const ev = newEvent();
      expect(await store.transitionSurvey(ev, 'draft', 'open', {})).toBeNull();
      await store.putSurvey(survey(ev));
      const results = await Promise.all(Array.from({ length: 6 }, () => store.transitionSurvey(ev, 'draft', 'open', { openedAt: '2027-01-20T17:05:00.000Z' })));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await store.getSurvey(ev)).toEqual({ ...survey(ev), state: 'open', openedAt: '2027-01-20T17:05:00.000Z' });
      expect(await store.transitionSurvey(ev, 'draft', 'closed', {})).toBeNull();
      const closed = await store.transitionSurvey(ev, 'open', 'closed', { closedAt: '2027-01-20T18:00:00.000Z' });
      expect(closed).toMatchObject({ state: 'closed', openedAt: '2027-01-20T17:05:00.000Z', closedAt: '2027-01-20T18:00:00.000Z' });
    });

    it('[SVSTORE3] one response per participant while open: recorded, unchanged for the same answers, replaced for new ones; NOT_FOUND / INVALID_STATE otherwise', async () => {
      const ev = newEvent();
      await expectCode(store.submitSurvey(ev, response('pt_1', 4)), ErrorCode.NOT_FOUND);
      await store.putSurvey(survey(ev));
      await expectCode(store.submitSurvey(ev, response('pt_1', 4)), ErrorCode.INVALID_STATE);
      await store.transitionSurvey(ev, 'draft', 'open', {});
      expect(await store.submitSurvey(ev, response('pt_1', 4))).toEqual({ status: 'recorded' });
      expect(await store.submitSurvey(ev, response('pt_1', 4))).toEqual({ status: 'unchanged' });
      expect(await store.submitSurvey(ev, response('pt_1', 2, '2027-01-20T17:40:00.000Z'))).toEqual({ status: 'replaced' });
      expect(await store.getSurveyResponse(ev, 'pt_1')).toEqual(response('pt_1', 2, '2027-01-20T17:40:00.000Z'));
      await store.transitionSurvey(ev, 'open', 'closed', {});
      await expectCode(store.submitSurvey(ev, response('pt_2', 5)), ErrorCode.INVALID_STATE);
      expect(await store.listSurveyResponses(ev)).toEqual([response('pt_1', 2, '2027-01-20T17:40:00.000Z')]);
    });

    it('[SVSTORE3] 60 concurrent submissions from 20 participants leave exactly one response each', async () => {
      const ev = newEvent();
      await store.putSurvey(survey(ev));
      await store.transitionSurvey(ev, 'draft', 'open', {});
      const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => store.submitSurvey(ev, response(`pt_${i % 20}`, 1 + (i % 5), `2027-01-20T17:${String(i % 60).padStart(2, '0')}:00.000Z`))));
      expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(20);
      const listed = await store.listSurveyResponses(ev);
      expect(listed).toHaveLength(20);
      expect(new Set(listed.map((r) => r.participantId)).size).toBe(20);
      expect(listed.map((r) => r.at)).toEqual([...listed.map((r) => r.at)].sort());
    });

    it('[SVSTORE4] the version grows with every change to the survey or its responses, not with a repeat', async () => {
      const ev = newEvent();
      expect(await store.surveyVersion(ev)).toBe(0);
      await store.putSurvey(survey(ev));
      const v1 = await store.surveyVersion(ev);
      await store.transitionSurvey(ev, 'draft', 'open', {});
      const v2 = await store.surveyVersion(ev);
      await store.submitSurvey(ev, response('pt_1', 3));
      const v3 = await store.surveyVersion(ev);
      await store.submitSurvey(ev, response('pt_1', 3));
      expect(v1).toBeGreaterThan(0);
      expect(v2).toBeGreaterThan(v1);
      expect(v3).toBeGreaterThan(v2);
      expect(await store.surveyVersion(ev)).toBe(v3);
    });

    it('[SVSTORE5] pseudonymising moves a response to the tombstone id; others are untouched', async () => {
      const ev = newEvent();
      await store.putSurvey(survey(ev));
      await store.transitionSurvey(ev, 'draft', 'open', {});
      await store.submitSurvey(ev, response('pt_gone', 5));
      await store.submitSurvey(ev, response('pt_stays', 1));
      await store.pseudonymiseSurvey(ev, 'pt_gone', 'deleted_xyz');
      await store.pseudonymiseSurvey(ev, 'pt_never', 'deleted_000');
      expect(await store.getSurveyResponse(ev, 'pt_gone')).toBeNull();
      expect(await store.getSurveyResponse(ev, 'deleted_xyz')).toEqual({ ...response('pt_gone', 5), participantId: 'deleted_xyz' });
      expect((await store.listSurveyResponses(ev)).map((r) => r.participantId).sort()).toEqual(['deleted_xyz', 'pt_stays']);
    });
  });
}
