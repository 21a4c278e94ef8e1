import { ErrorCode, RallyError, type AssignmentStrategy, type AssignmentSummary, type BreakoutRound, type MyBreakout, type Participant, type RoomOccupancy } from '@rally/shared';
import type { DomainDeps } from '../ports.js';
import { changeRound, isRunning, requireRound, runningRound } from './access.js';
import { assignRooms, smallestFittingRoom } from './assign.js';
import { placeableOf } from './placeable.js';
import { videoPeopleMoved } from './video.js';
import { publishOccupancy, publishOccupancyCoalesced, publishRound, sendPlaces } from './notify.js';
import { inAudience } from './occupancy.js';
import { myBreakout, namesOf } from './view.js';
import { numbered } from '../../store/breakout-store.js';

/** [BRK39] The people with their attendee-list lines (by the email they joined with), one list read per assignment. */
async function placeables(deps: Pick<DomainDeps, 'store'>, eventId: string, people: readonly Participant[]) {
  const roster = people.some((p) => p.email) ? await deps.store.listRoster(eventId) : [];
  const byEmail = new Map(roster.map((e) => [e.email, e]));
  return people.map((p) => placeableOf(p, (p.email && byEmail.get(p.email.toLowerCase())) || null));
}

/** [BRK30] The round's audience online now, in join order (`known`: the event's participants, when the caller has just read them). */
async function audienceOnline(deps: Pick<DomainDeps, 'store'>, round: BreakoutRound, known?: readonly Participant[]): Promise<Participant[]> {
  const [online, people] = await Promise.all([deps.store.presenceOnline(round.eventId), known ?? deps.store.listParticipants(round.eventId)]);
  const on = new Set(online);
  return people.filter((p) => on.has(p.id) && inAudience(round, p));
}

/**
 * [BRK30] Runs a strategy over the round's audience present now and stores its output at once
 * ([BSTORE3]); the rooms' facilitators follow it. Returns what happened and the stored round.
 */
export async function fillRound(
  deps: DomainDeps,
  round: BreakoutRound,
  strategy: AssignmentStrategy,
  known?: readonly Participant[],
): Promise<{ round: BreakoutRound; summary: AssignmentSummary; before: Map<string, string> }> {
  const [people, before] = await Promise.all([audienceOnline(deps, round, known), deps.store.listAssignments(round.id)]);
  const result = assignRooms(round.rooms, await placeables(deps, round.eventId, people), strategy);
  await deps.store.setAssignments(round.id, result.assignments);
  const next = await changeRound(deps, round.eventId, round.id, (r) => ({
    strategy,
    rooms: r.rooms.map((room) => ({ ...room, facilitatorId: result.facilitators.get(room.id) ?? null })),
  }));
  publishRound(deps, next);
  return { round: next, before, summary: { round: next, assigned: result.assignments.size, unplaced: result.unplaced.length, warnings: result.warnings } };
}

/** [BRK30] Staff assign (again) by the round's strategy or the one given: a draft, or an open round (everyone moves at once). */
export async function assignRound(deps: DomainDeps, eventId: string, roundId: string, strategy?: AssignmentStrategy): Promise<AssignmentSummary> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (round.status !== 'draft' && round.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, `this round is ${round.status}`);
  const { round: next, summary, before } = await fillRound(deps, round, strategy ?? round.strategy);
  const after = await deps.store.listAssignments(roundId);
  videoPeopleMoved(deps, next, [...before].map(([participantId, from]) => ({ participantId, from, to: after.get(participantId) ?? null })));
  if (next.status === 'open') {
    // Everyone whose room or room-mates may have changed: all assigned before or after.
    await sendPlaces(deps, next, after, new Set([...before.keys(), ...after.keys()]));
  }
  await publishOccupancy(deps, next, after);
  return summary;
}

/** [BRK15] The round and room a move may go to: not closing or closed; a known room. */
async function movable(deps: DomainDeps, eventId: string, roundId: string): Promise<BreakoutRound> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (round.status === 'closed' || round.status === 'closing') throw new RallyError(ErrorCode.INVALID_STATE, 'this round is closed: nobody moves any more');
  return round;
}

const roomOfRound = (round: BreakoutRound, roomId: string) => {
  const room = round.rooms.find((r) => r.id === roomId);
  if (!room) throw new RallyError(ErrorCode.NOT_FOUND, 'no such room in this round');
  return room;
};

/** [BRK4] Only attendees of this event are ever placed. */
async function requirePlaceable(deps: DomainDeps, eventId: string, participantId: string): Promise<Participant> {
  const p = await deps.store.getParticipant(participantId);
  if (!p || p.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant in this event');
  if (p.role !== 'attendee') throw new RallyError(ErrorCode.BAD_REQUEST, 'staff and the stage screen are never placed in a room');
  return p;
}

/**
 * [BRK64] What one placement touched, read alone: the members of its rooms (in member order) and
 * the names of those people and of `also` (who it placed). The assignments returned hold only
 * those rooms: enough for the place of anyone in them or in no room, never the whole round.
 */
async function touched(deps: DomainDeps, round: BreakoutRound, rooms: (string | null)[], also: string[]) {
  const roomIds = [...new Set(rooms.filter((r): r is string => r !== null))];
  const read = await deps.store.roomMembers(round.id, roomIds);
  // [BRK86] The places made from this read carry its placement number.
  const assignments = numbered(new Map<string, string>(), read.seq);
  for (const [room, members] of read) for (const p of members) assignments.set(p, room);
  const who = new Set([...also, ...assignments.keys()]);
  const people = await deps.store.getParticipants(round.eventId, [...who]);
  return { assignments, who, people };
}

/**
 * After a placement in a running round: the people of the rooms it touched get their place anew
 * (room-mates changed too), reading only those rooms and people ([BRK64]); then staff's occupancy:
 * `now` (a moderator's move or swap answers with it), or `coalesced` for the placements attendees
 * cause by the thousand (choosing a room, joining late), which share one read ([BRK64]).
 */
async function placesChanged(deps: DomainDeps, round: BreakoutRound, rooms: (string | null)[], also: string[], occupancy: 'now'): Promise<{ occupancy: RoomOccupancy } & Awaited<ReturnType<typeof touched>>>;
async function placesChanged(deps: DomainDeps, round: BreakoutRound, rooms: (string | null)[], also: string[], occupancy: 'coalesced'): Promise<Awaited<ReturnType<typeof touched>>>;
async function placesChanged(deps: DomainDeps, stale: BreakoutRound, rooms: (string | null)[], also: string[], occupancy: 'now' | 'coalesced') {
  // [BRK86] A draft when this placement began may have opened since: the opening read the
  // assignments before this placement was written, so its places miss it, and these must go out.
  // Read after the write: a round still a draft now reads this placement when it opens.
  const round = stale.status === 'draft' ? ((await deps.store.getRound(stale.id)) ?? stale) : stale;
  const mine = await touched(deps, round, rooms, also);
  // Only the placed people's sockets change rooms: their room-mates' stay where they are ([BRK64]).
  if (isRunning(round)) await sendPlaces(deps, round, mine.assignments, mine.who, { people: mine.people, moved: new Set(also) });
  if (occupancy === 'now') return { ...mine, occupancy: await publishOccupancy(deps, round) };
  await publishOccupancyCoalesced(deps, round);
  return mine;
}

/**
 * [BRK15] Moves one participant to a room (null: out of every room), also while the round is open.
 * A full room is CONFLICT, an unknown one NOT_FOUND, a closed round INVALID_STATE. [BRK29] An out
 * sticks for the round: late joining ([BRK23]) skips them until a moderator moves them into a room.
 */
export async function moveParticipant(deps: DomainDeps, eventId: string, roundId: string, participantId: string, roomId: string | null): Promise<RoomOccupancy> {
  const round = await movable(deps, eventId, roundId);
  const room = roomId === null ? null : roomOfRound(round, roomId);
  await requirePlaceable(deps, eventId, participantId);
  const placed = await deps.store.place(roundId, participantId, roomId, room?.capacity ?? 0);
  if (!placed.ok) throw placeError(placed.reason);
  videoPeopleMoved(deps, round, [{ participantId, from: placed.previousRoomId, to: roomId }]);
  return (await placesChanged(deps, round, [placed.previousRoomId, roomId], [participantId], 'now')).occupancy;
}

function placeError(reason: 'full' | 'unknownRound' | 'closed' | 'excluded'): RallyError {
  if (reason === 'full') return new RallyError(ErrorCode.CONFLICT, 'that room is full');
  if (reason === 'closed') return new RallyError(ErrorCode.INVALID_STATE, 'this round is closed: nobody moves any more');
  return new RallyError(ErrorCode.NOT_FOUND, 'no such breakout round in this event');
}

/** [BRK15] Swaps two participants' rooms (someone in no room leaves the other in none), also while open. */
export async function swapParticipants(deps: DomainDeps, eventId: string, roundId: string, a: string, b: string): Promise<RoomOccupancy> {
  if (a === b) throw new RallyError(ErrorCode.BAD_REQUEST, 'a swap needs two different participants');
  const round = await movable(deps, eventId, roundId);
  await Promise.all([requirePlaceable(deps, eventId, a), requirePlaceable(deps, eventId, b)]);
  const [ra, rb] = await Promise.all([deps.store.roomOf(roundId, a), deps.store.roomOf(roundId, b)]);
  await deps.store.swap(roundId, a, b);
  videoPeopleMoved(deps, round, [{ participantId: a, from: ra, to: rb }, { participantId: b, from: rb, to: ra }]);
  return (await placesChanged(deps, round, [ra, rb], [a, b], 'now')).occupancy;
}

/** [BRK24] An attendee of the round's audience picks a room of an open self-select round, up to its capacity. */
export async function chooseRoom(deps: DomainDeps, eventId: string, participantId: string, roundId: string, roomId: string): Promise<MyBreakout> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (round.strategy.kind !== 'selfSelect') throw new RallyError(ErrorCode.INVALID_STATE, 'the moderators place people in this round');
  if (round.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, 'rooms can be chosen while the round is open');
  const room = roomOfRound(round, roomId);
  const me = await requirePlaceable(deps, eventId, participantId);
  if (!inAudience(round, me)) throw new RallyError(ErrorCode.FORBIDDEN, 'this round is for remote attendees');
  const placed = await deps.store.place(roundId, participantId, roomId, room.capacity);
  if (!placed.ok) throw placeError(placed.reason);
  // [BRK64] The answer is built from what the room-mates' places were: no second read.
  const { assignments, people } = await placesChanged(deps, round, [placed.previousRoomId, roomId], [participantId], 'coalesced');
  return myBreakout(round, assignments, namesOf(people), participantId, deps.clock.now());
}

/**
 * [BRK23] [BRK25] A participant's socket connected: the breakout room it belongs in now (null:
 * none). An attendee of the running round's audience with no room, arriving while it is open, is
 * placed first in the smallest room with space ([BRK33]); not in a self-select round (they choose).
 */
export async function breakoutRoomOnConnect(deps: DomainDeps, me: Participant): Promise<{ roundId: string; roomId: string | null; roomIds: string[] } | null> {
  const round = await runningRound(deps.store, me.eventId);
  if (!round) return null;
  const roomIds = round.rooms.map((r) => r.id);
  const current = await deps.store.roomOf(round.id, me.id);
  if (current) return { roundId: round.id, roomId: current, roomIds };
  return { roundId: round.id, roomId: await placeLate(deps, round, me), roomIds };
}

/**
 * [BRK23] [BRK33] Places an attendee of the open round's audience who has no room in the smallest
 * room with space, and tells them and their room ([BRK15] facts); their room, or null when the
 * round places nobody late (self-select, not of its audience, every room full, moved out [BRK23]).
 */
async function placeLate(deps: DomainDeps, round: BreakoutRound, me: Participant): Promise<string | null> {
  if (round.status !== 'open' || !inAudience(round, me) || round.strategy.kind === 'selfSelect') return null;
  // [BRK64] The rooms' head counts, not every assignment of the round.
  const counts = await deps.store.roomCounts(round.id);
  // Racing late joiners may find the chosen room filled meanwhile: try the next smallest.
  for (let attempt = 0; attempt < 3; attempt++) {
    const room = smallestFittingRoom(round.rooms, counts);
    if (!room) return null;
    // Someone a moderator moved out of every room stays out for the round ([BSTORE9]).
    const placed = await deps.store.place(round.id, me.id, room.id, room.capacity, 'lateJoin');
    if (placed.ok) {
      await placesChanged(deps, round, [room.id], [me.id], 'coalesced');
      return room.id;
    }
    if (placed.reason !== 'full') return null;
    counts.set(room.id, room.capacity);
  }
  return null;
}

/**
 * [BRK29] A participant was banned or switched mode during a running round. No longer of its
 * audience, they leave their room (their sockets follow, their room-mates and the moderators hear
 * it, as after a move); newly of the open round's audience and online, they join late ([BRK23]).
 */
export async function breakoutStandingChanged(deps: DomainDeps, p: Participant): Promise<void> {
  const round = await runningRound(deps.store, p.eventId);
  if (!round) return;
  if (!inAudience(round, p)) {
    // `leave`, not a moderator's out: switching back makes them a late joiner again ([BSTORE9]).
    const placed = await deps.store.place(round.id, p.id, null, 0, 'leave');
    if (placed.ok && placed.previousRoomId) await placesChanged(deps, round, [placed.previousRoomId], [p.id], 'coalesced');
    return;
  }
  if ((await deps.store.roomOf(round.id, p.id)) || !(await deps.store.presenceIsOnline(p.eventId, p.id))) return;
  await placeLate(deps, round, p);
}
