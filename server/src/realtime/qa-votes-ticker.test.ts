import { describe, expect, it } from 'vitest';
import { QA_VOTES_FRAMES_PER_TICK, QA_VOTES_INTERVAL_MS, QA_VOTES_MAX_INTERVAL_MS, qaVotesIntervalMs } from './qa-votes-ticker.js';

describe('[QA10] Q&A vote counts cadence by audience size', () => {
  it('every 500 ms while the fan-out fits the budget', () => {
    for (const n of [0, 1, 2500, QA_VOTES_FRAMES_PER_TICK]) expect(qaVotesIntervalMs(n)).toBe(QA_VOTES_INTERVAL_MS);
  });

  it('slower above the budget, never slower than once a second', () => {
    expect(qaVotesIntervalMs(QA_VOTES_FRAMES_PER_TICK + 1)).toBe(2 * QA_VOTES_INTERVAL_MS);
    for (const n of [10_000, 20_000, 1_000_000]) expect(qaVotesIntervalMs(n)).toBe(QA_VOTES_MAX_INTERVAL_MS);
    expect(QA_VOTES_MAX_INTERVAL_MS).toBeLessThanOrEqual(1000);
  });

  it('never more than 2 list updates per second per client', () => {
    for (const n of [0, 5000, 50_000]) expect(1000 / qaVotesIntervalMs(n)).toBeLessThanOrEqual(2);
  });
});
