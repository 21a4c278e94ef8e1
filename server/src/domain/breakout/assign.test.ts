import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AssignmentStrategy, BreakoutAttribute, BreakoutRoom } from '@rally/shared';
import { assignRooms, attributeOf, smallestFittingRoom, type AssignmentResult, type Placeable } from './assign.js';

/** A seeded random (mulberry32): the same seed, the same sequence. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATTRIBUTES: BreakoutAttribute[] = ['team', 'region', 'title', 'tenure', 'mode'];

const personArb = fc.record({
  mode: fc.constantFrom('room' as const, 'remote' as const),
  team: fc.option(fc.constantFrom('Red', 'Blue', 'Green'), { nil: null }),
  region: fc.constantFrom('', 'EMEA', 'AMER', 'APAC', 'LATAM'),
  title: fc.constantFrom('AE', 'SE', 'SDR', 'Manager'),
  tenure: fc.constantFrom('0-1', '1-3', '3-5', '5+'),
  facilitator: fc.constant(false),
  rosterRoom: fc.constantFrom('', '', 'room a', 'ROOM B', 'Nowhere'),
});

/** People with unique ids; about one in six marked facilitator. */
const peopleArb = (max: number) =>
  fc.array(fc.tuple(personArb, fc.nat(5)), { maxLength: max }).map((list) => list.map(([p, f], i): Placeable => ({ ...p, facilitator: f === 0, id: `p${i}` })));

const roomsArb = (maxRooms: number, maxCap: number) =>
  fc
    .array(fc.record({ capacity: fc.integer({ min: 1, max: maxCap }), preset: fc.option(fc.nat(60), { nil: null }) }), { maxLength: maxRooms })
    .map((list) =>
      list.map((r, i): BreakoutRoom => ({ id: `r${i}`, name: ['Room A', 'room b', 'Room C'][i] ?? `Room ${i}`, topic: '', capacity: r.capacity, facilitatorId: r.preset === null ? null : `p${r.preset}` })),
    );

const placingStrategyArb: fc.Arbitrary<AssignmentStrategy> = fc.oneof(
  fc.constant({ kind: 'random' as const }),
  fc.record({ kind: fc.constant('attribute' as const), attribute: fc.constantFrom(...ATTRIBUTES), how: fc.constantFrom('group' as const, 'mix' as const) }),
  fc.constant({ kind: 'roster' as const }),
);

const sizes = (rooms: readonly BreakoutRoom[], r: AssignmentResult) => {
  const n = new Map(rooms.map((room) => [room.id, 0]));
  for (const roomId of r.assignments.values()) n.set(roomId, (n.get(roomId) ?? 0) + 1);
  return n;
};

/** [BRK30] Sizes differ by at most one, except that a smaller room is full. */
function expectBalanced(rooms: readonly BreakoutRoom[], r: AssignmentResult) {
  const n = sizes(rooms, r);
  for (const a of rooms) for (const b of rooms) if (n.get(a.id)! >= n.get(b.id)! + 2) expect(n.get(b.id)).toBe(b.capacity);
}

const facilitatorIds = (r: AssignmentResult) => new Set(r.facilitators.values());

describe('assignRooms', () => {
  it('[BRK30] random, attribute and roster: everyone is in exactly one room or unplaced, rooms exist, capacities are kept, and people are unplaced only when every room is full (with a warning)', () => {
    fc.assert(
      fc.property(roomsArb(8, 6), peopleArb(50), placingStrategyArb, fc.integer(), (rooms, people, strategy, seed) => {
        const r = assignRooms(rooms, people, strategy, seeded(seed));
        const ids = new Set(rooms.map((room) => room.id));
        for (const roomId of r.assignments.values()) expect(ids.has(roomId)).toBe(true);
        expect(new Set(r.unplaced).size).toBe(r.unplaced.length);
        for (const id of r.unplaced) expect(r.assignments.has(id)).toBe(false);
        expect(r.assignments.size + r.unplaced.length).toBe(people.length);
        const n = sizes(rooms, r);
        for (const room of rooms) expect(n.get(room.id)!).toBeLessThanOrEqual(room.capacity);
        const capacity = rooms.reduce((s, room) => s + room.capacity, 0);
        expect(r.assignments.size).toBe(Math.min(people.length, capacity));
        if (r.unplaced.length > 0) {
          for (const room of rooms) expect(n.get(room.id)).toBe(room.capacity);
          expect(r.warnings.some((w) => w.includes(`${r.unplaced.length} ${r.unplaced.length === 1 ? 'person' : 'people'} left without a room`))).toBe(true);
        } else expect(r.warnings.some((w) => w.includes('left without a room'))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('[BRK30] random and attribute: room sizes differ by at most one wherever capacities allow', () => {
    const strategy = fc.oneof(
      fc.constant({ kind: 'random' as const }),
      fc.record({ kind: fc.constant('attribute' as const), attribute: fc.constantFrom(...ATTRIBUTES), how: fc.constantFrom('group' as const, 'mix' as const) }),
    );
    fc.assert(
      fc.property(roomsArb(8, 8), peopleArb(60), strategy, fc.integer(), (rooms, people, s, seed) => {
        expectBalanced(rooms, assignRooms(rooms, people, s, seeded(seed)));
      }),
      { numRuns: 400 },
    );
  });

  it('[BRK30] the same seed gives the same assignment; the random strategy uses the random it is given', () => {
    fc.assert(
      fc.property(roomsArb(6, 6), peopleArb(30), fc.oneof(placingStrategyArb, fc.constant({ kind: 'selfSelect' as const })), fc.integer(), (rooms, people, s, seed) => {
        const a = assignRooms(rooms, people, s, seeded(seed));
        const b = assignRooms(rooms, people, s, seeded(seed));
        expect([...b.assignments]).toEqual([...a.assignments]);
        expect(b.unplaced).toEqual(a.unplaced);
        expect(b.warnings).toEqual(a.warnings);
        expect([...b.facilitators]).toEqual([...a.facilitators]);
      }),
      { numRuns: 200 },
    );
    // Twenty people into four rooms of five: across seeds, the rooms' members differ.
    const rooms: BreakoutRoom[] = [0, 1, 2, 3].map((i) => ({ id: `r${i}`, name: `R${i}`, topic: '', capacity: 5, facilitatorId: null }));
    const people = Array.from({ length: 20 }, (_, i): Placeable => ({ id: `p${i}`, mode: 'remote', team: null, region: '', title: '', tenure: '', facilitator: false, rosterRoom: '' }));
    const outcomes = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify([...assignRooms(rooms, people, { kind: 'random' }, seeded(seed)).assignments])));
    expect(outcomes.size).toBeGreaterThan(1);
  });

  it('[BRK30] attribute group: each value stays together: apart from facilitators, only where one value ends and the next begins does a room hold two values', () => {
    fc.assert(
      fc.property(roomsArb(8, 8), peopleArb(60), fc.constantFrom(...ATTRIBUTES), fc.integer(), (rooms, people, attribute, seed) => {
        const r = assignRooms(rooms, people, { kind: 'attribute', attribute, how: 'group' }, seeded(seed));
        const facilitators = facilitatorIds(r);
        const valuesIn = new Map<string, Set<string>>();
        const values = new Set<string>();
        for (const p of people) {
          const roomId = r.assignments.get(p.id);
          if (!roomId || facilitators.has(p.id)) continue;
          const v = attributeOf(p, attribute);
          values.add(v);
          valuesIn.set(roomId, (valuesIn.get(roomId) ?? new Set()).add(v));
        }
        const pairs = [...valuesIn.values()].reduce((n, s) => n + s.size, 0);
        // Each value boundary can split one room: (room, value) pairs ≤ rooms used + values − 1.
        if (values.size > 0) expect(pairs).toBeLessThanOrEqual(valuesIn.size + values.size - 1);
      }),
      { numRuns: 400 },
    );
  });

  it('[BRK30] attribute group: twelve people of three regions into three rooms of four land one region per room', () => {
    const rooms: BreakoutRoom[] = [0, 1, 2].map((i) => ({ id: `r${i}`, name: `R${i}`, topic: '', capacity: 4, facilitatorId: null }));
    const people = Array.from({ length: 12 }, (_, i): Placeable => ({ id: `p${i}`, mode: 'remote', team: null, region: ['EMEA', 'AMER', 'APAC'][i % 3]!, title: '', tenure: '', facilitator: false, rosterRoom: '' }));
    const r = assignRooms(rooms, people, { kind: 'attribute', attribute: 'region', how: 'group' }, seeded(7));
    for (const room of rooms) {
      const regions = new Set(people.filter((p) => r.assignments.get(p.id) === room.id).map((p) => p.region));
      expect(regions.size).toBe(1);
    }
  });

  it('[BRK30] attribute mix: apart from facilitators, rooms taking as many people hold each value within one of each other', () => {
    fc.assert(
      fc.property(roomsArb(8, 8), peopleArb(60), fc.constantFrom(...ATTRIBUTES), fc.integer(), (rooms, people, attribute, seed) => {
        const r = assignRooms(rooms, people, { kind: 'attribute', attribute, how: 'mix' }, seeded(seed));
        const facilitators = facilitatorIds(r);
        const placedBy = new Map(rooms.map((room) => [room.id, 0]));
        const count = new Map<string, number>();
        const values = new Set<string>();
        for (const p of people) {
          const roomId = r.assignments.get(p.id);
          if (!roomId || facilitators.has(p.id)) continue;
          const v = attributeOf(p, attribute);
          values.add(v);
          placedBy.set(roomId, placedBy.get(roomId)! + 1);
          count.set(`${roomId}|${v}`, (count.get(`${roomId}|${v}`) ?? 0) + 1);
        }
        for (const a of rooms)
          for (const b of rooms) {
            if (placedBy.get(a.id) !== placedBy.get(b.id)) continue;
            for (const v of values) expect(Math.abs((count.get(`${a.id}|${v}`) ?? 0) - (count.get(`${b.id}|${v}`) ?? 0))).toBeLessThanOrEqual(1);
          }
      }),
      { numRuns: 400 },
    );
  });

  it('[BRK30] attribute mix: twelve people of three regions into three rooms of four land all three regions in every room', () => {
    const rooms: BreakoutRoom[] = [0, 1, 2].map((i) => ({ id: `r${i}`, name: `R${i}`, topic: '', capacity: 4, facilitatorId: null }));
    const people = Array.from({ length: 12 }, (_, i): Placeable => ({ id: `p${i}`, mode: 'remote', team: null, region: ['EMEA', 'AMER', 'APAC'][i % 3]!, title: '', tenure: '', facilitator: false, rosterRoom: '' }));
    const r = assignRooms(rooms, people, { kind: 'attribute', attribute: 'region', how: 'mix' }, seeded(7));
    for (const room of rooms) {
      const regions = new Set(people.filter((p) => r.assignments.get(p.id) === room.id).map((p) => p.region));
      expect(regions.size).toBe(3);
    }
  });

  it('[BRK31] one facilitator per room, placed first: each is in its room, a room\'s own facilitator wins when present, every room gets one when there are enough, and a warning names the rooms without when there are too few', () => {
    fc.assert(
      fc.property(roomsArb(8, 6), peopleArb(50), fc.oneof(placingStrategyArb, fc.constant({ kind: 'selfSelect' as const })), fc.integer(), (rooms, people, s, seed) => {
        const r = assignRooms(rooms, people, s, seeded(seed));
        const present = new Set(people.map((p) => p.id));
        const used = new Set<string>();
        for (const [roomId, f] of r.facilitators) {
          expect(r.assignments.get(f)).toBe(roomId);
          expect(used.has(f)).toBe(false);
          used.add(f);
        }
        // A room's own facilitator wins: the first room naming a present person gets them.
        const claimed = new Set<string>();
        for (const room of rooms) {
          const f = room.facilitatorId;
          if (f && present.has(f) && !claimed.has(f)) {
            claimed.add(f);
            expect(r.facilitators.get(room.id)).toBe(f);
          }
          // Nobody else is a room's facilitator unless marked as one.
          const got = r.facilitators.get(room.id);
          if (got && got !== f) expect(people.find((p) => p.id === got)!.facilitator).toBe(true);
        }
        const available = new Set([...claimed, ...people.filter((p) => p.facilitator).map((p) => p.id)]).size;
        // Under roster a facilitator the list puts in a room stays there, so rooms may go without.
        if (s.kind === 'roster') expect(r.facilitators.size).toBeLessThanOrEqual(Math.min(rooms.length, available));
        else expect(r.facilitators.size).toBe(Math.min(rooms.length, available));
        const warned = r.warnings.some((w) => w.startsWith('Too few facilitators'));
        expect(warned).toBe(r.facilitators.size > 0 && r.facilitators.size < rooms.length);
      }),
      { numRuns: 400 },
    );
  });

  it('[BRK31] too few facilitators: the warning says how many rooms and facilitators, and names the rooms without one', () => {
    const rooms: BreakoutRoom[] = ['North', 'South', 'East'].map((name, i) => ({ id: `r${i}`, name, topic: '', capacity: 4, facilitatorId: null }));
    const people = Array.from({ length: 9 }, (_, i): Placeable => ({ id: `p${i}`, mode: 'remote', team: null, region: '', title: '', tenure: '', facilitator: i === 4, rosterRoom: '' }));
    const r = assignRooms(rooms, people, { kind: 'random' }, seeded(3));
    expect(r.facilitators.get('r0')).toBe('p4');
    expect(r.warnings).toContain('Too few facilitators: 3 rooms but 1 facilitator; rooms "South", "East" have none.');
  });

  it('[BRK32] selfSelect places only the facilitators (everyone else picks a room, and is not unplaced); manual places nobody and says nothing', () => {
    fc.assert(
      fc.property(roomsArb(6, 6), peopleArb(30), fc.integer(), (rooms, people, seed) => {
        const self = assignRooms(rooms, people, { kind: 'selfSelect' }, seeded(seed));
        expect(new Set(self.assignments.keys())).toEqual(facilitatorIds(self));
        expect(self.unplaced).toEqual([]);
        expect(self.warnings.every((w) => w.startsWith('Too few facilitators'))).toBe(true);
        const manual = assignRooms(rooms, people, { kind: 'manual' }, seeded(seed));
        expect(manual.assignments.size + manual.facilitators.size + manual.unplaced.length + manual.warnings.length).toBe(0);
      }),
    );
  });

  it('[BRK33] a late joiner goes to the smallest room with space left, the first in order on a tie, and nowhere when all are full', () => {
    fc.assert(
      fc.property(roomsArb(8, 6), fc.array(fc.nat(7), { maxLength: 8 }), (rooms, fill) => {
        const counts = new Map(rooms.map((r, i) => [r.id, Math.min(r.capacity, fill[i] ?? 0)]));
        const room = smallestFittingRoom(rooms, counts);
        const open = rooms.filter((r) => counts.get(r.id)! < r.capacity);
        if (open.length === 0) {
          expect(room).toBeNull();
          return;
        }
        const least = Math.min(...open.map((r) => counts.get(r.id)!));
        expect(room).toBe(open.find((r) => counts.get(r.id) === least));
      }),
    );
  });

  it('[BRK34] roster: people go to the room their list line names (case-insensitively) while it has space; unknown names are named in a warning and those people placed at random', () => {
    fc.assert(
      fc.property(roomsArb(5, 6), peopleArb(40), fc.integer(), (rooms, people, seed) => {
        const r = assignRooms(rooms, people, { kind: 'roster' }, seeded(seed));
        const byName = new Map<string, BreakoutRoom>();
        for (const room of rooms) if (!byName.has(room.name.toLowerCase())) byName.set(room.name.toLowerCase(), room);
        const n = sizes(rooms, r);
        for (const p of people) {
          const room = byName.get(p.rosterRoom.toLowerCase());
          // A room naming someone its facilitator wins over the list ([BRK31]).
          if (rooms.some((x) => x.facilitatorId === p.id)) continue;
          // Listed for a room that exists: there, unless it filled up.
          if (room && r.assignments.get(p.id) !== room.id) expect(n.get(room.id)).toBe(room.capacity);
        }
        const unknown = new Set(people.filter((p) => p.rosterRoom !== '' && !byName.has(p.rosterRoom.toLowerCase())).map((p) => p.rosterRoom));
        const warning = r.warnings.find((w) => w.startsWith('The attendee list names'));
        expect(warning !== undefined).toBe(unknown.size > 0);
        for (const name of unknown) expect(warning).toContain(`"${name}"`);
      }),
      { numRuns: 300 },
    );
  });

  it('[BRK34] roster: the rest fill the smallest rooms first', () => {
    const rooms: BreakoutRoom[] = ['Alpha', 'Beta'].map((name, i) => ({ id: `r${i}`, name, topic: '', capacity: 5, facilitatorId: null }));
    const p = (id: string, rosterRoom: string): Placeable => ({ id, mode: 'remote', team: null, region: '', title: '', tenure: '', facilitator: false, rosterRoom });
    const people = [p('a', 'ALPHA'), p('b', 'alpha '), p('c', 'alpha'), p('d', ''), p('e', ''), p('f', 'Gamma')];
    const r = assignRooms(rooms, people, { kind: 'roster' }, seeded(1));
    for (const id of ['a', 'b', 'c']) expect(r.assignments.get(id)).toBe('r0');
    for (const id of ['d', 'e', 'f']) expect(r.assignments.get(id)).toBe('r1');
    expect(r.warnings).toEqual(['The attendee list names a room this round does not have: "Gamma"; 1 person listed there placed like everyone else.']);
  });
});
