import { describe, expect, it } from 'vitest';
import { SharedSnapshots, type AttendeeShared } from './shared-snapshot.js';
import { eventReachingAttendees, rooms } from '../realtime/publisher.js';

/** A read that resolves when told to, counting how often it was made. */
function reads() {
  const pending: { eventId: string; resolve: (v: AttendeeShared) => void }[] = [];
  let made = 0;
  const read = (eventId: string) =>
    new Promise<AttendeeShared>((resolve) => {
      made++;
      pending.push({ eventId, resolve });
    });
  const finish = () => {
    for (const p of pending.splice(0)) p.resolve({ votesVersion: made } as unknown as AttendeeShared);
  };
  return { read, finish, made: () => made };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the shared snapshot parts of a node', () => {
  it('[PERF21] many snapshots of one event share one read until a fact reaches its attendees', async () => {
    const r = reads();
    let now = 0;
    const cache = new SharedSnapshots(r.read, () => now);
    const first = Promise.all([cache.get('ev1'), cache.get('ev1'), cache.get('ev1')]);
    r.finish();
    await first;
    await cache.get('ev1');
    expect(r.made()).toBe(1);
    cache.invalidate('ev1');
    const after = cache.get('ev1');
    await tick();
    r.finish();
    await after;
    expect(r.made()).toBe(2);
    // Another event's fact leaves it alone; age alone bounds it too.
    cache.invalidate('ev2');
    await cache.get('ev1');
    expect(r.made()).toBe(2);
    now += 2_500;
    const aged = cache.get('ev1');
    await tick();
    r.finish();
    await aged;
    expect(r.made()).toBe(3);
  });

  it('[PERF21] a fact arriving while the shared part is read makes every waiting snapshot read again', async () => {
    const r = reads();
    const cache = new SharedSnapshots(r.read);
    const waiting = cache.get('ev1');
    await tick();
    cache.invalidate('ev1');
    r.finish();
    await tick();
    expect(r.made()).toBe(2);
    r.finish();
    expect(await waiting).toEqual({ votesVersion: 2 });
  });

  it('[PERF21] the rooms whose facts can reach attendees: the event, the attendee role and its slices, modes and breakouts; not staff-only, personal or socket rooms', () => {
    const ev = 'ev_01HX';
    for (const room of [rooms.event(ev), rooms.role(ev, 'attendee'), rooms.roleSlice(ev, 'attendee', 3), rooms.mode(ev, 'remote'), rooms.breakouts(ev), rooms.breakoutRoom(ev, 'r1')]) {
      expect(eventReachingAttendees(room)).toBe(ev);
    }
    for (const room of [rooms.role(ev, 'moderator'), rooms.roleSlice(ev, 'presenter', 2), rooms.role(ev, 'screen'), rooms.role(ev, 'admin'), rooms.participant('p1'), 'Xy12socketid']) {
      expect(eventReachingAttendees(room)).toBeNull();
    }
  });
});
