import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type JoinResponse, type ReactionBurst } from '@rally/shared';
import { postJson as post, clusterRoomCode, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });

const connect = trackedConnect(clients);


const texts = (c: TestClient, from: number) => c.received.slice(from).filter((f) => f.fact === 'announcement:posted').map((f) => (f.payload as { text: string }).text);

let mod: TestClient;
let screen: TestClient;
/** Remote on node B, but switching to the room through node A. */
let mover: TestClient;
let moverOnA: TestClient;
let roomOnB: TestClient;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster stage SKO', teams: [], agenda: [] }, true);
  mod = await connect(A, (await join(A, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
  screen = await connect(A, (await join(A, { name: 'Stage on A', key: keyOf(ev.links.stage) })).token);
  const m = await join(B, { name: 'Mover', mode: 'remote' });
  mover = await connect(B, m.token);
  moverOnA = await connect(A, m.token);
  roomOnB = await connect(B, (await join(B, { name: 'Room on B', mode: 'room', roomCode: clusterRoomCode(ev.event.id) })).token);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

describe('the stage across nodes', () => {
  it('[STAGE1] [STAGE12] every node accepts the room code the stage screen shows, whichever node serves it', async () => {
    expect(screen.snapshot.stage?.roomCode?.code).toBe(clusterRoomCode(ev.event.id));
    expect(roomOnB.snapshot.me.mode).toBe('room');
    const onA = await join(A, { name: 'Scanner on A', roomCode: screen.snapshot.stage!.roomCode!.code });
    expect(onA.participant.mode).toBe('room');
  });

  it('[STAGE16] announcements reach exactly their cohort on both nodes, and a mode change made on one node moves the sockets on the other', async () => {
    const marks = [mover, moverOnA, roomOnB, screen].map((c) => c.received.length);
    await ok(mod.send('announcement:send', { text: 'For the room', audience: 'room' }));
    await ok(mod.send('announcement:send', { text: 'For remote', audience: 'remote' }));
    // The switch is made through node A; the participant's tab on node B must follow.
    const told = mover.waitFor('participant:updated', (p) => p.mode === 'room');
    await ok(moverOnA.send('participant:update', { mode: 'room', roomCode: clusterRoomCode(ev.event.id) }));
    await told;
    await sleep(300);
    await ok(mod.send('announcement:send', { text: 'Room, after the switch', audience: 'room' }));
    await ok(mod.send('announcement:send', { text: 'Remote, after the switch', audience: 'remote' }));
    await sleep(800);
    expect(texts(mover, marks[0]!)).toEqual(['For remote', 'Room, after the switch']);
    expect(texts(moverOnA, marks[1]!)).toEqual(['For remote', 'Room, after the switch']);
    expect(texts(roomOnB, marks[2]!)).toEqual(['For the room', 'Room, after the switch']);
    expect(texts(screen, marks[3]!)).toEqual(['For the room', 'Room, after the switch']);
  });

  it('[STAGE15] each node coalesces its own reactions; the screen adds up the bursts of both', async () => {
    const bursts: ReactionBurst[] = [];
    screen.socket.on('reaction:aggregated', (b) => bursts.push(b));
    const onA = await connect(A, (await join(A, { name: 'Reactor A', mode: 'remote' })).token);
    const onB = await connect(B, (await join(B, { name: 'Reactor B', mode: 'room', roomCode: clusterRoomCode(ev.event.id) })).token);
    await Promise.all([
      ...Array.from({ length: 5 }, () => ok(onA.send('reaction:send', { emoji: '🔥' }))),
      ...Array.from({ length: 7 }, () => ok(onB.send('reaction:send', { emoji: '👏' }))),
    ]);
    const deadline = Date.now() + 5000;
    while (bursts.reduce((n, b) => n + b.room + b.remote, 0) < 12 && Date.now() < deadline) await sleep(50);
    expect({ remote: bursts.reduce((n, b) => n + b.remote, 0), room: bursts.reduce((n, b) => n + b.room, 0), fire: bursts.reduce((n, b) => n + b.counts['🔥'], 0) }).toEqual({ remote: 5, room: 7, fire: 5 });
    expect(bursts.length).toBeLessThanOrEqual(4);
  });

  it('[STAGE21] slow mode holds across nodes: two tabs on two nodes racing get one message through', async () => {
    await ok(mod.send('chat:setSlowMode', { seconds: 60 }));
    const j = await join(A, { name: 'Racer', mode: 'remote' });
    const tabA = await connect(A, j.token);
    const tabB = await connect(B, j.token);
    const results = await Promise.all([tabA.send('chat:send', { text: 'from A' }), tabB.send('chat:send', { text: 'from B' })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    await ok(mod.send('chat:setSlowMode', { seconds: 0 }));
  });
});
