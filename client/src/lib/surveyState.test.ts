import { describe, expect, it } from 'vitest';
import type { Snapshot, Survey } from '@rally/shared';
import { EMPTY_SURVEY, reduceSurvey, surveyEventFromAck, surveyFromSnapshot } from './surveyState';

const survey = (state: Survey['state'], title = 'Day one'): Survey => ({
  eventId: 'e1',
  title,
  anonymous: false,
  questions: [{ id: 's1', kind: 'rating', prompt: 'Rate the day', required: true }],
  state,
  createdAt: '2026-01-01T09:00:00.000Z',
  openedAt: null,
  closedAt: null,
});

describe('survey state', () => {
  it('[ENG15] takes the survey and my answers from the snapshot', () => {
    expect(surveyFromSnapshot({} as Snapshot)).toEqual(EMPTY_SURVEY);
    const s = surveyFromSnapshot({ survey: { survey: survey('open'), myAnswers: [{ questionId: 's1', value: 5 }] } } as unknown as Snapshot);
    expect(s.survey?.state).toBe('open');
    expect(s.myAnswers).toEqual([{ questionId: 's1', value: 5 }]);
  });

  it('[ENG15] draft -> open -> closed never goes backwards; a redefined draft replaces the draft', () => {
    let s = reduceSurvey(EMPTY_SURVEY, { name: 'survey:updated', payload: survey('draft') });
    s = reduceSurvey(s, { name: 'survey:updated', payload: survey('draft', 'Day one, v2') });
    expect(s.survey?.title).toBe('Day one, v2');
    s = reduceSurvey(s, { name: 'survey:updated', payload: survey('closed') });
    s = reduceSurvey(s, { name: 'survey:updated', payload: survey('open') });
    expect(s.survey?.state).toBe('closed');
  });

  it('[ENG15] my own submission is kept from its ack', () => {
    const e = surveyEventFromAck('survey:submit', { answers: [{ questionId: 's1', value: 3 }], status: 'recorded' });
    expect(reduceSurvey(EMPTY_SURVEY, e!).myAnswers).toEqual([{ questionId: 's1', value: 3 }]);
    expect(surveyEventFromAck('survey:open', survey('open'))?.name).toBe('survey:updated');
  });
});
