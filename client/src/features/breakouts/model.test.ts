import { describe, expect, it } from 'vitest';
import { BreakoutFormat, RoundDraft } from '@rally/shared';
import { defaultFormat, missingScores, quickRooms, resizeRooms, withCapacity } from './model';

describe('breakout console model', () => {
  it('[BRK76] every format a moderator picks starts valid: roles (the first the subject, a scorer among them), briefs, a rubric', () => {
    for (const kind of ['open', 'rolePlay', 'teachBack', 'dealClinic'] as const) {
      const f = BreakoutFormat.parse(defaultFormat(kind));
      if (f.kind === 'open') continue;
      expect(f.roles.length).toBeGreaterThanOrEqual(2);
      expect(f.roles[0]!.scores).toBe(false);
      expect(f.roles.some((r) => r.scores)).toBe(true);
      expect(f.roles.every((r) => r.brief.length > 0)).toBe(true);
      expect(f.rubric.length).toBeGreaterThanOrEqual(1);
    }
    const rp = defaultFormat('rolePlay');
    expect(rp.kind === 'rolePlay' && rp.roles.map((r) => r.name)).toEqual(['Seller', 'Buyer', 'Observer']);
  });

  it('[BRK76] "N rooms of capacity C" gives N named rooms within the protocol limits, keeping rooms already planned', () => {
    const rooms = quickRooms(4, 3);
    expect(rooms.map((r) => r.name)).toEqual(['Room 1', 'Room 2', 'Room 3', 'Room 4']);
    expect(new Set(rooms.map((r) => r.id)).size).toBe(4);
    expect(RoundDraft.safeParse({ title: 'T', durationSec: 600, rooms }).success).toBe(true);
    const again = quickRooms(2, 5, [{ ...rooms[0]!, name: 'Tigers' }]);
    expect(again[0]).toMatchObject({ id: rooms[0]!.id, name: 'Tigers', capacity: 5 });
    expect(again).toHaveLength(2);
    expect(quickRooms(9999, 9999)).toHaveLength(500);
    expect(quickRooms(0, 0)[0]!.capacity).toBe(1);
  });

  it('[BRK74] a scorecard lacks the criteria without a 1–5 score', () => {
    const rubric = [
      { id: 'a', label: 'Discovery' },
      { id: 'b', label: 'Listening' },
    ];
    expect(missingScores(rubric, { a: 3 }).map((c) => c.id)).toEqual(['b']);
    expect(missingScores(rubric, { a: 3, b: 6 }).map((c) => c.id)).toEqual(['b']);
    expect(missingScores(rubric, { a: 1, b: 5 })).toEqual([]);
  });

  it('[BRK91] the editor\'s room count keeps every room made so far (names, topics, facilitators) and adds "Room k" when it grows', () => {
    const start = quickRooms(3, 4).map((r, i) => ({ ...r, name: `Team ${i}`, topic: `Topic ${i}`, facilitatorId: i === 0 ? 'p1' : null }));
    const grown = resizeRooms(start, 5, 6);
    expect(grown.slice(0, 3)).toEqual(start);
    expect(grown.slice(3).map((r) => [r.name, r.capacity])).toEqual([['Room 4', 6], ['Room 5', 6]]);
    expect(new Set(grown.map((r) => r.id)).size).toBe(5);
    // Shrinking then growing again (typing "12" over "3" passes through "1") loses nothing: the pool keeps them.
    expect(resizeRooms(grown, 1, 6)).toEqual(grown);
    expect(RoundDraft.safeParse({ title: 'T', durationSec: 600, rooms: grown }).success).toBe(true);
  });

  it('[BRK91] "people per room" sets every room\'s capacity within 1–100, keeping each room\'s name and topic', () => {
    const rooms = quickRooms(2, 4).map((r) => ({ ...r, topic: 'Pricing' }));
    expect(withCapacity(rooms, 7).map((r) => [r.name, r.topic, r.capacity])).toEqual([['Room 1', 'Pricing', 7], ['Room 2', 'Pricing', 7]]);
    expect(withCapacity(rooms, 1000).every((r) => r.capacity === 100)).toBe(true);
    expect(withCapacity(rooms, 0).every((r) => r.capacity === 1)).toBe(true);
  });
});
