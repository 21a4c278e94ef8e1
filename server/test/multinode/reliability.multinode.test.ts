import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { PROTOCOL_VERSION, type AgendaSession, type CreateEventResponse, type EngagementPage, type JoinResponse, type PublicEvent, type ReactionBurst, type Snapshot } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { TEST_ADMIN, keyOf, sleep, trackedConnect, type ClientSocket, type TestClient } from '../helpers/test-server.js';

/**
 * Reliability across real processes: [REL17] a retried reaction landing on another node is not
 * applied again; [REL15] a stalled socket is capped the same way when the facts come from another
 * node (through the Redis stream), and returns to a fresh snapshot.
 */
const KB = 1024;
const LIMIT = 256 * KB;
let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
let proxy: TcpProxy | undefined;
const clients: TestClient[] = [];
const sockets: ClientSocket[] = [];
const connect = trackedConnect(clients);
const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, env: { OUTBOUND_VOLATILE_LIMIT_BYTES: String(64 * KB), OUTBOUND_LIMIT_BYTES: String(LIMIT), OUTBOUND_STALL_MS: '600000' } });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster reliability SKO', teams: [], agenda: [] }, true);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of sockets) s.disconnect();
  await proxy?.close();
  await cluster?.stop();
});

describe('reliability across nodes', () => {
  it('[REL17] a reaction retried on another node with the same command id is applied once', async () => {
    const modToken = (await join(A, { name: 'Mod', key: keyOf(ev.links.moderator) })).token;
    const screen = await connect(A, (await join(A, { name: 'Stage', key: keyOf(ev.links.stage) })).token);
    const bursts: ReactionBurst[] = [];
    screen.socket.on('reaction:aggregated', (b) => bursts.push(b));
    const total = () => bursts.reduce((n, b) => n + b.room + b.remote, 0);
    const j = await join(A, { name: 'Two Tabs', mode: 'remote' });
    const onA = await connect(A, j.token);
    const onB = await connect(B, j.token);
    const id = 'reaction-across-nodes';
    // The first attempt on A; its retries on B, one racing another on A.
    expect(await onA.send('reaction:send', { id, emoji: '🎉' })).toEqual({ ok: true, data: { emoji: '🎉' } });
    const retries = await Promise.all([onB.send('reaction:send', { id, emoji: '🎉' }), onA.send('reaction:send', { id, emoji: '🎉' }), onB.send('reaction:send', { id, emoji: '🎉' })]);
    for (const r of retries) expect(r).toEqual({ ok: true, data: { emoji: '🎉' } });
    // A different id from the same person still counts.
    expect((await onB.send('reaction:send', { id: 'another-reaction', emoji: '🎉' })).ok).toBe(true);

    const reacted = async () => {
      const r = await fetch(`${A}/api/events/${ev.event.id}/engagement/log?limit=500`, { headers: { authorization: `Bearer ${modToken}` } });
      return ((await r.json()) as EngagementPage).entries.filter((e) => e.kind === 'reacted' && e.participantId === j.participant.id);
    };
    const deadline = Date.now() + 5000;
    while ((total() < 2 || (await reacted()).length < 2) && Date.now() < deadline) await sleep(100);
    await sleep(700);
    expect(total()).toBe(2);
    expect(await reacted()).toHaveLength(2);
  });

  it('[REL19] a reaction refused over the budget on one node is applied once when retried on the other', async () => {
    const screen = await connect(A, (await join(A, { name: 'Stage 2', key: keyOf(ev.links.stage) })).token);
    const bursts: ReactionBurst[] = [];
    screen.socket.on('reaction:aggregated', (b) => bursts.push(b));
    const total = () => bursts.reduce((n, b) => n + b.room + b.remote, 0);
    const j = await join(A, { name: 'Eager', mode: 'remote' });
    const onA = await connect(A, j.token);
    const onB = await connect(B, j.token);
    for (let i = 0; i < 10; i++) expect((await onA.send('reaction:send', { emoji: '💡' })).ok).toBe(true);
    const refused = await onA.send('reaction:send', { id: 'refused-then-retried', emoji: '💡' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await sleep(((refused as { error: { retryAfterMs?: number } }).error.retryAfterMs ?? 10_000) + 100);
    expect(await onB.send('reaction:send', { id: 'refused-then-retried', emoji: '💡' })).toEqual({ ok: true, data: { emoji: '💡' } });
    expect(await onA.send('reaction:send', { id: 'refused-then-retried', emoji: '💡' })).toEqual({ ok: true, data: { emoji: '💡' } });
    const deadline = Date.now() + 5000;
    while (total() < 11 && Date.now() < deadline) await sleep(100);
    await sleep(700);
    expect(total()).toBe(11);
  }, 30_000);

  it('[REL15] a stalled socket on one node is capped and disconnected while facts come from the other, and returns to a fresh snapshot', async () => {
    const agenda = (n: number): AgendaSession[] =>
      Array.from({ length: 48 }, (_, i) => ({
        id: `s${i}`,
        title: `${i === 0 ? `update ${n} ` : ''}Session ${i} `.padEnd(110, 'x'),
        kind: 'keynote' as const,
        startsAt: new Date(Date.UTC(2030, 0, 1, 9, i)).toISOString(),
        endsAt: new Date(Date.UTC(2030, 0, 1, 9, i + 1)).toISOString(),
        speakers: Array.from({ length: 10 }, (_, k) => `Speaker ${k} `.padEnd(78, 'y')),
      }));
    let updates = 0;
    const putOnA = async () => {
      const n = ++updates;
      const r = await fetch(`${A}/api/events/${ev.event.id}/agenda`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN}` }, body: JSON.stringify({ agenda: agenda(n) }) });
      expect(r.status).toBe(200);
      return n;
    };
    const healthy = await connect(B, (await join(B, { name: 'Healthy on B', mode: 'remote' })).token);
    proxy = await startTcpProxy(Number(new URL(B).port));
    const stalledJoin = await join(B, { name: 'Frozen on B', mode: 'remote' });
    const stalled: ClientSocket = ioc(proxy.url, { auth: { token: stalledJoin.token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    sockets.push(stalled);
    const snapshots: { snapshot: Snapshot; recovered: boolean }[] = [];
    stalled.on('snapshot', (snap: Snapshot) => snapshots.push({ snapshot: snap, recovered: stalled.recovered }));
    while (snapshots.length === 0) await sleep(20);

    proxy.pause();
    const cutLines = () => cluster.nodes[1]!.output().split('\n').filter((l) => l.includes('too much waiting to be written'));
    for (let i = 0; i < 400 && cutLines().length === 0; i++) {
      await putOnA();
      await sleep(10);
    }
    const cut = cutLines();
    expect(cut).toHaveLength(1);
    // What node B held for the socket when it cut it off: over the cap by less than one agenda frame.
    const queuedBytes = Number(/"queuedBytes":(\d+)/.exec(cut[0]!)?.[1]);
    expect(queuedBytes).toBeGreaterThan(LIMIT);
    expect(queuedBytes).toBeLessThan(LIMIT + 64 * KB);

    const latest = await putOnA();
    proxy.resume();
    const deadline = Date.now() + 20_000;
    while (snapshots.length < 2 && Date.now() < deadline) await sleep(50);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots.at(-1)!.recovered).toBe(false);
    expect(snapshots.at(-1)!.snapshot.event.agenda[0]!.title.startsWith(`update ${latest} `)).toBe(true);
    // The healthy client on the same node got every update, in order.
    const seen = () => healthy.received.filter((r) => r.fact === 'event:updated').map((r) => Number(/update (\d+)/.exec((r.payload as PublicEvent).agenda[0]!.title)?.[1]));
    while (seen().at(-1) !== latest && Date.now() < deadline) await sleep(50);
    expect(seen()).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
    expect(healthy.socket.connected).toBe(true);
  }, 120_000);
});
