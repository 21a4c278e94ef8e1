import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, PROTOCOL_VERSION } from '@rally/shared';
import { connectClient, expectConnectError, keyOf, startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('events over REST', () => {
  it('[EV3] creating an event needs the admin token', async () => {
    const r = await s.api('/api/events', { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(ErrorCode.UNAUTHORIZED);
    const wrong = await s.api('/api/events', { method: 'POST', body: JSON.stringify({ name: 'x' }), headers: { authorization: 'Bearer nope-nope-nope-nope' } });
    expect(wrong.status).toBe(401);
  });

  it('[EV1] a new event has a join code from the unambiguous alphabet and four role links', async () => {
    const ev = await s.createEvent({ name: 'SKO' });
    expect(ev.code).toHaveLength(JOIN_CODE_LENGTH);
    for (const ch of ev.code) expect(JOIN_CODE_ALPHABET).toContain(ch);
    expect(ev.links.attendee).toContain(`/j/${ev.code}`);
    for (const role of ['presenter', 'moderator', 'stage'] as const) {
      expect(ev.links[role]).toContain(`/e/${ev.code}/${role}#key=`);
      expect(keyOf(ev.links[role]).length).toBeGreaterThanOrEqual(16);
    }
    // The three keys are distinct secrets.
    expect(new Set([keyOf(ev.links.presenter), keyOf(ev.links.moderator), keyOf(ev.links.stage)]).size).toBe(3);
  });

  it('[EV4] a bad event body is a typed 400 and creates nothing', async () => {
    const before = (await s.api('/api/events', { admin: true })).body.events.length;
    const r = await s.api('/api/events', { method: 'POST', admin: true, body: JSON.stringify({ name: '', extra: 1 }) });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(ErrorCode.BAD_REQUEST);
    expect((await s.api('/api/events', { admin: true })).body.events.length).toBe(before);
  });

  it('[EDGE2] a JSON body over the limit is refused with 413, malformed JSON with 400', async () => {
    const big = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(100_000) }) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    const bad = await s.api('/api/join', { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('[OPS1] /healthz answers and /readyz reports the store reachable', async () => {
    expect((await s.api('/healthz')).body.ok).toBe(true);
    const ready = await s.api('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.store).toBe('sqlite');
  });
});

describe('join and identity', () => {
  it('[ID1] joining with a code and a name gives an attendee and a token; the code is case-insensitive', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code.toLowerCase(), name: '  Ada  ', team: 'EMEA', mode: 'room' });
    expect(j.participant).toMatchObject({ name: 'Ada', role: 'attendee', mode: 'room', team: 'EMEA', banned: false, eventId: ev.event.id });
    expect(j.token.split('.')).toHaveLength(3);
  });

  it('[ID5] an unknown join code is a clear NOT_FOUND; a malformed one a BAD_REQUEST', async () => {
    const unknown = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: 'AAAAAA', name: 'x' }) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe(ErrorCode.NOT_FOUND);
    expect(unknown.body.error.message).toContain('AAAAAA');
    const bad = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: 'O0', name: 'x' }) });
    expect(bad.status).toBe(400);
  });

  it('[ID4] a team outside the event\'s teams is refused', async () => {
    const ev = await s.createEvent();
    const r = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'x', team: 'Mars' }) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('Mars');
  });

  it('[ID2] a key from an organiser link grants its role; an unknown key is FORBIDDEN', async () => {
    const ev = await s.createEvent();
    expect((await s.join({ code: ev.code, name: 'P', key: keyOf(ev.links.presenter) })).participant.role).toBe('presenter');
    expect((await s.join({ code: ev.code, name: 'M', key: keyOf(ev.links.moderator) })).participant.role).toBe('moderator');
    expect((await s.join({ code: ev.code, name: 'S', key: keyOf(ev.links.stage) })).participant.role).toBe('screen');
    const r = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'x', key: 'not-the-right-key-at-all' }) });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('[ID3] joining again with the token resumes the same participant; so does a socket reconnect', async () => {
    const ev = await s.createEvent();
    const first = await s.join({ code: ev.code, name: 'Grace', mode: 'remote' });
    const again = await s.join({ code: ev.code, name: 'Grace', mode: 'remote', token: first.token });
    expect(again.participant.id).toBe(first.participant.id);
    const c1 = await connectClient(s.url, first.token);
    expect(c1.snapshot.me.id).toBe(first.participant.id);
    c1.close();
    const c2 = await connectClient(s.url, first.token);
    expect(c2.snapshot.me.id).toBe(first.participant.id);
    c2.close();
    const all = await s.store.listParticipants(ev.event.id);
    expect(all.filter((p) => p.name === 'Grace')).toHaveLength(1);
  });
});

describe('handshake', () => {
  it('[PROTO1] a client on another protocol version is refused with PROTOCOL_MISMATCH and told to reload', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'old tab' });
    const err = await expectConnectError(s.url, j.token, { protocolVersion: PROTOCOL_VERSION + 1 });
    expect(err.data?.code).toBe(ErrorCode.PROTOCOL_MISMATCH);
    expect(err.message.toLowerCase()).toContain('reload');
  });

  it('[EV2] rotating the keys revokes the old links and the old privileged tokens, not attendees', async () => {
    const ev = await s.createEvent();
    const mod = await s.join({ code: ev.code, name: 'M', key: keyOf(ev.links.moderator) });
    const att = await s.join({ code: ev.code, name: 'A' });
    const liveMod = await connectClient(s.url, mod.token);
    const told = liveMod.waitFor('session:ended');
    const kicked = new Promise<void>((r) => liveMod.socket.once('disconnect', () => r()));
    const rotated = await s.api(`/api/events/${ev.event.id}/keys/rotate`, { method: 'POST', admin: true });
    expect(rotated.status).toBe(200);
    expect(keyOf(rotated.body.links.moderator)).not.toBe(keyOf(ev.links.moderator));
    expect((await told).reason).toBe('keys-rotated');
    await kicked;
    expect((await expectConnectError(s.url, mod.token)).data?.code).toBe(ErrorCode.UNAUTHORIZED);
    const old = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'M2', key: keyOf(ev.links.moderator) }) });
    expect(old.status).toBe(403);
    const fresh = await s.join({ code: ev.code, name: 'M3', key: keyOf(rotated.body.links.moderator) });
    expect(fresh.participant.role).toBe('moderator');
    const a = await connectClient(s.url, att.token);
    expect(a.snapshot.me.role).toBe('attendee');
    a.close();
  });
});
