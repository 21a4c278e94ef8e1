import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CreateEventResponse, JoinResponse, PollDraft, Snapshot } from '@rally/shared';
import { DEFAULT_POLL_SETTINGS } from '@rally/shared';
import { connectClient, expectConnectError, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { ok } from '../helpers/acks.js';

/*
 * [PERF20] [PERF21] An attendee's snapshot on connection is their own part added to the event's
 * part shared by every attendee on the node (domain/shared-snapshot.ts). `snapshot:request` still
 * builds the whole snapshot from the store for the asker alone (buildSnapshot): it is the reference.
 */

const single = (question: string): PollDraft => ({ kind: 'single', question, options: ['Yes', 'No'], settings: DEFAULT_POLL_SETTINGS });

const closedOption = (p: object) => (p as { options: { id: string }[] }).options[0]!.id;

/** The snapshot without its clock. */
const timeless = (s: Snapshot) => {
  const { serverTime: _t, ...rest } = s;
  return rest;
};

describe.each([['sqlite' as const], ['redis' as const]])('shared snapshot parts (%s store)', (storeKind) => {
  let s: TestServer;
  let redis: RedisServerHandle | undefined;
  let ev: CreateEventResponse;
  const clients: TestClient[] = [];
  const connect = async (token: string) => {
    const c = await connectClient(s.url, token);
    clients.push(c);
    return c;
  };
  const join = (name: string, mode: 'remote' | 'room' = 'remote') => s.join({ code: ev.code, name, mode });

  beforeAll(async () => {
    if (storeKind === 'redis') redis = await startRedisServer();
    s = await startTestServer(redis ? { store: await createRedisStore(redis.url) } : {});
    ev = await s.createEvent({ name: 'Shared SKO', settings: { moderation: 'pre', allowAnonymousQuestions: true } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await s?.close();
    await redis?.stop();
  });

  it('[PERF20] each attendee gets the snapshot buildSnapshot gives them alone, and nothing of another attendee: votes, pending and anonymous questions, bans', async () => {
    const mod = await connect((await s.join({ code: ev.code, name: 'Mona', key: keyOf(ev.links.moderator) })).token);
    const adaJoin = await join('Ada Lovelace', 'remote');
    const bobJoin = await join('Bob Builder', 'room');
    const ada = await connect(adaJoin.token);
    const bob = await connect(bobJoin.token);

    // A closed poll Ada voted in, a live one, a draft.
    const closed = await ok(mod.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft: single('Closed?') }))).id }));
    await ok(ada.send('poll:vote', { pollId: closed.id, vote: { kind: 'single', optionId: closedOption(closed) } }));
    const closedSeen = bob.waitFor('poll:closed');
    await ok(mod.send('poll:close', { pollId: closed.id }));
    await closedSeen;
    await ok(mod.send('poll:create', { sessionId: null, draft: single('Draft only staff see') }));
    const liveSeen = bob.waitFor('poll:launched');
    await ok(mod.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft: single('Live?') }))).id }));
    await liveSeen;

    // Ada: one anonymous question left pending, one named and approved; Bob: one pending.
    const secret = 'Why were commissions cut, asks Ada?';
    const anon = await ok(ada.send('question:submit', { text: secret, anonymous: true }));
    const named = await ok(ada.send('question:submit', { text: 'When is the next release?', anonymous: false }));
    await ok(bob.send('question:submit', { text: 'Bob wonders, pending', anonymous: false }));
    const approved = bob.waitFor('question:changed', (q) => q.id === named.id);
    await ok(mod.send('question:approve', { questionId: named.id }));
    await approved;

    // Chat from Ada; Bob banned from chat and from asking; an announcement for remote attendees only.
    const said = bob.waitFor('chat:messagePosted');
    await ok(ada.send('chat:send', { text: 'Hello room' }));
    await said;
    await ok(mod.send('chat:banParticipant', { participantId: bobJoin.participant.id, banned: true }));
    await ok(mod.send('qa:banAsker', { participantId: bobJoin.participant.id, banned: true }));
    const told = ada.waitFor('announcement:posted');
    await ok(mod.send('announcement:send', { text: 'Remote folks: lunch is at 12', audience: 'remote' }));
    await told;

    // New connections of both, then each one's reference snapshot.
    const ada2 = await connect(adaJoin.token);
    const bob2 = await connect(bobJoin.token);
    for (const c of [ada2, bob2]) expect(timeless(c.snapshot)).toEqual(timeless(await ok(c.send('snapshot:request', {}))));

    expect(ada2.snapshot.myVotes[closed.id]).toEqual({ kind: 'single', optionId: closedOption(closed) });
    expect(ada2.snapshot.qa!.questions.find((q) => q.id === anon.id)).toMatchObject({ mine: true, state: 'pending', authorName: null });
    expect(ada2.snapshot.stage!.announcement?.text).toBe('Remote folks: lunch is at 12');
    expect(ada2.snapshot.stage!.chat.banned).toBe(false);
    // Nothing of Ada's own part in Bob's, and his own bans in his.
    const bobText = JSON.stringify(bob2.snapshot);
    expect(bobText).not.toContain(secret);
    expect(bobText).not.toContain(anon.id);
    expect(bob2.snapshot.myVotes).toEqual({});
    expect(bob2.snapshot.qa!.questions.map((q) => [q.text, q.mine ?? false])).toEqual(
      expect.arrayContaining([
        ['When is the next release?', false],
        ['Bob wonders, pending', true],
      ]),
    );
    expect(bob2.snapshot.qa!.questions).toHaveLength(2);
    expect(bob2.snapshot.qa!.askingBanned).toBe(true);
    expect(bob2.snapshot.stage!.chat.banned).toBe(true);
    expect(bob2.snapshot.stage!.announcement).toBeNull();
    expect(JSON.stringify(ada2.snapshot)).not.toContain('Bob wonders, pending');
  });

  it('[PERF21] attendees connecting together share one read of the event; a poll launched, a question approved, a stage change or a ban is in the next snapshot', async () => {
    const mod = await connect((await s.join({ code: ev.code, name: 'Mona', key: keyOf(ev.links.moderator) })).token);
    const people: JoinResponse[] = [];
    for (let i = 0; i < 4; i++) people.push(await join(`Attendee ${i}`));
    const watcher = await connect(people[0]!.token);

    const listPolls = vi.spyOn(s.store, 'listPolls');
    await Promise.all(people.slice(1).map((p) => connect(p.token)));
    expect(listPolls.mock.calls.length).toBeLessThanOrEqual(1);

    // Each change: the watcher hears of it, and the next snapshot (with a shared part read before) has it.
    const launched = watcher.waitFor('poll:launched');
    const poll = await ok(mod.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft: single('Fresh?') }))).id }));
    await launched;
    expect((await connect(people[1]!.token)).snapshot.polls.map((v) => v.poll.id)).toContain(poll.id);

    const q = await ok((await connect(people[2]!.token)).send('question:submit', { text: 'Approve me please', anonymous: false }));
    const approved = watcher.waitFor('question:changed', (c) => c.id === q.id);
    await ok(mod.send('question:approve', { questionId: q.id }));
    await approved;
    expect((await connect(people[3]!.token)).snapshot.qa!.questions.find((x) => x.id === q.id)?.state).toBe('approved');

    const shown = watcher.waitFor('stage:changed');
    await ok(mod.send('stage:show', { slot: { kind: 'question', questionId: q.id } }));
    await shown;
    expect((await connect(people[1]!.token)).snapshot.stage!.onStage).toMatchObject({ slot: { kind: 'question', questionId: q.id } });

    const said = watcher.waitFor('chat:messagePosted');
    const other = await connect(people[2]!.token);
    await ok(other.send('chat:send', { text: 'Fresh chat line' }));
    await said;
    expect((await connect(people[3]!.token)).snapshot.stage!.chat.messages.map((m) => m.text)).toContain('Fresh chat line');

    await ok(mod.send('participant:ban', { participantId: people[3]!.participant.id, banned: true }));
    expect((await expectConnectError(s.url, people[3]!.token)).data?.code).toBe('BANNED');
  });
});
