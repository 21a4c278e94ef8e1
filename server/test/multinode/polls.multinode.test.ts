import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, type CreateEventResponse, type JoinResponse, type Mode, type Poll, type PollDraft, type PollResults } from '@rally/shared';
import { postJson as post, clusterRoomCode, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) =>
  post<JoinResponse>(url, '/api/join', { code: ev.code, ...(body.mode === 'room' ? { roomCode: clusterRoomCode(ev.event.id) } : {}), ...body });

const connect = trackedConnect(clients);


const resultsOf = (c: TestClient, pollId: string) =>
  c.received.filter((f) => f.fact === 'poll:resultsUpdated' && (f.payload as PollResults).pollId === pollId).map((f) => f.payload as PollResults);

function resultsSeen(c: TestClient, pred: (r: PollResults) => boolean, timeoutMs = 10_000): Promise<PollResults> {
  const hit = c.received.find((f) => f.fact === 'poll:resultsUpdated' && pred(f.payload as PollResults));
  return hit ? Promise.resolve(hit.payload as PollResults) : c.waitFor('poll:resultsUpdated', pred, timeoutMs);
}

const draft = (o: Partial<typeof DEFAULT_POLL_SETTINGS> = {}): PollDraft => ({
  kind: 'single',
  question: 'Which region wins the year?',
  options: ['EMEA', 'North America', 'APAC'],
  settings: { ...DEFAULT_POLL_SETTINGS, ...o },
});

let mod: TestClient;
let pres: TestClient;
let watchA: TestClient;
let watchB: TestClient;
/** 40 attendees, each with one tab on node A and one on node B. */
let voters: { id: string; mode: Mode; onA: TestClient; onB: TestClient }[];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster poll SKO', teams: ['EMEA'], agenda: [] }, true);
  mod = await connect(A, (await join(A, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
  pres = await connect(B, (await join(B, { name: 'Presenter on B', key: keyOf(ev.links.presenter) })).token);
  watchA = await connect(A, (await join(A, { name: 'Watcher A', mode: 'room' })).token);
  watchB = await connect(B, (await join(B, { name: 'Watcher B', mode: 'remote' })).token);
  voters = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const mode: Mode = i % 3 === 0 ? 'remote' : 'room';
      const j = await join(i % 2 ? A : B, { name: `Voter ${i}`, mode });
      return { id: j.participant.id, mode, onA: await connect(A, j.token), onB: await connect(B, j.token) };
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

async function launch(d: PollDraft): Promise<Poll> {
  const created = await ok(mod.send('poll:create', { sessionId: null, draft: d }));
  const seen = Promise.all([watchA, watchB].map((w) => w.waitFor('poll:launched', (p) => p.id === created.id, 10_000)));
  const live = await ok(pres.send('poll:launch', { pollId: created.id }));
  await seen;
  return live;
}

describe('polls on two nodes sharing one redis-server', () => {
  it('[POLL13] [POLL23] votes arriving on both nodes at once are counted exactly; each client gets few results, from its own node', async () => {
    const poll = await launch(draft());
    const options = ['o1', 'o2', 'o3'];
    const first = (i: number) => options[i % 3]!;
    const second = (i: number) => options[(i + 1) % 3]!;
    const started = performance.now();
    // Round 1: every participant sends the same vote from both tabs at the same moment, one per node.
    await Promise.all(
      voters.flatMap((v, i) => [v.onA, v.onB].map((tab) => ok(tab.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: first(i) } })))),
    );
    // Round 2: each changes their vote, half of them through the other node.
    await Promise.all(voters.map((v, i) => ok((i % 2 ? v.onB : v.onA).send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: second(i) } }))));
    const votingMs = performance.now() - started;

    const expected = new Map(options.map((o) => [o, { room: 0, remote: 0 }]));
    const totals = { room: 0, remote: 0 };
    voters.forEach((v, i) => {
      expected.get(second(i))![v.mode]++;
      totals[v.mode]++;
    });
    const isFinal = (r: PollResults) =>
      r.pollId === poll.id &&
      r.kind === 'single' &&
      r.totals.room === totals.room &&
      r.totals.remote === totals.remote &&
      r.options.every((o) => o.room === expected.get(o.optionId)!.room && o.remote === expected.get(o.optionId)!.remote);

    for (const w of [watchA, watchB, pres, mod]) expect(isFinal(await resultsSeen(w, isFinal))).toBe(true);
    await sleep(800); // the trailing settle message
    // One node sending to every client would double this; each node only serves its own sockets.
    const allowed = Math.ceil(votingMs / 250) + 4;
    for (const w of [watchA, watchB]) {
      const got = resultsOf(w, poll.id);
      expect(got.length, `${got.length} results messages for ${Math.round(votingMs)} ms of voting`).toBeLessThanOrEqual(allowed);
      expect(isFinal(got.at(-1)!)).toBe(true);
      // Each version once, plus at most two trailing settle copies (after the launch, after the last
      // vote). A client served by both nodes would get every version twice.
      expect(got.length - new Set(got.map((r) => r.version)).size).toBeLessThanOrEqual(2);
    }

    const closing = [watchA, watchB].map((w) => w.waitFor('poll:resultsUpdated', (r) => r.pollId === poll.id && r.state === 'closed', 10_000));
    await ok(pres.send('poll:close', { pollId: poll.id }));
    for (const final of await Promise.all(closing)) expect(isFinal(final)).toBe(true);
  });

  it('[POLL14] without allowChange, two different votes sent on two nodes at once: exactly one is counted', async () => {
    const poll = await launch(draft({ allowChange: false }));
    const outcomes = await Promise.all(
      voters.map(async (v) => {
        const [a, b] = await Promise.all([
          v.onA.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }),
          v.onB.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } }),
        ]);
        return { v, a, b };
      }),
    );
    const expected = { o1: { room: 0, remote: 0 }, o2: { room: 0, remote: 0 } };
    for (const { v, a, b } of outcomes) {
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      const lost = a.ok ? b : a;
      expect(lost).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expected[a.ok ? 'o1' : 'o2'][v.mode]++;
    }
    const final = await resultsSeen(watchB, (r) => r.pollId === poll.id && r.totals.room + r.totals.remote === voters.length);
    expect(final.kind === 'single' && final.options.map((o) => [o.optionId, o.room, o.remote])).toEqual([
      ['o1', expected.o1.room, expected.o1.remote],
      ['o2', expected.o2.room, expected.o2.remote],
      ['o3', 0, 0],
    ]);
  });

  it('[POLL8] both nodes sweep deadlines; the poll closes at its stored deadline and is announced once', async () => {
    const poll = await launch(draft({ durationSec: 10 }));
    const deadline = Date.parse(poll.closesAt!);
    await Promise.all([watchA, watchB].map((w) => w.waitFor('poll:closed', (p) => p.id === poll.id, 15_000)));
    const closedAt = Date.now();
    // Swept every 500 ms by each node: closed shortly after the deadline, not before.
    expect(closedAt).toBeGreaterThanOrEqual(deadline);
    expect(closedAt - deadline).toBeLessThan(2_000);
    await sleep(1_200);
    for (const w of [watchA, watchB, pres]) expect(w.received.filter((f) => f.fact === 'poll:closed' && (f.payload as Poll).id === poll.id)).toHaveLength(1);
  }, 30_000);
});
