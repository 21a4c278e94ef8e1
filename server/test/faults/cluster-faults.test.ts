import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGAGEMENT_KINDS, ErrorCode, type CreateEventResponse, type Leaderboard, type Poll, type PollResults } from '@rally/shared';
import {
  createEvent,
  eventually,
  faultClient,
  inBatches,
  joinAs,
  singleChoice,
  startRally,
  votedEntries,
  type FaultClient,
  type MaybeAck,
  type Rally,
} from '../helpers/fault-kit.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { cmdId, keyOf, sleep } from '../helpers/test-server.js';

const VOTE_POINTS = ENGAGEMENT_KINDS.voted.defaultWeight;
const choice = (i: number) => `o${(i % 3) + 1}`;

let rally: Rally;
let ev: CreateEventResponse;
let A: string;
let B: string;
let mod: FaultClient;
const clients: FaultClient[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  rally = await startRally('cluster', { nodes: 2 });
  [A, B] = rally.urls as [string, string];
  ev = await createEvent(A, 'Cluster faults SKO');
  mod = await faultClient(B, await joinAs(B, ev, { name: 'Moderator on B', key: keyOf(ev.links.moderator) }));
  clients.push(mod);
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of proxies) await p.close();
  await rally?.stop();
});

async function launch(settings: Parameters<typeof singleChoice>[0]): Promise<Poll> {
  const ack = await mod.send('poll:launchAdhoc', { draft: singleChoice(settings) }, 20_000);
  if (!ack?.ok) throw new Error(`launch: ${JSON.stringify(ack)}`);
  return ack.data;
}

async function closeAndCount(poll: Poll): Promise<PollResults> {
  const closing = mod.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 20_000) as Promise<PollResults>;
  expect((await mod.send('poll:close', { pollId: poll.id }, 20_000))?.ok).toBe(true);
  return closing;
}

const ready = async (url: string) => (await fetch(`${url}/readyz`)).status;

/** [REL2] A store outage's answers: ok, or UNAVAILABLE with retryAfterMs, or none in time; never INTERNAL. */
function expectNeverInternal(acks: readonly MaybeAck<unknown>[], when: string): void {
  for (const [i, a] of acks.entries()) {
    if (!a || a.ok) continue;
    expect(a.error.code, `vote ${i} ${when}: ${JSON.stringify(a.error)}`).toBe(ErrorCode.UNAVAILABLE);
    expect(a.error.retryAfterMs, `vote ${i} ${when}`).toBeGreaterThan(0);
  }
}

describe('cluster mode: Redis and nodes failing', () => {
  it('[REL23] Redis stopped and restarted (appendonly): nothing acknowledged is lost, retried commands apply once, every client carries on', async () => {
    const voters = await inBatches(Array.from({ length: 40 }, (_, i) => i), 10, async (i) => {
      const url = i % 2 ? A : B;
      return faultClient(url, await joinAs(url, ev, { name: `Outage voter ${i}`, mode: 'remote' }));
    });
    clients.push(...voters);
    const poll = await launch({ allowChange: false });
    const ids = voters.map(() => cmdId());
    const vote = (i: number) => ({ id: ids[i]!, pollId: poll.id, vote: { kind: 'single' as const, optionId: choice(i) } });
    const half = voters.length / 2;

    // Half vote before the outage.
    for (const [i, a] of (await Promise.all(voters.slice(0, half).map((v, i) => v.send('poll:vote', vote(i))))).entries()) expect(a?.ok, `${i}`).toBe(true);

    // Redis stops (a clean shutdown: the AOF is complete); the other half vote into the outage.
    // The rule here is that an ok is never followed by a loss, and nothing is answered INTERNAL.
    await rally.redis!.kill('SIGTERM');
    const during: Promise<MaybeAck<unknown>>[] = voters.slice(half).map((v, k) => v.send('poll:vote', vote(half + k), 3000));
    await sleep(4000);
    await rally.redis!.restart();
    const duringAcks = await Promise.all(during);
    await eventually(async () => {
      expect(await ready(A)).toBe(200);
      expect(await ready(B)).toBe(200);
    }, 30_000);

    // [REL2] Whatever a vote sent into the outage was told, it was never INTERNAL: an ok, a typed
    // retryable UNAVAILABLE with retryAfterMs, or no answer yet (the socket was cut).
    expectNeverInternal(duringAcks, 'during the outage');

    // Every client, whichever node it is on and whether or not its socket was dropped meanwhile,
    // gets its vote through with the same command id: ok, and counted once.
    const retried: MaybeAck<unknown>[] = [];
    const retries = await eventually(async () => {
      const r = await Promise.all(voters.map((v, i) => v.send('poll:vote', vote(i), 5000)));
      retried.push(...r);
      const bad = r.map((a, i) => ({ i, a })).filter((x) => !x.a?.ok);
      if (bad.length) throw new Error(`not ok after the restart: ${JSON.stringify(bad.slice(0, 3))}`);
      return r;
    }, 40_000);
    expect(retries.every((a) => a?.ok)).toBe(true);
    // The retries refused while the nodes reconnected to Redis were refused the same way, never INTERNAL.
    expectNeverInternal(retried, 'retrying after the restart');

    // Each client resyncs: a reconnection gives a snapshot with its own vote.
    const marks = voters.map((v) => v.snapshots.length);
    for (const v of voters) v.socket.io.engine.close();
    const snaps = await Promise.all(voters.map((v, i) => v.snapshotAfter(marks[i], 30_000)));
    snaps.forEach((s, i) => expect(s.myVotes[poll.id], voters[i]!.name).toEqual({ kind: 'single', optionId: choice(i) }));

    const final = await closeAndCount(poll);
    expect(final.totals.remote).toBe(voters.length);
    const voted = await votedEntries(A, ev.event.id);
    for (const v of voters) expect(voted.get(v.id) ?? 0, v.name).toBeLessThanOrEqual(1);
    const okDuring = duringAcks.filter((a) => a?.ok).length;
    console.info(`[REL23] ${okDuring} of ${duringAcks.length} votes sent into the outage were acked ok within 3 s`);
    // Not one command was answered INTERNAL by either node (a server-side failure is logged so, [OPS60]).
    for (const n of rally.nodes) expect(n.output()).not.toMatch(/command failed|handshake failed/);
    for (const v of voters) v.close();
  });

  it('[REL24] one node of two killed: its clients, behind a load balancer, resync on the other with the live poll, their own vote and their score', async () => {
    // The load balancer: a TCP proxy in front of node A that sends new connections to B once A is gone.
    const lb = await startTcpProxy(Number(new URL(A).port));
    proxies.push(lb);
    expect((await mod.send('engagement:configure', { settings: { leaderboard: 'all' } }, 10_000))?.ok).toBe(true);
    const poll = await launch({ allowChange: true, resultsVisibility: 'live' });
    // Few enough that every one of them is on the leaderboard's top list.
    const people = await inBatches(Array.from({ length: 8 }, (_, i) => i), 8, async (i) => faultClient(lb.url, await joinAs(lb.url, ev, { name: `LB attendee ${i}`, mode: 'remote' })));
    clients.push(...people);
    for (const [i, p] of people.entries()) expect((await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: choice(i) } }))?.ok).toBe(true);
    const scoredAll = (b: Leaderboard) => people.every((p) => b.participants.some((e) => e.name === p.name && e.score === VOTE_POINTS));
    await people[0]!.waitFact('engagement:leaderboardUpdated', scoredAll, 20_000);

    const marks = people.map((p) => p.snapshots.length);
    lb.retarget(Number(new URL(B).port));
    await rally.stopNode(0, 'SIGKILL');

    const snaps = await Promise.all(people.map((p, i) => p.snapshotAfter(marks[i], 30_000)));
    snaps.forEach((s, i) => {
      const who = people[i]!;
      expect(s.me.id).toBe(who.id);
      const view = s.polls.find((p) => p.poll.id === poll.id);
      expect(view?.poll.state).toBe('live');
      expect(view?.results?.totals.remote).toBe(people.length);
      expect(s.myVotes[poll.id]).toEqual({ kind: 'single', optionId: choice(i) });
      expect(s.leaderboard?.participants.find((e) => e.name === who.name)?.score, who.name).toBe(VOTE_POINTS);
    });
    // And they carry on on node B: a changed vote is acked and counted there.
    const changed = await people[0]!.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o3' } }, 10_000);
    expect(changed?.ok).toBe(true);
    const final = await closeAndCount(poll);
    if (final.kind !== 'single') throw new Error('single-choice results expected');
    const expected = people.map((_, i) => (i === 0 ? 'o3' : choice(i)));
    for (const o of final.options) expect(o.remote, o.optionId).toBe(expected.filter((c) => c === o.optionId).length);
    const voted = await votedEntries(B, ev.event.id);
    // A changed vote is not a second interaction: one `voted` entry each, as before the crash.
    for (const p of people) expect(voted.get(p.id), p.name).toBe(1);
  });
});
