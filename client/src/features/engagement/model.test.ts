import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT_SETTINGS, ENGAGEMENT_KINDS, PARTICIPATION_KINDS, surveyResults, type ScopeFigures, type Survey, type SurveyQuestion } from '@rally/shared';
import { peopleText, rateRows, settingsForm, settingsPatch, surveyAnswers, surveyDraft, takingPartText, textCountLine } from './model';

const figures: ScopeFigures = {
  present: { room: 4, remote: 2 },
  interacted: { room: 2, remote: 1 },
  weighted: { present: { room: 4, remote: 2 }, interacted: { room: 2, remote: 1 } },
  participation: { room: 0.5, remote: 0.5, all: 0.5 },
  parity: 1,
  activities: [{ kind: 'voted', label: 'Poll votes', count: { room: 3, remote: 1 }, participants: { room: 2, remote: 1 }, rate: { room: 0.5, remote: 0.5, all: 0.5 } }],
  questionsByOrigin: { room: 0, remote: 0, breakout: 0 },
};

describe('engagement dashboard model', () => {
  it('[ENG22] [ENG25] time-weighted attendees read as people: whole numbers as is, others to at most 2 decimals', () => {
    expect([3, 2.02, 2.5, 0].map(peopleText)).toEqual(['3', '2.02', '2.5', '0']);
  });

  it('[ENG16] [SEC48] an open-text question counts per cohort in a named survey, in total in an anonymous one, and says nothing while an anonymous survey is open', () => {
    const base: Survey = { eventId: 'e1', title: 'Day 1', anonymous: false, questions: [{ id: 's1', kind: 'text', prompt: 'Change?', required: false }], state: 'closed', createdAt: '2027-01-20T09:00:00.000Z', openedAt: null, closedAt: null };
    const responses = [
      { cohort: 'room' as const, at: '2027-01-20T17:00:00.000Z', answers: [{ questionId: 's1', value: 'More coffee' }] },
      { cohort: 'remote' as const, at: '2027-01-20T17:01:00.000Z', answers: [{ questionId: 's1', value: 'Better audio' }] },
      { cohort: 'remote' as const, at: '2027-01-20T17:02:00.000Z', answers: [{ questionId: 's1', value: 'Shorter days' }] },
    ];
    const textOf = (survey: Survey) => {
      const q = surveyResults(survey, responses).questions[0]!;
      if (q.kind !== 'text') throw new Error('not a text question');
      return q;
    };
    expect(textCountLine(textOf(base))).toBe('1 room · 2 remote answers');
    const anonymousClosed = textOf({ ...base, anonymous: true });
    expect(textCountLine(anonymousClosed)).toBe('3 answers');
    expect(anonymousClosed.latest.every((t) => t.mode === undefined)).toBe(true);
    expect(textCountLine(textOf({ ...base, anonymous: true, state: 'open' }))).toBeNull();
  });

  it('[ENG25] the explanation names every participation kind of the registry', () => {
    const text = takingPartText();
    for (const k of PARTICIPATION_KINDS) expect(text).toContain(ENGAGEMENT_KINDS[k].label.toLowerCase());
  });

  it('[ENG7] [ENG2] charts overall participation, then every participation kind of the registry, with 0 for kinds nobody did', () => {
    const rows = rateRows(figures);
    expect(rows.map((r) => r.key)).toEqual(['all', ...PARTICIPATION_KINDS]);
    expect(rows.find((r) => r.key === 'voted')).toMatchObject({ room: 0.5, remote: 0.5 });
    expect(rows.find((r) => r.key === 'chatted')).toMatchObject({ room: 0, remote: 0 });
  });

  it('[ENG5] [ENG9] the settings form sends only what changed, with the threshold read as a percentage', () => {
    const form = settingsForm(DEFAULT_ENGAGEMENT_SETTINGS);
    expect(settingsPatch(form, DEFAULT_ENGAGEMENT_SETTINGS)).toEqual({ ok: true, patch: {} });
    const changed = { ...form, thresholdPct: '65', weights: { ...form.weights, chatted: '4' }, leaderboard: 'teams' as const };
    expect(settingsPatch(changed, DEFAULT_ENGAGEMENT_SETTINGS)).toEqual({ ok: true, patch: { weights: { chatted: 4 }, parityThreshold: 0.65, leaderboard: 'teams' } });
  });

  it('[ENG5] [ENG9] weights outside 0–100 or not whole, a threshold above 200 % and blanks are refused per field', () => {
    const form = settingsForm(DEFAULT_ENGAGEMENT_SETTINGS);
    const bad = settingsPatch({ ...form, thresholdPct: '250', weights: { ...form.weights, voted: '101', asked: '1.5', upvoted: '' } }, DEFAULT_ENGAGEMENT_SETTINGS);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(['thresholdPct', 'weights.asked', 'weights.upvoted', 'weights.voted']);
  });

  it('[ENG15] a survey draft is checked with the protocol schema: a title and at least one question with a prompt', () => {
    expect(surveyDraft({ title: 'Day one', anonymous: false, questions: [{ kind: 'nps', prompt: 'Recommend us?', required: true }] }).ok).toBe(true);
    const bad = surveyDraft({ title: ' ', anonymous: false, questions: [{ kind: 'text', prompt: '', required: false }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['questions.0.prompt', 'title']);
    expect(surveyDraft({ title: 'Empty', anonymous: true, questions: [] }).ok).toBe(false);
  });

  it('[ENG15] answers leave out blanks and name the required questions still unanswered', () => {
    const qs: SurveyQuestion[] = [
      { id: 's1', kind: 'rating', prompt: 'Rate the day', required: true },
      { id: 's2', kind: 'text', prompt: 'Anything else?', required: false },
      { id: 's3', kind: 'nps', prompt: 'Recommend?', required: true },
    ];
    expect(surveyAnswers(qs, { s2: '  ' })).toEqual({ ok: false, missing: ['s1', 's3'] });
    expect(surveyAnswers(qs, { s1: 4, s2: ' Great ', s3: 0 })).toEqual({
      ok: true,
      answers: [
        { questionId: 's1', value: 4 },
        { questionId: 's2', value: 'Great' },
        { questionId: 's3', value: 0 },
      ],
    });
  });
});
