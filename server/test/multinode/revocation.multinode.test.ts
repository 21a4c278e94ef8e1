import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, ErrorCode, type CreateEventResponse, type JoinResponse, type PollDraft } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { keyOf, trackedConnect, sleep, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * [SEC10]–[SEC12] Revocation that holds on every node. The role a socket proved at its handshake is
 * re-checked against the store by every privileged command, so a rotation or ban that returned on
 * one node refuses a command on another node even before that node has closed the socket.
 */
let cluster: Cluster;
let A: string;
let B: string;
/** The shared store as the nodes see it: writes here are what a rotation or ban on node A writes. */
let store: Store;
const clients: TestClient[] = [];
const connect = trackedConnect(clients);

const draft: PollDraft = { kind: 'single', question: 'Which region wins the year?', options: ['EMEA', 'APAC'], settings: { ...DEFAULT_POLL_SETTINGS } };

async function newEvent(name: string): Promise<CreateEventResponse> {
  return post<CreateEventResponse>(A, '/api/events', { name, teams: [], agenda: [] }, true);
}
const join = (url: string, ev: CreateEventResponse, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });

/** An ack, a refusal, or null when the socket closed before answering. */
async function attempt<T>(p: Promise<T>): Promise<T | null> {
  return p.catch(() => null);
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  store = await createRedisStore(cluster.redisUrl);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await store?.close();
  await cluster?.stop();
});

describe('revocation on every node', () => {
  it('[SEC10] a key rotation in the store refuses the old moderator’s next command on another node before any node told its sockets', async () => {
    const ev = await newEvent('Rotation SKO');
    const modB = await connect(B, (await join(B, ev, { name: 'Mod on B', key: keyOf(ev.links.moderator) })).token);
    await ok(modB.send('poll:create', { sessionId: null, draft }));
    // What node A's rotation writes, with no disconnect published: node B can learn it only from the store.
    expect(await store.rotateKeys(ev.event.id, { presenter: 'p-new-key-000000000000', moderator: 'm-new-key-000000000000', stage: 's-new-key-000000000000' })).not.toBeNull();
    const closed = new Promise<void>((r) => modB.socket.once('disconnect', () => r()));
    const refused = await modB.send('poll:create', { sessionId: null, draft });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe(ErrorCode.UNAUTHORIZED);
    expect((await store.listPolls(ev.event.id)).length).toBe(1);
    // Refused once, then closed: it would be refused every time.
    await closed;
  });

  it('[SEC11] a ban in the store refuses a presenter’s next command on another node before the node closed the socket', async () => {
    const ev = await newEvent('Ban SKO');
    const mod = await connect(A, (await join(A, ev, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
    const poll = await ok(mod.send('poll:create', { sessionId: null, draft }));
    const presenterJoin = await join(B, ev, { name: 'Presenter on B', key: keyOf(ev.links.presenter) });
    const presB = await connect(B, presenterJoin.token);
    // The ban as participant:ban writes it, without the disconnect it publishes.
    await store.updateParticipant(presenterJoin.participant.id, { banned: true });
    const refused = await presB.send('poll:launch', { pollId: poll.id });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe(ErrorCode.BANNED);
    expect((await store.getPoll(poll.id))?.state).toBe('draft');
  });

  it('[SEC10] [SEC11] a ban in the store refuses an attendee on another node too: a busy command in its domain, any other in the pipeline', async () => {
    const ev = await newEvent('Attendee ban SKO');
    const mod = await connect(A, (await join(A, ev, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
    const pres = await connect(A, (await join(A, ev, { name: 'Presenter on A', key: keyOf(ev.links.presenter) })).token);
    const poll = await ok(pres.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft }))).id }));
    const attendeeJoin = await join(B, ev, { name: 'Attendee on B', mode: 'remote' });
    const onB = await connect(B, attendeeJoin.token);
    await store.updateParticipant(attendeeJoin.participant.id, { banned: true });
    const vote = await onB.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: poll.kind === 'single' ? poll.options[0]!.id : '' } });
    expect(vote).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    const update = await attempt(onB.send('participant:update', { team: undefined, mode: 'remote' }));
    expect(update).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    expect(await store.listVotes(poll.id)).toEqual([]);
  });

  it('[SEC12] a rotation returned by node A while node B was paused: the old moderator’s command reaching B refuses, whichever B reads first', async () => {
    const ev = await newEvent('Paused node SKO');
    const modB = await connect(B, (await join(B, ev, { name: 'Mod on B', key: keyOf(ev.links.moderator) })).token);
    const nodeB = cluster.nodes[1]!;
    nodeB.process.kill('SIGSTOP');
    let sent: Promise<unknown>[] = [];
    try {
      const res = await fetch(`${A}/api/events/${ev.event.id}/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${cluster.adminToken}` } });
      expect(res.status).toBe(200);
      // Sent after the rotation returned, while B has not yet read the disconnect A published:
      // when B resumes, the commands and the disconnect are waiting on its sockets together.
      sent = Array.from({ length: 5 }, () => attempt(modB.send('poll:create', { sessionId: null, draft })));
      await sleep(100);
    } finally {
      nodeB.process.kill('SIGCONT');
    }
    const acks = await Promise.all(sent);
    for (const a of acks) expect((a as { ok?: boolean } | null)?.ok).not.toBe(true);
    await sleep(300);
    expect((await store.listPolls(ev.event.id)).length).toBe(0);
  });

  it('[SEC13] a presenter and a moderator whose standing holds are unaffected: their commands on either node succeed', async () => {
    const ev = await newEvent('Standing SKO');
    const modA = await connect(A, (await join(A, ev, { name: 'Mod on A', key: keyOf(ev.links.moderator) })).token);
    const presB = await connect(B, (await join(B, ev, { name: 'Presenter on B', key: keyOf(ev.links.presenter) })).token);
    const poll = await ok(modA.send('poll:create', { sessionId: null, draft }));
    await ok(presB.send('poll:launch', { pollId: poll.id }));
    expect((await store.getPoll(poll.id))?.state).toBe('live');
  });
});
