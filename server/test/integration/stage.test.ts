import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { ErrorCode, type AgendaSession, type CreateEventResponse, type FactName, type FactPayload, type ReactionBurst } from '@rally/shared';
import { fakeClock, type FakeClock } from '../helpers/domain-kit.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

const LIVEKIT = { LIVEKIT_URL: 'wss://livekit.example.com', LIVEKIT_API_KEY: 'APIstage', LIVEKIT_API_SECRET: 'stage-livekit-secret-0123456789-abcdefgh' };
const MINUTE = 60_000;

let s: TestServer;
let clock: FakeClock;
const open: TestClient[] = [];

const AGENDA: AgendaSession[] = [
  { id: 'keynote', title: 'Opening keynote', kind: 'keynote', startsAt: '2027-01-20T09:00:00.000Z', endsAt: '2027-01-20T10:00:00.000Z', speakers: ['Dana'] },
  { id: 'workshop', title: 'Discovery workshop', kind: 'workshop', startsAt: '2027-01-20T10:00:00.000Z', endsAt: '2027-01-20T11:00:00.000Z', speakers: [] },
];

async function client(url: string, token: string): Promise<TestClient> {
  const c = await connectClient(url, token);
  open.push(c);
  return c;
}


/** Lets any broadcast in flight (and a burst) arrive before asserting that none did. */
const settle = () => sleep(700);
const factsSince = (c: TestClient, from: number) => c.received.slice(from).map((f) => f.fact);

interface Cast {
  ev: CreateEventResponse;
  mod: TestClient;
  pres: TestClient;
  screen: TestClient;
  room: TestClient;
  remote: TestClient;
}

/** The fact, whether it arrived already or arrives within the timeout. */
function seen<N extends FactName>(c: TestClient, fact: N, pred: (p: FactPayload<N>) => boolean): Promise<FactPayload<N>> {
  const hit = c.received.find((f) => f.fact === fact && pred(f.payload as FactPayload<N>));
  return hit ? Promise.resolve(hit.payload as FactPayload<N>) : c.waitFor(fact, pred);
}

/**
 * An event with a moderator, a presenter, the stage screen, an attendee in the room and one
 * remote, once the moderator and the screen have seen both attendees arrive (so nothing of the
 * setup is still in flight when a test starts counting).
 */
async function cast(server: TestServer = s): Promise<Cast> {
  const ev = await server.createEvent({ agenda: AGENDA });
  const staff = async (name: string, link: string) => client(server.url, (await server.join({ code: ev.code, name, key: keyOf(link) })).token);
  const c = {
    ev,
    mod: await staff('Mo Desk', ev.links.moderator),
    pres: await staff('Priya Presenter', ev.links.presenter),
    screen: await staff('Stage', ev.links.stage),
    room: await client(server.url, (await server.join({ code: ev.code, name: 'Rita Room', team: 'EMEA', mode: 'room' })).token),
    remote: await client(server.url, (await server.join({ code: ev.code, name: 'Remy Remote', team: 'NA', mode: 'remote' })).token),
  };
  const both = (p: FactPayload<'presence:changed'>) => p.counts.room === 1 && p.counts.remote === 1;
  await Promise.all([c.mod, c.pres, c.screen].map((x) => seen(x, 'presence:changed', both)));
  return c;
}

beforeAll(async () => {
  clock = fakeClock(Date.UTC(2027, 0, 20, 9, 0, 5));
  s = await startTestServer({ clock, app: { stage: { roomCodeCheckMs: 50 } } });
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});

describe('agenda and the live session', () => {
  it('[STAGE5] [STAGE6] [AG1] a moderator edits the agenda and switches sessions: everyone gets event:updated, with the session timer', async () => {
    const c = await cast();
    const agenda = [...AGENDA, { id: 'awards', title: 'Awards', kind: 'awards' as const, startsAt: '2027-01-20T16:00:00.000Z', endsAt: '2027-01-20T17:00:00.000Z', speakers: [] }];
    const seen = Promise.all([c.room, c.remote, c.screen, c.pres].map((x) => x.waitFor('event:updated', (e) => e.agenda.length === 3)));
    expect((await ok(c.mod.send('agenda:set', { agenda }))).agenda).toEqual(agenda);
    for (const e of await seen) expect(e.agenda.map((x) => x.id)).toEqual(['keynote', 'workshop', 'awards']);

    const started = new Date(clock.now()).toISOString();
    const live = Promise.all([c.room, c.pres].map((x) => x.waitFor('event:updated', (e) => e.liveSessionId === 'keynote')));
    expect(await ok(c.mod.send('session:setLive', { sessionId: 'keynote' }))).toEqual({ liveSessionId: 'keynote', liveSessionStartedAt: started });
    for (const e of await live) expect(e.liveSessionStartedAt).toBe(started);

    clock.advance(10 * MINUTE);
    const next = c.pres.waitFor('event:updated', (e) => e.liveSessionId === 'workshop');
    await ok(c.mod.send('session:setLive', { sessionId: 'workshop' }));
    expect((await next).liveSessionStartedAt).toBe(new Date(clock.now()).toISOString());
    // A reconnecting presenter has the timer in the snapshot.
    expect((await ok(c.pres.send('snapshot:request', {}))).event).toMatchObject({ liveSessionId: 'workshop', liveSessionStartedAt: new Date(clock.now()).toISOString() });
  });

  it('[STAGE5] [STAGE26] bad agendas and attendee edits are refused with typed errors and broadcast nothing', async () => {
    const c = await cast();
    await ok(c.mod.send('poll:create', { sessionId: 'workshop', draft: { kind: 'nps', question: 'Recommend?', settings: { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null } } }));
    const before = c.room.received.length;
    const dup = await c.mod.send('agenda:set', { agenda: [AGENDA[0]!, AGENDA[0]!] });
    expect(dup).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: 'agenda.1.id: the session id "keynote" is used twice' } });
    const dropped = await c.mod.send('agenda:set', { agenda: [AGENDA[0]!] });
    expect(dropped).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT, message: expect.stringContaining('“Discovery workshop” has 1 poll') } });
    expect(await c.room.send('agenda:set', { agenda: AGENDA })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await settle();
    expect(factsSince(c.room, before)).toEqual([]);
    expect((await s.store.getEvent(c.ev.event.id))!.agenda).toEqual(AGENDA);
  });

  it('[STAGE5] [STAGE27] the organiser edits over REST: the agenda, the stream, branding and settings; only with the admin token', async () => {
    const c = await cast();
    const id = c.ev.event.id;
    const updated = c.room.waitFor('event:updated', (e) => e.agenda.length === 1);
    const put = await s.api(`/api/events/${id}/agenda`, { method: 'PUT', admin: true, body: JSON.stringify({ agenda: [AGENDA[0]] }) });
    expect(put.status).toBe(200);
    expect(put.body.event.agenda).toEqual([AGENDA[0]]);
    await updated;

    const branded = c.screen.waitFor('event:updated', (e) => e.branding?.primaryColor === '#102030');
    const patch = await s.api(`/api/events/${id}`, {
      method: 'PATCH',
      admin: true,
      body: JSON.stringify({ name: 'Renamed SKO', branding: { logoUrl: 'https://cdn.example.com/logo.svg', primaryColor: '#102030', accentColor: '#FFAA00' }, settings: { verifyRoomMode: false } }),
    });
    expect(patch.status).toBe(200);
    expect(patch.body.event).toMatchObject({ name: 'Renamed SKO', branding: { accentColor: '#ffaa00' }, settings: { verifyRoomMode: false, moderation: 'pre', allowAnonymousQuestions: true } });
    expect((await branded).name).toBe('Renamed SKO');

    expect((await s.api(`/api/events/${id}`, { method: 'PATCH', body: JSON.stringify({ name: 'x' }) })).status).toBe(401);
    const bad = await s.api(`/api/events/${id}`, { method: 'PATCH', admin: true, body: JSON.stringify({ stream: { kind: 'hls', url: 'javascript:alert(1)' } }) });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: ErrorCode.BAD_REQUEST, message: 'stream.url: the stream URL must be an http:// or https:// address' } } });
    expect((await s.api(`/api/events/${id}`, { method: 'PATCH', admin: true, body: '{}' })).status).toBe(400);
    expect((await s.store.getEvent(id))!.stream).toEqual({ kind: 'none' });
  });
});

describe('announcements by audience', () => {
  it('[STAGE16] room-only reaches the room and the stage screen, never remote attendees; remote-only the reverse; moderators see both', async () => {
    const c = await cast();
    const marks = [c.room, c.remote, c.screen, c.pres, c.mod].map((x) => x.received.length);
    const roomOnly = await ok(c.mod.send('announcement:send', { text: 'Doors close in 2 minutes', audience: 'room' }));
    const remoteOnly = await ok(c.mod.send('announcement:send', { text: 'The stream restarts now', audience: 'remote' }));
    const everyone = await ok(c.mod.send('announcement:send', { text: 'Lunch at noon', audience: 'all' }));
    const breakouts = await ok(c.mod.send('announcement:send', { text: 'Five minutes left', audience: 'breakouts' }));
    await settle();
    const got = (x: TestClient, i: number) => x.received.slice(marks[i]).filter((f) => f.fact === 'announcement:posted').map((f) => (f.payload as { id: string }).id);
    expect(got(c.room, 0)).toEqual([roomOnly.id, everyone.id]);
    expect(got(c.remote, 1)).toEqual([remoteOnly.id, everyone.id]);
    expect(got(c.screen, 2)).toEqual([roomOnly.id, everyone.id]);
    // Presenters go by their mode like everyone else (this one joined with the default, remote).
    expect(got(c.pres, 3)).toEqual([remoteOnly.id, everyone.id]);
    expect(got(c.mod, 4)).toEqual([roomOnly.id, remoteOnly.id, everyone.id, breakouts.id]);
  });

  it('[STAGE16] [STAGE13] a participant who switches mode is moved at once: room announcements reach them, remote ones no longer do', async () => {
    const c = await cast();
    await ok(c.remote.send('participant:update', { mode: 'room', roomCode: s.roomCode(c.ev.event.id) }));
    const mark = c.remote.received.length;
    const forRoom = await ok(c.mod.send('announcement:send', { text: 'Take your seats', audience: 'room' }));
    await ok(c.mod.send('announcement:send', { text: 'Remote only', audience: 'remote' }));
    // And a moderator's correction moves the other one out of the room.
    await ok(c.mod.send('participant:correct', { participantId: c.room.snapshot.me.id, mode: 'remote' }));
    const roomMark = c.room.received.length;
    await ok(c.mod.send('announcement:send', { text: 'Room again', audience: 'room' }));
    const forRemote = await ok(c.mod.send('announcement:send', { text: 'Remote again', audience: 'remote' }));
    await settle();
    const ids = (x: TestClient, from: number) => x.received.slice(from).filter((f) => f.fact === 'announcement:posted').map((f) => (f.payload as { text: string }).text);
    expect(ids(c.remote, mark)).toEqual([forRoom.text, 'Room again']);
    expect(ids(c.room, roomMark)).toEqual([forRemote.text]);
  });

  it('[STAGE17] [STAGE25] a late joiner and a reconnecting client get the latest announcement meant for them in the snapshot', async () => {
    const c = await cast();
    const all = await ok(c.mod.send('announcement:send', { text: 'Welcome', audience: 'all' }));
    const room = await ok(c.mod.send('announcement:send', { text: 'Room only', audience: 'room' }));
    const late = await client(s.url, (await s.join({ code: c.ev.code, name: 'Late Remote', mode: 'remote' })).token);
    expect(late.snapshot.stage?.announcement).toEqual(all);
    const lateRoom = await client(s.url, (await s.join({ code: c.ev.code, name: 'Late Room', mode: 'room' })).token);
    expect(lateRoom.snapshot.stage?.announcement).toEqual(room);
  });

  it('[STAGE16] [STAGE26] an announcement from a non-moderator is FORBIDDEN and reaches nobody; a bad one is BAD_REQUEST', async () => {
    const c = await cast();
    const marks = [c.room, c.remote, c.screen, c.mod].map((x) => x.received.length);
    expect(await c.room.send('announcement:send', { text: 'Free drinks!', audience: 'all' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.pres.send('announcement:send', { text: 'Hi', audience: 'all' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.mod.send('announcement:send', { text: 'x'.repeat(281), audience: 'all' })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: 'text: announcements are at most 280 characters' } });
    expect(await c.mod.send('announcement:send', { text: 'Hi', audience: 'vip' as never })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    await settle();
    [c.room, c.remote, c.screen, c.mod].forEach((x, i) => expect(factsSince(x, marks[i]!)).toEqual([]));
    expect(await s.store.recentAnnouncements(c.ev.event.id)).toEqual([]);
  });
});

describe('reactions', () => {
  it('[STAGE14] [STAGE15] reactions reach the stage screen as coalesced bursts per cohort; the 11th in 10 s is RATE_LIMITED', async () => {
    const c = await cast();
    const bursts: ReactionBurst[] = [];
    c.screen.socket.on('reaction:aggregated', (b) => bursts.push(b));
    const sent = [
      ...Array.from({ length: 6 }, () => c.room.send('reaction:send', { emoji: '👏' })),
      ...Array.from({ length: 4 }, () => c.room.send('reaction:send', { emoji: '💡' })),
      ...Array.from({ length: 4 }, () => c.remote.send('reaction:send', { emoji: '🔥' })),
    ];
    for (const r of await Promise.all(sent)) expect(r.ok).toBe(true);
    // The room attendee has spent their 10; the 11th counts nothing. The remote one still may.
    const over = await c.room.send('reaction:send', { emoji: '🎉' });
    expect(over).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/^you can send 10 reactions every 10 s; try again in \d+ s$/) } });
    const deadline = Date.now() + 3000;
    while (bursts.reduce((n, b) => n + b.room + b.remote, 0) < 14 && Date.now() < deadline) await sleep(50);
    await settle();
    const sum = (f: (b: ReactionBurst) => number) => bursts.reduce((n, b) => n + f(b), 0);
    expect({ room: sum((b) => b.room), remote: sum((b) => b.remote), clap: sum((b) => b.counts['👏']), idea: sum((b) => b.counts['💡']), fire: sum((b) => b.counts['🔥']), party: sum((b) => b.counts['🎉']) }).toEqual({
      room: 10,
      remote: 4,
      clap: 6,
      idea: 4,
      fire: 4,
      party: 0,
    });
    // Fourteen reactions sent at once: a burst or two (three on a slow machine), never one message each.
    expect(bursts.length).toBeLessThanOrEqual(3);
  });

  it('[STAGE14] [STAGE26] only attendees react, with one of the five emojis', async () => {
    const c = await cast();
    expect(await c.pres.send('reaction:send', { emoji: '👏' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.screen.send('reaction:send', { emoji: '👏' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.room.send('reaction:send', { emoji: '👍' as never })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    const mark = c.screen.received.length;
    await settle();
    expect(factsSince(c.screen, mark)).toEqual([]);
  });
});

describe('event chat', () => {
  it('[STAGE20] [STAGE21] [STAGE24] chat with slow mode and moderation over real sockets', async () => {
    const c = await cast();
    const posted = c.screen.waitFor('chat:messagePosted');
    const first = await ok(c.remote.send('chat:send', { text: 'Hello from Lisbon' }));
    expect(await posted).toEqual(first);
    expect(first).toMatchObject({ authorName: 'Remy Remote', mode: 'remote', authorRole: 'attendee' });

    const slow = Promise.all([c.room, c.remote].map((x) => x.waitFor('chat:settingsChanged')));
    await ok(c.mod.send('chat:setSlowMode', { seconds: 30 }));
    expect(await slow).toEqual([{ slowModeSec: 30 }, { slowModeSec: 30 }]);
    const arrived = c.remote.waitFor('chat:messagePosted', (m) => m.text === 'First in slow mode');
    await ok(c.room.send('chat:send', { text: 'First in slow mode' }));
    await arrived;
    const mark = c.remote.received.length;
    expect(await c.room.send('chat:send', { text: 'Too soon' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.RATE_LIMITED, message: 'slow mode is on: one message every 30 s; try again in 30 s', retryAfterMs: expect.any(Number) },
    });
    await ok(c.mod.send('chat:send', { text: 'Staff are not slowed' }));
    clock.advance(30_000);
    await ok(c.room.send('chat:send', { text: 'Later' }));

    const deleted = c.remote.waitFor('chat:messageDeleted');
    await ok(c.mod.send('chat:delete', { messageId: first.id }));
    expect(await deleted).toEqual({ messageId: first.id });

    const told = c.remote.waitFor('chat:banChanged');
    await ok(c.mod.send('chat:banParticipant', { participantId: c.remote.snapshot.me.id, banned: true }));
    expect(await told).toEqual({ participantId: c.remote.snapshot.me.id, banned: true });
    expect(await c.remote.send('chat:send', { text: 'Let me speak' })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    await settle();
    const texts = c.remote.received.slice(mark).filter((f) => f.fact === 'chat:messagePosted').map((f) => (f.payload as { text: string }).text);
    expect(texts).toEqual(['Staff are not slowed', 'Later']);

    // A reconnecting client gets the window without the deleted message, the setting and its ban.
    const snap = await ok(c.remote.send('snapshot:request', {}));
    expect(snap.stage?.chat).toMatchObject({ settings: { slowModeSec: 30 }, banned: true });
    expect(snap.stage?.chat.messages.map((m) => m.text)).toEqual(['First in slow mode', 'Staff are not slowed', 'Later']);
    expect(await c.room.send('chat:delete', { messageId: first.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.screen.send('chat:send', { text: 'I am a projector' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
  });
});

describe('presenter notes', () => {
  it('[STAGE18] [STAGE19] a note reaches the presenter only; the read receipt reaches the desk once', async () => {
    const c = await cast();
    const marks = [c.room, c.screen].map((x) => x.received.length);
    const got = c.pres.waitFor('note:posted');
    const note = await ok(c.mod.send('note:send', { text: 'Wrap up in 2 minutes' }));
    expect(await got).toEqual(note);
    const receipt = c.mod.waitFor('note:readConfirmed');
    const read = await ok(c.pres.send('note:markRead', { noteId: note.id }));
    expect(await receipt).toEqual(read);
    expect(read).toMatchObject({ id: note.id, readBy: 'Priya Presenter', readAt: new Date(clock.now()).toISOString() });
    expect(await c.room.send('note:markRead', { noteId: note.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.pres.send('note:markRead', { noteId: 'nope' })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    await settle();
    [c.room, c.screen].forEach((x, i) => expect(factsSince(x, marks[i]!).filter((f) => f.startsWith('note:'))).toEqual([]));
    expect((await ok(c.pres.send('snapshot:request', {}))).stage?.notes).toEqual([read]);
    expect((await ok(c.room.send('snapshot:request', {}))).stage?.notes).toBeUndefined();
  });
});

describe('venue-verified presence', () => {
  it('[STAGE11] the stage screen has the room code in its snapshot and gets the next one when the minute turns; nobody else does', async () => {
    const c = await cast();
    const code = s.roomCode(c.ev.event.id);
    expect(c.screen.snapshot.stage?.roomCode).toMatchObject({ code, joinUrl: `http://localhost:3000/j/${c.ev.code}?room=${code}` });
    expect(c.room.snapshot.stage?.roomCode).toBeUndefined();
    await sleep(150); // the ticker has seen the screen
    const rotated = c.screen.waitFor('stage:roomCodeRotated');
    clock.advance(MINUTE);
    const next = await rotated;
    expect(next.code).toBe(s.roomCode(c.ev.event.id));
    expect(next.code).not.toBe(code);
    expect(Date.parse(next.validUntil)).toBe((Math.floor(clock.now() / MINUTE) + 1) * MINUTE);
    await settle();
    for (const x of [c.room, c.remote, c.mod, c.pres]) expect(x.received.some((f) => f.fact === 'stage:roomCodeRotated')).toBe(false);
  });

  it('[STAGE12] a stale or forged code at join gives remote with a notice; the current one gives room; the presence counts follow', async () => {
    const c = await cast();
    const { code } = c.ev;
    const shown = s.roomCode(c.ev.event.id);
    clock.advance(2 * MINUTE);
    const stale = await s.join({ code, name: 'Photo Phil', mode: 'room', roomCode: shown });
    expect(stale).toMatchObject({ participant: { mode: 'remote' }, notice: { reason: 'room-code-invalid', message: expect.stringContaining('changes every minute') } });
    const forged = await s.join({ code, name: 'Forger Fay', roomCode: 'ZZZZ' });
    expect(forged).toMatchObject({ participant: { mode: 'remote' }, notice: { reason: 'room-code-invalid' } });
    const none = await s.join({ code, name: 'No Code Nick', mode: 'room', roomCode: '' });
    expect(none).toMatchObject({ participant: { mode: 'remote' }, notice: { reason: 'room-code-required' } });
    const scanned = await s.join({ code, name: 'Scanning Sam', roomCode: s.roomCode(c.ev.event.id).toLowerCase() });
    expect(scanned.participant.mode).toBe('room');
    expect(scanned.notice).toBeUndefined();
    const counted = c.mod.waitFor('presence:changed', (p) => p.changes.some((x) => x.participant.id === scanned.participant.id));
    await client(s.url, scanned.token);
    expect((await counted).counts).toEqual({ room: 2, remote: 1 });
  });

  it('[STAGE13] [STAGE26] switching to room with a stale or forged code is BAD_REQUEST, changes nothing and tells nobody', async () => {
    const c = await cast();
    const shown = s.roomCode(c.ev.event.id);
    clock.advance(2 * MINUTE);
    const marks = [c.mod, c.remote].map((x) => x.received.length);
    expect(await c.remote.send('participant:update', { mode: 'room', roomCode: shown })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('not current') } });
    expect(await c.remote.send('participant:update', { mode: 'room' })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('room code') } });
    expect(await c.remote.send('participant:update', { mode: 'room', roomCode: 'K0' })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: 'roomCode: the room code is the 4 characters shown on the stage screen' } });
    await settle();
    [c.mod, c.remote].forEach((x, i) => expect(factsSince(x, marks[i]!)).toEqual([]));
    expect((await s.store.getParticipant(c.remote.snapshot.me.id))!.mode).toBe('remote');
    expect((await ok(c.remote.send('participant:update', { mode: 'room', roomCode: s.roomCode(c.ev.event.id) }))).mode).toBe('room');
  });

  it('[STAGE9] the stage screen counts the remote attendees watching now', async () => {
    const c = await cast();
    expect((await ok(c.screen.send('snapshot:request', {}))).presence?.counts).toEqual({ room: 1, remote: 1 });
    const more = c.screen.waitFor('presence:changed', (p) => p.counts.remote === 2);
    await client(s.url, (await s.join({ code: c.ev.code, name: 'Another Remote', mode: 'remote' })).token);
    expect((await more).counts).toEqual({ room: 1, remote: 2 });
    expect(c.screen.snapshot.event).toMatchObject({ branding: { primaryColor: '#1f3a93' }, stream: { kind: 'none' }, code: c.ev.code });
  });
});

describe('the stream', () => {
  it('[STAGE2] a moderator sets an HLS stream; everyone gets it; a bad URL is BAD_REQUEST; LiveKit without a LiveKit server is UNAVAILABLE', async () => {
    const c = await cast();
    const stream = { kind: 'hls' as const, url: 'https://cdn.example.com/live/stage.m3u8' };
    const seen = c.remote.waitFor('event:updated', (e) => e.stream?.kind === 'hls');
    await ok(c.mod.send('stage:setStream', { stream }));
    expect((await seen).stream).toEqual(stream);
    expect(await c.mod.send('stage:setStream', { stream: { kind: 'hls', url: 'file:///etc/passwd' } })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect(await c.mod.send('stage:setStream', { stream: { kind: 'livekit', roomName: 'stage' } })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server: use an HLS URL, or no stream' },
    });
    expect(await c.remote.send('stage:streamToken', {})).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server' } });
    expect(await c.room.send('stage:setStream', { stream: { kind: 'none' } })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect((await s.store.getEvent(c.ev.event.id))!.stream).toEqual(stream);
  });

  it('[STAGE3] with LiveKit configured, an attendee gets a subscribe-only token for the stage room that LiveKit would accept', async () => {
    const lk = await startTestServer({ env: LIVEKIT });
    try {
      const c = await cast(lk);
      await ok(c.mod.send('stage:setStream', { stream: { kind: 'livekit', roomName: 'northwind-stage' } }));
      const t = await ok(c.remote.send('stage:streamToken', {}));
      expect(t).toMatchObject({ url: LIVEKIT.LIVEKIT_URL, roomName: 'northwind-stage' });
      const claims = await new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(t.token);
      expect(claims).toMatchObject({ sub: c.remote.snapshot.me.id, name: 'Remy Remote' });
      expect(claims.video).toEqual({ roomJoin: true, room: 'northwind-stage', canSubscribe: true, canPublish: false, canPublishData: false });
      expect(claims.exp! - claims.nbf!).toBe(600);
      expect(await c.screen.send('stage:streamToken', {})).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    } finally {
      for (const x of open.splice(0)) x.close();
      await lk.close();
    }
  });
});
