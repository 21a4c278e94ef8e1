import { conceptFor, roleIndexFor, rotationAt, type BreakoutRound, type MyBreakout, type Participant } from '@rally/shared';
import type { Numbered } from '../../store/breakout-store.js';

/** The members of each room in the room's member order ([BSTORE3]): room id -> participant ids. */
export function membersByRoom(assignments: ReadonlyMap<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [p, room] of assignments) {
    const list = out.get(room);
    if (list) list.push(p);
    else out.set(room, [p]);
  }
  return out;
}

/**
 * [BRK11] [BRK50] One participant's place in a round: their room and room-mates in member order
 * and, in a structured round, their role in the rotation running now with its private brief (and
 * nobody else's [BRK51]). Out of every room once the round has closed.
 */
export function myBreakout(
  round: BreakoutRound,
  /** [BRK86] With the placement number they were read at: the place carries it. */
  assignments: Numbered<ReadonlyMap<string, string>>,
  names: ReadonlyMap<string, string>,
  participantId: string,
  nowMs: number,
  /** membersByRoom(assignments), when the caller places many people at once (built once, not per person). */
  members?: ReadonlyMap<string, readonly string[]>,
): MyBreakout {
  const { seq } = assignments;
  const roomId = round.status === 'closed' ? null : (assignments.get(participantId) ?? null);
  const found = roomId === null ? undefined : round.rooms.find((r) => r.id === roomId);
  if (roomId === null || !found) return { roundId: round.id, roomId: null, room: null, members: [], role: null, rotation: null, seq };
  const room = { id: found.id, name: found.name, topic: found.topic, capacity: found.capacity };
  const ids = (members ?? membersByRoom(assignments)).get(roomId) ?? [];
  const people = ids.map((id) => ({ id, name: names.get(id) ?? '' }));
  if (round.format.kind === 'open') return { roundId: round.id, roomId, room, members: people, role: null, rotation: null, seq };
  const rotation = round.status === 'draft' ? 0 : (rotationAt(round, nowMs) ?? 0);
  const roles = round.format.roles;
  const index = roleIndexFor(ids.indexOf(participantId), ids.length, rotation, roles.length);
  const role = roles[index]!;
  return { roundId: round.id, roomId, room, members: people, role: { id: role.id, name: role.name, scores: role.scores, brief: briefOf(round, index, rotation) }, rotation, seq };
}

/**
 * [BRK90] A role's private brief in one rotation: a teach-back's teacher (role 0) also gets the
 * concept assigned to that rotation, on a line of its own after the brief.
 */
export function briefOf(round: BreakoutRound, roleIndex: number, rotation: number): string {
  if (round.format.kind === 'open') return '';
  const brief = round.format.roles[roleIndex]?.brief ?? '';
  const concept = roleIndex === 0 ? conceptFor(round.format, rotation) : null;
  if (concept === null) return brief;
  return brief ? `${brief}\n\nYour concept: ${concept}` : `Your concept: ${concept}`;
}

/** Participant id -> display name, for member lists. */
export const namesOf = (people: readonly Participant[]): Map<string, string> => new Map(people.map((p) => [p.id, p.name]));
