import { describe, expect, it } from 'vitest';
import { QuestionText, qaFairness } from '@rally/shared';
import { fakeClock } from '../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { DEMO_QUESTIONS } from './demo-questions.js';
import { seedDemoIfEmpty } from './seed-demo.js';

describe('demo questions', () => {
  it('[DEMO3] the demo event has a Q&A queue: approved questions with votes from both cohorts, an anonymous one, a reply and one pending; no demo participants', async () => {
    for (const q of DEMO_QUESTIONS) expect(QuestionText.safeParse(q.text).success, q.text).toBe(true);
    const store = createSqliteStore(':memory:');
    try {
      const event = (await seedDemoIfEmpty({ store, clock: fakeClock() }))!;
      const questions = await store.listQuestions(event.id);
      expect(questions.map((q) => [q.text, q.state, q.votes])).toEqual(DEMO_QUESTIONS.map((d) => [d.text, d.state, d.votes]));
      const sessions = new Set(event.agenda.map((s) => s.id));
      expect(questions.every((q) => q.sessionId !== null && sessions.has(q.sessionId))).toBe(true);
      expect(questions.some((q) => q.anonymous && q.authorName === null)).toBe(true);
      expect(questions.some((q) => q.reply !== null)).toBe(true);
      expect(questions.some((q) => q.state === 'pending')).toBe(true);
      const fairness = qaFairness(questions);
      expect(fairness.approved.remote).toBeGreaterThan(0);
      expect(fairness.approved.remote).toBeLessThan(fairness.approved.total);
      expect(await store.listParticipants(event.id)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
