import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse, JoinResponse } from '@rally/shared';
import { TEST_ADMIN } from '../helpers/test-server.js';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { connectClient, keyOf, type TestClient } from '../helpers/test-server.js';

let cluster: Cluster;
let ev: CreateEventResponse;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  ev = await post<CreateEventResponse>(cluster.urls[0]!, '/api/events', { name: 'Recovery SKO', teams: ['EMEA'] }, true);
});
afterAll(() => cluster?.stop());

async function rename(name: string): Promise<void> {
  const res = await fetch(`${cluster.urls[0]}/api/events/${ev.event.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN}` },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(200);
}

/** A network drop (not a deliberate disconnect, so the server keeps the session), held until reconnect(). */
function drop(c: TestClient): Promise<void> {
  const gone = new Promise<void>((r) => c.socket.once('disconnect', () => r()));
  c.socket.io.engine.close();
  return gone;
}

/** The facts a client received from index `from` up to and including its next snapshot. */
function upToSnapshot(c: TestClient, from: number): string[] {
  const facts = c.received.slice(from).map((f) => (f.fact === 'event:updated' ? `renamed:${(f.payload as { name: string }).name}` : f.fact));
  return facts.slice(0, facts.indexOf('snapshot') + 1);
}

describe('cluster mode: connection-state recovery', () => {
  it('[CLU4] forty sockets recovering at once on one node each get exactly the packets they missed for their rooms, in order, then a snapshot', async () => {
    const watcherJoin = await post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: ev.code, name: 'Mod on A', key: keyOf(ev.links.moderator) });
    const watcher = await connectClient(cluster.urls[0]!, watcherJoin.token);
    const modJoin = await post<JoinResponse>(cluster.urls[1]!, '/api/join', { code: ev.code, name: 'Mod on B', key: keyOf(ev.links.moderator) });
    const mod = await connectClient(cluster.urls[1]!, modJoin.token);
    const attendees = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const j = await post<JoinResponse>(cluster.urls[1]!, '/api/join', { code: ev.code, name: `Attendee ${i}`, mode: 'remote' });
        return { id: j.participant.id, client: await connectClient(cluster.urls[1]!, j.token) };
      }),
    );
    // Seen live by everyone: recovery starts after it, so it must not come again.
    const seen = Promise.all([mod, ...attendees.map((a) => a.client)].map((c) => c.waitFor('event:updated', (e) => e.name === 'Before')));
    await rename('Before');
    await seen;

    const dropped = [mod, ...attendees.map((a) => a.client)];
    const marks = dropped.map((c) => c.received.length);
    // Node B has handled every close (and so stored every session) once node A's moderator sees them all offline.
    const offline = new Set<string>();
    const allOffline = watcher.waitFor(
      'presence:changed',
      (p) => {
        for (const ch of p.changes) if (!ch.online) offline.add(ch.participant.id);
        return attendees.every((a) => offline.has(a.id));
      },
      20_000,
    );
    await Promise.all(dropped.map(drop));
    await allOffline;

    for (const name of ['Missed 1', 'Missed 2', 'Missed 3']) await rename(name);

    // All at once: the node serves the restores from one shared read of the stream.
    const back = dropped.map((c) => c.waitFor('snapshot', undefined, 20_000));
    for (const c of dropped) c.socket.connect();
    await Promise.all(back);

    const missed = ['renamed:Missed 1', 'renamed:Missed 2', 'renamed:Missed 3'];
    attendees.forEach((a, i) => {
      expect(a.client.socket.recovered).toBe(true);
      // Staff-only presence batches are in the stream too; an attendee's rooms exclude them.
      expect(upToSnapshot(a.client, marks[i + 1]!)).toEqual([...missed, 'snapshot']);
    });
    // The moderator on B also missed the presence batches of the attendees leaving, in stream order.
    expect(mod.socket.recovered).toBe(true);
    const modFacts = upToSnapshot(mod, marks[0]!);
    expect(modFacts.filter((f) => f.startsWith('renamed:'))).toEqual(missed);
    expect(modFacts).toContain('presence:changed');
    expect(modFacts.at(-1)).toBe('snapshot');

    for (const c of [watcher, ...dropped]) c.close();
  });
});
