import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type JoinResponse, type QuestionView } from '@rally/shared';
import { postJson as post, clusterRoomCode, startCluster, type Cluster } from '../helpers/cluster.js';
import { QA_VOTES_INTERVAL_MS } from '../../src/realtime/qa-votes-ticker.js';
import { TEST_ADMIN, trackedConnect, keyOf, perSecond, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) =>
  post<JoinResponse>(url, '/api/join', { code: ev.code, ...(body.mode === 'room' ? { roomCode: clusterRoomCode(ev.event.id) } : {}), ...body });

const connect = trackedConnect(clients);


type Votes = { version: number; votes: Record<string, number> };
/** The latest count of a question a client holds, keeping the highest version as clients must. */
function countOn(c: TestClient, questionId: string): number | undefined {
  let best: { version: number; n: number } | undefined;
  for (const f of c.received) {
    if (f.fact !== 'question:votesUpdated') continue;
    const p = f.payload as Votes;
    const n = p.votes[questionId];
    if (n !== undefined && (!best || p.version >= best.version)) best = { version: p.version, n };
  }
  return best?.n;
}

async function countReaches(c: TestClient, questionId: string, expected: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (countOn(c, questionId) === expected) return;
    await sleep(50);
  }
  throw new Error(`count of ${questionId} on a client is ${countOn(c, questionId)}, expected ${expected}`);
}

let mod: TestClient;
let mod2: TestClient;
let watchA: TestClient;
let watchB: TestClient;
/** 30 attendees, each with one tab on node A and one on node B. */
let people: { id: string; onA: TestClient; onB: TestClient }[];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster Q&A SKO', teams: [], agenda: [], settings: { moderation: 'pre' } }, true);
  mod = await connect(A, (await join(A, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
  mod2 = await connect(B, (await join(B, { name: 'Mod on B', key: keyOf(ev.links.moderator) })).token);
  watchA = await connect(A, (await join(A, { name: 'Watcher A', mode: 'room' })).token);
  watchB = await connect(B, (await join(B, { name: 'Watcher B', mode: 'remote' })).token);
  people = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const j = await join(i % 2 ? A : B, { name: `Attendee ${i}`, mode: i % 3 ? 'room' : 'remote' });
      return { id: j.participant.id, onA: await connect(A, j.token), onB: await connect(B, j.token) };
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

async function approvedQuestion(text: string, asker = people[0]!.onA): Promise<QuestionView> {
  const q = await ok(asker.send('question:submit', { text, anonymous: false }));
  const seen = Promise.all([watchA, watchB].map((w) => w.waitFor('question:changed', (p) => p.id === q.id && p.state === 'approved', 10_000)));
  await ok(mod2.send('question:approve', { questionId: q.id }));
  await seen;
  return q;
}

describe('Q&A on two nodes sharing one redis-server', () => {
  it('[QA10] upvotes sent through both nodes at once are exact; every client converges on the exact count, coalesced', async () => {
    const q = await approvedQuestion('Which region closes the year first?');
    const started = performance.now();
    // Round 1: everyone upvotes from both tabs at the same moment, one tab per node.
    await Promise.all(people.flatMap((p) => [p.onA, p.onB].map((tab) => ok(tab.send('question:upvote', { questionId: q.id, up: true })))));
    // Round 2: a third take it back through the other node, racing a repeat of the upvote on the first.
    const takeBack = people.filter((_, i) => i % 3 === 0);
    await Promise.all(takeBack.flatMap((p) => [ok(p.onB.send('question:upvote', { questionId: q.id, up: false }))]));
    const votingMs = performance.now() - started;
    const expected = people.length - takeBack.length;

    for (const w of [watchA, watchB, mod, mod2]) await countReaches(w, q.id, expected);
    await sleep(800);
    const votesMessages = (c: TestClient) => c.received.filter((f) => f.fact === 'question:votesUpdated' && q.id in (f.payload as Votes).votes);
    const allowed = Math.ceil(votingMs / QA_VOTES_INTERVAL_MS) + 4;
    for (const w of [watchA, watchB]) {
      expect(votesMessages(w).length).toBeLessThanOrEqual(allowed);
      // [QA10] Each client hears only its own node: at most 2 list updates per second (10 % for delivery jitter).
      expect(perSecond(votesMessages(w).map((f) => f.at))).toBeLessThanOrEqual(2 * 1.1);
    }

    // The stored truth agrees, read through either node.
    for (const url of [A, B]) {
      const res = await fetch(`${url}/api/events/${ev.event.id}/questions.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
      expect(await res.text()).toContain(`"${q.id}"`);
    }
    const snapA = await ok(people[0]!.onA.send('snapshot:request', {}));
    const snapB = await ok(people[1]!.onB.send('snapshot:request', {}));
    for (const snap of [snapA, snapB]) expect(snap.qa!.questions.find((x) => x.id === q.id)?.votes).toBe(expected);
    expect(snapA.qa!.myUpvotes).toEqual([]);
    expect(snapB.qa!.myUpvotes).toEqual([q.id]);
  });

  it('[QA13] two moderators on two nodes acting on one question at once: exactly one wins; both see the same final state', async () => {
    for (let round = 0; round < 5; round++) {
      const q = await ok(people[2]!.onB.send('question:submit', { text: `Cluster race ${round}?`, anonymous: false }));
      // The same move from both: approve then dismiss would both be legal one after the other.
      const action = round % 2 ? 'question:dismiss' : 'question:approve';
      const [a, b] = await Promise.all([mod.send(action, { questionId: q.id }), mod2.send(action, { questionId: q.id })]);
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      const winner = (a.ok ? a.data : (b as { ok: true; data: QuestionView }).data) as QuestionView;
      await sleep(300);
      for (const m of [mod, mod2]) {
        const states = m.received.filter((f) => f.fact === 'question:changed' && (f.payload as QuestionView).id === q.id).map((f) => (f.payload as QuestionView).state);
        expect(states).toEqual([winner.state]);
      }
    }
  });

  it('[QA20] the ask budget is shared across nodes', async () => {
    const asker = people[4]!;
    for (let i = 0; i < 5; i++) await ok((i % 2 ? asker.onA : asker.onB).send('question:submit', { text: `Budget ${i}?`, anonymous: false }));
    for (const tab of [asker.onA, asker.onB]) {
      expect(await tab.send('question:submit', { text: 'One too many?', anonymous: false })).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    }
  });
});
