import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse, EngagementDashboard, EngagementEntry, EngagementPage, JoinResponse, Poll } from '@rally/shared';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { TEST_ADMIN, trackedConnect, keyOf, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];
let hook: Server;
let hookUrl: string;
const deliveries: string[] = [];

async function call<T>(url: string, method: string, path: string, body?: unknown, admin = false): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${TEST_ADMIN}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const join = (url: string, body: Record<string, unknown>) => call<JoinResponse>(url, 'POST', '/api/join', { code: ev.code, ...body });

const connect = trackedConnect(clients);


async function readLog(url: string): Promise<EngagementEntry[]> {
  const out: EngagementEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page: EngagementPage = await (await fetch(`${url}/api/events/${ev.event.id}/engagement/log?limit=1000${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } })).json();
    out.push(...page.entries);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    deliveries.push(String(req.headers['x-rally-event']));
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
  await new Promise<void>((r) => hook.close(() => r()));
});

describe('engagement across nodes', () => {
  it('[ENG6] [ENG9] a moderator on node A sees votes cast on node B; both nodes\' entries are in one log; the parity alert is raised once for every moderator and the webhook once', async () => {
    ev = await call<CreateEventResponse>(A, 'POST', '/api/events', {
      name: 'Cluster SKO',
      teams: ['EMEA', 'NA'],
      // Room attendees here say so themselves; room codes are the stage's business (STAGE12).
      settings: { verifyRoomMode: false },
      agenda: [{ id: 'keynote', title: 'Keynote', kind: 'keynote', startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z' }],
    }, true);
    await call(B, 'PUT', `/api/events/${ev.event.id}/engagement/webhook`, { url: hookUrl, secret: 'whsec_cluster_0123456789' }, true);
    const modA = await connect(A, (await join(A, { name: 'Mod A', key: keyOf(ev.links.moderator) })).token);
    const modB = await connect(B, (await join(B, { name: 'Mod B', key: keyOf(ev.links.moderator) })).token);
    await ok(modA.send('session:setLive', { sessionId: 'keynote' }));
    // Room attendees on node B, remote ones on node A.
    const room = await Promise.all([0, 1, 2].map(async (i) => connect(B, (await join(B, { name: `Room ${i}`, mode: 'room', team: 'NA' })).token)));
    const remote = await Promise.all([0, 1, 2].map(async (i) => connect(A, (await join(A, { name: `Remote ${i}`, mode: 'remote', team: 'EMEA' })).token)));
    const draft = { kind: 'single' as const, question: 'Across nodes?', options: ['Yes', 'No'], settings: { anonymous: false, resultsVisibility: 'live' as const, allowChange: true, durationSec: null } };
    const created = await ok(modA.send('poll:create', { sessionId: 'keynote', draft }));
    const poll: Poll = await ok(modA.send('poll:launch', { pollId: created.id }));

    const alertA = modA.waitFor('engagement:parityAlerted', (a) => a.alerting, 8000);
    const alertB = modB.waitFor('engagement:parityAlerted', (a) => a.alerting, 8000);
    for (const c of room) await ok(c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));

    const seenOnA = await modA.waitFor('engagement:dashboardUpdated', (d: EngagementDashboard) => d.session?.figures.activities.find((x) => x.kind === 'voted')?.count.room === 3, 8000);
    expect(seenOnA.session!.figures.present).toEqual({ room: 3, remote: 3 });
    await Promise.all([alertA, alertB]);

    const log = await readLog(A);
    expect((await readLog(B)).map((e) => e.cursor)).toEqual(log.map((e) => e.cursor));
    expect(log.filter((e) => e.kind === 'joined')).toHaveLength(6);
    expect(log.filter((e) => e.kind === 'voted' && e.mode === 'room')).toHaveLength(3);

    await sleep(1500);
    for (const m of [modA, modB]) expect(m.received.filter((f) => f.fact === 'engagement:parityAlerted')).toHaveLength(1);
    expect(deliveries.filter((d) => d === 'engagement.parity_alert')).toHaveLength(1);
    void remote;
  });
});
