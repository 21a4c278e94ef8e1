import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, type CreateEventResponse, type JoinResponse, type Snapshot } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { connectClient, expectConnectError, keyOf, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

/*
 * [PERF21] Each node keeps its own shared part of its attendees' snapshots (domain/shared-snapshot.ts),
 * dropped by the facts it delivers. A change made through one node must be in the next snapshot
 * another node gives, though that node had read the shared part before the change.
 */

let cluster: Cluster;
let ev: CreateEventResponse;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  ev = await post<CreateEventResponse>(cluster.urls[0]!, '/api/events', { name: 'Shared snapshot SKO', settings: { moderation: 'pre' } }, true);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

const connect = async (node: number, token: string) => {
  const c = await connectClient(cluster.urls[node]!, token);
  clients.push(c);
  return c;
};
const join = (name: string, key?: string) => post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: ev.code, name, mode: 'remote', ...(key ? { key } : {}) });
const timeless = (s: Snapshot) => {
  const { serverTime: _t, ...rest } = s;
  return rest;
};

describe('cluster mode: shared snapshot parts', () => {
  it('[PERF21] a poll launched, a question approved, a stage change and a ban on node A are in the next snapshot node B gives', async () => {
    const mod = await connect(0, (await join('Mona', keyOf(ev.links.moderator))).token);
    const people: JoinResponse[] = [];
    for (let i = 0; i < 3; i++) people.push(await join(`Attendee ${i}`));
    // Node B reads its shared part now, before any of the changes.
    const watcher = await connect(1, people[0]!.token);
    const warm = await connect(1, people[1]!.token);
    expect(warm.snapshot.polls).toEqual([]);

    const launched = watcher.waitFor('poll:launched');
    const draft = { kind: 'single' as const, question: 'Across nodes?', options: ['Yes', 'No'], settings: DEFAULT_POLL_SETTINGS };
    const poll = await ok(mod.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft }))).id }));
    await launched;
    const afterPoll = await connect(1, people[1]!.token);
    expect(afterPoll.snapshot.polls.map((v) => v.poll.id)).toContain(poll.id);
    expect(timeless(afterPoll.snapshot)).toEqual(timeless(await ok(afterPoll.send('snapshot:request', {}))));

    const q = await ok(afterPoll.send('question:submit', { text: 'Seen on node B?', anonymous: false }));
    const approved = watcher.waitFor('question:changed', (c) => c.id === q.id);
    await ok(mod.send('question:approve', { questionId: q.id }));
    await approved;
    const other = await connect(1, people[2]!.token);
    expect(other.snapshot.qa?.questions.find((x) => x.id === q.id)?.state).toBe('approved');

    const shown = watcher.waitFor('stage:changed');
    await ok(mod.send('stage:show', { slot: { kind: 'question', questionId: q.id } }));
    await shown;
    expect((await connect(1, people[2]!.token)).snapshot.stage?.onStage).toMatchObject({ slot: { kind: 'question', questionId: q.id } });

    // A ban is the attendee's own part: read for them on every connection.
    await ok(mod.send('chat:banParticipant', { participantId: people[2]!.participant.id, banned: true }));
    expect((await connect(1, people[2]!.token)).snapshot.stage?.chat.banned).toBe(true);
    await ok(mod.send('participant:ban', { participantId: people[2]!.participant.id, banned: true }));
    expect((await expectConnectError(cluster.urls[1]!, people[2]!.token)).data?.code).toBe('BANNED');
  });

  it('[PERF23] while a round runs, places moved on node A are in the next snapshot node B gives, room-mates and names included', async () => {
    const e2 = await post<CreateEventResponse>(cluster.urls[0]!, '/api/events', { name: 'Breakout snapshot SKO' }, true);
    const join2 = (name: string, key?: string) => post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: e2.code, name, mode: 'remote', ...(key ? { key } : {}) });
    const mod = await connect(0, (await join2('Mona', keyOf(e2.links.moderator))).token);
    const people: JoinResponse[] = [];
    for (let i = 0; i < 4; i++) people.push(await join2(`Seller ${i}`));
    const online = await Promise.all(people.map((p) => connect(1, p.token)));
    const draft = { title: 'Deal clinic', durationSec: 600, audience: 'remote', rooms: [{ id: 'alpha', name: 'Alpha', capacity: 4 }, { id: 'bravo', name: 'Bravo', capacity: 4 }] };
    const round = await ok(mod.send('breakout:create', { sessionId: null, draft: draft as never }));
    await ok(mod.send('breakout:assign', { roundId: round.id, strategy: { kind: 'random' } as never }));
    const opened = online[0]!.waitFor('breakout:assigned', (m) => m.roomId !== null);
    await ok(mod.send('breakout:open', { roundId: round.id }));
    await opened;
    // Node B reads its shared part with the places as they are now.
    const before = await connect(1, people[0]!.token);
    const roomOf = (snap: Snapshot) => snap.breakouts?.me?.roomId ?? null;
    const mover = people[0]!.participant.id;
    const from = roomOf(before.snapshot)!;
    const to = from === 'alpha' ? 'bravo' : 'alpha';
    expect(before.snapshot.breakouts?.me?.members.map((m) => m.id)).toContain(mover);

    const told = online[0]!.waitFor('breakout:assigned', (m) => m.roomId === to);
    await ok(mod.send('breakout:move', { roundId: round.id, participantId: mover, roomId: to }));
    await told;
    for (const p of people) {
      const c = await connect(1, p.token);
      const mine = c.snapshot.breakouts?.me;
      const fresh = (await ok(c.send('snapshot:request', {}))) as Snapshot;
      // The shared read and the attendee's own read agree, and the mover is where the move put them.
      expect(mine).toEqual(fresh.breakouts?.me);
      if (p.participant.id === mover) expect(mine?.roomId).toBe(to);
      const mates = mine?.members.map((m) => m.id) ?? [];
      expect(mates.includes(mover)).toBe(mine?.roomId === to);
      expect(mine?.members.find((m) => m.id === p.participant.id)?.name).toBe(p.participant.name);
    }
  });
});
