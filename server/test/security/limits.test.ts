import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION } from '@rally/shared';
import { MAX_FRAME_BYTES } from '../../src/app.js';
import { TEST_ADMIN, cmdId, connectClient, startTestServer, type TestServer } from '../helpers/test-server.js';
import { roleFixture, type RoleFixture } from './fixture.js';
import { embedded } from './targets.js';

let s: TestServer;
let f: RoleFixture;
beforeAll(async () => {
  s = await startTestServer();
  f = await roleFixture(embedded(s));
});
afterAll(async () => {
  f?.close();
  await s?.close();
});

/** A raw POST/PUT with a body of `bytes` bytes, as a script would send it. */
async function send(path: string, method: string, contentType: string, body: string, admin = true) {
  const res = await fetch(s.url + path, { method, body, headers: { 'content-type': contentType, ...(admin ? { authorization: `Bearer ${TEST_ADMIN}` } : {}) } });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, body: json };
}

describe('frames and bodies over the limits', () => {
  it('[EDGE1] [SEC36] a frame over the limit closes that connection, over WebSocket and long-polling; nothing changes and others carry on', async () => {
    await f.reserve({ moderator: 3, attendee: 2 });
    const before = await f.staffState();
    const bystander = await f.sender('attendee');
    for (const transport of ['websocket', 'polling'] as const) {
      const { token } = await s.join({ code: (before as { event: { code: string } }).event.code, name: `big ${transport}`, mode: 'remote' });
      const c = ioc(s.url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: [transport], forceNew: true, reconnection: false });
      await new Promise<void>((r, e) => {
        c.once('snapshot', () => r());
        c.once('connect_error', e);
      });
      const closed = new Promise<string>((r) => c.once('disconnect', (reason) => r(reason)));
      c.emit('chat:send', { id: cmdId(), text: 'x'.repeat(MAX_FRAME_BYTES + 1024) });
      expect(await closed, transport).toMatch(/transport (close|error)/);
      c.close();
    }
    expect(bystander.socket.connected).toBe(true);
    expect((await bystander.send('snapshot:request', {})).ok).toBe(true);
    expect(await f.staffState()).toEqual(before);
  });

  it('[SEC36] a frame within the limit carrying text over the schema\'s limits is a typed BAD_REQUEST that changes nothing', async () => {
    await f.reserve({ moderator: 2, attendee: 2 });
    const before = await f.staffState();
    const a = await f.sender('attendee');
    for (const [name, payload] of [
      ['chat:send', { text: 'y'.repeat(MAX_FRAME_BYTES / 2) }],
      ['question:submit', { text: 'y'.repeat(MAX_FRAME_BYTES / 2), anonymous: false }],
    ] as const) {
      expect(await a.send(name, payload as never), name).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    }
    expect(await f.staffState()).toEqual(before);
  });

  it('[EDGE2] [SEC37] every body over its route\'s limit is a typed 413 that creates nothing: JSON, quiz authoring and import, attendee lists, the LiveKit webhook', async () => {
    const eventsBefore = (await s.store.listEvents()).length;
    const quizzesBefore = (await s.api(`/api/events/${f.eventId}/quizzes`, { admin: true })).body;
    const cases: [string, string, string, string, boolean][] = [
      ['/api/join', 'POST', 'application/json', JSON.stringify({ code: 'ABCDEF', name: 'x'.repeat(100_000) }), false],
      ['/api/events', 'POST', 'application/json', JSON.stringify({ name: 'Big', teams: Array.from({ length: 8000 }, (_, i) => `team ${i}`) }), true],
      [`/api/events/${f.eventId}/quizzes`, 'POST', 'application/json', JSON.stringify({ title: 'q', pad: 'x'.repeat(600_000) }), true],
      [`/api/events/${f.eventId}/quizzes/import`, 'POST', 'text/csv', 'question,answer\n'.repeat(40_000), true],
      [`/api/events/${f.eventId}/roster`, 'PUT', 'text/csv', 'email,name\n'.repeat(500_000), true],
      ['/api/livekit/webhook', 'POST', 'application/webhook+json', 'x'.repeat(300_000), false],
    ];
    for (const [path, method, type, body, admin] of cases) {
      const r = await send(path, method, type, body, admin);
      expect(r.status, path).toBe(413);
      expect(r.body?.error?.code, path).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    }
    expect((await s.store.listEvents()).length).toBe(eventsBefore);
    expect((await s.api(`/api/events/${f.eventId}/quizzes`, { admin: true })).body).toEqual(quizzesBefore);
    expect((await s.api('/healthz')).status).toBe(200);
  });
});
