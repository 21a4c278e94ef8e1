import { roundView, type BreakoutRound, type MyBreakout, type Participant, type Role } from '@rally/shared';
import { MODERATOR_ROLES, type BreakoutMove, type DomainDeps, type PersonalItem } from '../ports.js';
import { isRunning } from './access.js';
import { readOccupancy } from './occupancy.js';
import { membersByRoom, myBreakout, namesOf } from './view.js';
import { RawJson, stringifyWithRaw } from '../raw-json.js';
import type { BreakoutRoomRef } from './video-deps.js';
import type { Numbered } from '../../store/breakout-store.js';

/** [BRK18] Who gets a round without the briefs: the audience, presenters and the stage screen. */
export const ROUND_VIEWERS = ['attendee', 'presenter', 'screen'] as const satisfies readonly Role[];

/**
 * [BRK18] Staff get the round with its briefs; once it is no longer a draft, everyone else gets its
 * view. `audience: 'outsideBreakouts'`: the audience but those in a breakout room, whose places
 * carried the round ([BRK85]); 'none': staff only.
 */
export function publishRound(deps: Pick<DomainDeps, 'publish'>, round: BreakoutRound, audience: 'all' | 'outsideBreakouts' | 'none' = 'all'): void {
  if (audience !== 'outsideBreakouts') deps.publish.toRoles(round.eventId, MODERATOR_ROLES, 'breakout:roundUpdated', round);
  if (round.status === 'draft' || audience === 'none') return;
  deps.publish.toRoles(round.eventId, ROUND_VIEWERS, 'breakout:roundChanged', roundView(round), audience === 'outsideBreakouts' ? { outsideBreakouts: true } : undefined);
}

/**
 * [BRK11] Every assigned participant's sockets move to their room and each gets their place, at
 * once (one read of the names, no per-person store round trip; the rooms' member lists built once,
 * not per person). `wasIn`, when the caller knows where each one's sockets were (nowhere, when a
 * round opens), lets each leave only that room: otherwise each leaves every other room of the round,
 * which at 500 rooms and thousands of people is millions of socket-room operations (and, across
 * nodes, one adapter message of 500 room names per person).
 */
export async function sendPlaces(
  deps: DomainDeps,
  round: BreakoutRound,
  /** [BRK86] As read, with their placement number: every place sent carries it. */
  assignments: Numbered<ReadonlyMap<string, string>>,
  who: Iterable<string>,
  opts: {
    wasIn?: ReadonlyMap<string, string>;
    people?: readonly Participant[];
    /**
     * [BRK64] Whose sockets move: only these (the people a placement moved); the others of `who`
     * (room-mates whose room stayed) get their place without a socket move. Default: everyone.
     */
    moved?: ReadonlySet<string>;
    /** [BRK85] The round's view, in each place (a round opening): its audience is not sent it apart. */
    withRound?: boolean;
  } = {},
): Promise<void> {
  const names = namesOf(opts.people ?? (await deps.store.listParticipants(round.eventId)));
  const roomIds = round.rooms.map((r) => r.id);
  const members = membersByRoom(assignments);
  const now = deps.clock.now();
  const moves: BreakoutMove[] = [];
  // [BRK46] Each room's members together: a cross-node batch carries each room's shared parts once.
  const placesByRoom = new Map<string | null, PersonalItem<MyBreakout>[]>();
  const running = isRunning(round);
  // [BRK45] [BRK46] Places in a room of a running round carry the member's video token, signed by
  // whichever node delivers each place (the publisher): nobody asks for one when a round opens.
  const video = running && deps.breakoutMedia?.configured === true;
  // [BRK46] What the members of one room share is encoded once per room and written into each place
  // as it is (the publisher encodes places with stringifyWithRaw, and a cross-node batch carries each
  // shared part once): the member list, and with no role in it (an open round, or no room) the whole
  // place. The video token's room too is one object per room.
  const shared = new Map<string | null, { roomId: string | null; members: RawJson | null; place: RawJson | null; ref: BreakoutRoomRef | null }>();
  const roundJson = opts.withRound ? new RawJson(JSON.stringify(roundView(round))) : null;
  for (const p of who) {
    const assigned = round.status === 'closed' ? null : (assignments.get(p) ?? null);
    let room = shared.get(assigned);
    let payload: MyBreakout | RawJson;
    if (room?.place) payload = room.place;
    else {
      const mine = myBreakout(round, assignments, names, p, now, members);
      if (roundJson) mine.round = roundJson as unknown as MyBreakout['round'];
      if (!room) {
        const membersJson = mine.roomId !== null ? new RawJson(JSON.stringify(mine.members)) : null;
        const ref = video && mine.roomId !== null ? { eventId: round.eventId, roundId: round.id, roomId: mine.roomId } : null;
        shared.set(assigned, (room = { roomId: mine.roomId, members: membersJson, place: null, ref }));
        if (membersJson) mine.members = membersJson as unknown as MyBreakout['members'];
        if (mine.role === null) room.place = new RawJson(stringifyWithRaw(mine));
      } else if (room.members) mine.members = room.members as unknown as MyBreakout['members'];
      payload = room.place ?? mine;
    }
    const { roomId } = room;
    if (running && (!opts.moved || opts.moved.has(p))) {
      const was = opts.wasIn?.get(p);
      moves.push({ participantId: p, roomId, leave: opts.wasIn ? (was && was !== roomId ? [was] : []) : roomIds });
    }
    let inRoom = placesByRoom.get(roomId);
    if (!inRoom) placesByRoom.set(roomId, (inRoom = []));
    const place = payload as MyBreakout;
    inRoom.push(room.ref ? { participantId: p, payload: place, video: { room: room.ref, name: names.get(p) ?? '' } } : { participantId: p, payload: place });
  }
  // [CLU5] In bulk: across nodes one message per batch of moves and one per batch of places, not
  // two per person. The moves go first, so each socket is in its room before it hears of it.
  // [PERF23] Also with no socket to move: room-mates' new places change what snapshots share.
  // [BRK86] The sockets' moves are ordered as the places are: a move read before another arrives late.
  await deps.publish.placeInBreakoutRooms(round.eventId, running ? moves : null, [...placesByRoom.values()].flat(), { roundId: round.id, seq: assignments.seq });
}

export async function publishOccupancy(deps: DomainDeps, round: BreakoutRound, assignments?: ReadonlyMap<string, string>, people?: readonly Participant[]) {
  const occupancy = await readOccupancy(deps, round, assignments, people);
  deps.publish.toRoles(round.eventId, MODERATOR_ROLES, 'breakout:occupancyChanged', occupancy);
  return occupancy;
}

/** The occupancy publication running now for a round, and the one queued behind it. */
type Flight = { done: Promise<void>; queued: Promise<void> | null };
/** Per node (its publisher: tests run several nodes in one process), per round. */
const occupancyFlights = new WeakMap<object, Map<string, Flight>>();

/**
 * [BRK64] [BRK17] Staff's occupancy after a placement attendees cause, thousands within seconds (a
 * self-select round's choices, late joiners): one publication at a time per round on this node.
 * A caller arriving while one runs waits for the next, which starts when it ends and reads the
 * store then, so it shows every placement made before it; all who arrive meanwhile share it. A
 * burst costs one occupancy read per read's duration, not one per person (each read is the whole
 * round: every assignment and the audience online).
 */
export function publishOccupancyCoalesced(deps: DomainDeps, round: BreakoutRound): Promise<void> {
  const flight = flightsOf(deps).get(round.id);
  if (!flight) return startOccupancy(deps, round);
  flight.queued ??= flight.done.then(
    () => startOccupancy(deps, round),
    () => startOccupancy(deps, round),
  );
  return flight.queued;
}

function flightsOf(deps: DomainDeps): Map<string, Flight> {
  let flights = occupancyFlights.get(deps.publish);
  if (!flights) occupancyFlights.set(deps.publish, (flights = new Map()));
  return flights;
}

function startOccupancy(deps: DomainDeps, round: BreakoutRound): Promise<void> {
  const flights = flightsOf(deps);
  const flight: Flight = { done: Promise.resolve(), queued: null };
  flight.done = publishOccupancy(deps, round)
    .then(() => undefined)
    .finally(() => {
      if (flights.get(round.id) === flight) flights.delete(round.id);
    });
  flights.set(round.id, flight);
  return flight.done;
}
