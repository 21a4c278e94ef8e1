import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BreakoutRound, BreakoutRoundView, roleIndexFor, rotationAt, roundView, type BreakoutFormat } from './breakout.js';

const rolePlay: BreakoutFormat = {
  kind: 'rolePlay',
  roles: [
    { id: 'seller', name: 'Seller', scores: false, brief: 'Sell the platform plan.' },
    { id: 'buyer', name: 'Buyer', scores: false, brief: 'You have no budget until Q3.' },
    { id: 'observer', name: 'Observer', scores: true, brief: 'Watch discovery.' },
  ],
  rotations: 3,
  rubric: [{ id: 'discovery', label: 'Discovery' }],
};

const round = (format: BreakoutFormat, openedAt: string | null, durationSec = 900) =>
  BreakoutRound.parse({
    id: 'r1',
    eventId: 'ev1',
    sessionId: null,
    status: openedAt ? 'open' : 'draft',
    openedAt,
    endsAt: null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 1,
    title: 'Role-play',
    durationSec,
    format,
    rooms: [{ id: 'a', name: 'A', capacity: 3 }],
  });

describe('[BRK50] roles and rotations', () => {
  it('[BRK50] with rotations = members, everyone is the subject (role 0) exactly once and plays every role', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 6 }), (n, roles) => {
        for (let i = 0; i < n; i++) {
          const played = Array.from({ length: n }, (_, r) => roleIndexFor(i, n, r, roles));
          expect(played.filter((x) => x === 0)).toHaveLength(1);
          // Every role the room can fill is played by each member at least once.
          for (let k = 0; k < Math.min(roles, n); k++) expect(played).toContain(k);
        }
      }),
    );
  });

  it('[BRK50] in every rotation exactly one member is the subject, and every role index is in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 9 }), (n, roles, r) => {
        const seats = Array.from({ length: n }, (_, i) => roleIndexFor(i, n, r, roles));
        expect(seats.filter((x) => x === 0)).toHaveLength(1);
        for (const s of seats) expect(s >= 0 && s < roles).toBe(true);
        // The first roles are each held by one member; extra members share the last role.
        for (let k = 0; k < Math.min(roles, n) - 1; k++) expect(seats.filter((x) => x === k)).toHaveLength(1);
      }),
    );
  });

  it('[BRK50] rotations split the duration evenly from the opening; none before it, the last one runs on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 60, max: 4 * 3600 }), fc.integer({ min: -10_000, max: 5 * 3600 * 1000 }), (rotations, durationSec, offsetMs) => {
        const opened = Date.UTC(2027, 0, 20, 10);
        const r = round({ ...rolePlay, rotations }, new Date(opened).toISOString(), durationSec);
        const at = rotationAt(r, opened + offsetMs);
        if (offsetMs < 0) {
          expect(at).toBeNull();
          return;
        }
        const each = (durationSec * 1000) / rotations;
        expect(at).toBe(Math.min(rotations - 1, Math.floor(offsetMs / each)));
      }),
    );
  });

  it('[BRK50] a round that has not opened has no rotation; an open-format round is always in rotation 0', () => {
    expect(rotationAt(round(rolePlay, null), Date.now())).toBeNull();
    const open = round({ kind: 'open' }, '2027-01-20T10:00:00.000Z');
    expect(rotationAt(open, Date.parse('2027-01-20T12:00:00.000Z'))).toBe(0);
  });
});

describe('[BRK51] private briefs', () => {
  it('[BRK51] the audience view of a round carries the roles without their briefs', () => {
    const view = roundView(round(rolePlay, null));
    expect(view.format.kind).toBe('rolePlay');
    if (view.format.kind === 'open') return;
    expect(view.format.roles.map((r) => r.name)).toEqual(['Seller', 'Buyer', 'Observer']);
    expect(JSON.stringify(view)).not.toContain('no budget');
    for (const role of view.format.roles) expect(role).not.toHaveProperty('brief');
  });

  it('[BRK51] the audience view carries how many rooms there are, and the rooms themselves only when attendees pick one', () => {
    const rooms = Array.from({ length: 3 }, (_, i) => ({ id: `room${i}`, name: `Room ${i}`, topic: 'Pricing', capacity: 4 }));
    const random = roundView(BreakoutRound.parse({ ...round(rolePlay, null), rooms }));
    expect(random.roomCount).toBe(3);
    expect(random).not.toHaveProperty('rooms');
    expect(BreakoutRoundView.parse(random)).toEqual(random);
    const pick = roundView(BreakoutRound.parse({ ...round(rolePlay, null), strategy: { kind: 'selfSelect' }, rooms }));
    expect(pick.roomCount).toBe(3);
    expect(pick.rooms!.map((r) => r.name)).toEqual(rooms.map((r) => r.name));
  });
});
