import { describe, expect, it } from 'vitest';
import { ROLE_SLICES, takeSlice } from './publisher.js';
import { RESULTS_FRAMES_PER_TICK, RESULTS_MAX_INTERVAL_MS, resultsIntervalMs } from './results-ticker.js';

describe('[POLL23] results cadence by audience size', () => {
  it('every 250 ms while the fan-out fits the budget', () => {
    for (const n of [0, 1, 1000, RESULTS_FRAMES_PER_TICK]) expect(resultsIntervalMs(n)).toBe(250);
  });

  it('slower above the budget, never slower than the cap (a vote still shows within 750 ms)', () => {
    expect(resultsIntervalMs(RESULTS_FRAMES_PER_TICK + 1)).toBe(500);
    for (const n of [10_000, 20_000, 1_000_000]) expect(resultsIntervalMs(n)).toBe(RESULTS_MAX_INTERVAL_MS);
    expect(RESULTS_MAX_INTERVAL_MS).toBeLessThanOrEqual(500);
  });

  it('never more than 4 results messages per second per client, at the default base interval', () => {
    for (const n of [0, 5000, 50_000]) expect(1000 / resultsIntervalMs(n)).toBeLessThanOrEqual(4);
  });

  it('sockets are dealt into slices evenly', () => {
    const counts = new Array<number>(ROLE_SLICES).fill(0);
    for (let i = 0; i < ROLE_SLICES * 100; i++) counts[takeSlice()]!++;
    expect(counts).toEqual(new Array<number>(ROLE_SLICES).fill(100));
  });
});
