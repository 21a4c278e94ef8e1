import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Participant } from '@rally/shared';
import { recordingPublisher, type RecordingPublisher } from '../../test/helpers/domain-kit.js';
import { createPresenceFeed, type PresenceFeed } from './presence-feed.js';
import { STAFF_ROLES } from './ports.js';

const person = (id: string, mode: Participant['mode'] = 'room'): Participant => ({
  id,
  eventId: 'ev1',
  name: id,
  role: 'attendee',
  mode,
  team: null,
  banned: false,
  joinedAt: '2027-01-20T09:00:00.000Z',
});

describe('presence feed', () => {
  let publish: RecordingPublisher;
  let feed: PresenceFeed;
  beforeEach(() => {
    vi.useFakeTimers();
    publish = recordingPublisher();
    feed = createPresenceFeed(publish, { intervalMs: 500 });
  });
  afterEach(() => {
    feed.stop();
    vi.useRealTimers();
  });

  it('[PRES4] the first change after a quiet interval goes to staff at once', () => {
    feed.changed('ev1', { participant: person('a'), online: true }, { room: 1, remote: 0 });
    const sent = publish.of('presence:changed');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ target: 'ev1', roles: STAFF_ROLES });
    expect(sent[0]!.payload).toEqual({ changes: [{ participant: person('a'), online: true }], counts: { room: 1, remote: 0 } });
  });

  it('[PRES4] a storm is at most one message per interval, each participant once with their latest state, with the latest counts', () => {
    feed.changed('ev1', { participant: person('a'), online: true }, { room: 1, remote: 0 });
    for (let i = 0; i < 1000; i++) feed.changed('ev1', { participant: person(`p${i}`), online: true }, { room: 1 + i, remote: 0 });
    feed.changed('ev1', { participant: person('p3'), online: false }, { room: 1000, remote: 0 });
    feed.changed('ev1', { participant: person('p3', 'remote'), online: true }, { room: 1000, remote: 1 });
    expect(publish.of('presence:changed')).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(publish.of('presence:changed')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const sent = publish.of('presence:changed');
    expect(sent).toHaveLength(2);
    const batch = sent[1]!.payload;
    expect(batch.changes).toHaveLength(1000);
    expect(new Set(batch.changes.map((c) => c.participant.id)).size).toBe(1000);
    // p3 went and came back in the window: only the last state, and it moved to the end.
    expect(batch.changes.at(-1)).toEqual({ participant: person('p3', 'remote'), online: true });
    expect(batch.counts).toEqual({ room: 1000, remote: 1 });
  });

  it('[PRES4] events are batched apart, and a quiet event sends nothing more', () => {
    feed.changed('ev1', { participant: person('a'), online: true }, { room: 1, remote: 0 });
    feed.changed('ev2', { participant: { ...person('b'), eventId: 'ev2' }, online: true }, { room: 1, remote: 0 });
    expect(publish.of('presence:changed').map((p) => p.target)).toEqual(['ev1', 'ev2']);
    vi.advanceTimersByTime(5000);
    expect(publish.of('presence:changed')).toHaveLength(2);
    // Quiet for an interval: the next change goes at once again.
    feed.changed('ev1', { participant: person('a'), online: false }, { room: 0, remote: 0 });
    expect(publish.of('presence:changed')).toHaveLength(3);
  });
  it('[PRES4] a batch carries the counts as they are when it leaves, with what other nodes changed since this node\'s last change', async () => {
    feed.stop();
    let stored = { room: 1, remote: 0 };
    const reads: string[] = [];
    feed = createPresenceFeed(publish, { intervalMs: 500, countsNow: async (eventId) => (reads.push(eventId), stored) });
    feed.changed('ev1', { participant: person('a'), online: true }, { room: 1, remote: 0 });
    feed.changed('ev1', { participant: person('b'), online: true }, { room: 2, remote: 0 });
    // Another node: two more attendees came online; that node told staff itself, with these counts.
    stored = { room: 3, remote: 1 };
    await vi.advanceTimersByTimeAsync(500);
    const sent = publish.of('presence:changed');
    expect(sent).toHaveLength(2);
    expect(sent[0]!.payload.counts).toEqual({ room: 1, remote: 0 });
    expect(sent[1]!.payload).toEqual({ changes: [{ participant: person('b'), online: true }], counts: { room: 3, remote: 1 } });
    // One read per batch, none per change.
    expect(reads).toEqual(['ev1']);
  });

  it('[PRES4] changes that arrive while a batch reads its counts go in the next batch, after it', async () => {
    feed.stop();
    let release: (() => void) | null = null;
    feed = createPresenceFeed(publish, {
      intervalMs: 500,
      countsNow: () => new Promise((resolve) => (release = () => resolve({ room: 2, remote: 0 }))),
    });
    feed.changed('ev1', { participant: person('a'), online: true }, { room: 1, remote: 0 });
    feed.changed('ev1', { participant: person('b'), online: true }, { room: 2, remote: 0 });
    await vi.advanceTimersByTimeAsync(500);
    feed.changed('ev1', { participant: person('b'), online: false }, { room: 1, remote: 0 });
    expect(publish.of('presence:changed')).toHaveLength(1);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(publish.of('presence:changed').map((m) => m.payload.changes)).toEqual([
      [{ participant: person('a'), online: true }],
      [{ participant: person('b'), online: true }],
    ]);
    await vi.advanceTimersByTimeAsync(500);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(publish.of('presence:changed').map((m) => m.payload.changes).at(-1)).toEqual([{ participant: person('b'), online: false }]);
  });
});
