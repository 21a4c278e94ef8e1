import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BREAKOUT_LIMITS, ErrorCode, type BreakoutRound, type CreateEventResponse, type FactName, type FactPayload, type MyBreakout, type RoundDraftInput } from '@rally/shared';
import { TEST_ADMIN, connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// Breakout rounds over real sockets: moderators run a round, remote attendees are moved between
// rooms, and the clock (offset by the test) brings everyone back to the stage.

let s: TestServer;
let offsetMs = 0;
let ev: CreateEventResponse;
let mod: TestClient;
let mod2: TestClient;
let screen: TestClient;
let attendees: TestClient[];
let inRoom: TestClient;
const open: TestClient[] = [];

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}
const attendee = async (name: string, mode: 'remote' | 'room' = 'remote') => client((await s.join({ code: ev.code, name, mode })).token);

beforeAll(async () => {
  s = await startTestServer({ clock: { now: () => Date.now() + offsetMs }, app: { breakouts: { sweepMs: 50 } } });
});
afterAll(() => s.close());

beforeEach(async () => {
  offsetMs = 0;
  ev = await s.createEvent();
  mod = await client((await s.join({ code: ev.code, name: 'Mo', key: keyOf(ev.links.moderator) })).token);
  mod2 = await client((await s.join({ code: ev.code, name: 'Max', key: keyOf(ev.links.moderator) })).token);
  screen = await client((await s.join({ code: ev.code, name: 'Stage', key: keyOf(ev.links.stage) })).token);
  attendees = [];
  for (const name of ['Ada', 'Bo', 'Cy', 'Di']) attendees.push(await attendee(name));
  inRoom = await attendee('Ray', 'room');
  return () => {
    for (const c of open.splice(0)) c.close();
  };
});

const draft = (over: Partial<RoundDraftInput> = {}): RoundDraftInput => ({
  title: 'Deal clinic',
  durationSec: 600,
  audience: 'remote',
  rooms: [
    { id: 'alpha', name: 'Alpha', capacity: 2 },
    { id: 'bravo', name: 'Bravo', capacity: 3 },
  ],
  ...over,
});

const idOf = (c: TestClient) => c.snapshot.me.id;
/** A fact already received, or the next one (a fact may arrive before the ack of the command that caused it). */
function seen<N extends FactName>(c: TestClient, fact: N, pred: (p: FactPayload<N>) => boolean, timeoutMs = 5000): Promise<FactPayload<N>> {
  const hit = c.received.find((f) => f.fact === fact && pred(f.payload as FactPayload<N>));
  return hit ? Promise.resolve(hit.payload as FactPayload<N>) : c.waitFor(fact, pred, timeoutMs);
}
/** Socket ids in one breakout room of the event, on this node. */
const inSocketRoom = async (room: string) => (await s.app.io.in(`ev:${ev.event.id}:brk:${room}`).fetchSockets()).map((x) => x.data.participantId).sort();

async function openRound(over: Partial<RoundDraftInput> = {}): Promise<{ round: BreakoutRound; places: Map<TestClient, MyBreakout> }> {
  const created = await ok(mod.send('breakout:create', { sessionId: null, draft: draft(over) as never }));
  const arrivals = attendees.map((c) => c.waitFor('breakout:assigned', (p) => p.roundId === created.id));
  const round = await ok(mod.send('breakout:open', { roundId: created.id }));
  const got = await Promise.all(arrivals);
  return { round, places: new Map(attendees.map((c, i) => [c, got[i]!])) };
}

describe('breakout rounds over sockets', () => {
  it('[BRK11] [BRK25] open: every assigned attendee gets their room at once and their sockets join it; the room cohort stays on stage', async () => {
    const { round, places } = await openRound();
    expect(round.status).toBe('open');
    for (const [c, mine] of places) {
      expect(mine.roomId).toMatch(/^(alpha|bravo)$/);
      expect(mine.members.map((m) => m.id)).toContain(idOf(c));
      // [BRK45] [BRK44] No video on this server: the place comes without a token.
      expect(mine.video).toBeUndefined();
    }
    const alpha = [...places].filter(([, m]) => m.roomId === 'alpha').map(([c]) => idOf(c)).sort();
    expect(alpha).toHaveLength(2);
    expect(await inSocketRoom('alpha')).toEqual(alpha);
    expect(inRoom.received.some((f) => f.fact === 'breakout:assigned')).toBe(false);
    // The audience and the screen see the round without briefs; staff with them.
    await seen(screen, 'breakout:roundChanged', (r) => r.status === 'open');
    await seen(mod2, 'breakout:roundUpdated', (r) => r.status === 'open');
  });

  it('[BRK85] open: a placed attendee hears of the opened round in their place, not apart; the room cohort and the screen apart', async () => {
    const { round, places } = await openRound();
    for (const mine of places.values()) {
      expect(mine.round).toMatchObject({ id: round.id, status: 'open', version: round.version, endsAt: round.endsAt });
      // The audience's view: no briefs, no rooms list (not self-select).
      expect(mine.round).not.toHaveProperty('rooms');
    }
    await seen(inRoom, 'breakout:roundChanged', (r) => r.id === round.id && r.status === 'open');
    await seen(screen, 'breakout:roundChanged', (r) => r.id === round.id && r.status === 'open');
    // Sent after the places, so by now a copy for a placed attendee would have arrived.
    await ok(attendees[0]!.send('snapshot:request', {}));
    for (const c of attendees) expect(c.received.filter((f) => f.fact === 'breakout:roundChanged' && (f.payload as { id: string }).id === round.id)).toEqual([]);
  });

  it('[BRK12] [BRK14] extend moves endsAt for everyone; a broadcast reaches every room and the moderators, not the room cohort', async () => {
    const { round } = await openRound();
    const extended = attendees[0]!.waitFor('breakout:roundChanged', (r) => r.endsAt !== round.endsAt);
    const longer = await ok(mod.send('breakout:extend', { roundId: round.id, seconds: 300 }));
    expect(Date.parse(longer.endsAt!) - Date.parse(round.endsAt!)).toBe(300_000);
    expect((await extended).endsAt).toBe(longer.endsAt);
    const heard = [...attendees, mod2].map((c) => c.waitFor('breakout:broadcasted', (b) => b.text === 'Two minutes left'));
    await ok(mod.send('breakout:broadcast', { roundId: round.id, text: 'Two minutes left' }));
    await Promise.all(heard);
    await new Promise((r) => setTimeout(r, 100));
    expect(inRoom.received.some((f) => f.fact === 'breakout:broadcasted')).toBe(false);
  });

  it('[BRK15] move while open: the moved attendee and both rooms hear it and the sockets follow; a full room is CONFLICT and changes nothing', async () => {
    const { round, places } = await openRound();
    const [mover] = [...places].find(([, m]) => m.roomId === 'bravo')!;
    // Alpha holds two of two: moving in is refused.
    expect(await mod.send('breakout:move', { roundId: round.id, participantId: idOf(mover), roomId: 'alpha' })).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    expect(await mod.send('breakout:move', { roundId: round.id, participantId: idOf(mover), roomId: 'nowhere' })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    const [leaver] = [...places].find(([, m]) => m.roomId === 'alpha')!;
    const told = leaver.waitFor('breakout:assigned', (p) => p.roomId === 'bravo');
    const occ = await ok(mod.send('breakout:move', { roundId: round.id, participantId: idOf(leaver), roomId: 'bravo' }));
    expect(occ.rooms.bravo!.assigned).toContain(idOf(leaver));
    expect((await told).members.map((m) => m.id)).toContain(idOf(mover));
    expect(await inSocketRoom('bravo')).toContain(idOf(leaver));
    expect(await inSocketRoom('alpha')).not.toContain(idOf(leaver));
    await seen(mod2, 'breakout:occupancyChanged', (o) => o.rooms.bravo!.assigned.includes(idOf(leaver)));
  });

  it('[BRK16] help: moderators and the asker hear of it; of two moderators taking it, the first wins and the other sees who', async () => {
    const { round } = await openRound();
    const asker = attendees[0]!;
    const help = await ok(asker.send('breakout:askHelp', { roundId: round.id }));
    await seen(mod2, 'breakout:helpChanged', (h) => h.id === help.id && h.takenBy === null);
    const [a, b] = await Promise.all([mod.send('breakout:takeHelp', { helpId: help.id }), mod2.send('breakout:takeHelp', { helpId: help.id })]);
    const winners = [a, b].filter((x) => x.ok);
    expect(winners).toHaveLength(1);
    expect([a, b].find((x) => !x.ok)).toMatchObject({ error: { code: ErrorCode.CONFLICT } });
    const winner = winners[0]!.ok ? winners[0]!.data : null;
    for (const c of [mod, mod2, asker]) await seen(c, 'breakout:helpChanged', (h) => h.id === help.id && h.takenBy?.id === winner!.takenBy!.id);
  });

  it('[BRK13] close: a countdown, then everyone\'s room is null and the sockets leave the rooms', async () => {
    const { round } = await openRound();
    const closing = await ok(mod.send('breakout:close', { roundId: round.id }));
    expect(closing.status).toBe('closing');
    expect(Date.parse(closing.closesAt!) - Date.parse(closing.endsAt!)).toBeLessThanOrEqual(0);
    await seen(attendees[1]!, 'breakout:roundChanged', (r) => r.status === 'closing' && r.closesAt === closing.closesAt);
    const back = attendees.map((c) => c.waitFor('breakout:assigned', (p) => p.roundId === round.id && p.roomId === null, 8000));
    offsetMs += BREAKOUT_LIMITS.closeCountdownSec * 1000;
    await Promise.all(back);
    await screen.waitFor('breakout:roundChanged', (r) => r.status === 'closed');
    expect(await inSocketRoom('alpha')).toEqual([]);
    expect(await inSocketRoom('bravo')).toEqual([]);
  });

  it('[BRK13] a round whose time is up closes on its own', async () => {
    const { round } = await openRound();
    const closing = attendees[0]!.waitFor('breakout:roundChanged', (r) => r.id === round.id && r.status === 'closing', 8000);
    offsetMs += 600_000;
    await closing;
  });

  it('[BRK23] [BRK18] a late joiner lands in the smallest room with space, in their snapshot and their sockets', async () => {
    const { round } = await openRound({ rooms: [{ id: 'alpha', name: 'Alpha', capacity: 3 }, { id: 'bravo', name: 'Bravo', capacity: 3 }] });
    const lateToken = (await s.join({ code: ev.code, name: 'Eve', mode: 'remote' })).token;
    const late = await client(lateToken);
    const mine = late.snapshot.breakouts!.me!;
    expect(mine.roundId).toBe(round.id);
    expect(mine.roomId).not.toBeNull();
    expect(mine.members.length).toBeLessThanOrEqual(3);
    expect(await inSocketRoom(mine.roomId!)).toContain(idOf(late));
    expect(late.snapshot.breakouts!.round).toMatchObject({ id: round.id, status: 'open' });
    // A reconnect lands in the same room.
    late.close();
    const again = await client(lateToken);
    expect(again.snapshot.breakouts!.me!.roomId).toBe(mine.roomId);
    expect(await inSocketRoom(mine.roomId!)).toContain(idOf(late));
    const staffSnap = (await ok(mod.send('snapshot:request', {}))).breakouts!;
    expect(staffSnap.occupancy!.rooms[mine.roomId!]!.assigned).toContain(idOf(late));
    expect(staffSnap.video).toBe(false);
  });

  it('[BRK27] a question asked from a breakout room of the open round is marked with that room', async () => {
    const { places } = await openRound();
    const [asker, mine] = [...places][0]!;
    const q = await ok(asker.send('question:submit', { text: 'Asked from my room?', anonymous: false }));
    expect(q.origin).toMatchObject({ kind: 'breakout', roomId: mine.roomId });
    const fromStage = await ok(inRoom.send('question:submit', { text: 'Asked from the room?', anonymous: false }));
    expect(fromStage.origin).toMatchObject({ kind: 'room' });
  });

  it('[BRK19] [BRK21] an attendee sending a moderator command is FORBIDDEN; bad input is typed and changes nothing', async () => {
    const created = await ok(mod.send('breakout:create', { sessionId: null, draft: draft() as never }));
    expect(await attendees[0]!.send('breakout:open', { roundId: created.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await attendees[0]!.send('breakout:create', { sessionId: null, draft: draft() as never })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await mod.send('breakout:create', { sessionId: null, draft: draft({ rooms: [{ id: 'x', name: 'X', capacity: 0 }] }) as never })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    const empty = await ok(mod.send('breakout:create', { sessionId: null, draft: draft({ rooms: [] }) as never }));
    expect(await mod.send('breakout:open', { roundId: empty.id })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    expect((await s.store.getRound(empty.id))!.status).toBe('draft');
    expect(await mod.send('breakout:extend', { roundId: created.id, seconds: 5 })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect(await mod.send('breakout:move', { roundId: 'nope', participantId: idOf(attendees[0]!), roomId: null })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('[BRK34] [BRK39] the attendee list decides: people who joined with a listed email go to the room their line names', async () => {
    const csv = ['name,email,room,facilitator', 'Eve,eve@example.com,Bravo,no', 'Fay,FAY@example.com,bravo,no', 'Gus,gus@example.com,Alpha,yes'].join('\n');
    const put = await fetch(`${s.url}/api/events/${ev.event.id}/roster`, { method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN}`, 'content-type': 'text/csv' }, body: csv });
    expect(put.status).toBe(200);
    for (const c of attendees.splice(0)) c.close();
    const listed = async (name: string, email: string) => client((await s.join({ code: ev.code, name, mode: 'remote', email })).token);
    attendees.push(await listed('Eve', 'Eve@Example.com'), await listed('Fay', 'fay@example.com'), await listed('Gus', 'gus@example.com'));
    const { round, places } = await openRound({ strategy: { kind: 'roster' } });
    const roomOf = (i: number) => places.get(attendees[i]!)!.roomId;
    expect([roomOf(0), roomOf(1), roomOf(2)]).toEqual(['bravo', 'bravo', 'alpha']);
    // [BRK31] the listed facilitator leads the room the list names.
    expect(round.rooms.find((r) => r.id === 'alpha')!.facilitatorId).toBe(idOf(attendees[2]!));
  });
});
