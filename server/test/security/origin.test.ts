import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION } from '@rally/shared';
import { connectClient, sleep, startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ env: { ALLOWED_ORIGINS: 'http://localhost:5173' } });
});
afterAll(() => s.close());

/** A handshake as a page on `origin` would make it, over one transport; what the client sees. */
function handshake(token: string, origin: string, transport: 'websocket' | 'polling') {
  return new Promise<{ data?: { code: string; message: string }; facts: string[] }>((resolve, reject) => {
    const facts: string[] = [];
    const socket = ioc(s.url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: [transport], forceNew: true, reconnection: false, extraHeaders: { origin } });
    socket.onAny((fact: string) => facts.push(fact));
    socket.on('connect', () => {
      socket.disconnect();
      reject(new Error('expected the handshake to be refused'));
    });
    socket.on('connect_error', (err: Error & { data?: { code: string; message: string } }) => {
      // Anything the server sent after the refusal would arrive now.
      void sleep(100).then(() => {
        socket.disconnect();
        resolve({ ...(err.data ? { data: err.data } : {}), facts });
      });
    });
  });
}

describe('Origin', () => {
  it('[EDGE3] [SEC30] a page on a foreign Origin gets the typed ORIGIN_REJECTED connect error over either transport, and no snapshot', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'victim' });
    for (const transport of ['websocket', 'polling'] as const) {
      const r = await handshake(j.token, 'https://evil.example', transport);
      expect(r.data?.code, transport).toBe(ErrorCode.ORIGIN_REJECTED);
      expect(r.data?.message).toBeTruthy();
      expect(r.facts, transport).toEqual([]);
    }
    // The refusal wrote nothing: the participant never came online.
    expect((await s.store.presenceCounts(ev.event.id))).toMatchObject({ room: 0, remote: 0 });
  });

  it('[EDGE3] [CFG5] [SEC30] the public URL\'s origin, an ALLOWED_ORIGINS origin and a client without Origin connect', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'x' });
    for (const origin of ['http://localhost:3000', 'http://localhost:5173']) {
      const c = await connectClient(s.url, j.token, { extraHeaders: { origin } });
      expect(c.snapshot.me.id).toBe(j.participant.id);
      c.close();
    }
    const bare = await connectClient(s.url, j.token);
    expect(bare.snapshot.me.id).toBe(j.participant.id);
    bare.close();
  });
});
