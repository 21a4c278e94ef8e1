import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReactionBurst } from '@rally/shared';
import { createReactionBursts } from './reaction-bursts.js';

const counts = (c: Partial<ReactionBurst['counts']>): ReactionBurst['counts'] => ({ '👏': 0, '🔥': 0, '🎉': 0, '💡': 0, '❤️': 0, ...c });

describe('reaction bursts', () => {
  let sent: { eventId: string; burst: ReactionBurst; at: number }[];
  let bursts: ReturnType<typeof createReactionBursts>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    bursts = createReactionBursts((eventId, burst) => sent.push({ eventId, burst: structuredClone(burst), at: Date.now() }), { intervalMs: 500 });
  });
  afterEach(() => {
    bursts.stop();
    vi.useRealTimers();
  });

  it('[STAGE15] reactions arriving within 500 ms leave as one burst with counts per emoji and per cohort', () => {
    bursts.add('ev', '👏', 'room');
    vi.advanceTimersByTime(100);
    bursts.add('ev', '👏', 'remote');
    bursts.add('ev', '🔥', 'remote');
    vi.advanceTimersByTime(399);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent.map((s) => s.burst)).toEqual([{ counts: counts({ '👏': 2, '🔥': 1 }), room: 1, remote: 2 }]);
  });

  it('[STAGE15] a thousand reactions in two seconds make at most one burst per 500 ms, and every reaction is counted once', () => {
    for (let i = 0; i < 1000; i++) {
      bursts.add('ev', i % 2 ? '🎉' : '❤️', i % 3 ? 'remote' : 'room');
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(500);
    expect(sent.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(500);
    const total = sent.reduce((n, s) => n + s.burst.room + s.burst.remote, 0);
    const perEmoji = sent.reduce((n, s) => n + Object.values(s.burst.counts).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(1000);
    expect(perEmoji).toBe(1000);
    expect(sent.reduce((n, s) => n + s.burst.room, 0)).toBe(334);
  });

  it('[STAGE15] nothing is sent while nobody reacts, and events are coalesced separately', () => {
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([]);
    bursts.add('ev-a', '💡', 'room');
    bursts.add('ev-b', '💡', 'remote');
    bursts.add('ev-b', '💡', 'remote');
    vi.advanceTimersByTime(500);
    expect(sent.map((s) => [s.eventId, s.burst.counts['💡'], s.burst.room, s.burst.remote])).toEqual([
      ['ev-a', 1, 1, 0],
      ['ev-b', 2, 0, 2],
    ]);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2);
  });

  it('[STAGE15] stop drops what is pending and sends nothing more', () => {
    bursts.add('ev', '👏', 'room');
    bursts.stop();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});
