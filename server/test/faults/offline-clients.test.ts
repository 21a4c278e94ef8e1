import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGAGEMENT_KINDS, type Poll, type PollResults } from '@rally/shared';
import { FAULTS_MODE, attendeeFigures, createEvent, eventually, faultClient, joinAs, singleChoice, startRally, type FaultClient, type Rally } from '../helpers/fault-kit.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { keyOf, sleep, TEST_ADMIN } from '../helpers/test-server.js';

const VOTE_POINTS = ENGAGEMENT_KINDS.voted.defaultWeight;

let rally: Rally | undefined;
let url: string;
const clients: FaultClient[] = [];
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  rally = await startRally(FAULTS_MODE);
  url = rally.urls[0]!;
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of proxies) await p.close();
  await rally?.stop();
});

describe(`clients offline, or on a slow link (${FAULTS_MODE} mode)`, () => {
  it('[REL25] [REL26] offline 5 s (connection cut, network gone) and 60 s (every byte black-holed, heartbeats lost): both come back to the live poll, their own votes and their score', async () => {
    const port = Number(new URL(url).port);
    const ev = await createEvent(url, 'Offline SKO');
    const mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: keyOf(ev.links.moderator) }));
    clients.push(mod);
    // Each group reaches the server through its own stretch of network.
    const short = await startTcpProxy(port);
    const long = await startTcpProxy(port);
    proxies.push(short, long);
    const group = (proxy: TcpProxy, label: string) =>
      Promise.all(Array.from({ length: 5 }, async (_, i) => faultClient(proxy.url, await joinAs(url, ev, { name: `${label} ${i}`, mode: 'remote' }))));
    const shortGroup = await group(short, 'Offline 5 s');
    const longGroup = await group(long, 'Offline 60 s');
    const everyone = [...shortGroup, ...longGroup];
    clients.push(...everyone);

    const launch = async (): Promise<Poll> => {
      const a = await mod.send('poll:launchAdhoc', { draft: singleChoice() });
      if (!a?.ok) throw new Error(JSON.stringify(a));
      return a.data;
    };
    const first = await launch();
    for (const c of everyone) expect((await c.send('poll:vote', { pollId: first.id, vote: { kind: 'single', optionId: 'o1' } }))?.ok).toBe(true);
    const marks = everyone.map((c) => c.snapshots.length);

    // The 5 s group loses its network outright: connections reset, reconnections refused.
    short.down(true);
    short.cut();
    // The 60 s group's network freezes: nothing is closed, nothing gets through, either way.
    long.pause();

    // The event goes on without them.
    await sleep(1000);
    expect((await mod.send('poll:close', { pollId: first.id }))?.ok).toBe(true);
    const second = await launch();
    const renamed = await fetch(`${url}/api/events/${ev.event.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN}` },
      body: JSON.stringify({ name: 'Offline SKO, day 2' }),
    });
    expect(renamed.status).toBe(200);

    await sleep(4000);
    short.down(false);
    const shortBack = await Promise.all(shortGroup.map((c, i) => c.snapshotAfter(marks[i], 20_000)));
    await sleep(55_000);
    long.resume();
    const longBack = await Promise.all(longGroup.map((c, i) => c.snapshotAfter(marks[shortGroup.length + i], 40_000)));

    for (const [c, snap] of [...shortGroup.map((c, i) => [c, shortBack[i]!] as const), ...longGroup.map((c, i) => [c, longBack[i]!] as const)]) {
      expect(snap.me.id).toBe(c.id);
      expect(snap.event.name).toBe('Offline SKO, day 2');
      expect(snap.polls.find((p) => p.poll.id === first.id)?.poll.state, c.name).toBe('closed');
      expect(snap.polls.find((p) => p.poll.id === second.id)?.poll.state, c.name).toBe('live');
      expect(snap.myVotes[first.id], c.name).toEqual({ kind: 'single', optionId: 'o1' });
      expect(snap.myVotes[second.id], c.name).toBeUndefined();
    }
    // Both came back within the recovery window: the packets they missed came first, in order.
    for (const c of everyone) {
      expect(c.socket.recovered, c.name).toBe(true);
      expect(
        c.received.some((r) => r.fact === 'poll:launched' && (r.payload as Poll).id === second.id),
        `${c.name} got the launch it missed`,
      ).toBe(true);
    }
    // And they take part again: the new poll's vote is acked and scored.
    for (const c of everyone) expect((await c.send('poll:vote', { pollId: second.id, vote: { kind: 'single', optionId: 'o2' } }))?.ok, c.name).toBe(true);

    await eventually(async () => {
      const figures = await attendeeFigures(url, ev.event.id);
      for (const c of everyone) expect(figures.get(c.id), c.name).toMatchObject({ votes: 2, score: 2 * VOTE_POINTS });
    });
  }, 150_000);

  it('[REL30] a client on a slow link (every chunk 300 ms late each way) gets every ack and fact once and in order; its votes count once', async () => {
    const port = Number(new URL(url).port);
    const ev = await createEvent(url, 'Slow link SKO');
    const mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: keyOf(ev.links.moderator) }));
    clients.push(mod);
    const link = await startTcpProxy(port);
    proxies.push(link);
    const slow = await Promise.all(Array.from({ length: 4 }, async (_, i) => faultClient(link.url, await joinAs(url, ev, { name: `Slow ${i}`, mode: 'remote' }))));
    clients.push(...slow);
    link.slow(300);
    const a = await mod.send('poll:launchAdhoc', { draft: singleChoice() });
    if (!a?.ok) throw new Error(JSON.stringify(a));
    const poll = a.data;
    // Each changes its mind three times, without waiting: the acks must come back in order, once each.
    const sent = await Promise.all(slow.map((c) => Promise.all(['o1', 'o2', 'o3'].map((o) => c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: o } }, 15_000)))));
    for (const acks of sent) expect(acks.map((x) => x?.ok)).toEqual([true, true, true]);
    const closing = slow.map((c) => c.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 20_000) as Promise<PollResults>);
    expect((await mod.send('poll:close', { pollId: poll.id }))?.ok).toBe(true);
    for (const [k, final] of (await Promise.all(closing)).entries()) {
      expect(final.totals.remote).toBe(slow.length);
      if (final.kind !== 'single') throw new Error('single-choice results expected');
      expect(final.options.map((o) => o.remote)).toEqual([0, 0, slow.length]);
      // Versions never go back at a client: nothing arrived out of order (a settle message may repeat the last one).
      const versions = slow[k]!.received.filter((r) => r.fact === 'poll:resultsUpdated' && (r.payload as PollResults).pollId === poll.id).map((r) => (r.payload as PollResults).version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
      expect(slow[k]!.received.filter((r) => r.fact === 'poll:launched' && (r.payload as Poll).id === poll.id)).toHaveLength(1);
    }
    link.resume();
    await eventually(async () => {
      const figures = await attendeeFigures(url, ev.event.id);
      for (const c of slow) expect(figures.get(c.id), c.name).toMatchObject({ votes: 1, score: VOTE_POINTS });
    });
  }, 60_000);
});
