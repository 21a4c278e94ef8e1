import type { BreakoutRound, Participant, RoomOccupancy } from '@rally/shared';
import type { DomainDeps } from '../ports.js';

/** [BRK4] Who a round is for: attendees, remote ones only unless the audience is everyone. Staff and the stage screen never. */
export function inAudience(round: Pick<BreakoutRound, 'audience'>, p: Pick<Participant, 'role' | 'mode' | 'banned'>): boolean {
  return p.role === 'attendee' && !p.banned && (round.audience === 'everyone' || p.mode === 'remote');
}

/**
 * [BRK17] Who is assigned to each room, who is in its video call (when the room store reports it),
 * and who of the round's audience online now has no room.
 */
export function occupancyOf(
  round: BreakoutRound,
  assignments: ReadonlyMap<string, string>,
  audienceOnline: readonly string[],
  inVideo: ReadonlyMap<string, readonly string[]> = new Map(),
): RoomOccupancy {
  const rooms: RoomOccupancy['rooms'] = {};
  for (const r of round.rooms) rooms[r.id] = { assigned: [], inVideo: [...(inVideo.get(r.id) ?? [])] };
  for (const [p, room] of assignments) rooms[room]?.assigned.push(p);
  return { roundId: round.id, rooms, unassigned: audienceOnline.filter((p) => !assignments.has(p)) };
}

/** [BRK17] The round's occupancy read from the store now (`known`: the event's participants, when the caller has just read them). */
export async function readOccupancy(
  deps: Pick<DomainDeps, 'store'>,
  round: BreakoutRound,
  assignments?: ReadonlyMap<string, string>,
  known?: readonly Participant[],
): Promise<RoomOccupancy> {
  const [asg, online, people, inVideo] = await Promise.all([
    assignments ?? deps.store.listAssignments(round.id),
    deps.store.presenceOnline(round.eventId),
    known ?? deps.store.listParticipants(round.eventId),
    // [BRK43] Who is in each room's call, as LiveKit's webhooks reported it.
    deps.store.listInVideo(round.id),
  ]);
  const on = new Set(online);
  const audience = people.filter((p) => on.has(p.id) && inAudience(round, p)).map((p) => p.id);
  return occupancyOf(round, asg, audience, inVideo);
}
