import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@rally/shared';
import { connectClient, startTestServer, type TestServer } from '../helpers/test-server.js';
import { rooms } from '../../src/realtime/publisher.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('shared-frame fan-out', () => {
  it('[PROTO12] room broadcasts and per-socket packets reach each socket once, in the order they were sent', async () => {
    const ev = await s.createEvent();
    const [ja, jb] = await Promise.all([s.join({ code: ev.code, name: 'Ada' }), s.join({ code: ev.code, name: 'Bo' })]);
    const [a, b] = await Promise.all([connectClient(s.url, ja.token), connectClient(s.url, jb.token)]);
    const serverA = [...s.app.io.sockets.sockets.values()].find((x) => x.data.participantId === ja.participant.id)!;
    const io = s.app.io as any;
    const transport = (serverA as any).conn.transport;
    // A backed-up client: engine.io marks its transport unwritable while a write is in flight and
    // queues what follows. Held here for the burst, then released as the write's completion would.
    transport.writable = false;
    const sentToA: number[] = [];
    const sentToB: number[] = [];
    for (let i = 0; i < 60; i++) {
      if (i === 30) {
        transport.writable = true;
        transport.emit('drain');
      }
      if (i % 4 === 1) {
        // Engine.io's per-socket path, as an ack takes it (an emit to one socket is a broadcast to
        // its own room when recovery is on, so it would take the shared-frame path too).
        (serverA as any).client._packet({ type: 2, nsp: '/', data: ['test:seq', i] });
        sentToA.push(i);
      } else {
        io.to(rooms.event(ev.event.id)).emit('test:seq', i);
        sentToA.push(i);
        sentToB.push(i);
      }
    }
    const seq = (c: typeof a) => c.received.filter((r) => (r.fact as string) === 'test:seq').map((r) => r.payload as number);
    await until(() => seq(a).length >= sentToA.length && seq(b).length >= sentToB.length);
    await new Promise((r) => setTimeout(r, 50)); // anything extra would arrive now
    expect(seq(a)).toEqual(sentToA);
    expect(seq(b)).toEqual(sentToB);
    a.close();
    b.close();
  });

  it('[PROTO12] a client on HTTP long-polling (no WebSocket) still gets every broadcast', async () => {
    const ev = await s.createEvent();
    const j = await s.join({ code: ev.code, name: 'Proxy-bound' });
    const socket = ioc(s.url, { auth: { token: j.token, protocolVersion: PROTOCOL_VERSION }, transports: ['polling'], forceNew: true, reconnection: false });
    const got: number[] = [];
    socket.on('test:seq' as any, (i: number) => got.push(i));
    await new Promise<void>((r) => socket.once('snapshot' as any, () => r()));
    for (let i = 0; i < 10; i++) (s.app.io as any).to(rooms.event(ev.event.id)).emit('test:seq', i);
    await until(() => got.length >= 10);
    expect(got).toEqual([...Array(10).keys()]);
    socket.disconnect();
  });
});
