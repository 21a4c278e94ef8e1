import { describe, expect, it } from 'vitest';
import { SurveyDraft } from '@rally/shared';
import { fakeClock } from '../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { DEMO_SURVEY } from './demo-survey.js';
import { seedDemoIfEmpty } from './seed-demo.js';

describe('demo survey', () => {
  it('[DEMO5] the demo event has a draft end-of-day survey with a rating, an NPS and a text question', async () => {
    expect(SurveyDraft.safeParse(DEMO_SURVEY).success).toBe(true);
    const store = createSqliteStore(':memory:');
    try {
      const event = (await seedDemoIfEmpty({ store, clock: fakeClock() }))!;
      const survey = await store.getSurvey(event.id);
      expect(survey).toMatchObject({ state: 'draft', anonymous: false });
      expect(survey!.questions.map((q) => q.kind)).toEqual(['rating', 'nps', 'text']);
    } finally {
      await store.close();
    }
  });
});
