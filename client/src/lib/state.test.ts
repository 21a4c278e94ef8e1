import { describe, expect, it } from 'vitest';
import type { Leaderboard, Participant, Snapshot } from '@rally/shared';
import { reduce, type RallyState } from './state';

const event = {
  id: 'evt1',
  code: '7KQ4MX',
  name: 'SKO',
  teams: ['EMEA'],
  agenda: [],
  liveSessionId: null,
  settings: { allowAnonymousQuestions: true, moderation: 'pre' as const },
  createdAt: '2026-01-01T09:00:00.000Z',
};
const person = (id: string, mode: 'room' | 'remote' = 'remote'): Participant => ({
  id,
  eventId: 'evt1',
  name: `P ${id}`,
  role: 'attendee',
  mode,
  team: null,
  banned: false,
  joinedAt: '2026-01-01T09:00:00.000Z',
});
const mod = { ...person('mod', 'room'), role: 'moderator' as const };

function snap(presence?: Snapshot['presence']): RallyState {
  const s = reduce(null, {
    type: 'snapshot',
    snapshot: { serverTime: '2026-01-01T09:00:01.000Z', event, me: mod, polls: [], myVotes: {}, ...(presence ? { presence } : {}) },
    receivedAt: Date.parse('2026-01-01T09:00:00.000Z'),
  });
  if (!s) throw new Error('no state');
  return s;
}

const attendeeSnapshot = (leaderboard?: Leaderboard): Snapshot => ({
  serverTime: '2026-01-01T09:00:01.000Z',
  event,
  me: person('a'),
  polls: [],
  myVotes: {},
  ...(leaderboard ? { leaderboard } : {}),
});
const teamsBoard: Leaderboard = { mode: 'teams', teams: [{ rank: 1, team: 'EMEA', members: 2, total: 6, average: 3 }], participants: [] };

describe('client state: the leaderboard [ENG11]', () => {
  const receivedAt = Date.parse('2026-01-01T09:00:00.000Z');

  it('[ENG21] [PROTO5] an attendee takes the board from the snapshot, and a snapshot without one hides the board held before', () => {
    let s = reduce(null, { type: 'snapshot', snapshot: attendeeSnapshot(teamsBoard), receivedAt });
    expect(s?.engagement.leaderboard).toEqual(teamsBoard);
    // The dashboard and settings stay staff-only.
    expect(s?.engagement.settings).toBeNull();
    s = reduce(s, { type: 'snapshot', snapshot: attendeeSnapshot(), receivedAt });
    expect(s?.engagement.leaderboard).toBeNull();
  });

  it('[ENG21] a board in mode off hides it; the next board shows it again', () => {
    let s = reduce(null, { type: 'snapshot', snapshot: attendeeSnapshot(teamsBoard), receivedAt });
    s = reduce(s, { type: 'engagement', event: { name: 'engagement:leaderboardUpdated', payload: { mode: 'off', teams: [], participants: [] } } });
    expect(s?.engagement.leaderboard).toBeNull();
    const all: Leaderboard = { ...teamsBoard, mode: 'all', participants: [{ rank: 1, name: 'Ada', team: 'EMEA', score: 5 }] };
    s = reduce(s, { type: 'engagement', event: { name: 'engagement:leaderboardUpdated', payload: all } });
    expect(s?.engagement.leaderboard).toEqual(all);
  });
});

describe('client state reducer', () => {
  it('drops deltas that arrive before the first snapshot', () => {
    expect(reduce(null, { type: 'participant', participant: person('a') })).toBeNull();
  });

  it('takes presence, counts and the clock offset from the snapshot, one entry per participant', () => {
    const s = snap({ online: [person('a'), person('a'), mod], counts: { room: 1, remote: 1 } });
    expect(s.presence?.online.map((p) => p.id)).toEqual(['a', 'mod']);
    expect(s.clockOffsetMs).toBe(1000);
  });

  it('[PRES1] presence:changed adds, replaces and removes, and takes the server counts', () => {
    let s: RallyState | null = snap({ online: [mod], counts: { room: 1, remote: 0 } });
    s = reduce(s, { type: 'presence', change: { changes: [{ participant: person('a'), online: true }], counts: { room: 1, remote: 1 } } });
    s = reduce(s, { type: 'presence', change: { changes: [{ participant: person('a'), online: true }], counts: { room: 1, remote: 1 } } });
    expect(s?.presence?.online.filter((p) => p.id === 'a')).toHaveLength(1);
    expect(s?.presence?.counts).toEqual({ room: 1, remote: 1 });
    s = reduce(s, { type: 'presence', change: { changes: [{ participant: person('a'), online: false }], counts: { room: 1, remote: 0 } } });
    expect(s?.presence?.online.map((p) => p.id)).toEqual(['mod']);
    expect(s?.presence?.counts).toEqual({ room: 1, remote: 0 });
  });

  it('[PRES4] a coalesced batch applies every change in order and keeps the batch counts', () => {
    let s: RallyState | null = snap({ online: [mod, person('gone')], counts: { room: 1, remote: 1 } });
    const changes = [
      { participant: person('a'), online: true },
      { participant: person('b'), online: true },
      { participant: person('gone'), online: false },
      { participant: { ...mod, team: 'EMEA' }, online: true },
    ];
    s = reduce(s, { type: 'presence', change: { changes, counts: { room: 2, remote: 1 } } });
    expect(new Set(s?.presence?.online.map((p) => p.id))).toEqual(new Set(['mod', 'a', 'b']));
    expect(s?.me.team).toBe('EMEA');
    expect(s?.presence?.counts).toEqual({ room: 2, remote: 1 });
  });

  it('participant:updated updates me and the presence entry, without adding offline people', () => {
    let s: RallyState | null = snap({ online: [mod, person('a')], counts: { room: 1, remote: 1 } });
    s = reduce(s, { type: 'participant', participant: { ...person('a'), mode: 'room' } });
    expect(s?.presence?.online.find((p) => p.id === 'a')?.mode).toBe('room');
    s = reduce(s, { type: 'participant', participant: person('offline') });
    expect(s?.presence?.online.some((p) => p.id === 'offline')).toBe(false);
    s = reduce(s, { type: 'participant', participant: { ...mod, team: 'EMEA' } });
    expect(s?.me.team).toBe('EMEA');
  });

  it('a new snapshot replaces everything (reconnect never trusts memory)', () => {
    let s: RallyState | null = snap({ online: [mod, person('a')], counts: { room: 1, remote: 1 } });
    s = reduce(s, {
      type: 'snapshot',
      snapshot: { serverTime: '2026-01-01T09:05:00.000Z', event: { ...event, liveSessionId: 's1' }, me: mod, polls: [], myVotes: {}, presence: { online: [mod], counts: { room: 1, remote: 0 } } },
      receivedAt: Date.parse('2026-01-01T09:05:00.000Z'),
    });
    expect(s?.presence?.online).toHaveLength(1);
    expect(s?.event.liveSessionId).toBe('s1');
  });
});
