import { ErrorCode, RallyError, type BreakoutRound, type BreakoutTemplate, type ChatMessage, type HelpRequest, type RosterEntry, type Scorecard, type Takeaway } from '@rally/shared';

/*
 * The breakout part of the storage port, in three pieces that both adapters implement
 * (store/sqlite/breakout-*.ts, store/redis/breakout-*.ts) under one contract suite each
 * (server/test/store/breakout-*-contract.ts). Every change is one SQLite transaction or one Lua
 * script. Rules [BSTORE1..] in docs/SPEC.md.
 */

type Timed = Pick<BreakoutRound, 'status' | 'endsAt' | 'closesAt' | 'openedAt' | 'durationSec' | 'format' | 'rotation'>;

/**
 * [BRK28] When the rotation after the last one announced starts (the first instant `rotationAt` says
 * it), or null: not a structured round, not opened, or the last rotation already announced.
 */
export function nextRotationAtMs(r: Pick<Timed, 'openedAt' | 'durationSec' | 'format' | 'rotation'>): number | null {
  if (r.format.kind === 'open' || !r.openedAt) return null;
  const next = (r.rotation ?? 0) + 1;
  if (next >= r.format.rotations) return null;
  return Date.parse(r.openedAt) + Math.ceil((next * r.durationSec * 1000) / r.format.rotations);
}

/**
 * [BSTORE8] When a round's timer is due: while open, the next rotation's start ([BRK28]) or endsAt,
 * whichever is sooner; closesAt while closing; else never (null).
 */
export function roundDueAtMs(r: Timed): number | null {
  if (r.status === 'closing') return r.closesAt ? Date.parse(r.closesAt) : null;
  if (r.status !== 'open' || !r.endsAt) return null;
  const end = Date.parse(r.endsAt);
  const rotation = nextRotationAtMs(r);
  return rotation !== null && rotation < end ? rotation : end;
}

/**
 * Result of placing one participant: `full` when the room is at capacity, `excluded` when a late
 * joiner was moved out by a moderator ([BSTORE9]); nothing changed then.
 */
export type PlaceOutcome = { ok: true; previousRoomId: string | null } | { ok: false; reason: 'full' | 'unknownRound' | 'closed' | 'excluded' };

/**
 * [BSTORE9] Why one participant is placed: `move`, a moderator's (or the attendee's own) choice: out
 * of every room is recorded and sticks for the round; `lateJoin`, the server placing someone with no
 * room ([BRK23]): refused (`excluded`) when a moderator moved them out; `leave`, out of every room
 * because they are no longer of the round's audience ([BRK29]): not recorded, so they join late again
 * once they are. Any placement in a room clears the record.
 */
export type PlaceKind = 'move' | 'lateJoin' | 'leave';

/**
 * [BSTORE11] [BRK86] What a read of a round's assignments returns, with the round's placement number
 * as of that read (`seq`): every assignment write of the round (setAssignments, a place that changes
 * anything, a swap) raises it in the same atomic step, and the read takes it in the same step as
 * what it read. Places carry it ([BRK86]) so a client keeps the newest one.
 */
export type Numbered<M> = M & { readonly seq: number };
/** The collection with its number attached (not enumerable: the collection compares and copies as it did). */
export const numbered = <M extends object>(m: M, seq: number): Numbered<M> => Object.defineProperty(m, 'seq', { value: seq, enumerable: false }) as Numbered<M>;

/** Rounds, who is in which room, help requests and templates. */
export interface BreakoutRoundStore {
  /** [BSTORE1] Stores a new round (version 0); CONFLICT when the id is taken. */
  createRound(round: BreakoutRound): Promise<void>;
  getRound(id: string): Promise<BreakoutRound | null>;
  /**
   * [BSTORE1] Only whose round it is and where it stands, without reading the round itself (every
   * room of it): what each attendee's video token needs, thousands at once ([BRK41]).
   */
  roundState(id: string): Promise<{ eventId: string; status: BreakoutRound['status'] } | null>;
  /** [BSTORE1] Every round of the event, oldest first. */
  listRounds(eventId: string): Promise<BreakoutRound[]>;
  /**
   * [BSTORE7] The event's open or closing round, or null: one indexed read (no scan of the event's
   * rounds), kept in the same atomic step as replaceRound. Hot: every socket connect asks it.
   */
  runningRound(eventId: string): Promise<BreakoutRound | null>;
  /**
   * [BSTORE2] Compare-and-set: when the stored version is `next.version - 1`, replaces the round;
   * otherwise false and nothing changes. Of two writers of one version exactly one wins.
   * [BSTORE7] Also false (nothing changed) when `next` is open or closing while another round of
   * its event is open or closing: one running round per event, whatever the concurrency.
   */
  replaceRound(next: BreakoutRound): Promise<boolean>;
  /** [BSTORE8] Ids of rounds due at or before `nowMs` (open: endsAt; closing: closesAt), soonest first. */
  dueRounds(nowMs: number, limit: number): Promise<string[]>;
  /** [BSTORE1] Deletes the round with its assignments and help requests (false when unknown). */
  deleteRound(id: string): Promise<boolean>;
  /**
   * [BSTORE3] Replaces every assignment of the round at once (an assignment strategy's output):
   * participant id -> room id. Capacities are the caller's to respect (the strategies do).
   * [BSTORE9] Those it places are no longer recorded as moved out.
   */
  setAssignments(roundId: string, assignments: ReadonlyMap<string, string>): Promise<void>;
  /**
   * [BSTORE4] Atomically puts one participant in a room (null: out of every room) when the room has
   * fewer than `capacity` people, else `full` and nothing changes. A participant is in at most one
   * room of a round, whatever the concurrency across nodes. [BSTORE9] `kind` (default `move`) says
   * whether an out sticks and whether it is respected, in the same atomic step.
   */
  place(roundId: string, participantId: string, roomId: string | null, capacity: number, kind?: PlaceKind): Promise<PlaceOutcome>;
  /** [BSTORE4] Atomically swaps two participants' rooms. */
  swap(roundId: string, a: string, b: string): Promise<void>;
  /** [BSTORE11] The round's placement number now (0 before any assignment; also for an unknown round). */
  placeSeq(roundId: string): Promise<number>;
  /** The participant's room in the round, or null. */
  roomOf(roundId: string, participantId: string): Promise<string | null>;
  /** [BSTORE3] Participant id -> room id, for the whole round, with its placement number ([BSTORE11]). */
  listAssignments(roundId: string): Promise<Numbered<Map<string, string>>>;
  /**
   * [BRK63] Room id -> people in it, for the rooms that have anyone: what a late joiner's placement
   * needs ([BRK33]) without reading every assignment of the round (Redis: the counts every placing
   * script keeps; SQLite: the index by room).
   */
  roomCounts(roundId: string): Promise<Map<string, number>>;
  /**
   * [BRK63] The members of these rooms, each room's in its member order ([BSTORE3]), read in one
   * step: what one placement's room-mates need, however big the round. A room nobody is in maps to [].
   * [BSTORE11] With the round's placement number, read in the same step.
   */
  roomMembers(roundId: string, roomIds: readonly string[]): Promise<Numbered<Map<string, string[]>>>;
  /** [BSTORE5] Stores a help request (takenBy null). */
  addHelp(req: HelpRequest): Promise<void>;
  /** [BSTORE5] The first taker wins: sets takenBy when still null and returns the request; otherwise returns it unchanged (takenBy someone else). Null when unknown. */
  takeHelp(helpId: string, takenBy: NonNullable<HelpRequest['takenBy']>): Promise<HelpRequest | null>;
  getHelp(helpId: string): Promise<HelpRequest | null>;
  /** Help requests of the round, oldest first. */
  listHelp(roundId: string): Promise<HelpRequest[]>;
  /** [BSTORE6] Templates of an event, oldest first; save and delete. */
  saveTemplate(t: BreakoutTemplate): Promise<void>;
  getTemplate(id: string): Promise<BreakoutTemplate | null>;
  listTemplates(eventId: string): Promise<BreakoutTemplate[]>;
  deleteTemplate(id: string): Promise<boolean>;
}

/** The organiser's attendee list ([BRK35]). */
export interface RosterStore {
  /**
   * [BSTORE10] Replaces the event's whole list in one atomic step (emails lower-cased by the schema).
   * A list naming an email twice is CONFLICT and changes nothing.
   */
  putRoster(eventId: string, entries: RosterEntry[]): Promise<void>;
  /** [BSTORE10] The entry for an email (lower-cased), or null. */
  getRosterEntry(eventId: string, email: string): Promise<RosterEntry | null>;
  /** [BSTORE10] The whole list, in import order. */
  listRoster(eventId: string): Promise<RosterEntry[]>;
}

/** [BSTORE10] Both adapters refuse a list naming an email twice before writing anything. */
export function duplicateRosterEmail(entries: readonly RosterEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.email)) throw new RallyError(ErrorCode.CONFLICT, `the attendee list names ${e.email} twice`);
    seen.add(e.email);
  }
}

/** What happens inside rooms: chat, takeaways, scorecards, and who is in each video call now. */
export interface BreakoutRoomStore {
  /** [BSTORE20] Appends to a room's chat. */
  addRoomChat(roundId: string, roomId: string, msg: ChatMessage): Promise<void>;
  /** [BSTORE20] Deletes one message; false when unknown. */
  deleteRoomChat(roundId: string, roomId: string, messageId: string): Promise<boolean>;
  /** [BSTORE20] The latest `limit` messages, oldest first. */
  listRoomChat(roundId: string, roomId: string, limit: number): Promise<ChatMessage[]>;
  /** [BSTORE21] One takeaway per room: a new one replaces the old. */
  setTakeaway(t: Takeaway): Promise<void>;
  listTakeaways(roundId: string): Promise<Takeaway[]>;
  /** [BSTORE22] One scorecard per (round, rotation, scorer): false (nothing written) when one exists. */
  addScorecard(card: Scorecard): Promise<boolean>;
  listScorecards(roundId: string): Promise<Scorecard[]>;
  /** [BSTORE23] Who is in a room's video call now (LiveKit webhooks); returns whether it changed. */
  setInVideo(roundId: string, roomId: string, participantId: string, inVideo: boolean): Promise<boolean>;
  /** [BSTORE23] Room id -> participant ids in its call. */
  listInVideo(roundId: string): Promise<Map<string, string[]>>;
}
