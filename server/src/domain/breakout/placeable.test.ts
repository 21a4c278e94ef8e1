import { describe, expect, it } from 'vitest';
import { RosterEntry, type Participant } from '@rally/shared';
import { placeableOf } from './placeable.js';

const participant: Participant = { id: 'p1', eventId: 'e1', name: 'Ana', role: 'attendee', mode: 'remote', team: 'Blue', banned: false, joinedAt: '2026-01-20T09:00:00.000Z', email: 'ana@example.com' };

describe('placeableOf', () => {
  it('[BRK39] a participant on the list carries its attributes; the list\'s team wins when it names one', () => {
    const entry = RosterEntry.parse({ email: 'ana@example.com', team: 'Red', title: 'AE', tenure: '1-3', region: 'EMEA', facilitator: true, room: 'Room A' });
    expect(placeableOf(participant, entry)).toEqual({ id: 'p1', mode: 'remote', team: 'Red', region: 'EMEA', title: 'AE', tenure: '1-3', facilitator: true, rosterRoom: 'Room A' });
    expect(placeableOf(participant, RosterEntry.parse({ email: 'ana@example.com' })).team).toBe('Blue');
  });

  it('[BRK39] without a line on the list: the participant\'s own mode and team, empty attributes, no facilitator, no room', () => {
    expect(placeableOf({ ...participant, mode: 'room', team: null }, null)).toEqual({ id: 'p1', mode: 'room', team: null, region: '', title: '', tenure: '', facilitator: false, rosterRoom: '' });
  });
});
