import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgendaSession, Announcement, ChatMessage, PresenterNote } from '@rally/shared';
import type { EventRecord, Store } from '../../src/store/store.js';

// The rules cited as [SSTOREn] are in docs/SPEC.md (Store: stage).

let seq = 0;

const session = (id: string): AgendaSession => ({ id, title: `Session ${id}`, kind: 'keynote', startsAt: '2027-01-20T09:00:00.000Z', endsAt: '2027-01-20T10:00:00.000Z', speakers: [] });

function makeEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  const n = ++seq;
  return {
    id: `ev_stage_${n}`,
    code: `S${String(n).padStart(5, '0')}`,
    name: `Stage SKO ${n}`,
    teams: [],
    agenda: [session('keynote'), session('workshop')],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre', verifyRoomMode: true },
    createdAt: '2027-01-20T08:00:00.000Z',
    keys: { presenter: 'kp', moderator: 'km', stage: 'ks' },
    keyGeneration: 0,
    ...overrides,
  };
}

const at = (s: number) => new Date(Date.UTC(2027, 0, 20, 9) + s * 1000).toISOString();
const announcement = (i: number, audience: Announcement['audience'] = 'all'): Announcement => ({ id: `an_${++seq}`, text: `Announcement ${i}`, audience, at: at(i) });
const note = (i: number): PresenterNote => ({ id: `note_${++seq}`, text: `Note ${i}`, from: 'Mo', at: at(i), readAt: null, readBy: null });
const message = (authorId: string, i: number): ChatMessage => ({
  id: `msg_${++seq}`,
  authorId,
  authorName: `Person ${authorId}`,
  authorRole: 'attendee',
  mode: 'remote',
  text: `Message ${i} — "quoted", <b>markup</b> & 🎉`,
  censored: false,
  at: at(i),
});

/** Runs the stage store contract against one adapter; `make` gives a fresh, empty store per test. */
export function stageContract(name: string, make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>) {
  describe(`StageStore contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    const newEvent = async (overrides: Partial<EventRecord> = {}) => {
      const e = makeEvent(overrides);
      await store.createEvent(e);
      return e;
    };

    it('[SSTORE1] patchEventStage sets only the fields given and keeps the rest of the record; an unknown event is null and not created', async () => {
      const e = await newEvent();
      const stream = { kind: 'hls' as const, url: 'https://cdn.example.com/stage.m3u8' };
      const patched = await store.patchEventStage(e.id, { stream });
      expect(patched).toEqual({ ...e, stream });
      const branding = { logoUrl: null, primaryColor: '#000000', accentColor: '#ffffff' };
      const settings = { ...e.settings, verifyRoomMode: false };
      expect(await store.patchEventStage(e.id, { branding, settings, name: 'Renamed' })).toEqual({ ...e, stream, branding, settings, name: 'Renamed' });
      expect(await store.getEvent(e.id)).toEqual({ ...e, stream, branding, settings, name: 'Renamed' });
      expect(await store.getEventByCode(e.code)).toMatchObject({ id: e.id, name: 'Renamed' });
      expect(await store.patchEventStage('ev_missing', { stream })).toBeNull();
      expect(await store.getEvent('ev_missing')).toBeNull();
    });

    it('[SSTORE2] setLive sets the session and its start, keeps the start when set again, clears both with none, and refuses sessions not in the agenda', async () => {
      const e = await newEvent();
      expect(await store.setLive(e.id, 'nope', at(0))).toEqual({ ok: false, reason: 'no-session' });
      expect(await store.setLive('ev_missing', 'keynote', at(0))).toEqual({ ok: false, reason: 'no-event' });
      expect(await store.getEvent('ev_missing')).toBeNull();
      const first = await store.setLive(e.id, 'keynote', at(1));
      expect(first).toEqual({ ok: true, changed: true, stageCleared: false, previous: null, event: { ...e, liveSessionId: 'keynote', liveSessionStartedAt: at(1), announcementsClearedAt: at(1) } });
      expect(await store.setLive(e.id, 'keynote', at(2))).toMatchObject({ ok: true, changed: false, previous: 'keynote', event: { liveSessionStartedAt: at(1) } });
      expect(await store.setLive(e.id, 'workshop', at(3))).toMatchObject({ ok: true, changed: true, previous: 'keynote', event: { liveSessionId: 'workshop', liveSessionStartedAt: at(3) } });
      expect(await store.setLive(e.id, null, at(4))).toMatchObject({ ok: true, changed: true, previous: 'workshop', event: { liveSessionId: null, liveSessionStartedAt: null } });
      expect(await store.getEvent(e.id)).toEqual({ ...e, liveSessionId: null, liveSessionStartedAt: null, announcementsClearedAt: at(4) });
    });

    it('[SSTORE2] of concurrent identical setLive calls exactly one reports a change', async () => {
      const e = await newEvent();
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setLive(e.id, 'workshop', at(i))));
      expect(outcomes.filter((o) => o.ok && o.changed)).toHaveLength(1);
      const started = (await store.getEvent(e.id))!.liveSessionStartedAt;
      expect(outcomes.every((o) => o.ok && o.event.liveSessionStartedAt === started)).toBe(true);
    });

    it('[SSTORE3] setAgenda replaces the agenda and clears the live session in the same step when it was dropped', async () => {
      const e = await newEvent();
      await store.setLive(e.id, 'workshop', at(1));
      const renamed = { ...session('workshop'), title: 'Workshop, renamed' };
      expect(await store.setAgenda(e.id, [session('keynote'), renamed], at(2))).toEqual({
        clearedLive: null,
        stageCleared: false,
        event: { ...e, agenda: [session('keynote'), renamed], liveSessionId: 'workshop', liveSessionStartedAt: at(1), announcementsClearedAt: at(1) },
      });
      const dropped = await store.setAgenda(e.id, [session('keynote')], at(3));
      expect(dropped).toMatchObject({ clearedLive: 'workshop', event: { ...e, agenda: [session('keynote')], liveSessionId: null, liveSessionStartedAt: null } });
      expect(await store.getEvent(e.id)).toEqual(dropped!.event);
      expect((await store.setAgenda(e.id, [], at(4)))!.event.agenda).toEqual([]);
      expect((await store.getEvent(e.id))!.agenda).toEqual([]);
      expect(await store.setAgenda('ev_missing', [], at(5))).toBeNull();
    });

    it('[SSTORE10] setOnStage is a compare-and-set with a version: the same slot again changes nothing, ifShowing guards, an unknown event is null', async () => {
      const e = await newEvent();
      const poll = { kind: 'poll' as const, pollId: 'poll_1' };
      const question = { kind: 'question' as const, questionId: 'q_1' };
      expect(await store.setOnStage('ev_missing', poll, at(1))).toBeNull();
      const first = await store.setOnStage(e.id, poll, at(1));
      expect(first).toEqual({ changed: true, onStage: { slot: poll, version: 1, at: at(1) } });
      expect(await store.setOnStage(e.id, poll, at(2))).toEqual({ changed: false, onStage: { slot: poll, version: 1, at: at(1) } });
      // Taking the question off the stage does nothing while the poll is shown.
      expect(await store.setOnStage(e.id, { kind: 'idle' }, at(3), { ifShowing: 'question:q_1' })).toEqual({ changed: false, onStage: first!.onStage });
      const second = await store.setOnStage(e.id, question, at(4));
      expect(second).toEqual({ changed: true, onStage: { slot: question, version: 2, at: at(4) } });
      expect(await store.setOnStage(e.id, { kind: 'idle' }, at(5), { ifShowing: 'question:q_1' })).toEqual({ changed: true, onStage: { slot: { kind: 'idle' }, version: 3, at: at(5) } });
      expect((await store.getEvent(e.id))!.onStage).toEqual({ slot: { kind: 'idle' }, version: 3, at: at(5) });
      const board = { kind: 'leaderboard' as const, board: 'teams' as const };
      expect((await store.setOnStage(e.id, board, at(6)))!.onStage).toEqual({ slot: board, version: 4, at: at(6) });
      const quiz = { kind: 'quiz' as const, runId: 'run_1' };
      expect((await store.setOnStage(e.id, quiz, at(7)))!.onStage).toEqual({ slot: quiz, version: 5, at: at(7) });
      expect((await store.setOnStage(e.id, quiz, at(8)))!.changed).toBe(false);
      expect((await store.setOnStage(e.id, { kind: 'idle' }, at(9), { ifShowing: 'quiz:run_1' }))!.changed).toBe(true);
    });

    it('[SSTORE10] of concurrent shows of different slots each one is a new version, none lost', async () => {
      const e = await newEvent();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setOnStage(e.id, { kind: 'poll', pollId: `poll_${i}` }, at(i))));
      expect(results.map((r) => r!.onStage.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await store.getEvent(e.id))!.onStage!.version).toBe(20);
    });

    it('[SSTORE10] a change of live session puts the stage back to idle and clears announcements in the same step; setting the same session does not', async () => {
      const e = await newEvent();
      await store.setLive(e.id, 'keynote', at(1));
      await store.setOnStage(e.id, { kind: 'poll', pollId: 'poll_1' }, at(2));
      const same = await store.setLive(e.id, 'keynote', at(3));
      expect(same).toMatchObject({ ok: true, changed: false, stageCleared: false, event: { onStage: { slot: { kind: 'poll', pollId: 'poll_1' }, version: 1 }, announcementsClearedAt: at(1) } });
      const next = await store.setLive(e.id, 'workshop', at(4));
      expect(next).toMatchObject({ ok: true, changed: true, stageCleared: true, event: { onStage: { slot: { kind: 'idle' }, version: 2, at: at(4) }, announcementsClearedAt: at(4) } });
      // Already idle: the version does not move, the announcements are still cleared.
      const off = await store.setLive(e.id, null, at(5));
      expect(off).toMatchObject({ ok: true, changed: true, stageCleared: false, event: { onStage: { version: 2 }, announcementsClearedAt: at(5) } });
      await store.setLive(e.id, 'workshop', at(6));
      await store.setOnStage(e.id, { kind: 'question', questionId: 'q_1' }, at(7));
      const dropped = await store.setAgenda(e.id, [session('keynote')], at(8));
      expect(dropped).toMatchObject({ clearedLive: 'workshop', stageCleared: true, event: { onStage: { slot: { kind: 'idle' }, version: 4, at: at(8) }, announcementsClearedAt: at(8) } });
      expect(await store.getEvent(e.id)).toEqual(dropped!.event);
    });

    it('[SSTORE10] clearAnnouncements stamps the time; an unknown event is false', async () => {
      const e = await newEvent();
      expect(await store.clearAnnouncements(e.id, at(3))).toBe(true);
      expect((await store.getEvent(e.id))!.announcementsClearedAt).toBe(at(3));
      expect(await store.clearAnnouncements('ev_missing', at(3))).toBe(false);
      expect(await store.getEvent('ev_missing')).toBeNull();
    });

    it('[SSTORE4] announcements are listed newest first, the newest 20 per event', async () => {
      const [a, b] = [await newEvent(), await newEvent()];
      const sent = Array.from({ length: 25 }, (_, i) => announcement(i, i % 2 ? 'room' : 'remote'));
      for (const x of sent) await store.addAnnouncement(a.id, x);
      await store.addAnnouncement(b.id, announcement(99));
      expect(await store.recentAnnouncements(a.id)).toEqual(sent.slice(5).reverse());
      expect(await store.recentAnnouncements(b.id)).toHaveLength(1);
      expect(await store.recentAnnouncements('ev_missing')).toEqual([]);
    });

    it('[SSTORE5] notes are listed oldest first; the first read is kept; a note of another event is null', async () => {
      const [a, b] = [await newEvent(), await newEvent()];
      const notes = [note(1), note(2), note(3)];
      for (const n of notes) await store.addNote(a.id, n);
      expect(await store.listNotes(a.id)).toEqual(notes);
      const read = await store.markNoteRead(a.id, notes[1]!.id, 'Priya', at(10));
      expect(read).toEqual({ changed: true, note: { ...notes[1], readAt: at(10), readBy: 'Priya' } });
      expect(await store.markNoteRead(a.id, notes[1]!.id, 'Pat', at(11))).toEqual({ changed: false, note: read!.note });
      expect(await store.listNotes(a.id)).toEqual([notes[0], read!.note, notes[2]]);
      expect(await store.markNoteRead(b.id, notes[0]!.id, 'Priya', at(12))).toBeNull();
      expect(await store.markNoteRead(a.id, 'note_missing', 'Priya', at(12))).toBeNull();
    });

    it('[SSTORE5] of concurrent reads of one note exactly one is recorded', async () => {
      const e = await newEvent();
      const n = note(1);
      await store.addNote(e.id, n);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.markNoteRead(e.id, n.id, `Presenter ${i}`, at(i))));
      expect(results.filter((r) => r!.changed)).toHaveLength(1);
      const winner = results.find((r) => r!.changed)!.note;
      expect(results.every((r) => r!.note.readBy === winner.readBy && r!.note.readAt === winner.readAt)).toBe(true);
    });

    it('[SSTORE5] the newest 200 notes are kept', async () => {
      const e = await newEvent();
      const notes = Array.from({ length: 205 }, (_, i) => note(i));
      for (const n of notes) await store.addNote(e.id, n);
      expect(await store.listNotes(e.id)).toEqual(notes.slice(5));
      expect(await store.markNoteRead(e.id, notes[0]!.id, 'Priya', at(1))).toBeNull();
    });

    it('[SSTORE6] messages are listed oldest first, the newest 100 per event; deleteChat removes one of the event', async () => {
      const [a, b] = [await newEvent(), await newEvent()];
      const sent = Array.from({ length: 103 }, (_, i) => message(`p${i % 7}`, i));
      for (const m of sent) expect(await store.postChat(a.id, m, { slowModeExempt: false, nowMs: 0 })).toEqual({ ok: true });
      expect(await store.listChat(a.id)).toEqual(sent.slice(3));
      expect(await store.deleteChat(b.id, sent[50]!.id)).toBeNull();
      expect(await store.deleteChat(a.id, sent[50]!.id)).toEqual(sent[50]);
      expect(await store.deleteChat(a.id, sent[50]!.id)).toBeNull();
      expect((await store.listChat(a.id)).map((m) => m.id)).toEqual(sent.slice(3).filter((_, i) => i !== 47).map((m) => m.id));
      expect(await store.listChat(b.id)).toEqual([]);
    });

    it('[SSTORE7] slow mode refuses a message too soon after the author\'s previous one, with the wait, unless exempt', async () => {
      const e = await newEvent();
      expect(await store.chatSlowMode(e.id)).toBe(0);
      await store.setChatSlowMode(e.id, 10);
      expect(await store.chatSlowMode(e.id)).toBe(10);
      expect(await store.postChat(e.id, message('ada', 1), { slowModeExempt: false, nowMs: 100_000 })).toEqual({ ok: true });
      expect(await store.postChat(e.id, message('ada', 2), { slowModeExempt: false, nowMs: 104_000 })).toEqual({ ok: false, reason: 'slow', retryAfterMs: 6_000 });
      expect(await store.postChat(e.id, message('bob', 3), { slowModeExempt: false, nowMs: 104_000 })).toEqual({ ok: true });
      expect(await store.postChat(e.id, message('ada', 4), { slowModeExempt: true, nowMs: 104_500 })).toEqual({ ok: true });
      expect(await store.postChat(e.id, message('ada', 5), { slowModeExempt: false, nowMs: 114_500 })).toEqual({ ok: true });
      await store.setChatSlowMode(e.id, 0);
      expect(await store.postChat(e.id, message('ada', 6), { slowModeExempt: false, nowMs: 114_501 })).toEqual({ ok: true });
      expect((await store.listChat(e.id)).map((m) => m.text.split(' ')[1])).toEqual(['1', '3', '4', '5', '6']);
    });

    it('[SSTORE7] concurrent posts by one author under slow mode store exactly one', async () => {
      const e = await newEvent();
      await store.setChatSlowMode(e.id, 30);
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.postChat(e.id, message('ada', i), { slowModeExempt: false, nowMs: 500_000 })));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(await store.listChat(e.id)).toHaveLength(1);
    });

    it('[SSTORE7] [SSTORE8] a chat-banned author is refused and stores nothing; bans and slow mode are per event', async () => {
      const [a, b] = [await newEvent(), await newEvent()];
      await store.setChatBan(a.id, 'ada', true);
      await store.setChatSlowMode(a.id, 60);
      expect(await store.isChatBanned(a.id, 'ada')).toBe(true);
      expect(await store.isChatBanned(b.id, 'ada')).toBe(false);
      expect(await store.postChat(a.id, message('ada', 1), { slowModeExempt: true, nowMs: 0 })).toEqual({ ok: false, reason: 'banned' });
      expect(await store.listChat(a.id)).toEqual([]);
      expect(await store.postChat(b.id, message('ada', 2), { slowModeExempt: false, nowMs: 0 })).toEqual({ ok: true });
      expect(await store.postChat(b.id, message('ada', 3), { slowModeExempt: false, nowMs: 1 })).toEqual({ ok: true });
      await store.setChatBan(a.id, 'ada', false);
      expect(await store.postChat(a.id, message('ada', 4), { slowModeExempt: false, nowMs: 0 })).toEqual({ ok: true });
    });

    it('[SSTORE9] eraseChatAuthor renames the author\'s kept messages in that event only and changes nothing else', async () => {
      const [a, b] = [await newEvent(), await newEvent()];
      const mine = message('gone', 1);
      const theirs = message('stays', 2);
      const elsewhere = message('gone', 3);
      for (const m of [mine, theirs]) await store.postChat(a.id, m, { slowModeExempt: true, nowMs: 0 });
      await store.postChat(b.id, elsewhere, { slowModeExempt: true, nowMs: 0 });
      await store.eraseChatAuthor(a.id, 'gone', 'Deleted participant');
      expect(await store.listChat(a.id)).toEqual([{ ...mine, authorName: 'Deleted participant' }, theirs]);
      expect(await store.listChat(b.id)).toEqual([elsewhere]);
    });
  });
}
