import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type FactPayload } from '@rally/shared';
import { cmdId, connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
let ev: CreateEventResponse;
let mod: TestClient;
let att: TestClient;
let other: TestClient;

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

beforeEach(async () => {
  ev = await s.createEvent({ agenda: [{ id: 'keynote', title: 'Keynote', kind: 'keynote', startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] }] });
  const m = await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) });
  mod = await connectClient(s.url, m.token);
  att = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Att', team: 'EMEA', mode: 'remote' })).token);
  const otherOnline = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.name === 'Other'));
  other = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Other', mode: 'room' })).token);
  await otherOnline;
  return () => {
    for (const c of [mod, att, other]) c.close();
  };
});

/** Lets any broadcast in flight arrive before asserting that none did. */
const settle = () => sleep(150);

describe('command pipeline', () => {
  it('[PROTO5] every connection starts with a snapshot; staff snapshots carry presence, attendees\' do not', async () => {
    expect(att.received[0]?.fact).toBe('snapshot');
    expect(att.snapshot.event.code).toBe(ev.code);
    expect(att.snapshot.presence).toBeUndefined();
    const again = await mod.send('snapshot:request', {});
    expect(again.ok && again.data.presence?.online.map((p) => p.name).sort()).toEqual(['Att', 'Mod', 'Other']);
  });

  it('[PROTO2] a payload failing its schema gets BAD_REQUEST, changes nothing and broadcasts nothing', async () => {
    const before = mod.received.length;
    const r = await att.send('participant:update', { mode: 'moon' as never });
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    const extra = await att.send('participant:update', { mode: 'room', evil: true } as never);
    expect(extra.ok).toBe(false);
    const noId = await (att.socket.timeout(2000).emitWithAck as any)('participant:update', { mode: 'room' });
    expect(noId.ok).toBe(false);
    const notObject = await (att.socket.timeout(2000).emitWithAck as any)('participant:update', 'hello');
    expect(notObject.ok).toBe(false);
    await settle();
    expect(mod.received.slice(before)).toEqual([]);
    expect((await s.store.getParticipant(att.snapshot.me.id))?.mode).toBe('remote');
  });

  it('[ROLE1] an attendee sending a moderator command gets FORBIDDEN and nothing happens', async () => {
    const before = other.received.length;
    const r = await att.send('participant:ban', { participantId: other.snapshot.me.id, banned: true });
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const live = await att.send('session:setLive', { sessionId: 'keynote' });
    expect(live).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await settle();
    expect(other.socket.connected).toBe(true);
    expect(other.received.slice(before)).toEqual([]);
    expect((await s.store.getEvent(ev.event.id))?.liveSessionId).toBeNull();
  });

  it('[PROTO4] an unknown command with an ack gets BAD_REQUEST instead of a timeout', async () => {
    const r = await (att.socket.timeout(2000).emitWithAck as any)('poll:nuke', { id: cmdId() });
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it('[ID6] an attendee changes their own mode: ack to them, broadcast to moderators with new counts', async () => {
    const seen = mod.waitFor('participant:updated', (p) => p.id === att.snapshot.me.id);
    const presence = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.id === att.snapshot.me.id && c.participant.mode === 'room'));
    // [STAGE13] Switching to the room takes the code on the stage screen.
    const r = await att.send('participant:update', { mode: 'room', roomCode: s.roomCode(ev.event.id) });
    expect(r.ok && r.data.mode).toBe('room');
    expect((await seen).mode).toBe('room');
    expect((await presence).counts).toEqual({ room: 2, remote: 0 });
  });

  it('[PROTO3] a retried command id is applied once and answered with the first result', async () => {
    const id = cmdId();
    const first = await att.send('participant:update', { id, mode: 'room' });
    await settle();
    const updatesAfterFirst = mod.received.filter((f) => f.fact === 'participant:updated').length;
    const retry = await att.send('participant:update', { id, mode: 'room' });
    await settle();
    expect(retry).toEqual(first);
    expect(mod.received.filter((f) => f.fact === 'participant:updated').length).toBe(updatesAfterFirst);
  });

  it('[ID7] a moderator corrects a participant\'s mode; the participant is told', async () => {
    const told = other.waitFor('participant:updated');
    const r = await mod.send('participant:correct', { participantId: other.snapshot.me.id, mode: 'remote' });
    expect(r.ok).toBe(true);
    expect((await told).mode).toBe('remote');
  });

  it('[AG1] a moderator sets the live session; everyone gets event:updated; an unknown session is NOT_FOUND', async () => {
    const update = att.waitFor('event:updated');
    expect((await mod.send('session:setLive', { sessionId: 'keynote' })).ok).toBe(true);
    expect((await update).liveSessionId).toBe('keynote');
    expect(await mod.send('session:setLive', { sessionId: 'nope' })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('[ID8] a banned participant is disconnected, cannot reconnect and cannot rejoin with their token', async () => {
    const ended = att.waitFor('session:ended');
    const gone = new Promise<void>((r) => att.socket.once('disconnect', () => r()));
    const r = await mod.send('participant:ban', { participantId: att.snapshot.me.id, banned: true });
    expect(r.ok && r.data.banned).toBe(true);
    expect((await ended).reason).toBe('banned');
    await gone;
    const token = (att.socket.auth as { token: string }).token;
    const { expectConnectError } = await import('../helpers/test-server.js');
    expect((await expectConnectError(s.url, token)).data?.code).toBe(ErrorCode.BANNED);
    const rejoin = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Att', token }) });
    expect(rejoin.body.error.code).toBe(ErrorCode.BANNED);
  });

  it('[EDGE1] an oversized frame closes only that connection; the server and other clients carry on', async () => {
    const closed = new Promise<string>((r) => att.socket.once('disconnect', (reason) => r(reason)));
    (att.socket.emit as (...a: unknown[]) => void)('participant:update', { id: cmdId(), mode: 'room', pad: 'x'.repeat(20_000) } as never);
    await closed;
    expect((await s.store.getParticipant(att.snapshot.me.id))?.mode).toBe('remote');
    const r = await other.send('participant:update', { mode: 'remote' });
    expect(r.ok).toBe(true);
    expect((await s.api('/healthz')).status).toBe(200);
  });

  it('[EDGE4] [PROTO10] a participant flooding commands is rate limited with a typed error that says how long to wait', async () => {
    const results = await Promise.all(Array.from({ length: 45 }, () => other.send('snapshot:request', {})));
    const limited = results.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) } });
    const wait = (limited[0] as { error: { retryAfterMs: number } }).error.retryAfterMs;
    // The command budget is 30 per 10 s: the wait is positive and never longer than the window.
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(10_000);
  });
});

describe('presence', () => {
  it('[PRES1] moderators see an attendee come online and go offline, split room/remote', async () => {
    const j = await s.join({ code: ev.code, name: 'Newcomer', mode: 'room' });
    const online = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.name === 'Newcomer' && c.online));
    const c = await connectClient(s.url, j.token);
    expect((await online).counts).toEqual({ room: 2, remote: 1 });
    const offline = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.name === 'Newcomer' && !c.online));
    c.close();
    expect((await offline).counts).toEqual({ room: 1, remote: 1 });
  });

  it('[PRES2] two tabs of one participant count once; closing one keeps them online', async () => {
    const j = await s.join({ code: ev.code, name: 'Tabs', mode: 'remote' });
    const tab1 = await connectClient(s.url, j.token);
    const tab2 = await connectClient(s.url, j.token);
    tab1.close();
    await settle();
    const snap = await mod.send('snapshot:request', {});
    expect(snap.ok && snap.data.presence?.online.filter((p) => p.name === 'Tabs')).toHaveLength(1);
    const offline = (f: { fact: string; payload: unknown }) =>
      f.fact === 'presence:changed' && (f.payload as FactPayload<'presence:changed'>).changes.some((c) => c.participant.name === 'Tabs' && !c.online);
    expect(mod.received.some(offline)).toBe(false);
    tab2.close();
  });
});
