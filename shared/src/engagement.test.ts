import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_WEIGHTS,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_KIND_NAMES,
  ENGAGEMENT_LIMITS,
  EngagementEntry,
  EngagementSettingsPatch,
  PARTICIPATION_KINDS,
  engagementScore,
  nextParityAlert,
  parityOf,
  rate,
} from './engagement.js';
import { SurveyAnswer, SurveyDraft, SurveyResults, surveyResults, type Survey } from './survey.js';

describe('the engagement kinds', () => {
  it('[ENG2] every kind the issue lists is in the registry, each with a label, a default weight and a participation flag', () => {
    // Written out from the issue, not read from the registry.
    const listed = ['joined', 'left', 'sessionEntered', 'sessionLeft', 'modeChanged', 'voted', 'asked', 'upvoted', 'reacted', 'chatted', 'surveyAnswered', 'quizAnswered', 'breakoutJoined', 'breakoutLeft', 'scorecardGiven'];
    expect(ENGAGEMENT_KIND_NAMES).toEqual(expect.arrayContaining(listed));
    for (const k of ENGAGEMENT_KIND_NAMES) {
      expect(ENGAGEMENT_KINDS[k].label.length).toBeGreaterThan(0);
      expect(Number.isInteger(ENGAGEMENT_KINDS[k].defaultWeight)).toBe(true);
    }
    expect(PARTICIPATION_KINDS.sort()).toEqual(['asked', 'breakoutJoined', 'chatted', 'quizAnswered', 'reacted', 'scorecardGiven', 'surveyAnswered', 'upvoted', 'voted']);
    expect(DEFAULT_WEIGHTS.voted).toBe(ENGAGEMENT_KINDS.voted.defaultWeight);
  });

  it('[ENG1] an entry carries participant (or null when anonymous), cohort, team, session and time; an unknown kind is refused', () => {
    const base = { cursor: '1', eventId: 'ev1', participantId: 'p1', mode: 'remote', team: 'EMEA', sessionId: 'keynote', kind: 'voted', at: '2027-01-20T09:00:00.000Z' };
    expect(EngagementEntry.parse(base)).toEqual(base);
    expect(EngagementEntry.parse({ ...base, participantId: null, team: null, kind: 'asked', breakoutRoomId: 'room-1' }).participantId).toBeNull();
    expect(EngagementEntry.safeParse({ ...base, kind: 'teleported' }).success).toBe(false);
    expect(EngagementEntry.safeParse({ ...base, mode: 'hybrid' }).success).toBe(false);
  });
});

describe('scores and parity', () => {
  it('[ENG5] score = Σ weight(kind) × count(kind), with the event\'s weights', () => {
    expect(engagementScore({ voted: 2, asked: 1, upvoted: 3 }, DEFAULT_WEIGHTS)).toBe(2 * 3 + 5 + 3 * 1);
    expect(engagementScore({ voted: 2, reacted: 10 }, { ...DEFAULT_WEIGHTS, voted: 10, reacted: 0 })).toBe(20);
    expect(engagementScore({}, DEFAULT_WEIGHTS)).toBe(0);
  });

  it('[ENG5] weights are whole numbers 0–100 per known kind; settings patches are strict', () => {
    expect(EngagementSettingsPatch.safeParse({ weights: { voted: 10 } }).success).toBe(true);
    expect(EngagementSettingsPatch.safeParse({ weights: { voted: 1.5 } }).success).toBe(false);
    expect(EngagementSettingsPatch.safeParse({ weights: { voted: 101 } }).success).toBe(false);
    expect(EngagementSettingsPatch.safeParse({ weights: { teleported: 1 } }).success).toBe(false);
    expect(EngagementSettingsPatch.safeParse({ parityThreshold: 0.8, extra: 1 }).success).toBe(false);
  });

  it('[ENG7] a rate is interacted / present, 0 with nobody present, never above 1', () => {
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBe(0);
    fc.assert(fc.property(fc.nat(1000), fc.nat(1000), (a, b) => rate(Math.min(a, b), b) >= 0 && rate(Math.min(a, b), b) <= 1));
  });

  it('[ENG8] parity is remote rate / room rate; null when a cohort has nobody present or the room rate is 0', () => {
    expect(parityOf({ present: { room: 10, remote: 10 }, participation: { room: 0.5, remote: 0.25 } })).toBe(0.5);
    expect(parityOf({ present: { room: 10, remote: 0 }, participation: { room: 0.5, remote: 0 } })).toBeNull();
    expect(parityOf({ present: { room: 10, remote: 5 }, participation: { room: 0, remote: 0.2 } })).toBeNull();
  });

  it('[ENG9] the alert is raised below the threshold and cleared only above threshold + hysteresis; unjudgeable keeps it', () => {
    const h = ENGAGEMENT_LIMITS.parityHysteresis;
    expect(nextParityAlert(false, 0.79, 0.8, true)).toBe(true);
    expect(nextParityAlert(false, 0.8, 0.8, true)).toBe(false);
    expect(nextParityAlert(true, 0.81, 0.8, true)).toBe(true);
    expect(nextParityAlert(true, 0.8 + h, 0.8, true)).toBe(false);
    expect(nextParityAlert(true, null, 0.8, true)).toBe(true);
    expect(nextParityAlert(false, 0.1, 0.8, false)).toBe(false);
    // Hovering around the threshold: once raised, it does not flap.
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.78, max: 0.8 + h - 1e-9, noNaN: true }), { minLength: 1, maxLength: 30 }), (values) => {
        let a = true;
        for (const v of values) a = nextParityAlert(a, v, 0.8, true);
        return a;
      }),
    );
  });
});

describe('surveys', () => {
  const survey: Survey = {
    eventId: 'ev1',
    title: 'Day 1',
    anonymous: false,
    questions: [
      { id: 's1', kind: 'rating', prompt: 'Rate the day', required: true },
      { id: 's2', kind: 'nps', prompt: 'Recommend?', required: true },
      { id: 's3', kind: 'text', prompt: 'Anything else?', required: false },
    ],
    state: 'open',
    createdAt: '2027-01-20T09:00:00.000Z',
    openedAt: null,
    closedAt: null,
  };

  it('[ENG15] a survey has a title and 1–20 questions of kind rating, nps or text; answers are whole numbers 0–10 or text of at most 500 characters', () => {
    expect(SurveyDraft.safeParse({ title: 'Day 1', anonymous: false, questions: [{ kind: 'rating', prompt: 'How was it?', required: true }] }).success).toBe(true);
    expect(SurveyDraft.safeParse({ title: 'Day 1', anonymous: false, questions: [] }).success).toBe(false);
    expect(SurveyDraft.safeParse({ title: ' ', anonymous: false, questions: [{ kind: 'rating', prompt: 'x', required: true }] }).success).toBe(false);
    expect(SurveyAnswer.safeParse({ questionId: 's1', value: 11 }).success).toBe(false);
    expect(SurveyAnswer.safeParse({ questionId: 's1', value: 2.5 }).success).toBe(false);
    expect(SurveyAnswer.safeParse({ questionId: 's3', value: 'é'.repeat(500) }).success).toBe(true);
    expect(SurveyAnswer.safeParse({ questionId: 's3', value: 'é'.repeat(501) }).success).toBe(false);
  });

  it('[ENG16] [SEC23] results: responses per cohort, rating averages, NPS per cohort, the latest texts without names, alphabetically', () => {
    const r = surveyResults(survey, [
      { cohort: 'room', at: '2027-01-20T17:00:00.000Z', answers: [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 10 }, { questionId: 's3', value: 'Great' }] },
      { cohort: 'remote', at: '2027-01-20T17:01:00.000Z', answers: [{ questionId: 's1', value: 3 }, { questionId: 's2', value: 6 }] },
      { cohort: 'remote', at: '2027-01-20T17:02:00.000Z', answers: [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }, { questionId: 's3', value: 'Audio was bad' }] },
    ]);
    expect(r.responses).toEqual({ room: 1, remote: 2 });
    const [rating, nps, text] = r.questions;
    expect(rating).toMatchObject({ kind: 'rating', average: { room: 5, remote: 3.5, all: 4 } });
    expect(nps).toMatchObject({ kind: 'nps', nps: { all: { promoters: 2, passives: 0, detractors: 1, score: 33 }, remote: { score: 0 } } });
    expect(text).toEqual({ questionId: 's3', kind: 'text', answers: { room: 1, remote: 1 }, total: 2, latest: [{ text: 'Audio was bad', mode: 'remote' }, { text: 'Great', mode: 'room' }] });
  });

  it('[SEC48] [SEC20] an anonymous survey: ratings per cohort as for a named one; its texts with no cohort and no count per cohort, and nothing of them until it closes', () => {
    const responses = [
      { cohort: 'room' as const, at: '2027-01-20T17:00:00.000Z', answers: [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 10 }, { questionId: 's3', value: 'Great' }] },
      { cohort: 'remote' as const, at: '2027-01-20T17:01:00.000Z', answers: [{ questionId: 's1', value: 3 }, { questionId: 's2', value: 6 }] },
      { cohort: 'remote' as const, at: '2027-01-20T17:02:00.000Z', answers: [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }, { questionId: 's3', value: 'Audio was bad' }] },
    ];
    const named = surveyResults({ ...survey, state: 'closed' }, responses);
    const anonymous = surveyResults({ ...survey, anonymous: true, state: 'closed' }, responses);
    // Counts of ratings and responses per cohort stay: no text moves with them.
    expect(anonymous.responses).toEqual(named.responses);
    expect(anonymous.questions.slice(0, 2)).toEqual(named.questions.slice(0, 2));
    const text = anonymous.questions[2]!;
    expect(text.kind === 'text' && text.answers).toBeUndefined();
    expect(text).toMatchObject({ kind: 'text', total: 2, latest: [{ text: 'Audio was bad' }, { text: 'Great' }] });
    expect(text.kind === 'text' && text.latest.every((t) => !('mode' in t))).toBe(true);
    // While it is open: nothing of the texts, not even how many there are.
    const open = surveyResults({ ...survey, anonymous: true, state: 'open' }, responses);
    expect(open.questions[2]).toEqual({ questionId: 's3', kind: 'text', total: null, latest: [] });
    expect(open.responses).toEqual(named.responses);
    expect(SurveyResults.safeParse(open).success && SurveyResults.safeParse(anonymous).success).toBe(true);
  });
});
