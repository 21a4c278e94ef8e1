import type { AssignmentStrategy, BreakoutAttribute, BreakoutRoom, Mode } from '@rally/shared';

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

/** How many rooms a warning names before it says "and N more". */
const NAMED_IN_WARNING = 5;

/** The value a person has for an attribute, as the group and mix strategies compare it. */
export function attributeOf(p: Placeable, attribute: BreakoutAttribute): string {
  switch (attribute) {
    case 'team':
      return p.team ?? '';
    case 'mode':
      return p.mode;
    default:
      return p[attribute];
  }
}

/** A copy shuffled with `random` (Fisher–Yates), so a seeded random gives the same order every time. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const listed = (names: readonly string[]) =>
  names.length <= NAMED_IN_WARNING ? names.join(', ') : `${names.slice(0, NAMED_IN_WARNING).join(', ')} and ${names.length - NAMED_IN_WARNING} more`;
const quoted = (names: readonly string[]) => listed(names.map((n) => `"${n}"`));
const howMany = (n: number) => (n === 1 ? '1 person' : `${n} people`);

/** Rooms and who is in them so far; every placement goes through `put`, which keeps capacities. */
class Rooms {
  readonly assignments = new Map<string, string>();
  readonly facilitators = new Map<string, string>();
  private readonly count: Map<string, number>;
  constructor(readonly list: readonly BreakoutRoom[]) {
    this.count = new Map(list.map((r) => [r.id, 0]));
  }
  size(room: BreakoutRoom): number {
    return this.count.get(room.id)!;
  }
  free(room: BreakoutRoom): number {
    return room.capacity - this.size(room);
  }
  totalFree(): number {
    return this.list.reduce((n, r) => n + Math.max(0, this.free(r)), 0);
  }
  put(personId: string, room: BreakoutRoom): boolean {
    if (this.assignments.has(personId) || this.free(room) <= 0) return false;
    this.assignments.set(personId, room.id);
    this.count.set(room.id, this.size(room) + 1);
    return true;
  }
  /**
   * How many more people each room takes so that `n` more are placed with sizes as even as
   * capacities allow: one at a time to the smallest room with space. Sizes then differ by at most
   * one, except that a full room may be smaller than others ([BRK30]).
   */
  evenShares(n: number): Map<string, number> {
    const shares = new Map(this.list.map((r) => [r.id, 0]));
    // The same as n greedy steps, computed by level: find the highest size L that every room can be
    // raised to (capped by its capacity) with at most n people, raise them, then give one more to
    // the first rooms in order still at L with space. O(rooms × log capacity) instead of O(n × rooms).
    const raiseTo = (level: number) => this.list.reduce((sum, r) => sum + Math.max(0, Math.min(level, r.capacity) - this.size(r)), 0);
    let lo = 0;
    let hi = this.list.reduce((m, r) => Math.max(m, r.capacity), 0);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (raiseTo(mid) <= n) lo = mid;
      else hi = mid - 1;
    }
    let left = n - raiseTo(lo);
    for (const r of this.list) shares.set(r.id, Math.max(0, Math.min(lo, r.capacity) - this.size(r)));
    for (const r of this.list) {
      if (left <= 0) break;
      if (Math.max(lo, this.size(r)) === lo && lo < r.capacity) {
        shares.set(r.id, shares.get(r.id)! + 1);
        left--;
      }
    }
    return shares;
  }
}

/**
 * [BRK31] One facilitator per room, placed before anyone else. A room's own `facilitatorId` wins
 * when that person is among `people`; the other rooms get the people marked facilitator, in a
 * shuffled order. Under the roster strategy ([BRK34]) a facilitator the list puts in a room goes
 * there (as its facilitator when it has none yet, else as a member) and does not fill another room.
 * Facilitators left over are placed like everyone else. Returns who is still to place.
 */
function placeFacilitators(rooms: Rooms, all: readonly Placeable[], random: () => number, preferred: (p: Placeable) => BreakoutRoom | null, warnings: string[]): Placeable[] {
  const byId = new Map(all.map((p) => [p.id, p]));
  for (const room of rooms.list) {
    const f = room.facilitatorId;
    if (f && byId.has(f) && !rooms.assignments.has(f) && rooms.put(f, room)) rooms.facilitators.set(room.id, f);
  }
  const pool = shuffled(
    all.filter((p) => p.facilitator && !rooms.assignments.has(p.id)),
    random,
  );
  const without = () => rooms.list.filter((r) => !rooms.facilitators.has(r.id));
  const take = (p: Placeable, room: BreakoutRoom) => {
    if (rooms.put(p.id, room)) rooms.facilitators.set(room.id, p.id);
  };
  // The list's room is a pre-assignment: a facilitator listed for a room that has one already joins it as a member.
  for (const p of pool) {
    const room = preferred(p);
    if (room && !rooms.facilitators.has(room.id)) take(p, room);
    else if (room) rooms.put(p.id, room);
  }
  // Rooms still without one are empty (only facilitators were placed so far), so each takes one.
  const open = without();
  let next = 0;
  for (const p of pool) {
    if (next >= open.length) break;
    if (rooms.assignments.has(p.id) || preferred(p)) continue;
    take(p, open[next++]!);
  }
  const missing = without();
  // Warned only when the organiser uses facilitators at all: an event without any is not short of them.
  if (rooms.facilitators.size > 0 && missing.length > 0) {
    warnings.push(
      `Too few facilitators: ${rooms.list.length} rooms but ${rooms.facilitators.size} ${rooms.facilitators.size === 1 ? 'facilitator' : 'facilitators'}; ` +
        `${missing.length === 1 ? 'room' : 'rooms'} ${quoted(missing.map((r) => r.name))} ${missing.length === 1 ? 'has' : 'have'} none.`,
    );
  }
  return all.filter((p) => !rooms.assignments.has(p.id));
}

/** Fills rooms in order, each up to its share, from `ordered`: neighbours in the list share a room. */
function fillInOrder(rooms: Rooms, ordered: readonly Placeable[], shares: Map<string, number>) {
  let i = 0;
  for (const room of rooms.list) {
    for (let k = 0; k < shares.get(room.id)! && i < ordered.length; k++) rooms.put(ordered[i++]!.id, room);
  }
}

/**
 * Deals `ordered` round the rooms, one seat per room per pass while the room has share left:
 * neighbours in the list go to different rooms, so each value's people are spread evenly.
 */
function deal(rooms: Rooms, ordered: readonly Placeable[], shares: Map<string, number>) {
  const left = new Map(shares);
  let i = 0;
  while (i < ordered.length) {
    let dealt = false;
    for (const room of rooms.list) {
      if (i >= ordered.length) break;
      if (left.get(room.id)! <= 0) continue;
      rooms.put(ordered[i++]!.id, room);
      left.set(room.id, left.get(room.id)! - 1);
      dealt = true;
    }
    if (!dealt) break;
  }
}

/** The people grouped by value, the biggest group first (ties by value), each group keeping its order. */
function byValue(list: readonly Placeable[], attribute: BreakoutAttribute): Placeable[] {
  const groups = new Map<string, Placeable[]>();
  for (const p of list) {
    const v = attributeOf(p, attribute);
    const g = groups.get(v);
    if (g) g.push(p);
    else groups.set(v, [p]);
  }
  return [...groups.entries()].sort(([va, a], [vb, b]) => b.length - a.length || (va < vb ? -1 : va > vb ? 1 : 0)).flatMap(([, g]) => g);
}

const roomKey = (name: string) => name.trim().toLowerCase();

/**
 * [BRK30]–[BRK34] Places `people` in `rooms` by `strategy`. Pure and deterministic for a given
 * `random` (tests pass a seeded one).
 *
 * - manual: places nobody (moderators move people by hand) and says nothing.
 * - selfSelect: places only the facilitators ([BRK31]); everyone else picks a room ([BRK32]) and is
 *   not counted as unplaced.
 * - random, attribute and roster: facilitators first ([BRK31]); then, when the rooms hold fewer
 *   than everyone, who goes without is drawn at random and a warning says how many; the others are
 *   placed so that sizes differ by at most one where capacities allow (roster: the list's rooms
 *   first, [BRK34]). random shuffles; attribute `group` keeps each value's people together (only
 *   where one value ends and the next begins does a room hold two); `mix` deals each value round
 *   the rooms, so rooms taking as many people hold each value within one of each other.
 */
export function assignRooms(
  rooms: readonly BreakoutRoom[],
  people: readonly Placeable[],
  strategy: AssignmentStrategy,
  random: () => number = Math.random,
): AssignmentResult {
  const state = new Rooms(rooms);
  const warnings: string[] = [];
  const result = (unplaced: string[] = []): AssignmentResult => ({ assignments: state.assignments, unplaced, warnings, facilitators: state.facilitators });
  if (strategy.kind === 'manual') return result();

  // One entry per id: a caller passing someone twice must not fill two seats.
  const seen = new Set<string>();
  const everyone = people.filter((p) => !seen.has(p.id) && seen.add(p.id));
  const byName = new Map<string, BreakoutRoom>();
  for (const r of rooms) if (!byName.has(roomKey(r.name))) byName.set(roomKey(r.name), r);
  const listedRoom = (p: Placeable) => (strategy.kind === 'roster' && p.rosterRoom.trim() !== '' ? (byName.get(roomKey(p.rosterRoom)) ?? null) : null);

  const rest = placeFacilitators(state, everyone, random, listedRoom, warnings);
  if (strategy.kind === 'selfSelect') return result();

  let queue = shuffled(rest, random);
  if (strategy.kind === 'roster') {
    // Unknown room names are reported for everyone listed (facilitators too); those people are placed like the rest.
    const unknown = new Set<string>();
    let fromUnknown = 0;
    for (const p of everyone) {
      if (p.rosterRoom.trim() === '' || listedRoom(p)) continue;
      unknown.add(p.rosterRoom.trim());
      fromUnknown++;
    }
    if (unknown.size > 0) {
      warnings.push(`The attendee list names ${unknown.size === 1 ? 'a room' : 'rooms'} this round does not have: ${quoted([...unknown])}; ${howMany(fromUnknown)} listed there placed like everyone else.`);
    }
    const overflow = new Map<string, number>();
    for (const p of queue) {
      const room = listedRoom(p);
      if (room && !state.put(p.id, room)) overflow.set(room.name, (overflow.get(room.name) ?? 0) + 1);
    }
    for (const [name, n] of overflow) warnings.push(`Room "${name}" is full: ${howMany(n)} the attendee list puts there placed elsewhere.`);
    // The rest go to the smallest rooms first, so sizes even out around the list's rooms.
    queue = queue.filter((p) => !state.assignments.has(p.id));
  }

  const seats = Math.min(queue.length, state.totalFree());
  const unplaced = queue.slice(seats).map((p) => p.id);
  const placing = queue.slice(0, seats);
  const shares = state.evenShares(seats);
  if (strategy.kind === 'random' || strategy.kind === 'roster') fillInOrder(state, placing, shares);
  else if (strategy.how === 'group') fillInOrder(state, byValue(placing, strategy.attribute), shares);
  else deal(state, byValue(placing, strategy.attribute), shares);
  capacityWarning(unplaced.length, everyone.length, warnings);
  return result(unplaced);
}

function capacityWarning(unplaced: number, total: number, warnings: string[]) {
  if (unplaced > 0) warnings.push(`The rooms hold ${total - unplaced} of ${howMany(total)}: ${howMany(unplaced)} left without a room. Add rooms or raise capacities.`);
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
