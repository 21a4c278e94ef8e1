import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, ErrorCode, type Ack, type CreateEventResponse, type JoinResponse, type Poll, type Snapshot } from '@rally/shared';
import { postJson as post, clusterRoomCode, startCluster, type Cluster } from '../helpers/cluster.js';
import { cmdId, expectConnectError, keyOf, sleep, TEST_ADMIN, trackedConnect, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

/**
 * [REL1]–[REL6] A Redis that hangs (SIGSTOP) or goes away (stopped, then started again) under two
 * real Rally nodes: every command, join and handshake is answered within the deadline with a typed,
 * retryable UNAVAILABLE; the client's retry with the same command id is applied once afterwards;
 * votes acked before the outage are all still there.
 */
const DEADLINE_MS = 1500;
/** What a busy shared machine may add to a deadline before the answer reaches the test. */
const SLACK_MS = 1500;

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];
const connect = trackedConnect(clients);

const joinBody = (body: Record<string, unknown>) => ({ code: ev.code, ...(body.mode === 'room' ? { roomCode: clusterRoomCode(ev.event.id) } : {}), ...body });
const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', joinBody(body));

let mod: TestClient;
let modToken: string;
let voters: TestClient[];
let poll: Poll;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, appendonly: true, env: { COMMAND_DEADLINE_MS: String(DEADLINE_MS) } });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Outage SKO', teams: [], agenda: [] }, true);
  modToken = (await join(A, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token;
  mod = await connect(A, modToken);
  voters = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const url = i % 2 ? A : B;
      return connect(url, (await join(url, { name: `Voter ${i}`, mode: i % 3 ? 'room' : 'remote' })).token);
    }),
  );
  const created = await ok(mod.send('poll:create', { sessionId: null, draft: { kind: 'single', question: 'Which region wins?', options: ['EMEA', 'APAC'], settings: DEFAULT_POLL_SETTINGS } }));
  poll = await ok(mod.send('poll:launch', { pollId: created.id }));
  // Every vote acked before any outage.
  const options = poll.kind === 'single' ? poll.options : [];
  await Promise.all(voters.map((v, i) => ok(v.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: options[i % 2]!.id } }))));
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

/** Runs `work`, returning its result and how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

function expectUnavailable(ack: Ack<unknown>): void {
  expect(ack.ok).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(ErrorCode.UNAVAILABLE);
  expect(ack.error.retryAfterMs).toBeGreaterThan(0);
}

async function readyz(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status;
}

async function until(pred: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

type RestAnswer = { status: number; retryAfter: string | null; body: { error?: { code: string; retryAfterMs?: number } } };

/** A REST read with a bearer token, as an organiser's page or a script would send it. */
async function restRead(url: string, path: string, token: string): Promise<RestAnswer> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: RestAnswer['body'] = {};
  try {
    body = JSON.parse(text) as RestAnswer['body'];
  } catch {
    // an export's body: not an error
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

/** [REL1] [REL2] A REST answer during an outage: a typed, retryable 503, never a 500 INTERNAL. */
function expectRestUnavailable(r: RestAnswer, what: string): void {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(503);
  expect(r.body.error?.code, what).toBe(ErrorCode.UNAVAILABLE);
  expect(r.body.error?.retryAfterMs, what).toBeGreaterThan(0);
  expect(Number(r.retryAfter), what).toBeGreaterThan(0);
}

/**
 * A join, a handshake, a command and REST reads (an organiser's, a moderator's), each while the
 * store does not answer: all UNAVAILABLE, in time.
 */
async function expectFailFast(asker: TestClient, questionId: string, text: string): Promise<void> {
  const [command, joined, handshake, organiserRead, staffRead] = await Promise.all([
    timed(() => asker.send('question:submit', { id: questionId, text, anonymous: false })),
    timed(async () => {
      const res = await fetch(`${A}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(joinBody({ name: 'Late', mode: 'remote' })) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { code: string; retryAfterMs?: number } } };
    }),
    timed(() => expectConnectError(B, modToken)),
    timed(() => restRead(A, `/api/events/${ev.event.id}`, TEST_ADMIN)),
    timed(() => restRead(B, `/api/events/${ev.event.id}/engagement/summary`, modToken)),
  ]);
  expectUnavailable(command.value);
  expect(command.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  expect(joined.value.status).toBe(503);
  expect(joined.value.body.error.code).toBe(ErrorCode.UNAVAILABLE);
  expect(joined.value.body.error.retryAfterMs).toBeGreaterThan(0);
  expect(Number(joined.value.retryAfter)).toBeGreaterThan(0);
  expect(joined.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  expect(handshake.value.data?.code).toBe(ErrorCode.UNAVAILABLE);
  expect(handshake.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  // [REL1] REST beyond /api/join: an organiser's read of the event, a moderator's engagement summary.
  expectRestUnavailable(organiserRead.value, 'GET /api/events/:id');
  expect(organiserRead.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  expectRestUnavailable(staffRead.value, 'GET …/engagement/summary');
  expect(staffRead.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
}

/** After recovery: the retry with the same id is applied once, and every acked vote is there. */
async function expectRecovered(asker: TestClient, questionId: string, text: string): Promise<void> {
  const first = await ok(asker.send('question:submit', { id: questionId, text, anonymous: false }));
  const again = await ok(asker.send('question:submit', { id: questionId, text, anonymous: false }));
  expect(again.id).toBe(first.id);
  const snap = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
  expect(snap.qa!.questions.filter((q) => q.text === text)).toHaveLength(1);
  const results = snap.polls.find((v) => v.poll.id === poll.id)!.results!;
  expect(results.totals.room + results.totals.remote).toBe(voters.length);
  // A fresh join and handshake work again.
  await connect(B, (await join(B, { name: `After ${text}`, mode: 'remote' })).token);
}

describe('[REL] store outages under two nodes', () => {
  it('[REL1] [REL2] [REL3] [REL4] [REL5] Redis hung (SIGSTOP): commands, joins, handshakes and REST reads answer UNAVAILABLE with retryAfterMs within the deadline; /readyz says not ready; retries during and after apply once', async () => {
    const id = cmdId();
    const text = 'Asked while Redis was frozen';
    cluster.redis.pause();
    try {
      await expectFailFast(voters[0]!, id, text);
      // [REL4] The client's retry while the first attempt still waits on the frozen store: also
      // UNAVAILABLE in time, and it must not become a second question once the store answers.
      const retried = await timed(() => voters[0]!.send('question:submit', { id, text, anonymous: false }));
      expectUnavailable(retried.value);
      expect(retried.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(await readyz(A)).toBe(503);
      expect(await readyz(B)).toBe(503);
    } finally {
      cluster.redis.resume();
    }
    await until(async () => (await readyz(A)) === 200 && (await readyz(B)) === 200, 15_000, '/readyz after resume');
    // [REL4] The first attempt may have been applied after the thaw: the retry still yields one question.
    await expectRecovered(voters[0]!, id, text);
  }, 60_000);

  it('[REL1] [REL2] [REL3] [REL4] [REL5] [REL6] Redis stopped then restarted: UNAVAILABLE fast (REST reads and exports too), never INTERNAL; the retry applies once and acked votes survive', async () => {
    const id = cmdId();
    const text = 'Asked while Redis was down';
    await cluster.redis.down();
    try {
      await until(async () => (await readyz(A)) === 503 && (await readyz(B)) === 503, 10_000, '/readyz to say not ready');
      await expectFailFast(voters[1]!, id, text);
      // Commands that fail at once are UNAVAILABLE too, never INTERNAL, on both nodes.
      for (const v of voters.slice(2, 6)) expectUnavailable(await v.send('snapshot:request', {}));
      // [REL1] [REL2] So are exports (whose deadline is 20 times longer): the store refuses at once,
      // so they answer at once, CSV and XLSX, organiser and moderator.
      for (const [url, path, token] of [
        [A, `/api/events/${ev.event.id}/questions.csv`, modToken],
        [B, `/api/events/${ev.event.id}/engagement/participants.xlsx`, TEST_ADMIN],
        [A, `/api/events/${ev.event.id}/polls/results.csv`, TEST_ADMIN],
      ] as const) {
        const exported = await timed(() => restRead(url, path, token));
        expectRestUnavailable(exported.value, path);
        expect(exported.ms, path).toBeLessThan(DEADLINE_MS + SLACK_MS);
      }
    } finally {
      await cluster.redis.up();
    }
    await until(async () => (await readyz(A)) === 200 && (await readyz(B)) === 200, 20_000, '/readyz after restart');
    await expectRecovered(voters[1]!, id, text);
    // Not one command or request in either outage was answered INTERNAL (the server logs those as failures).
    for (const n of cluster.nodes) expect(n.output()).not.toMatch(/command failed|handshake failed|request failed/);
  }, 60_000);

  it('[REL1] a command that places the whole audience (breakout:open) gets 5 deadlines: a stall longer than one still ends in its result', async () => {
    const round = await ok(
      mod.send('breakout:create', {
        sessionId: null,
        draft: { title: 'Deal clinic', durationSec: 600, audience: 'everyone', rooms: [{ id: 'alpha', name: 'Alpha', capacity: 10 }, { id: 'bravo', name: 'Bravo', capacity: 10 }] } as never,
      }),
    );
    await ok(mod.send('breakout:assign', { roundId: round.id }));
    cluster.redis.pause();
    let opened: Promise<Ack<unknown>>;
    let asked: Promise<Ack<unknown>>;
    try {
      opened = mod.send('breakout:open', { roundId: round.id });
      asked = voters[2]!.send('question:submit', { text: 'Asked while the round opened', anonymous: false });
      // Longer than one deadline, well inside five.
      await sleep(2 * DEADLINE_MS);
    } finally {
      cluster.redis.resume();
    }
    expectUnavailable(await asked);
    const open = await opened;
    expect(open.ok).toBe(true);
    if (open.ok) expect((open.data as { status: string }).status).toBe('open');
  }, 60_000);
});
