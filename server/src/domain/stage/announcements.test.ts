import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { sendAnnouncement } from './announcements.js';
import { markNoteRead, sendNote } from './notes.js';
import { stageForSnapshot } from './view.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit();
});
afterEach(() => k.close());

describe('announcements', () => {
  it('[STAGE16] an announcement is stored and published to exactly its audience', async () => {
    const all = await sendAnnouncement(k.deps, k.event.id, '  Lunch is served  ', 'all');
    expect(all).toMatchObject({ text: 'Lunch is served', audience: 'all', at: new Date(k.clock.now()).toISOString() });
    const room = await sendAnnouncement(k.deps, k.event.id, 'Take your seats', 'room');
    const breakouts = await sendAnnouncement(k.deps, k.event.id, 'Five minutes left', 'breakouts');
    expect(k.publish.of('announcement:posted').map((p) => [p.to, p.target, p.audience ?? null, p.payload.id])).toEqual([
      ['event', k.event.id, null, all.id],
      ['audience', k.event.id, { roles: ['moderator', 'admin'], modes: ['room'], breakouts: false }, room.id],
      ['audience', k.event.id, { roles: ['moderator', 'admin'], modes: [], breakouts: true }, breakouts.id],
    ]);
  });

  it('[STAGE17] the snapshot carries the newest announcement meant for the principal; 20 are kept', async () => {
    const remote = await k.person({ mode: 'remote' });
    const room = await k.person({ mode: 'room' });
    const screen = await k.person({ role: 'screen', mode: 'room' });
    await sendAnnouncement(k.deps, k.event.id, 'Welcome', 'all');
    const forRemote = await sendAnnouncement(k.deps, k.event.id, 'Stream restarts in 1 min', 'remote');
    const forRoom = await sendAnnouncement(k.deps, k.event.id, 'Doors close now', 'room');
    const event = await k.current();
    expect((await stageForSnapshot(k.deps, remote, event)).announcement?.id).toBe(forRemote.id);
    expect((await stageForSnapshot(k.deps, room, event)).announcement?.id).toBe(forRoom.id);
    expect((await stageForSnapshot(k.deps, screen, event)).announcement?.id).toBe(forRoom.id);
    for (let i = 0; i < 25; i++) await sendAnnouncement(k.deps, k.event.id, `Update ${i}`, 'room');
    expect(await k.store.recentAnnouncements(k.event.id)).toHaveLength(20);
    // The remote one fell out of the kept window: a remote late joiner gets none now.
    expect((await stageForSnapshot(k.deps, remote, event)).announcement).toBeNull();
  });
});

describe('presenter notes', () => {
  it('[STAGE18] a note goes to presenters, moderators and organisers only, and into their snapshots', async () => {
    const mod = await k.person({ role: 'moderator', name: 'Mo Desk' });
    const pres = await k.person({ role: 'presenter' });
    const att = await k.person();
    const screen = await k.person({ role: 'screen' });
    const note = await sendNote(k.deps, k.event.id, mod.id, ' Slow down a little ');
    expect(note).toMatchObject({ text: 'Slow down a little', from: 'Mo Desk', readAt: null, readBy: null });
    expect(k.publish.of('note:posted').map((p) => [p.to, p.roles])).toEqual([['roles', ['presenter', 'moderator', 'admin']]]);
    const event = await k.current();
    expect((await stageForSnapshot(k.deps, pres, event)).notes).toEqual([note]);
    expect((await stageForSnapshot(k.deps, mod, event)).notes).toEqual([note]);
    expect((await stageForSnapshot(k.deps, att, event)).notes).toBeUndefined();
    expect((await stageForSnapshot(k.deps, screen, event)).notes).toBeUndefined();
  });

  it('[STAGE19] the first read is recorded and announced once; a repeat answers the same and tells nobody; an unknown note is NOT_FOUND', async () => {
    const mod = await k.person({ role: 'moderator' });
    const pres = await k.person({ role: 'presenter', name: 'Priya' });
    const other = await k.person({ role: 'presenter', name: 'Pat' });
    const note = await sendNote(k.deps, k.event.id, mod.id, 'Two minutes left');
    k.publish.clear();
    const readAt = new Date(k.clock.now()).toISOString();
    const read = await markNoteRead(k.deps, k.event.id, pres.id, note.id);
    expect(read).toEqual({ ...note, readAt, readBy: 'Priya' });
    k.clock.advance(1000);
    expect(await markNoteRead(k.deps, k.event.id, other.id, note.id)).toEqual(read);
    expect(k.publish.of('note:readConfirmed').map((p) => [p.roles, p.payload])).toEqual([[['presenter', 'moderator', 'admin'], read]]);
    await expect(markNoteRead(k.deps, k.event.id, pres.id, 'nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });
});
