import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION, type Snapshot } from '@rally/shared';
import { keyOf, startTestServer, type ClientSocket, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** A client that reconnects by itself, as the browser's does. */
function reconnectingClient(token: string): ClientSocket {
  return ioc(s.url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnectionDelay: 300, reconnectionDelayMax: 300 });
}

describe('connection state recovery', () => {
  it('[PROTO5] a dropped connection comes back recovered and still starts with a fresh snapshot', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'Flaky wifi' });
    const socket = reconnectingClient(j.token);
    const snapshots: Snapshot[] = [];
    const second = new Promise<void>((resolve) => {
      socket.on('snapshot', (snap) => {
        snapshots.push(snap);
        if (snapshots.length === 2) resolve();
      });
    });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // Recovery resumes from the last kept broadcast the client got ([PROTO13]: the snapshot itself
    // is not kept), so the event hears something first, as any live event does.
    const renamed = new Promise<void>((r) => socket.once('event:updated', () => r()));
    expect((await s.api(`/api/events/${ev.event.id}`, { method: 'PATCH', admin: true, body: JSON.stringify({ name: 'Renamed SKO' }) })).status).toBe(200);
    await renamed;
    socket.io.engine.close(); // a network drop, not a deliberate disconnect: recovery applies
    await second;
    expect(socket.recovered).toBe(true);
    expect(snapshots[1]?.me.id).toBe(j.participant.id);
    socket.disconnect();
  });

  it('[AUTH3] recovery does not skip the handshake checks: a moderator whose key was rotated meanwhile is refused', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) });
    const socket = reconnectingClient(j.token);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const refused = new Promise<{ code?: string }>((resolve) => socket.once('connect_error', (err: Error & { data?: { code: string } }) => resolve(err.data ?? {})));
    socket.io.engine.close();
    const rotated = await s.api(`/api/events/${ev.event.id}/keys/rotate`, { method: 'POST', admin: true });
    expect(rotated.status).toBe(200);
    expect((await refused).code).toBe(ErrorCode.UNAUTHORIZED);
    socket.disconnect();
  });
});
