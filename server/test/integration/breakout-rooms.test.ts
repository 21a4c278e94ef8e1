import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, STAGE_LIMITS, type BreakoutRound, type CreateEventResponse } from '@rally/shared';
import { fakeClock, type FakeClock } from '../helpers/domain-kit.js';
import { cmdId, connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [BRK52] [BRK53] [BRK60]–[BRK62] What happens inside breakout rooms, over real sockets: a
// role-play round placed by hand and opened with the round commands, then its room chat, takeaways
// and scorecards.

let s: TestServer;
let clock: FakeClock;
const open: TestClient[] = [];

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

interface Cast {
  ev: CreateEventResponse;
  mod: TestClient;
  screen: TestClient;
  /** room_a, in member order: seller, buyer, observer in rotation 0. */
  amy: TestClient;
  bob: TestClient;
  cat: TestClient;
  /** room_b, alone. */
  dan: TestClient;
  /** In no room. */
  eve: TestClient;
  round: BreakoutRound;
  ids: Record<'amy' | 'bob' | 'cat' | 'dan' | 'eve', string>;
  tokens: Record<'amy' | 'bob' | 'cat' | 'dan' | 'eve', string>;
}

async function cast(): Promise<Cast> {
  const ev = await s.createEvent();
  const staff = async (name: string, link: string) => client((await s.join({ code: ev.code, name, key: keyOf(link) })).token);
  const mod = await staff('Mo Desk', ev.links.moderator);
  const screen = await staff('Stage', ev.links.stage);
  const ids = {} as Cast['ids'];
  const tokens = {} as Cast['tokens'];
  const people = {} as Record<keyof Cast['ids'], TestClient>;
  for (const name of ['amy', 'bob', 'cat', 'dan', 'eve'] as const) {
    // Eve sits in the venue: the round's audience is the remote attendees, so she is in no room.
    const joined = await s.join({ code: ev.code, name: name[0]!.toUpperCase() + name.slice(1), mode: name === 'eve' ? 'room' : 'remote' });
    ids[name] = joined.participant.id;
    tokens[name] = joined.token;
    people[name] = await client(joined.token);
  }
  const created = await ok(
    mod.send('breakout:create', {
      sessionId: null,
      draft: {
        title: 'Discovery role-play',
        durationSec: 900,
        audience: 'remote',
        strategy: { kind: 'manual' },
        format: {
          kind: 'rolePlay',
          roles: [
            { id: 'seller', name: 'Seller', scores: false, brief: 'Sell.' },
            { id: 'buyer', name: 'Buyer', scores: false, brief: 'Push back.' },
            { id: 'observer', name: 'Observer', scores: true, brief: 'Score.' },
          ],
          rotations: 3,
          rubric: [
            { id: 'discovery', label: 'Discovery' },
            { id: 'close', label: 'Closing' },
          ],
        },
        rooms: [
          { id: 'room_a', name: 'Room A', topic: '', capacity: 3, facilitatorId: null },
          { id: 'room_b', name: 'Room B', topic: '', capacity: 3, facilitatorId: null },
        ],
      },
    }),
  );
  // Placed by hand, in this order: the room's member order ([BSTORE3]) makes Amy the first seller.
  for (const [name, roomId] of [['amy', 'room_a'], ['bob', 'room_a'], ['cat', 'room_a'], ['dan', 'room_b']] as const) {
    await ok(mod.send('breakout:move', { roundId: created.id, participantId: ids[name], roomId }));
  }
  const placed = (['amy', 'bob', 'cat', 'dan'] as const).map((n) => people[n].waitFor('breakout:assigned', (p) => p.roundId === created.id && p.roomId !== null));
  const round = await ok(mod.send('breakout:open', { roundId: created.id }));
  await Promise.all(placed);
  return { ev, mod, screen, ...people, round, ids, tokens };
}

const heard = (c: TestClient, fact: string) => c.received.filter((f) => f.fact === fact);

beforeAll(async () => {
  clock = fakeClock(Date.UTC(2027, 0, 20, 10, 0, 0));
  s = await startTestServer({ clock });
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});

describe('breakout room chat over sockets', () => {
  it('[BRK61] a message reaches the room-mates and staff, never another room; a moderator deletes it for them', async () => {
    const c = await cast();
    const atBob = c.bob.waitFor('breakout:chatPosted');
    const atMod = c.mod.waitFor('breakout:chatPosted');
    // Facts may arrive before the sender's ack: every wait starts before the send.
    const atCat = c.cat.waitFor('breakout:chatPosted');
    const sent = await ok(c.amy.send('breakout:chat', { roundId: c.round.id, text: 'Who starts?' }));
    expect(sent).toMatchObject({ authorId: c.ids.amy, authorName: 'Amy', text: 'Who starts?' });
    for (const fact of [await atBob, await atMod]) expect(fact).toEqual({ ...sent, roundId: c.round.id, roomId: 'room_a' });
    await atCat;
    // A reconnecting room-mate finds the message in their snapshot; another room's member does not.
    expect((await client(c.tokens.bob)).snapshot.breakouts?.chat).toEqual([sent]);
    expect((await client(c.tokens.dan)).snapshot.breakouts?.chat).toEqual([]);
    await sleep(150);
    expect(heard(c.dan, 'breakout:chatPosted')).toEqual([]);
    expect(heard(c.eve, 'breakout:chatPosted')).toEqual([]);

    // An attendee may not name another room, nor delete, nor read a room's chat.
    expect((await c.amy.send('breakout:chat', { roundId: c.round.id, roomId: 'room_b', text: 'hi B' })).ok).toBe(false);
    expect(await c.eve.send('breakout:chat', { roundId: c.round.id, text: 'anyone?' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.bob.send('breakout:deleteChat', { roundId: c.round.id, roomId: 'room_a', messageId: sent.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

    const deletedAtCat = c.cat.waitFor('breakout:chatDeleted');
    expect(await ok(c.mod.send('breakout:deleteChat', { roundId: c.round.id, roomId: 'room_a', messageId: sent.id }))).toEqual({ messageId: sent.id, deleted: true });
    expect(await deletedAtCat).toEqual({ roundId: c.round.id, roomId: 'room_a', messageId: sent.id });
    expect(await c.mod.send('breakout:deleteChat', { roundId: c.round.id, roomId: 'room_a', messageId: sent.id })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    expect((await ok(c.mod.send('breakout:readChat', { roundId: c.round.id, roomId: 'room_a' }))).messages).toEqual([]);
  });

  it('[BRK61] staff post to the room they name; they read it back; profanity is censored', async () => {
    const c = await cast();
    const atDan = c.dan.waitFor('breakout:chatPosted');
    const posted = await ok(c.mod.send('breakout:chat', { roundId: c.round.id, roomId: 'room_b', text: 'Five minutes left, shit happens' }));
    expect(posted.authorRole).toBe('moderator');
    expect(posted.censored).toBe(true);
    expect((await atDan).text).toBe(posted.text);
    await sleep(150);
    expect(heard(c.amy, 'breakout:chatPosted')).toEqual([]);
    const read = await ok(c.mod.send('breakout:readChat', { roundId: c.round.id, roomId: 'room_b' }));
    expect(read.messages).toEqual([posted]);
    expect(await c.mod.send('breakout:chat', { roundId: c.round.id, text: 'which room?' })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it('[BRK61] the chat budget is typed RATE_LIMITED, and a participant banned from chat cannot post', async () => {
    const c = await cast();
    for (let i = 0; i < STAGE_LIMITS.chatPerWindow; i++) await ok(c.dan.send('breakout:chat', { roundId: c.round.id, text: `msg ${i}` }));
    const over = await c.dan.send('breakout:chat', { roundId: c.round.id, text: 'one too many' });
    expect(over).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });

    await ok(c.mod.send('chat:banParticipant', { participantId: c.ids.amy, banned: true }));
    expect(await c.amy.send('breakout:chat', { roundId: c.round.id, text: 'let me speak' })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    expect((await ok(c.mod.send('breakout:readChat', { roundId: c.round.id, roomId: 'room_a' }))).messages).toEqual([]);
  });
});

describe('takeaways over sockets', () => {
  it('[BRK60] a member submits the room takeaway (a resubmit replaces it); it goes on stage only once it exists', async () => {
    const c = await cast();
    const slot = { kind: 'takeaway' as const, roundId: c.round.id, roomId: 'room_a' };
    expect(await c.mod.send('stage:show', { slot })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });

    const atCat = c.cat.waitFor('breakout:takeawaySubmitted', (t) => t.text.startsWith('Listen'));
    const atMod = c.mod.waitFor('breakout:takeawaySubmitted', (t) => t.text.startsWith('Listen'));
    await ok(c.amy.send('breakout:takeaway', { roundId: c.round.id, text: 'Ask first' }));
    const second = await ok(c.bob.send('breakout:takeaway', { roundId: c.round.id, text: 'Listen before pitching' }));
    expect(second).toMatchObject({ roundId: c.round.id, roomId: 'room_a', byId: c.ids.bob, byName: 'Bob' });
    expect(await atCat).toEqual(second);
    expect(await atMod).toEqual(second);
    await sleep(150);
    expect(heard(c.dan, 'breakout:takeawaySubmitted')).toEqual([]);
    expect(await s.store.listTakeaways(c.round.id)).toEqual([second]);
    expect(await c.eve.send('breakout:takeaway', { roundId: c.round.id, text: 'not in a room' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

    const onScreen = c.screen.waitFor('stage:changed', (o) => o.slot.kind === 'takeaway');
    const shown = await ok(c.mod.send('stage:show', { slot }));
    expect(shown.slot).toEqual(slot);
    expect((await onScreen).slot).toEqual(slot);
    // The screen got the text first, so it can render the slot the moment it changes.
    const screenFacts = c.screen.received.map((f) => f.fact);
    expect(screenFacts.indexOf('breakout:takeawaySubmitted')).toBeGreaterThanOrEqual(0);
    expect(screenFacts.indexOf('breakout:takeawaySubmitted')).toBeLessThan(screenFacts.lastIndexOf('stage:changed'));
    expect(c.screen.received.find((f) => f.fact === 'breakout:takeawaySubmitted')?.payload).toEqual(second);
    // And a reloaded screen finds it in its snapshot; another room's member does not get room A's otherwise.
    const reloaded = await client((await s.join({ code: c.ev.code, name: 'Stage again', key: keyOf(c.ev.links.stage) })).token);
    expect(reloaded.snapshot.breakouts?.takeaways).toEqual([second]);
    // Another room without one, or another round, stays NOT_FOUND.
    expect(await c.mod.send('stage:show', { slot: { ...slot, roomId: 'room_b' } })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('[BRK62] staff launch the takeaways as a live poll, one option per room; with one takeaway it is refused', async () => {
    const c = await cast();
    await ok(c.amy.send('breakout:takeaway', { roundId: c.round.id, text: 'Ask about budget first' }));
    expect(await c.mod.send('breakout:pollTakeaways', { roundId: c.round.id })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    await ok(c.dan.send('breakout:takeaway', { roundId: c.round.id, text: 'Silence is a tool' }));
    const launched = c.eve.waitFor('poll:launched');
    const { pollId } = await ok(c.mod.send('breakout:pollTakeaways', { roundId: c.round.id }));
    const poll = await s.store.getPoll(pollId);
    expect(poll?.state).toBe('live');
    expect(poll?.kind === 'single' && poll.options.map((o) => o.label)).toEqual(['Room A: Ask about budget first', 'Room B: Silence is a tool']);
    expect((await launched)).toBeTruthy();
    expect(await c.amy.send('breakout:pollTakeaways', { roundId: c.round.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
  });
});

describe('scorecards over sockets', () => {
  const scores = { discovery: 4, close: 3 };

  it('[BRK52] [BRK53] the observer scores the seller, the seller is refused, one per rotation; feedback after close', async () => {
    const c = await cast();
    // Rotation 0: Amy sells, Bob buys, Cat observes.
    expect(await c.amy.send('breakout:score', { roundId: c.round.id, rotation: 0, scores, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.dan.send('breakout:score', { roundId: c.round.id, rotation: 0, scores, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.cat.send('breakout:score', { roundId: c.round.id, rotation: 0, scores: { discovery: 4 }, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });

    const id = cmdId();
    const card = await ok(c.cat.send('breakout:score', { id, roundId: c.round.id, rotation: 0, scores, comment: '=Great discovery' }));
    expect(card).toMatchObject({ roundId: c.round.id, roomId: 'room_a', rotation: 0, scorerId: c.ids.cat, subjectId: c.ids.amy, scores });
    // [BRK52] The card is recorded in engagement, in its room (the recorder flushes every 100 ms).
    await expect
      .poll(async () => (await s.store.readEngagement(c.ev.event.id, null, 1000)).entries.filter((e) => e.kind === 'scorecardGiven'))
      .toEqual([expect.objectContaining({ participantId: c.ids.cat, ref: c.round.id, breakoutRoomId: 'room_a' })]);
    // A retry of the same command gets the same card; a new command is CONFLICT.
    expect(await ok(c.cat.send('breakout:score', { id, roundId: c.round.id, rotation: 0, scores: { discovery: 1, close: 1 }, comment: '' }))).toEqual(card);
    expect(await c.cat.send('breakout:score', { roundId: c.round.id, rotation: 0, scores, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    // Rotation 1 has not started.
    expect(await c.amy.send('breakout:score', { roundId: c.round.id, rotation: 1, scores, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });

    expect(await c.amy.send('breakout:myFeedback', { roundId: c.round.id })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    await ok(c.mod.send('breakout:close', { roundId: c.round.id }));
    const feedback = await ok(c.amy.send('breakout:myFeedback', { roundId: c.round.id }));
    expect(feedback.scorecards).toHaveLength(1);
    expect(feedback.scorecards[0]).toMatchObject({ subjectId: c.ids.amy, scorerName: 'Cat', scores, comment: '=Great discovery' });
    expect(feedback.scorecards[0]).not.toHaveProperty('scorerId');
    expect((await ok(c.cat.send('breakout:myFeedback', { roundId: c.round.id }))).scorecards).toEqual([]);

    // Staff export: JSON paged, CSV one line per criterion, formulas defused.
    const page = await s.api(`/api/events/${c.ev.event.id}/breakouts/scorecards?roundId=${c.round.id}&limit=1`, { admin: true });
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.entries[0]).toMatchObject({ scorerName: 'Cat', subjectName: 'Amy', roomName: 'Room A', roundTitle: 'Discovery role-play' });
    expect(page.body.hasMore).toBe(false);
    const csv = await fetch(`${s.url}/api/events/${c.ev.event.id}/breakouts/scorecards.csv`, { headers: { authorization: `Bearer ${(await s.join({ code: c.ev.code, name: 'Mo 2', key: keyOf(c.ev.links.moderator) })).token}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + 2);
    expect(lines[1]).toContain(`"'=Great discovery"`);
    const attendeeTry = await fetch(`${s.url}/api/events/${c.ev.event.id}/breakouts/scorecards.csv`, { headers: { authorization: `Bearer ${(await s.join({ code: c.ev.code, name: 'Nosy', mode: 'remote' })).token}` } });
    expect(attendeeTry.status).toBe(403);
  });

  it("[BRK52] the observer of a later rotation scores that rotation's seller once it has started", async () => {
    const c = await cast();
    clock.advance(300_000 + 1_000);
    try {
      // Rotation 1: Bob sells, Cat buys, Amy observes.
      const card = await ok(c.amy.send('breakout:score', { roundId: c.round.id, rotation: 1, scores, comment: '' }));
      expect(card.subjectId).toBe(c.ids.bob);
      expect(await c.cat.send('breakout:score', { roundId: c.round.id, rotation: 1, scores, comment: '' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    } finally {
      clock.advance(-(300_000 + 1_000));
    }
  });
});
