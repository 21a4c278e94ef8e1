import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKOUT_LIMITS, type BreakoutRound, type CreateEventResponse, type FactName, type FactPayload, type JoinResponse } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';
import { TokenVerifier } from 'livekit-server-sdk';
import { createRedisStore } from '../../src/store/redis-store.js';

// [BRK25] [BRK26] [BRK46] A breakout round on two nodes sharing one Redis: opened, moved and closed from
// one node, felt by attendees connected to the other.

const LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'cluster-key', LIVEKIT_API_SECRET: 'cluster-secret-0123456789-0123456789-abc' };
let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });
const connect = trackedConnect(clients);
function seen<N extends FactName>(c: TestClient, fact: N, pred: (p: FactPayload<N>) => boolean, timeoutMs = 10_000): Promise<FactPayload<N>> {
  const hit = c.received.find((f) => f.fact === fact && pred(f.payload as FactPayload<N>));
  return hit ? Promise.resolve(hit.payload as FactPayload<N>) : c.waitFor(fact, pred, timeoutMs);
}

beforeAll(async () => {
  // [BRK46] Video configured (a LiveKit that is not running: nobody joins a call here), so that each
  // place carries its token, signed by the node that delivers it.
  cluster = await startCluster({ nodes: 2, env: LIVEKIT });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster breakout SKO', teams: [], agenda: [], settings: {} }, true);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

describe('breakout rounds across nodes', () => {
  it('[BRK11] [BRK25] [BRK26] a round opened on one node moves the attendees on the other; broadcasts, moves and the close reach them there', async () => {
    const mod = await connect(A, (await join(A, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
    const people: TestClient[] = [];
    for (const [i, url] of [B, B, A, B].entries()) people.push(await connect(url, (await join(url, { name: `Remote ${i + 1}`, mode: 'remote' })).token));
    const ids = people.map((p) => p.snapshot.me.id);

    const draft = { title: 'Across nodes', durationSec: 600, audience: 'remote', rooms: [{ id: 'r1', name: 'One', capacity: 2 }, { id: 'r2', name: 'Two', capacity: 2 }] };
    const created = await ok<BreakoutRound>(mod.send('breakout:create', { sessionId: null, draft: draft as never }));
    await ok(mod.send('breakout:open', { roundId: created.id }));
    const places = await Promise.all(people.map((p) => seen(p, 'breakout:assigned', (a) => a.roundId === created.id && a.roomId !== null)));
    expect(new Set(places.map((p) => p.roomId))).toEqual(new Set(['r1', 'r2']));
    // [BRK45] [BRK46] Each place, on A and on B alike, holds its member's token for that room.
    const verifier = new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET);
    for (const [i, place] of places.entries()) {
      expect(place.video?.roomId).toBe(place.roomId);
      const claims = await verifier.verify(place.video!.token);
      expect(claims.sub).toBe(ids[i]);
      expect(claims.name).toBe(`Remote ${i + 1}`);
      expect(claims.video).toMatchObject({ room: place.video!.roomName, roomJoin: true, canPublish: true, canSubscribe: true });
    }

    // [BRK85] The places carried the opened round, on B as on A, and no placed attendee got it apart.
    for (const place of places) expect(place.round).toMatchObject({ id: created.id, status: 'open' });
    for (const p of people) expect(p.received.filter((f) => f.fact === 'breakout:roundChanged' && (f.payload as BreakoutRound).status === 'open')).toEqual([]);

    // The broadcast goes to the event's breakout sockets: those on B joined it through A's open.
    await ok(mod.send('breakout:broadcast', { roundId: created.id, text: 'Hello from A' }));
    for (const p of people) await seen(p, 'breakout:broadcasted', (b) => b.text === 'Hello from A');

    // A swap made on A: both people on B hear their new rooms.
    const [x, y] = [0, places.findIndex((p) => p.roomId !== places[0]!.roomId)];
    await ok(mod.send('breakout:swap', { roundId: created.id, a: ids[x]!, b: ids[y!]! }));
    await seen(people[x]!, 'breakout:assigned', (a) => a.roomId === places[y!]!.roomId);
    await seen(people[y!]!, 'breakout:assigned', (a) => a.roomId === places[x]!.roomId);

    // Close on A; the countdown's end is taken by whichever node's timer or sweep gets there first, once.
    await ok(mod.send('breakout:close', { roundId: created.id }));
    const back = await Promise.all(people.map((p) => seen(p, 'breakout:assigned', (a) => a.roundId === created.id && a.roomId === null, (BREAKOUT_LIMITS.closeCountdownSec + 10) * 1000)));
    expect(back).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of people) expect(p.received.filter((f) => f.fact === 'breakout:roundChanged' && (f.payload as BreakoutRound).status === 'closed')).toHaveLength(1);
  }, 60_000);

  // [BRK86] The moves are sent with the open, not after its ack: some land before the opening's read
  // of the assignments, some between that read and its places reaching the sockets (written over
  // several turns, and across nodes in a batch), some after; a move's place then often arrives before
  // the opening's older one. Places carry the placement number they were read at, and a client keeps
  // the highest per round: whichever order they arrive in, that is the room where its person is.
  it('[BRK46] [BRK11] [BRK86] moves made on one node while a round opens on the other: every socket keeps the place where its person is', async () => {
    // An event of its own: its round is left open, and the next test opens one in `ev`.
    const race = await post<CreateEventResponse>(A, '/api/events', { name: 'Race SKO', teams: [], agenda: [], settings: {} }, true);
    const enter = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: race.code, ...body });
    const modA = await connect(A, (await enter(A, { name: 'Opener on A', key: keyOf(race.links.moderator) })).token);
    const modB = await connect(B, (await enter(B, { name: 'Mover on B', key: keyOf(race.links.moderator) })).token);
    const people: TestClient[] = [];
    for (const [i, url] of [A, B, A, B, A, B, A, B].entries()) people.push(await connect(url, (await enter(url, { name: `Racer ${i + 1}`, mode: 'remote' })).token));
    const ids = people.map((p) => p.snapshot.me.id);
    // A round big enough that the opening's places take several turns to write on each node ([BRK46]):
    // 4,800 placed people with no socket fill the first rooms (seeded in the store: joining them would
    // take minutes here); then each racer has a room of its own and an empty one to move to, so only
    // its own move changes its place.
    const pads = Array.from({ length: 48 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, capacity: 100 }));
    const own = ids.flatMap((_, i) => [{ id: `h${i}`, name: `Home ${i}`, capacity: 2 }, { id: `w${i}`, name: `Away ${i}`, capacity: 2 }]);
    const draft = { title: 'Race', durationSec: 600, audience: 'remote', rooms: [...pads, ...own] };
    const created = await ok<BreakoutRound>(modA.send('breakout:create', { sessionId: null, draft: draft as never }));
    const seed = new Map<string, string>();
    for (let i = 0; i < pads.length * 100; i++) seed.set(`pad${i}`, pads[Math.floor(i / 100)]!.id);
    ids.forEach((id, i) => seed.set(id, `h${i}`));
    const store = await createRedisStore(cluster.redisUrl);
    try {
      await store.setAssignments(created.id, seed);
    } finally {
      await store.close();
    }
    const occupancy = async () => {
      const o = (await ok(modA.send('snapshot:request', {}))).breakouts!.occupancy!;
      return new Map(Object.entries(o.rooms).flatMap(([room, x]) => x.assigned.map((p) => [p, room] as const)));
    };
    // The open on A and, on B: half the racers moved to their other room as the open is sent, a few
    // milliseconds apart (before or while it reads the assignments), the other half the moment B's
    // moderator hears the round opened (staff hear it just before the opening reads the assignments
    // for its places), then the first two back home.
    const move = (id: string, room: string) => ok(modB.send('breakout:move', { roundId: created.id, participantId: id, roomId: room }));
    const heardOpen = modB.waitFor('breakout:roundUpdated', (r) => r.id === created.id && r.status === 'open', 20_000);
    const opening = modA.send('breakout:open', { roundId: created.id });
    const early = ids.slice(0, 4).map((id, i) => new Promise((r) => setTimeout(r, 4 * i)).then(() => move(id, `w${i}`)));
    await heardOpen;
    const late = ids.slice(4).map((id, i) => move(id, `w${i + 4}`));
    const moves = [...early, ...late, ...ids.slice(0, 2).map(async (id, i) => (await early[i], move(id, `h${i}`)))];
    expect((await ok(opening)).status).toBe('open');
    await Promise.all(moves);
    const truth = await occupancy();
    ids.forEach((id, i) => expect([`h${i}`, `w${i}`]).toContain(truth.get(id)));
    // Once the facts have settled, the place each socket keeps by [BRK86] (highest seq of the round;
    // equal: the later) names the room its person is in.
    await new Promise((r) => setTimeout(r, 1500));
    for (const [i, p] of people.entries()) {
      let kept: { roomId: string | null; seq: number } | undefined;
      for (const f of p.received) {
        const place = f.payload as { roundId: string; roomId: string | null; seq: number };
        if (f.fact !== 'breakout:assigned' || place.roundId !== created.id) continue;
        if (!kept || place.seq >= kept.seq) kept = place;
      }
      expect(kept?.roomId, `Racer ${i + 1}`).toBe(truth.get(ids[i]!));
    }
    // And each socket is in that room only: a word posted to each racer's two rooms reaches it from its room alone.
    // (Four moderators: a sender may post five messages in ten seconds.)
    const posters = [modA, modB, ...(await Promise.all([A, B].map(async (url, i) => connect(url, (await enter(url, { name: `Poster ${i + 1}`, key: keyOf(race.links.moderator) })).token))))];
    const posts = ids.flatMap((_, i) => [`h${i}`, `w${i}`]);
    await Promise.all(posts.map((room, n) => ok(posters[n % posters.length]!.send('breakout:chat', { roundId: created.id, roomId: room, text: `in ${room}` }))));
    await new Promise((r) => setTimeout(r, 500));
    for (const [i, p] of people.entries()) {
      const heard = p.received.filter((f) => f.fact === 'breakout:chatPosted').map((f) => (f.payload as { roomId: string }).roomId);
      expect(heard, `Racer ${i + 1}`).toEqual([truth.get(ids[i]!)]);
    }
  }, 60_000);

  // Last in the file: it kills node A.
  it('[BRK28] [BSTORE8] the node that opened a structured round dies: the other announces each rotation, once', async () => {
    const mod = await connect(A, (await join(A, { name: 'Mod 2 on A', key: keyOf(ev.links.moderator) })).token);
    const people: TestClient[] = [];
    for (let i = 0; i < 2; i++) people.push(await connect(B, (await join(B, { name: `Pair ${i + 1}`, mode: 'remote' })).token));
    const format = {
      kind: 'teachBack',
      roles: [{ id: 'teacher', name: 'Teacher', scores: false, brief: 'Teach it' }, { id: 'listener', name: 'Listener', scores: true, brief: 'Rate it' }],
      // 60 s in 10 rotations: a rotation every 6 s.
      rotations: 10,
      rubric: [{ id: 'c1', label: 'Clarity' }],
    };
    const draft = { title: 'Pairs', durationSec: 60, audience: 'remote', format, rooms: [{ id: 'p1', name: 'Pair room', capacity: 2 }] };
    const created = await ok<BreakoutRound>(mod.send('breakout:create', { sessionId: null, draft: draft as never }));
    await ok(mod.send('breakout:move', { roundId: created.id, participantId: people[0]!.snapshot.me.id, roomId: 'p1' }));
    await ok(mod.send('breakout:move', { roundId: created.id, participantId: people[1]!.snapshot.me.id, roomId: 'p1' }));
    await ok(mod.send('breakout:open', { roundId: created.id }));
    const first = await Promise.all(people.map((p) => seen(p, 'breakout:assigned', (a) => a.roundId === created.id && a.rotation === 0)));
    expect(first.map((a) => a.role!.id).sort()).toEqual(['listener', 'teacher']);
    await cluster.nodes[0]!.kill('SIGKILL');

    const second = await Promise.all(people.map((p) => seen(p, 'breakout:assigned', (a) => a.roundId === created.id && a.rotation === 1, 15_000)));
    // Each one's role moved a seat: the teacher listens now, and the listener teaches with the teacher's brief.
    for (const [i, a] of second.entries()) expect(a.role!.id).not.toBe(first[i]!.role!.id);
    expect(second.find((a) => a.role!.id === 'teacher')!.role!.brief).toBe('Teach it');
    await new Promise((r) => setTimeout(r, 2000));
    for (const p of people) {
      const ones = p.received.filter((f) => f.fact === 'breakout:assigned' && (f.payload as { roundId: string; rotation: number | null }).roundId === created.id && (f.payload as { rotation: number | null }).rotation === 1);
      expect(ones).toHaveLength(1);
    }
  }, 60_000);
});
