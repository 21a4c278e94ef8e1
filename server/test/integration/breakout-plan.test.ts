import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type BreakoutRound, type CreateEventResponse, type MyBreakout } from '@rally/shared';
import { breakoutRoomName } from '../../src/media/breakout-video.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';
import { parseCsv } from '../helpers/csv.js';
import { postWebhook, signWebhook, webhookBody } from '../helpers/livekit-webhook.js';

// A round planned ahead for a later agenda session; a teach-back whose concepts go to each
// rotation's teacher only ([BRK90]); and what a round leaves in the engagement participants export
// ([ENG13]: the `scorecards_given` and `breakouts_joined` columns). LiveKit is configured but not
// running (port 9 refuses at once): webhooks are signed as LiveKit signs them.

const KEY = 'APIplanKey';
const SECRET = 'plan-livekit-secret-0123456789-abcdefghij';
const LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };
const CONCEPTS = ['Multi-threading the account', 'The mutual action plan', 'Testing a champion'];

const session = (id: string, title: string, hour: number) => ({ id, title, kind: 'workshop' as const, startsAt: `2027-01-20T${String(hour).padStart(2, '0')}:00:00.000Z`, endsAt: `2027-01-20T${String(hour).padStart(2, '0')}:45:00.000Z`, speakers: [] });

let s: TestServer;
const open: TestClient[] = [];
async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

beforeAll(async () => {
  s = await startTestServer({ env: LIVEKIT });
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});

interface Cast {
  ev: CreateEventResponse;
  mod: TestClient;
  modToken: string;
  /** Room A in member order (Amy teaches in rotation 0), Dan alone in room B, Eve in the venue. */
  people: Record<'amy' | 'bob' | 'cat' | 'dan' | 'eve', TestClient>;
  ids: Record<'amy' | 'bob' | 'cat' | 'dan' | 'eve', string>;
  tokens: Record<'amy' | 'bob' | 'cat' | 'dan' | 'eve', string>;
}

async function cast(): Promise<Cast> {
  const ev = await s.createEvent({ agenda: [session('opening', 'Opening keynote', 9), session('afternoon', 'Afternoon workshop', 14)] });
  const modToken = (await s.join({ code: ev.code, name: 'Mo Desk', key: keyOf(ev.links.moderator) })).token;
  const mod = await client(modToken);
  const ids = {} as Cast['ids'];
  const people = {} as Cast['people'];
  const tokens = {} as Cast['tokens'];
  for (const name of ['amy', 'bob', 'cat', 'dan', 'eve'] as const) {
    const joined = await s.join({ code: ev.code, name: name[0]!.toUpperCase() + name.slice(1), mode: name === 'eve' ? 'room' : 'remote' });
    ids[name] = joined.participant.id;
    tokens[name] = joined.token;
    people[name] = await client(joined.token);
  }
  return { ev, mod, modToken, people, ids, tokens };
}

/** A teach-back round with concepts, placed by hand (Amy, Bob, Cat in room A in that order; Dan in room B) and opened. */
async function openTeachBack(c: Cast): Promise<{ round: BreakoutRound; places: Map<string, MyBreakout> }> {
  const created = await ok(
    c.mod.send('breakout:create', {
      sessionId: null,
      draft: {
        title: 'Teach-back',
        durationSec: 900,
        audience: 'remote',
        strategy: { kind: 'manual' },
        format: {
          kind: 'teachBack',
          roles: [
            { id: 'teacher', name: 'Teacher', scores: false, brief: 'Teach your concept in 3 minutes.' },
            { id: 'learner', name: 'Learner', scores: true, brief: 'Rate how clearly it was taught.' },
          ],
          rotations: 3,
          rubric: [{ id: 'clarity', label: 'Clarity' }],
          concepts: CONCEPTS,
        },
        rooms: [
          { id: 'room_a', name: 'Room A', topic: 'Enterprise', capacity: 3, facilitatorId: null },
          { id: 'room_b', name: 'Room B', topic: 'Mid-market', capacity: 3, facilitatorId: null },
        ],
      },
    }),
  );
  for (const [name, roomId] of [['amy', 'room_a'], ['bob', 'room_a'], ['cat', 'room_a'], ['dan', 'room_b']] as const) {
    await ok(c.mod.send('breakout:move', { roundId: created.id, participantId: c.ids[name], roomId }));
  }
  const names = ['amy', 'bob', 'cat', 'dan'] as const;
  const placed = names.map((n) => c.people[n].waitFor('breakout:assigned', (p) => p.roundId === created.id && p.roomId !== null && p.rotation === 0));
  const round = await ok(c.mod.send('breakout:open', { roundId: created.id }));
  const got = await Promise.all(placed);
  return { round, places: new Map(names.map((n, i) => [n, got[i]!])) };
}

describe('rounds planned per agenda session', () => {
  it('[BRK10] [BRK1] [BRK91] a round is prepared ahead for a later (not live) agenda session and keeps it; editing moves it to another; an unknown session is NOT_FOUND', async () => {
    const c = await cast();
    await ok(c.mod.send('session:setLive', { sessionId: 'opening' }));
    const updated = c.mod.waitFor('breakout:roundUpdated', (r) => r.title === 'After lunch');
    const round = await ok(c.mod.send('breakout:create', { sessionId: 'afternoon', draft: { title: 'After lunch', durationSec: 1200, rooms: [{ id: 'r1', name: 'Pricing', topic: 'Discounting', capacity: 4, facilitatorId: null }] } as never }));
    expect(round).toMatchObject({ sessionId: 'afternoon', status: 'draft', rooms: [{ name: 'Pricing', topic: 'Discounting', capacity: 4 }] });
    expect((await updated).sessionId).toBe('afternoon');
    expect((await s.store.getRound(round.id))?.sessionId).toBe('afternoon');
    // A moderator connecting later sees it planned for that session.
    const later = await client(c.modToken);
    expect(later.snapshot.breakouts?.rounds?.find((r) => r.id === round.id)?.sessionId).toBe('afternoon');

    // [BRK91] Editing the draft moves it to another session when one is given, and keeps it when none is.
    const draft = { title: 'After lunch', durationSec: 1200, audience: 'remote', strategy: { kind: 'random' }, format: { kind: 'open' }, rooms: round.rooms } as const;
    expect(await ok(c.mod.send('breakout:update', { roundId: round.id, draft, sessionId: 'opening' }))).toMatchObject({ sessionId: 'opening' });
    expect(await ok(c.mod.send('breakout:update', { roundId: round.id, draft: { ...draft, title: 'After the keynote' } }))).toMatchObject({ sessionId: 'opening', title: 'After the keynote' });
    expect(await c.mod.send('breakout:update', { roundId: round.id, draft: { ...draft, title: 'Lost' }, sessionId: 'no_such_session' })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    expect(await s.store.getRound(round.id)).toMatchObject({ sessionId: 'opening', title: 'After the keynote' });
    // The same over REST ([BRK5]).
    const put = await s.api(`/api/events/${c.ev.event.id}/breakouts/rounds/${round.id}`, { method: 'PUT', admin: true, body: JSON.stringify({ draft, sessionId: null }) });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ sessionId: null, title: 'After lunch' });

    const before = (await s.store.listRounds(c.ev.event.id)).length;
    expect(await c.mod.send('breakout:create', { sessionId: 'no_such_session', draft: { title: 'X', durationSec: 600, rooms: [] } as never })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    expect((await s.store.listRounds(c.ev.event.id)).length).toBe(before);
  });
});

describe('teach-back concepts over sockets', () => {
  it("[BRK90] [BRK51] each room's teacher gets the rotation's concept in their own brief; nobody else receives a concept", async () => {
    const c = await cast();
    const { round, places } = await openTeachBack(c);
    // Rotation 0: the first member of each room teaches concept 1.
    expect(places.get('amy')!.role).toMatchObject({ id: 'teacher' });
    expect(places.get('amy')!.role!.brief).toContain('Teach your concept in 3 minutes.');
    expect(places.get('amy')!.role!.brief).toContain(CONCEPTS[0]);
    expect(places.get('dan')!.role!.brief).toContain(CONCEPTS[0]);
    for (const n of ['bob', 'cat'] as const) expect(places.get(n)!.role).toMatchObject({ id: 'learner', brief: 'Rate how clearly it was taught.' });

    // Nothing any attendee received (facts, snapshot) carries a concept that is not their own.
    await sleep(100);
    const all = (who: TestClient) => JSON.stringify([who.snapshot, who.received]);
    for (const n of ['bob', 'cat', 'eve'] as const) for (const concept of CONCEPTS) expect(all(c.people[n])).not.toContain(concept);
    for (const n of ['amy', 'dan'] as const) for (const concept of CONCEPTS.slice(1)) expect(all(c.people[n])).not.toContain(concept);
    // The audience's view of the round has no concepts; staff's has them.
    const changed = c.people.eve.received.filter((f) => f.fact === 'breakout:roundChanged');
    expect(changed.length).toBeGreaterThan(0);
    expect(round.format.kind === 'teachBack' && round.format.concepts).toEqual(CONCEPTS);

    // A reconnecting teacher gets their concept back in their snapshot's place; a learner does not.
    const amyAgain = await client(c.tokens.amy);
    expect(amyAgain.snapshot.breakouts?.me?.role?.brief).toContain(CONCEPTS[0]);
    const bobAgain = await client(c.tokens.bob);
    expect(bobAgain.snapshot.breakouts?.me?.role).toMatchObject({ id: 'learner', brief: 'Rate how clearly it was taught.' });
    expect(JSON.stringify(bobAgain.snapshot)).not.toContain(CONCEPTS[0]);
  });
});

describe('a round in the engagement participants export', () => {
  it('[ENG13] [ENG2] after a round, participants.csv counts each attendee’s scorecards given and breakout calls joined (once per round)', async () => {
    const c = await cast();
    const { round } = await openTeachBack(c);
    // Rotation 0: Amy teaches room A; Bob and Cat rate her. Dan is alone in room B: nobody to rate.
    await ok(c.people.bob.send('breakout:score', { roundId: round.id, rotation: 0, scores: { clarity: 4 }, comment: 'Clear' }));
    await ok(c.people.cat.send('breakout:score', { roundId: round.id, rotation: 0, scores: { clarity: 5 }, comment: '' }));
    // LiveKit says Amy joined room A's call twice (a reconnect) and Bob once; Cat never did.
    const joined = async (roomId: string, who: string) => {
      const raw = webhookBody('participant_joined', breakoutRoomName({ eventId: c.ev.event.id, roundId: round.id, roomId }), who);
      expect((await postWebhook(s.url, raw, await signWebhook(raw, KEY, SECRET))).status).toBe(200);
    };
    await joined('room_a', c.ids.amy);
    await joined('room_a', c.ids.amy);
    await joined('room_a', c.ids.bob);
    await joined('room_b', c.ids.dan);
    await ok(c.mod.send('breakout:close', { roundId: round.id }));

    const expected: Record<string, { scorecards_given: string; breakouts_joined: string }> = {
      Amy: { scorecards_given: '0', breakouts_joined: '1' },
      Bob: { scorecards_given: '1', breakouts_joined: '1' },
      Cat: { scorecards_given: '1', breakouts_joined: '0' },
      Dan: { scorecards_given: '0', breakouts_joined: '1' },
      Eve: { scorecards_given: '0', breakouts_joined: '0' },
    };
    // The engagement recorder writes every 100 ms: poll the export until it shows every entry.
    const rows = async () => {
      const res = await fetch(`${s.url}/api/events/${c.ev.event.id}/engagement/participants.csv`, { headers: { authorization: `Bearer ${c.modToken}` } });
      expect(res.status).toBe(200);
      const csv = parseCsv(await res.text());
      const header = csv[0]!;
      return Object.fromEntries(
        csv.slice(1).map((r) => {
          const row = Object.fromEntries(header.map((h, i) => [h, r[i]]));
          return [row['name'], { scorecards_given: row['scorecards_given'], breakouts_joined: row['breakouts_joined'] }];
        }),
      );
    };
    await expect.poll(rows, { timeout: 5000 }).toEqual(expected);
  });
});
