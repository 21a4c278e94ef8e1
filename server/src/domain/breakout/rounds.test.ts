import { afterEach, describe, expect, it, vi } from 'vitest';
import { BREAKOUT_LIMITS, ErrorCode, RoundDraft, type FactName, type Participant, type RoundDraftInput } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { broadcastToRooms, closeRound, createRound, deleteRound, extendRound, openRound, tickDueRounds, tickRound, updateRound } from './rounds.js';
import { assignRound, breakoutRoomOnConnect, chooseRoom, moveParticipant, swapParticipants } from './placement.js';
import { askHelp, takeHelp } from './help.js';
import { deleteTemplate, roundFromTemplate, saveTemplate } from './templates.js';
import { breakoutsForSnapshot } from './snapshot.js';
import { submitTakeaway } from './takeaways.js';
import { correct, setBanned, updateSelf } from '../participants.js';
import { breakoutLocator } from './locator.js';

let k: PollKit;
afterEach(() => k.close());

const draft = (over: Partial<RoundDraftInput> = {}) =>
  RoundDraft.parse({
    title: 'Deal clinic',
    durationSec: 600,
    audience: 'everyone',
    strategy: { kind: 'random' },
    rooms: [
      { id: 'ra', name: 'Alpha', capacity: 2 },
      { id: 'rb', name: 'Bravo', capacity: 2 },
    ],
    ...over,
  });

async function setup(n = 3, over: Partial<RoundDraftInput> = {}) {
  k = await pollKit();
  const people: Participant[] = [];
  for (let i = 0; i < n; i++) people.push(await k.person({ name: `P${i}`, mode: 'remote' }));
  const mod = await k.person({ role: 'moderator', name: 'Mo' });
  const round = await createRound(k.deps, k.event.id, null, draft(over));
  return { people, mod, round };
}

const facts = <N extends FactName>(name: N) => k.publish.of(name);

describe('breakout rounds: lifecycle', () => {
  it('[BRK18] [PERF22] after a round closed, an attendee gets the round, no room and only their own room\'s takeaway, from their own place (not the whole assignment)', async () => {
    const { people, round } = await setup(2, { rooms: [{ id: 'ra', name: 'A', capacity: 1 }, { id: 'rb', name: 'B', capacity: 1 }] });
    await k.store.setAssignments(round.id, new Map([[people[0]!.id, 'ra'], [people[1]!.id, 'rb']]));
    await openRound(k.deps, k.event.id, round.id);
    await submitTakeaway(k.deps, k.event.id, people[0]!.id, { roundId: round.id, text: 'Room A learned' });
    await submitTakeaway(k.deps, k.event.id, people[1]!.id, { roundId: round.id, text: 'Room B learned' });
    await closeRound(k.deps, k.event.id, round.id);
    k.clock.advance(BREAKOUT_LIMITS.closeCountdownSec * 1000);
    await tickRound(k.deps, round.id);
    const whole = vi.spyOn(k.store, 'listAssignments');
    const mine = await breakoutsForSnapshot(k.deps, people[0]!);
    expect(whole).not.toHaveBeenCalled();
    expect(mine.round).toMatchObject({ id: round.id, status: 'closed' });
    expect(mine.me).toMatchObject({ roundId: round.id, roomId: null, room: null, members: [] });
    expect(mine.takeaways?.map((t) => t.text)).toEqual(['Room A learned']);
    expect((await breakoutsForSnapshot(k.deps, people[1]!)).takeaways?.map((t) => t.text)).toEqual(['Room B learned']);
  });

  it('[BRK10] a round is created as a draft (staff hear of it, the audience does not), edited while a draft, deleted unless running', async () => {
    const { round } = await setup(0);
    expect(round).toMatchObject({ status: 'draft', version: 0, openedAt: null, sessionId: null });
    expect(facts('breakout:roundUpdated')).toHaveLength(1);
    expect(facts('breakout:roundChanged')).toHaveLength(0);
    await expect(createRound(k.deps, k.event.id, 'nope', draft())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    const edited = await updateRound(k.deps, k.event.id, round.id, draft({ title: 'Role-play' }));
    expect(edited).toMatchObject({ title: 'Role-play', version: 1 });
    await openRound(k.deps, k.event.id, round.id);
    await expect(updateRound(k.deps, k.event.id, round.id, draft())).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(deleteRound(k.deps, k.event.id, round.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await closeRound(k.deps, k.event.id, round.id);
    k.clock.advance(BREAKOUT_LIMITS.closeCountdownSec * 1000);
    await tickRound(k.deps, round.id);
    expect(await deleteRound(k.deps, k.event.id, round.id)).toEqual({ roundId: round.id, deleted: true });
    expect(await k.store.getRound(round.id)).toBeNull();
    expect(facts('breakout:roundDeleted')).toHaveLength(1);
  });

  it('[BRK11] open fills an unassigned round by its strategy and switches every assigned participant to their room at once', async () => {
    const { people, round } = await setup(3);
    k.publish.clear();
    const opened = await openRound(k.deps, k.event.id, round.id);
    expect(opened.status).toBe('open');
    expect(Date.parse(opened.endsAt!) - Date.parse(opened.openedAt!)).toBe(600_000);
    const assigned = facts('breakout:assigned');
    expect(assigned.map((f) => f.target).sort()).toEqual(people.map((p) => p.id).sort());
    for (const f of assigned) {
      expect(f.payload.roomId).not.toBeNull();
      expect(f.payload.members.map((m) => m.id)).toContain(f.target);
      // The place names the room itself: the audience's round view has no rooms list ([BRK51]).
      const room = opened.rooms.find((r) => r.id === f.payload.roomId)!;
      expect(f.payload.room).toEqual({ id: room.id, name: room.name, topic: room.topic, capacity: room.capacity });
    }
    expect(facts('breakout:roundChanged')[0]!.payload).toMatchObject({ roomCount: opened.rooms.length });
    expect(facts('breakout:roundChanged')[0]!.payload).not.toHaveProperty('rooms');
    // Sockets follow: one move per person, into the room they were told.
    expect(k.publish.breakoutMoves.map((m) => [m.participantId, m.roomId]).sort()).toEqual(assigned.map((f) => [f.target, f.payload.roomId]).sort());
    // [BRK25] Nobody was in a breakout room before the round opened, so nobody has one to leave.
    expect(k.publish.breakoutMoves.map((m) => m.leave)).toEqual(people.map(() => []));
    expect(facts('breakout:roundChanged')).toHaveLength(1);
    expect(facts('breakout:occupancyChanged')).toHaveLength(1);
  });

  it('[BRK12] extend moves endsAt of an open round only; the one-minute warning is derived by clients from endsAt', async () => {
    const { round } = await setup(1);
    await expect(extendRound(k.deps, k.event.id, round.id, 120)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    const opened = await openRound(k.deps, k.event.id, round.id);
    const longer = await extendRound(k.deps, k.event.id, round.id, 120);
    expect(Date.parse(longer.endsAt!) - Date.parse(opened.endsAt!)).toBe(120_000);
    expect(facts('breakout:roundChanged').at(-1)!.payload.endsAt).toBe(longer.endsAt);
  });

  it('[BRK13] close: closing for the countdown, then closed, everyone out of every room; also automatically when endsAt passes', async () => {
    const { people, round } = await setup(2);
    await openRound(k.deps, k.event.id, round.id);
    const closing = await closeRound(k.deps, k.event.id, round.id);
    expect(closing.status).toBe('closing');
    expect(Date.parse(closing.closesAt!) - k.clock.now()).toBe(BREAKOUT_LIMITS.closeCountdownSec * 1000);
    await expect(closeRound(k.deps, k.event.id, round.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    k.publish.clear();
    k.clock.advance(BREAKOUT_LIMITS.closeCountdownSec * 1000 - 1);
    await tickDueRounds(k.deps);
    expect((await k.store.getRound(round.id))!.status).toBe('closing');
    k.clock.advance(1);
    await tickDueRounds(k.deps);
    expect((await k.store.getRound(round.id))!.status).toBe('closed');
    expect(facts('breakout:assigned').map((f) => [f.target, f.payload.roomId]).sort()).toEqual(people.map((p) => [p.id, null]).sort());
    // Everyone hears they are back on the stage before the (large) round itself goes out.
    const order = k.publish.published.map((p) => p.fact);
    expect(order.lastIndexOf('breakout:assigned')).toBeLessThan(order.indexOf('breakout:roundChanged'));
    expect(k.publish.breakoutMoves).toEqual([{ eventId: k.event.id, participantId: '*', roomId: null, leave: ['ra', 'rb'] }]);

    // A second round runs out of time on its own.
    const second = await createRound(k.deps, k.event.id, null, draft());
    await openRound(k.deps, k.event.id, second.id);
    k.clock.advance(600_000);
    await tickDueRounds(k.deps);
    expect((await k.store.getRound(second.id))!.status).toBe('closing');
    k.clock.advance(BREAKOUT_LIMITS.closeCountdownSec * 1000);
    await tickDueRounds(k.deps);
    expect((await k.store.getRound(second.id))!.status).toBe('closed');
  });

  it('[BRK14] broadcast reaches every breakout room and the moderators while the round is open, and the round keeps it', async () => {
    const { round } = await setup(1);
    await expect(broadcastToRooms(k.deps, k.event.id, round.id, 'Hello')).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await openRound(k.deps, k.event.id, round.id);
    const after = await broadcastToRooms(k.deps, k.event.id, round.id, 'Five minutes left');
    expect(after.broadcasts.map((b) => b.text)).toEqual(['Five minutes left']);
    const sent = facts('breakout:broadcasted');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.audience).toEqual({ roles: ['moderator', 'admin'], modes: [], breakouts: true });
  });
});

describe('breakout rounds: placement', () => {
  it('[BRK15] move and swap, also while open: a full room is CONFLICT, an unknown room NOT_FOUND, a closed round INVALID_STATE', async () => {
    const { people, mod, round } = await setup(3);
    const [a, b, c] = people as [Participant, Participant, Participant];
    await k.store.setAssignments(round.id, new Map([[a.id, 'ra'], [b.id, 'ra'], [c.id, 'rb']]));
    await openRound(k.deps, k.event.id, round.id);
    k.publish.clear();
    await expect(moveParticipant(k.deps, k.event.id, round.id, c.id, 'ra')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await expect(moveParticipant(k.deps, k.event.id, round.id, c.id, 'nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(moveParticipant(k.deps, k.event.id, round.id, mod.id, 'rb')).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect(k.publish.published).toEqual([]);
    const occ = await moveParticipant(k.deps, k.event.id, round.id, a.id, 'rb');
    expect(occ.rooms.ra!.assigned).toEqual([b.id]);
    expect(occ.rooms.rb!.assigned).toEqual([c.id, a.id]);
    // The mover and both rooms' people hear their new place.
    expect(new Set(facts('breakout:assigned').map((f) => f.target))).toEqual(new Set([a.id, b.id, c.id]));
    expect(k.publish.breakoutMoves.find((m) => m.participantId === a.id)).toMatchObject({ roomId: 'rb', leave: expect.arrayContaining(['ra']) });
    const swapped = await swapParticipants(k.deps, k.event.id, round.id, a.id, b.id);
    expect(swapped.rooms.ra!.assigned).toEqual([a.id]);
    expect(swapped.rooms.rb!.assigned).toEqual([c.id, b.id]);
    await closeRound(k.deps, k.event.id, round.id);
    await expect(moveParticipant(k.deps, k.event.id, round.id, a.id, 'rb')).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
  });

  it('[BRK23] a late joiner of the audience goes to the smallest fitting room of the open round; staff and full rounds get none', async () => {
    const { people, mod, round } = await setup(3, { rooms: [{ id: 'ra', name: 'A', capacity: 2 }, { id: 'rb', name: 'B', capacity: 2 }] });
    await openRound(k.deps, k.event.id, round.id);
    const late = await k.person({ name: 'Late', mode: 'remote' });
    const placed = await breakoutRoomOnConnect(k.deps, late);
    const counts = [...(await k.store.listAssignments(round.id)).values()];
    expect(placed!.roomId).not.toBeNull();
    expect(counts.filter((r) => r === placed!.roomId)).toHaveLength(2);
    expect(facts('breakout:assigned').some((f) => f.target === late.id && f.payload.roomId === placed!.roomId)).toBe(true);
    expect((await breakoutRoomOnConnect(k.deps, mod))!.roomId).toBeNull();
    const oneMore = await k.person({ name: 'Too late', mode: 'remote' });
    expect((await breakoutRoomOnConnect(k.deps, oneMore))!.roomId).toBeNull();
    // Someone already placed keeps their room.
    expect((await breakoutRoomOnConnect(k.deps, people[0]!))!.roomId).toBe((await k.store.roomOf(round.id, people[0]!.id)));
  });

  it('[BRK23] someone a moderator moved out of every room is not placed again on reconnecting, until moved into a room', async () => {
    const { people, round } = await setup(3, { rooms: [{ id: 'ra', name: 'A', capacity: 2 }, { id: 'rb', name: 'B', capacity: 2 }] });
    await openRound(k.deps, k.event.id, round.id);
    const out = people[0]!;
    const occ = await moveParticipant(k.deps, k.event.id, round.id, out.id, null);
    expect(occ.unassigned).toContain(out.id);
    k.publish.clear();
    expect((await breakoutRoomOnConnect(k.deps, out))!.roomId).toBeNull();
    expect(await k.store.roomOf(round.id, out.id)).toBeNull();
    expect(facts('breakout:assigned')).toEqual([]);
    // A moderator moving them into a room clears it: out of it again by leaving, they join late as anyone.
    await moveParticipant(k.deps, k.event.id, round.id, out.id, 'rb');
    await k.store.place(round.id, out.id, null, 0, 'leave');
    expect((await breakoutRoomOnConnect(k.deps, out))!.roomId).not.toBeNull();
  });

  it('[BRK29] an attendee banned mid-round leaves their room: their room-mates and the moderators hear it, as after a move', async () => {
    const { people, mod, round } = await setup(2, { rooms: [{ id: 'ra', name: 'A', capacity: 2 }] });
    await openRound(k.deps, k.event.id, round.id);
    const [banned, mate] = people as [Participant, Participant];
    k.publish.clear();
    await setBanned(k.deps, k.event.id, mod.id, banned.id, true);
    expect(await k.store.roomOf(round.id, banned.id)).toBeNull();
    expect(k.publish.breakoutMoves.find((m) => m.participantId === banned.id)!.roomId).toBeNull();
    const mates = facts('breakout:assigned').filter((f) => f.target === mate.id);
    expect(mates.at(-1)!.payload).toMatchObject({ roomId: 'ra', members: [{ id: mate.id }] });
    const occ = facts('breakout:occupancyChanged').at(-1)!.payload;
    expect(occ.rooms.ra!.assigned).toEqual([mate.id]);
    expect(occ.unassigned).not.toContain(banned.id);
  });

  it('[BRK29] in a remote-only round, switching to the room leaves one\'s room; switching back to remote joins late', async () => {
    const { people, round } = await setup(2, { audience: 'remote', rooms: [{ id: 'ra', name: 'A', capacity: 2 }] });
    await openRound(k.deps, k.event.id, round.id);
    const [mover, mate] = people as [Participant, Participant];
    k.publish.clear();
    await correct(k.deps, k.event.id, mover.id, { mode: 'room' });
    expect(await k.store.roomOf(round.id, mover.id)).toBeNull();
    expect(facts('breakout:assigned').filter((f) => f.target === mate.id).at(-1)!.payload.members.map((m) => m.id)).toEqual([mate.id]);
    expect(facts('breakout:assigned').filter((f) => f.target === mover.id).at(-1)!.payload.roomId).toBeNull();
    k.publish.clear();
    await updateSelf(k.deps, k.event.id, mover.id, { mode: 'remote' });
    expect(await k.store.roomOf(round.id, mover.id)).toBe('ra');
    expect(facts('breakout:assigned').find((f) => f.target === mover.id)!.payload.members.map((m) => m.id)).toEqual([mate.id, mover.id]);
    expect(facts('breakout:occupancyChanged').at(-1)!.payload.rooms.ra!.assigned).toEqual([mate.id, mover.id]);
    // A moderator's out outlives the switches ([BRK23]).
    await moveParticipant(k.deps, k.event.id, round.id, mover.id, null);
    await correct(k.deps, k.event.id, mover.id, { mode: 'room' });
    await correct(k.deps, k.event.id, mover.id, { mode: 'remote' });
    expect(await k.store.roomOf(round.id, mover.id)).toBeNull();
  });

  it('[BSTORE7] while a round runs, connects, the Q&A locator and the attendees\' snapshot find it without reading the event\'s rounds', async () => {
    const { people, round } = await setup(3);
    await openRound(k.deps, k.event.id, round.id);
    const store = new Proxy(k.store, {
      get: (target, prop, receiver) => (prop === 'listRounds' ? () => Promise.reject(new Error('scanned the rounds')) : Reflect.get(target, prop, receiver)),
    });
    const deps = { ...k.deps, store };
    const late = await k.person({ name: 'Late', mode: 'remote' });
    const placed = await breakoutRoomOnConnect(deps, late);
    expect(placed).toMatchObject({ roundId: round.id, roomId: expect.any(String) });
    expect(await breakoutLocator(deps).roomOf(k.event.id, late.id)).toBe(placed!.roomId);
    expect((await breakoutsForSnapshot(deps, people[0]!)).round!.id).toBe(round.id);
  });

  it('[BRK4] a remote-only round places remote attendees only', async () => {
    k = await pollKit();
    const remote = await k.person({ mode: 'remote' });
    const inRoom = await k.person({ mode: 'room' });
    const round = await createRound(k.deps, k.event.id, null, draft({ audience: 'remote' }));
    const summary = await assignRound(k.deps, k.event.id, round.id);
    expect(summary.assigned).toBe(1);
    expect(await k.store.roomOf(round.id, remote.id)).not.toBeNull();
    expect(await k.store.roomOf(round.id, inRoom.id)).toBeNull();
  });

  it('[BRK24] self-select: an attendee picks a room of the open round up to its capacity', async () => {
    const { people, round } = await setup(3, { strategy: { kind: 'selfSelect' }, rooms: [{ id: 'ra', name: 'A', capacity: 1 }, { id: 'rb', name: 'B', capacity: 2 }] });
    await expect(chooseRoom(k.deps, k.event.id, people[0]!.id, round.id, 'ra')).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await k.store.setAssignments(round.id, new Map([[people[2]!.id, 'rb']]));
    await openRound(k.deps, k.event.id, round.id);
    const mine = await chooseRoom(k.deps, k.event.id, people[0]!.id, round.id, 'ra');
    expect(mine).toMatchObject({ roomId: 'ra', members: [{ id: people[0]!.id, name: 'P0' }] });
    await expect(chooseRoom(k.deps, k.event.id, people[1]!.id, round.id, 'ra')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    // Self-select rounds place nobody on arrival: they choose.
    expect((await breakoutRoomOnConnect(k.deps, people[1]!))!.roomId).toBeNull();
  });
});

describe('breakout rounds: help, occupancy, templates, snapshot', () => {
  it('[BRK16] help: an attendee in a room asks once; the first moderator to take it wins, the others see who and get CONFLICT', async () => {
    const { people, mod, round } = await setup(1);
    const mod2 = await k.person({ role: 'moderator', name: 'Max' });
    await expect(askHelp(k.deps, k.event.id, people[0]!.id, round.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await openRound(k.deps, k.event.id, round.id);
    const help = await askHelp(k.deps, k.event.id, people[0]!.id, round.id);
    expect(await askHelp(k.deps, k.event.id, people[0]!.id, round.id)).toEqual(help);
    expect(help).toMatchObject({ participantId: people[0]!.id, name: 'P0', takenBy: null });
    const taken = await takeHelp(k.deps, k.event.id, mod.id, help.id);
    expect(taken.takenBy).toMatchObject({ id: mod.id, name: 'Mo' });
    await expect(takeHelp(k.deps, k.event.id, mod2.id, help.id)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, message: expect.stringContaining('Mo') });
    const changed = facts('breakout:helpChanged');
    expect(changed.filter((f) => f.to === 'roles')).toHaveLength(2);
    expect(changed.filter((f) => f.to === 'participant' && f.target === people[0]!.id)).toHaveLength(2);
    await expect(takeHelp(k.deps, k.event.id, mod.id, 'nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[BRK17] occupancy: who is assigned to each room, and who of the audience online has no room', async () => {
    const { people, round } = await setup(3);
    await k.store.setAssignments(round.id, new Map([[people[0]!.id, 'ra']]));
    const occ = await moveParticipant(k.deps, k.event.id, round.id, people[1]!.id, 'rb');
    expect(occ).toEqual({ roundId: round.id, rooms: { ra: { assigned: [people[0]!.id], inVideo: [] }, rb: { assigned: [people[1]!.id], inVideo: [] } }, unassigned: [people[2]!.id] });
  });

  it('[BRK18] snapshot: staff get every round with briefs, templates, occupancy and help; an attendee the current round without briefs and their own role', async () => {
    const format = {
      kind: 'rolePlay' as const,
      roles: [
        { id: 'seller', name: 'Seller', scores: false, brief: 'Sell it' },
        { id: 'buyer', name: 'Buyer', scores: false, brief: 'Push back on price' },
        { id: 'obs', name: 'Observer', scores: true, brief: 'Score the seller' },
      ],
      rotations: 3,
      rubric: [{ id: 'c1', label: 'Discovery' }],
    };
    const { people, mod, round } = await setup(3, { format, rooms: [{ id: 'ra', name: 'A', capacity: 3 }] });
    await k.store.setAssignments(round.id, new Map(people.map((p) => [p.id, 'ra'])));
    const before = await breakoutsForSnapshot(k.deps, people[0]!);
    expect(before).toEqual({ video: k.deps.stage.media.configured });
    await openRound(k.deps, k.event.id, round.id);
    const staff = await breakoutsForSnapshot(k.deps, mod);
    expect(staff.rounds![0]!.format).toMatchObject({ roles: [{ brief: 'Sell it' }, {}, {}] });
    expect(staff.occupancy!.rooms.ra!.assigned).toHaveLength(3);
    expect(staff.templates).toEqual([]);
    const mine = await breakoutsForSnapshot(k.deps, people[1]!);
    expect(JSON.stringify(mine.round)).not.toContain('Sell it');
    expect(mine.round).toMatchObject({ roomCount: 1 });
    expect(mine.round).not.toHaveProperty('rooms');
    expect(mine.me!.room).toMatchObject({ id: 'ra', name: 'A' });
    // Member 1 of 3 in rotation 0 plays role 1 (the buyer), with that brief only.
    expect(mine.me).toMatchObject({ roomId: 'ra', rotation: 0, role: { id: 'buyer', brief: 'Push back on price' } });
    expect(mine.me!.members.map((m) => m.id)).toEqual(people.map((p) => p.id));
    // One rotation later the subject seat has moved on.
    k.clock.advance(200_000);
    expect((await breakoutsForSnapshot(k.deps, people[1]!)).me).toMatchObject({ rotation: 1, role: { id: 'seller' } });
  });

  it('[BRK28] at each rotation of a structured round everyone gets their new role with its brief', async () => {
    const format = {
      kind: 'teachBack' as const,
      roles: [
        { id: 'teacher', name: 'Teacher', scores: false, brief: 'Teach it' },
        { id: 'listener', name: 'Listener', scores: true, brief: 'Rate clarity' },
      ],
      rotations: 2,
      rubric: [{ id: 'c1', label: 'Clarity' }],
    };
    const { people, round } = await setup(2, { format, rooms: [{ id: 'ra', name: 'A', capacity: 2 }] });
    await k.store.setAssignments(round.id, new Map(people.map((p) => [p.id, 'ra'])));
    await openRound(k.deps, k.event.id, round.id);
    const first = new Map(facts('breakout:assigned').map((f) => [f.target, f.payload.role!.id]));
    expect(first).toEqual(new Map([[people[0]!.id, 'teacher'], [people[1]!.id, 'listener']]));
    k.publish.clear();
    k.clock.advance(300_000);
    await tickRound(k.deps, round.id);
    const second = facts('breakout:assigned');
    expect(new Map(second.map((f) => [f.target, f.payload.role!.id]))).toEqual(new Map([[people[0]!.id, 'listener'], [people[1]!.id, 'teacher']]));
    expect(second.every((f) => f.payload.rotation === 1)).toBe(true);
    expect(second.find((f) => f.target === people[1]!.id)!.payload.role!.brief).toBe('Teach it');
    // [BRK25] Nobody changed rooms: each stays in its room and leaves none.
    expect(k.publish.breakoutMoves.map((m) => [m.roomId, m.leave])).toEqual(people.map(() => ['ra', []]));
    expect((await k.store.getRound(round.id))!.status).toBe('open');
  });

  it('[BRK28] [BSTORE8] rotations are in the store\'s due index: any node\'s sweep announces each once, the last one waits for the end', async () => {
    const format = {
      kind: 'teachBack' as const,
      roles: [
        { id: 'teacher', name: 'Teacher', scores: false, brief: 'Teach it' },
        { id: 'listener', name: 'Listener', scores: true, brief: 'Rate clarity' },
      ],
      rotations: 3,
      rubric: [{ id: 'c1', label: 'Clarity' }],
    };
    const { people, round } = await setup(2, { format, rooms: [{ id: 'ra', name: 'A', capacity: 2 }] });
    await k.store.setAssignments(round.id, new Map(people.map((p) => [p.id, 'ra'])));
    // Opened by a node without timers (one that died right after): only the sweep is left.
    const opened = await openRound({ ...k.deps, breakoutTimers: undefined }, k.event.id, round.id);
    const each = (600 * 1000) / 3;
    const openedAt = Date.parse(opened.openedAt!);
    expect(await k.store.dueRounds(openedAt + each - 1, 10)).toEqual([]);
    expect(await k.store.dueRounds(openedAt + each, 10)).toEqual([round.id]);
    k.publish.clear();
    k.clock.advance(each);
    // Two nodes sweep at once: the rotation is announced once.
    await Promise.all([tickDueRounds(k.deps), tickDueRounds(k.deps), tickRound(k.deps, round.id)]);
    const second = facts('breakout:assigned');
    expect(second).toHaveLength(2);
    expect(second.every((f) => f.payload.rotation === 1)).toBe(true);
    expect(new Map(second.map((f) => [f.target, f.payload.role!.id]))).toEqual(new Map([[people[0]!.id, 'listener'], [people[1]!.id, 'teacher']]));
    expect((await k.store.getRound(round.id))!.rotation).toBe(1);
    expect(await k.store.dueRounds(k.clock.now(), 10)).toEqual([]);
    // The last rotation: then the index waits for endsAt, which closes the round.
    k.publish.clear();
    k.clock.advance(each);
    await tickDueRounds(k.deps);
    expect(facts('breakout:assigned').map((f) => f.payload.rotation)).toEqual([2, 2]);
    expect(await k.store.dueRounds(openedAt + 600_000 - 1, 10)).toEqual([]);
    k.clock.advance(each);
    await tickDueRounds(k.deps);
    expect((await k.store.getRound(round.id))!.status).toBe('closing');
  });

  it('[BRK20] templates: a round\'s plan saved without people or facilitators, a new draft from it, and deleted', async () => {
    const { round } = await setup(0, { rooms: [{ id: 'ra', name: 'A', capacity: 2, facilitatorId: 'someone' }] });
    const t = await saveTemplate(k.deps, k.event.id, round.id, 'Clinic plan');
    expect(t.draft.rooms[0]!.facilitatorId).toBeNull();
    expect(facts('breakout:templatesChanged').at(-1)!.payload.templates.map((x) => x.id)).toEqual([t.id]);
    const copy = await roundFromTemplate(k.deps, k.event.id, t.id, 'workshop');
    expect(copy).toMatchObject({ status: 'draft', sessionId: 'workshop', title: round.title });
    expect(copy.id).not.toBe(round.id);
    await deleteTemplate(k.deps, k.event.id, t.id);
    await expect(roundFromTemplate(k.deps, k.event.id, t.id, null)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[BRK21] bad input: opening with no rooms, a capacity below those assigned, a second running round; nothing changes', async () => {
    const { people, round } = await setup(2);
    const empty = await createRound(k.deps, k.event.id, null, draft({ rooms: [] }));
    await expect(openRound(k.deps, k.event.id, empty.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await k.store.setAssignments(round.id, new Map([[people[0]!.id, 'ra'], [people[1]!.id, 'ra']]));
    await expect(updateRound(k.deps, k.event.id, round.id, draft({ rooms: [{ id: 'ra', name: 'A', capacity: 1 }] }))).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(createRound(k.deps, k.event.id, null, draft({ rooms: [{ id: 'x', name: 'A', capacity: 1 }, { id: 'x', name: 'B', capacity: 1 }] }))).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect((await k.store.getRound(round.id))!.version).toBe(0);
    await openRound(k.deps, k.event.id, round.id);
    const other = await createRound(k.deps, k.event.id, null, draft());
    await expect(openRound(k.deps, k.event.id, other.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    expect((await k.store.getRound(other.id))!.status).toBe('draft');
  });

  it('[BRK22] of two rounds opened at once, one opens and the other is INVALID_STATE', async () => {
    const { round } = await setup(2);
    const other = await createRound(k.deps, k.event.id, null, draft());
    const outcomes = await Promise.allSettled([openRound(k.deps, k.event.id, round.id), openRound(k.deps, k.event.id, other.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: ErrorCode.INVALID_STATE } });
  });
});
