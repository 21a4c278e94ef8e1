import { describe, expect, it } from 'vitest';
import { memoryWindow } from './command-window.js';

describe('the window of recent command ids (embedded)', () => {
  it('[REL16] an id is applied once per participant; another participant\'s same id is theirs', async () => {
    const w = memoryWindow(4, 60_000, 100, () => 0);
    expect(await w.claim('p1', 'a')).toBe(true);
    expect(await w.claim('p1', 'a')).toBe(false);
    expect(await w.claim('p2', 'a')).toBe(true);
  });

  it('[REL18] the window is small and bounded: the last few ids per participant, for a while after their latest, for so many participants', async () => {
    let now = 0;
    const w = memoryWindow(3, 1000, 2, () => now);
    for (const id of ['a', 'b', 'c', 'd']) expect(await w.claim('p1', id)).toBe(true);
    // Only the last three are kept: the oldest is forgotten.
    expect(await w.claim('p1', 'b')).toBe(false);
    expect(await w.claim('p1', 'a')).toBe(true);
    // A participant's window lapses a while after their latest id.
    now = 1000;
    expect(await w.claim('p1', 'd')).toBe(true);
    // At most two participants are remembered: the least recently active goes first.
    now = 1100;
    await w.claim('p2', 'x');
    await w.claim('p3', 'y');
    expect(await w.claim('p1', 'd')).toBe(true);
    expect(await w.claim('p3', 'y')).toBe(false);
  });

  it('[REL19] a released id can be claimed again', async () => {
    const w = memoryWindow(4, 60_000, 100, () => 0);
    expect(await w.claim('p1', 'a')).toBe(true);
    await w.release('p1', 'a');
    expect(await w.claim('p1', 'a')).toBe(true);
    expect(await w.claim('p1', 'a')).toBe(false);
  });
});
