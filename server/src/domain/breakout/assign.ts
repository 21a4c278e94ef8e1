import type { AssignmentStrategy, BreakoutRoom, Mode } from '@rally/shared';

/** One person an assignment strategy places, with what the strategies look at ([BRK30]). */
export interface Placeable {
  id: string;
  mode: Mode;
  team: string | null;
  /** From the attendee list ([BRK35]); empty strings when unknown. */
  region: string;
  title: string;
  tenure: string;
  facilitator: boolean;
  /** The attendee list's room name for the `roster` strategy; '' when none. */
  rosterRoom: string;
}

export interface AssignmentResult {
  /** Participant id -> room id. Never more people in a room than its capacity. */
  assignments: Map<string, string>;
  /** Participants left without a room (not enough capacity). */
  unplaced: string[];
  /** Sentences a moderator should read (too few facilitators, rooms too small…). */
  warnings: string[];
  /** Room id -> its facilitator (placed first), for the rooms that got one. */
  facilitators: Map<string, string>;
}

/**
 * [BRK30] Places `people` in `rooms` by `strategy`. Pure and deterministic for a given `random`
 * (tests pass a seeded one). Placeholder until the strategies land: balanced round-robin in the
 * given order, capacities kept.
 */
export function assignRooms(
  rooms: readonly BreakoutRoom[],
  people: readonly Placeable[],
  strategy: AssignmentStrategy,
  random: () => number = Math.random,
): AssignmentResult {
  void strategy;
  void random;
  const assignments = new Map<string, string>();
  const unplaced: string[] = [];
  const counts = new Map(rooms.map((r) => [r.id, 0]));
  let i = 0;
  for (const p of people) {
    let placed = false;
    for (let k = 0; k < rooms.length && !placed; k++) {
      const room = rooms[(i + k) % rooms.length]!;
      if (counts.get(room.id)! < room.capacity) {
        assignments.set(p.id, room.id);
        counts.set(room.id, counts.get(room.id)! + 1);
        placed = true;
      }
    }
    if (!placed) unplaced.push(p.id);
    i++;
  }
  return { assignments, unplaced, warnings: [], facilitators: new Map() };
}

/** [BRK33] The room a late joiner goes to: the smallest one with space left (first in order on a tie), or null. */
export function smallestFittingRoom(rooms: readonly BreakoutRoom[], counts: ReadonlyMap<string, number>): BreakoutRoom | null {
  let best: BreakoutRoom | null = null;
  for (const r of rooms) {
    const n = counts.get(r.id) ?? 0;
    if (n >= r.capacity) continue;
    if (!best || n < (counts.get(best.id) ?? 0)) best = r;
  }
  return best;
}
