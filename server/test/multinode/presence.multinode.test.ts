import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type JoinResponse } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { connectClient, expectConnectError, keyOf } from '../helpers/test-server.js';

let cluster: Cluster;
let ev: CreateEventResponse;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  ev = await post<CreateEventResponse>(cluster.urls[0]!, '/api/events', { name: 'Cluster SKO', teams: ['EMEA'] }, true);
});
afterAll(() => cluster?.stop());

describe('cluster mode: two Rally processes on one redis-server', () => {
  it('[CLU1] an event created on node A can be joined on node B', async () => {
    const j = await post<JoinResponse>(cluster.urls[1]!, '/api/join', { code: ev.code, name: 'B-joiner' });
    expect(j.participant.eventId).toBe(ev.event.id);
  });

  it('[CLU2] a moderator on node A sees, live, an attendee who joined on node B, and sees them leave', async () => {
    const m = await post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: ev.code, name: 'Mod on A', key: keyOf(ev.links.moderator) });
    const mod = await connectClient(cluster.urls[0]!, m.token);
    const a = await post<JoinResponse>(cluster.urls[1]!, '/api/join', { code: ev.code, name: 'Remote on B', mode: 'remote' });
    const online = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.id === a.participant.id && c.online), 10_000);
    const att = await connectClient(cluster.urls[1]!, a.token);
    const seen = await online;
    expect(seen.changes.find((c) => c.participant.id === a.participant.id)?.participant.name).toBe('Remote on B');
    expect(seen.counts.remote).toBeGreaterThanOrEqual(1);
    const offline = mod.waitFor('presence:changed', (p) => p.changes.some((c) => c.participant.id === a.participant.id && !c.online), 10_000);
    att.close();
    await offline;
    mod.close();
  });

  it('[CLU3] a ban issued on node A disconnects the participant\'s socket on node B and blocks reconnecting on either node', async () => {
    const m = await post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: ev.code, name: 'Mod 2', key: keyOf(ev.links.moderator) });
    const mod = await connectClient(cluster.urls[0]!, m.token);
    const a = await post<JoinResponse>(cluster.urls[1]!, '/api/join', { code: ev.code, name: 'Troll' });
    const att = await connectClient(cluster.urls[1]!, a.token);
    const gone = new Promise<void>((r) => att.socket.once('disconnect', () => r()));
    const ack = await mod.send('participant:ban', { participantId: a.participant.id, banned: true });
    expect(ack.ok).toBe(true);
    await gone;
    for (const url of cluster.urls) expect((await expectConnectError(url, a.token)).data?.code).toBe(ErrorCode.BANNED);
    mod.close();
  });
});
