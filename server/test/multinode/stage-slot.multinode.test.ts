import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_SLOT, type AgendaSession, type CreateEventResponse, type JoinResponse, type OnStage } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [STAGE31] One stored fact with one published change: two nodes on one Redis agree on the slot,
// also when a session change on one node idles it ([STAGE32]) and clears the announcement ([STAGE34]).

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

  it('[STAGE32] [STAGE34] "Set live" on the next session on node A idles the stage and clears the announcement for the screen and an attendee on node B, live and in snapshots on both nodes', async () => {
    const at = (h: number) => new Date(Date.UTC(2027, 0, 20, h)).toISOString();
    const agenda: AgendaSession[] = [
      { id: 'keynote', title: 'Opening keynote', kind: 'keynote', startsAt: at(9), endsAt: at(10), speakers: [] },
      { id: 'pricing', title: 'Pricing training', kind: 'workshop', startsAt: at(10), endsAt: at(11), speakers: [] },
    ];
    const e = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster session change SKO', teams: [], agenda, settings: { moderation: 'post' } }, true);
    const joinTo = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: e.code, ...body });
    const mod = await connect(A, (await joinTo(A, { name: 'Mod on A', key: keyOf(e.links.moderator) })).token);
    const screenB = await connect(B, (await joinTo(B, { name: 'Stage on B', key: keyOf(e.links.stage) })).token);
    const attendeeB = await connect(B, (await joinTo(B, { name: 'Ada on B', mode: 'remote' })).token);
    const onB = [screenB, attendeeB];

    // The keynote's poll, launched and closed on A: on stage with its final results, as reported.
    await ok(mod.send('session:setLive', { sessionId: 'keynote' }));
    const poll = await ok(
      mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Old poll?', options: ['A', 'B'], settings: { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null } } }),
    );
    const launched = Promise.all(onB.map((c) => c.waitFor('poll:launched', (p) => p.id === poll.id)));
    await ok(mod.send('poll:launch', { pollId: poll.id }));
    for (const p of await launched) expect(p.onStage?.slot).toEqual({ kind: 'poll', pollId: poll.id });
    await ok(mod.send('poll:close', { pollId: poll.id }));
    const posted = Promise.all(onB.map((c) => c.waitFor('announcement:posted', (a) => a.text === 'Coffee in the lobby')));
    await ok(mod.send('announcement:send', { text: 'Coffee in the lobby', audience: 'all' }));
    await posted;
    // A clear drops what was sent at or before it: let the server clock move past the post.
    await sleep(20);

    const from = onB.map((c) => c.received.length);
    const idle = Promise.all(onB.map((c) => c.waitFor('stage:changed', (o) => o.slot.kind === 'idle')));
    const cleared = Promise.all(onB.map((c) => c.waitFor('announcement:cleared', () => true)));
    await ok(mod.send('session:setLive', { sessionId: 'pricing' }));
    const [screenIdle, attendeeIdle] = await idle;
    expect(attendeeIdle).toEqual(screenIdle);
    expect(screenIdle!.slot).toEqual(IDLE_SLOT);
    const [screenCleared, attendeeCleared] = await cleared;
    expect(attendeeCleared).toEqual(screenCleared);

    // Told once on node B: one stage change and one clear each, whatever the other node does.
    await sleep(300);
    for (const [i, c] of onB.entries()) {
      const facts = c.received.slice(from[i]).map((f) => f.fact);
      expect(facts.filter((f) => f === 'stage:changed')).toHaveLength(1);
      expect(facts.filter((f) => f === 'announcement:cleared')).toHaveLength(1);
    }

    // A reload on either node: the new session live, the stage idle, no announcement, the old poll not live.
    for (const url of [A, B]) {
      const again = await connect(url, (await joinTo(url, { name: 'Late on ' + (url === A ? 'A' : 'B'), mode: 'remote' })).token);
      expect(again.snapshot.event.liveSessionId).toBe('pricing');
      expect(again.snapshot.stage?.onStage).toEqual(screenIdle);
      expect(again.snapshot.stage?.announcement).toBeNull();
      expect(again.snapshot.polls?.find((p) => p.poll.id === poll.id)?.poll.state).not.toBe('live');
    }
  });
});
