import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, CreateEventResponse, JoinResponse, OnStage } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [STAGE31] One stored fact with one published change: two nodes on one Redis agree on the slot.

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });
const connect = trackedConnect(clients);

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster slot SKO', teams: [], agenda: [], settings: { moderation: 'post' } }, true);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

describe('the stage slot across nodes', () => {
  it('[STAGE31] [STAGE33] a show on node A reaches screens on node B once, in version order; snapshots on both nodes agree', async () => {
    const pres = await connect(A, (await join(A, { name: 'Presenter on A', key: keyOf(ev.links.presenter) })).token);
    const mod = await connect(B, (await join(B, { name: 'Mod on B', key: keyOf(ev.links.moderator) })).token);
    const screenB = await connect(B, (await join(B, { name: 'Stage on B', key: keyOf(ev.links.stage) })).token);
    const asker = await connect(B, (await join(B, { name: 'Asker', mode: 'remote' })).token);
    const q1 = await ok(asker.send('question:submit', { text: 'First question on stage?', anonymous: false }));
    const q2 = await ok(asker.send('question:submit', { text: 'Second question on stage?', anonymous: false }));
    const from = screenB.received.length;

    const shows: OnStage[] = [];
    shows.push(await ok(pres.send('stage:show', { slot: { kind: 'question', questionId: q1.id } })));
    shows.push(await ok(mod.send('stage:show', { slot: { kind: 'question', questionId: q2.id } })));
    shows.push(await ok(pres.send('stage:show', { slot: { kind: 'leaderboard', board: 'teams' } })));
    // Answering q1 (no longer on stage) on node B must not take the leaderboard off.
    await ok(mod.send('question:markAnswered', { questionId: q1.id }));
    shows.push(await ok(pres.send('stage:clear', {})));
    const last = shows.at(-1)!.version;
    if (!screenB.received.some((f) => f.fact === 'stage:changed' && (f.payload as OnStage).version === last)) await screenB.waitFor('stage:changed', (o) => o.version === last);

    const seen = screenB.received.slice(from).filter((f) => f.fact === 'stage:changed').map((f) => f.payload as OnStage);
    expect(seen).toEqual(shows);
    expect(shows.map((o) => o.version)).toEqual([1, 2, 3, 4]);
    const [onA, onB] = await Promise.all([A, B].map(async (url) => connect(url, (await join(url, { name: 'Reloaded stage', key: keyOf(ev.links.stage) })).token)));
    expect(onA!.snapshot.stage?.onStage).toEqual(shows.at(-1));
    expect(onB!.snapshot.stage?.onStage).toEqual(shows.at(-1));
  });
});
