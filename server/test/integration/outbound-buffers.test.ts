import { afterEach, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { PROTOCOL_VERSION, type AgendaSession, type PublicEvent, type Snapshot } from '@rally/shared';
import { connectClient, sleep, startTestServer, type ClientSocket, type TestClient, type TestServer } from '../helpers/test-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { ok } from '../helpers/acks.js';

/**
 * [REL10]–[REL14] Bounded per-client buffers, with real sockets: a client behind a TCP proxy that
 * stops passing bytes (its kernel buffers fill, then the server's), while the event goes on.
 * The bulk traffic is the agenda (event:updated, a must-arrive fact of ~50 kB to every socket), so a
 * few dozen updates get past the ~4 MB the kernel buffers on loopback; reaction bursts are the
 * volatile traffic.
 */
const KB = 1024;

let server: TestServer | undefined;
let proxy: TcpProxy | undefined;
const sockets: ClientSocket[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.disconnect();
  await proxy?.close();
  proxy = undefined;
  await server?.close();
  server = undefined;
});

/** An agenda of ~50 kB whose first title carries `n`, so each update is told apart. */
function agenda(n: number): AgendaSession[] {
  return Array.from({ length: 48 }, (_, i) => ({
    id: `s${i}`,
    title: `${i === 0 ? `update ${n} ` : ''}Session ${i} `.padEnd(110, 'x'),
    kind: 'keynote' as const,
    startsAt: new Date(Date.UTC(2030, 0, 1, 9, i)).toISOString(),
    endsAt: new Date(Date.UTC(2030, 0, 1, 9, i + 1)).toISOString(),
    speakers: Array.from({ length: 10 }, (_, k) => `Speaker ${k} `.padEnd(78, 'y')),
  }));
}

async function setup(env: Record<string, string>) {
  server = await startTestServer({ env, app: { stage: { burstIntervalMs: 50 } } });
  const s = server;
  const ev = await s.createEvent();
  proxy = await startTcpProxy(Number(new URL(s.url).port));
  const join = (name: string) => s.join({ code: ev.code, name, team: 'EMEA', mode: 'remote' });
  const stalledJoin = await join('Frozen Tab');
  const healthy = await Promise.all(['Hana', 'Ivo'].map(async (n) => connectClient(s.url, (await join(n)).token)));
  clients.push(...healthy);
  let updates = 0;
  const put = async () => {
    const n = ++updates;
    const r = await s.api(`/api/events/${ev.event.id}/agenda`, { method: 'PUT', admin: true, body: JSON.stringify({ agenda: agenda(n) }) });
    expect(r.status).toBe(200);
    return n;
  };
  /** The server's own socket of the stalled participant, if connected. */
  const serverSocket = () => [...s.app.io.of('/').sockets.values()].find((x) => x.data.participantId === stalledJoin.participant.id);
  const queued = () => {
    const sock = serverSocket();
    return sock ? s.app.outbound.queuedBytes(sock.conn as never) : 0;
  };
  return { s, ev, stalledJoin, healthy, put, serverSocket, queued, updates: () => updates };
}

/** Every event:updated a client got, as the update numbers in its first title. */
const agendaUpdates = (received: { fact: string; payload: unknown }[]) =>
  received.filter((r) => r.fact === 'event:updated').map((r) => Number(/update (\d+)/.exec((r.payload as PublicEvent).agenda[0]?.title ?? '')?.[1]));

describe('bounded per-client buffers', () => {
  it('[REL11] [REL14] past the volatile cap a stalled socket misses reaction bursts but keeps every must-arrive fact; healthy clients get everything', async () => {
    const t = await setup({ OUTBOUND_VOLATILE_LIMIT_BYTES: String(64 * KB), OUTBOUND_LIMIT_BYTES: String(256 * 1024 * KB), OUTBOUND_STALL_MS: '600000' });
    const stalled = await connectClient(proxy!.url, t.stalledJoin.token);
    clients.push(stalled);
    proxy!.pause();
    while (t.queued() <= 64 * KB) await t.put();
    expect(t.serverSocket()).toBeDefined();

    const before = t.s.app.outbound.stats().droppedVolatile;
    const burst = t.healthy[1]!.waitFor('reaction:aggregated', undefined, 3000);
    await ok(t.healthy[0]!.send('reaction:send', { emoji: '👏' }));
    await burst;
    await sleep(150);
    expect(t.s.app.outbound.stats().droppedVolatile).toBeGreaterThan(before);
    const last = await t.put();

    proxy!.resume();
    await stalled.waitFor('event:updated', (e) => e.agenda[0]!.title.startsWith(`update ${last} `), 20_000);
    // Every agenda update arrived, in order, and no burst (all were sent while it was over the cap).
    const all = Array.from({ length: last }, (_, i) => i + 1);
    expect(agendaUpdates(stalled.received)).toEqual(all);
    expect(stalled.received.some((r) => r.fact === 'reaction:aggregated')).toBe(false);
    expect(stalled.socket.connected).toBe(true);
    for (const h of t.healthy) {
      expect(agendaUpdates(h.received)).toEqual(all);
      expect(h.received.some((r) => r.fact === 'reaction:aggregated')).toBe(true);
      expect(h.socket.connected).toBe(true);
    }
    expect(t.s.app.outbound.stats().disconnected).toBe(0);
  }, 60_000);

  it('[REL10] [REL12] [REL13] [REL14] a stalled socket never holds more than its cap; past it, it is disconnected and returns to a fresh snapshot', async () => {
    const limit = 256 * KB;
    const t = await setup({ OUTBOUND_VOLATILE_LIMIT_BYTES: String(64 * KB), OUTBOUND_LIMIT_BYTES: String(limit), OUTBOUND_STALL_MS: '600000' });
    // A client as the web client is: it reconnects by itself, trying recovery first.
    const stalled: ClientSocket = ioc(proxy!.url, { auth: { token: t.stalledJoin.token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    sockets.push(stalled);
    const snapshots: { snapshot: Snapshot; recovered: boolean }[] = [];
    stalled.on('snapshot', (snap: Snapshot) => snapshots.push({ snapshot: snap, recovered: stalled.recovered }));
    while (snapshots.length === 0) await sleep(20);

    proxy!.pause();
    let max = 0;
    let frame = 0;
    for (let i = 0; i < 400 && t.serverSocket(); i++) {
      const q0 = t.queued();
      await t.put();
      frame = Math.max(frame, t.queued() - q0);
      max = Math.max(max, t.queued());
    }
    // Disconnected by the server once over the cap, having held at most the cap plus the frame that crossed it.
    expect(t.serverSocket()).toBeUndefined();
    expect(max).toBeGreaterThan(64 * KB);
    expect(max).toBeLessThanOrEqual(limit + frame);
    expect(t.s.app.outbound.stats().disconnected).toBe(1);

    // The event goes on while it is away; then its network comes back.
    const latest = await t.put();
    proxy!.resume();
    const deadline = Date.now() + 20_000;
    while (snapshots.length < 2 && Date.now() < deadline) await sleep(50);
    const back = snapshots.at(-1)!;
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    // No recovery session was kept: a fresh connection, whose snapshot already has the latest agenda.
    expect(back.recovered).toBe(false);
    expect(back.snapshot.event.agenda[0]!.title.startsWith(`update ${latest} `)).toBe(true);
    for (const h of t.healthy) {
      expect(agendaUpdates(h.received)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
      expect(h.socket.connected).toBe(true);
    }
  }, 90_000);

  it('[REL12] a socket that stays over the volatile cap longer than the stall time is disconnected', async () => {
    const t = await setup({ OUTBOUND_VOLATILE_LIMIT_BYTES: String(64 * KB), OUTBOUND_LIMIT_BYTES: String(256 * 1024 * KB), OUTBOUND_STALL_MS: '1000' });
    const stalled = await connectClient(proxy!.url, t.stalledJoin.token);
    clients.push(stalled);
    proxy!.pause();
    while (t.queued() <= 64 * KB) await t.put();
    await t.put();
    expect(t.serverSocket()).toBeDefined();
    await sleep(1100);
    await t.put();
    await sleep(50);
    expect(t.serverSocket()).toBeUndefined();
    expect(t.s.app.outbound.stats().disconnected).toBe(1);
    for (const h of t.healthy) expect(h.socket.connected).toBe(true);
  }, 60_000);

  it('[REL10] answers to commands count too: a client that keeps asking for snapshots without reading them is cut off at the cap', async () => {
    const limit = 256 * KB;
    const t = await setup({ OUTBOUND_VOLATILE_LIMIT_BYTES: String(64 * KB), OUTBOUND_LIMIT_BYTES: String(limit), OUTBOUND_STALL_MS: '600000' });
    // This one stops reading but still sends (a frozen tab's socket): its own TCP socket is paused.
    const stalled = await connectClient(t.s.url, t.stalledJoin.token);
    clients.push(stalled);
    (stalled.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
    // The agenda fills the kernel's buffers and a little more; then only answers are written to it.
    while (t.queued() <= 64 * KB) await t.put();
    const snapshotBytes = JSON.stringify(await t.healthy[0]!.send('snapshot:request', {})).length;
    let max = 0;
    for (let i = 0; i < 20 && t.serverSocket(); i++) {
      stalled.socket.emit('snapshot:request', { id: `snap-request-${i}` }, () => {});
      await sleep(100);
      max = Math.max(max, t.queued());
    }
    expect(t.serverSocket()).toBeUndefined();
    expect(t.s.app.outbound.stats().disconnected).toBe(1);
    expect(max).toBeLessThanOrEqual(limit + snapshotBytes);
    for (const h of t.healthy) expect(h.socket.connected).toBe(true);
  }, 60_000);
});
