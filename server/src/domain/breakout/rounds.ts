import { BREAKOUT_LIMITS, ErrorCode, RallyError, rotationAt, type BreakoutRound, type RoundDraft } from '@rally/shared';
import { roundDueAtMs } from '../../store/breakout-store.js';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import type { EventRecord } from '../../store/store.js';
import { requireEvent } from '../events.js';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { changeRound, isRunning, requireRound, runningRound } from './access.js';
import { videoRoundClosed, videoRoundOpened } from './video.js';
import { publishOccupancy, publishRound, sendPlaces } from './notify.js';
import { fillRound } from './placement.js';

/** [BRK10] A round belongs to a session of the agenda, or to none. */
function checkSession(event: EventRecord, sessionId: string | null): void {
  if (sessionId !== null && !event.agenda.some((s) => s.id === sessionId)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such session in the agenda');
}

/** [BRK21] Room ids are unique within a round. */
function checkDraft(draft: RoundDraft): void {
  const ids = new Set(draft.rooms.map((r) => r.id));
  if (ids.size !== draft.rooms.length) throw new RallyError(ErrorCode.BAD_REQUEST, 'two rooms have the same id');
}

/** [BRK10] Staff prepare a draft round (for an agenda session, or none). */
export async function createRound(deps: DomainDeps, eventId: string, sessionId: string | null, draft: RoundDraft): Promise<BreakoutRound> {
  const event = await requireEvent(deps.store, eventId);
  checkSession(event, sessionId);
  checkDraft(draft);
  const round: BreakoutRound = {
    ...draft,
    id: newId(),
    eventId,
    sessionId,
    status: 'draft',
    openedAt: null,
    endsAt: null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 0,
  };
  await deps.store.createRound(round);
  publishRound(deps, round);
  return round;
}

/**
 * [BRK10] Replaces a draft's plan. [BRK21] A room's capacity below the people already assigned to
 * it is refused; people assigned to a room the plan drops lose their place. [BRK91] A `sessionId`
 * given moves the draft to that agenda session (or none); absent, the session is kept.
 */
export async function updateRound(deps: DomainDeps, eventId: string, roundId: string, draft: RoundDraft, sessionId?: string | null): Promise<BreakoutRound> {
  checkDraft(draft);
  if (sessionId !== undefined) checkSession(await requireEvent(deps.store, eventId), sessionId);
  const assignments = await deps.store.listAssignments(roundId);
  const counts = new Map<string, number>();
  for (const room of assignments.values()) counts.set(room, (counts.get(room) ?? 0) + 1);
  for (const r of draft.rooms) {
    const n = counts.get(r.id) ?? 0;
    if (n > r.capacity) throw new RallyError(ErrorCode.BAD_REQUEST, `room "${r.name}" has ${n} people assigned: its capacity cannot be ${r.capacity}`);
  }
  const next = await changeRound(deps, eventId, roundId, (r) => {
    if (r.status !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft round can be edited');
    return { ...draft, ...(sessionId !== undefined ? { sessionId } : {}) };
  });
  const kept = new Set(draft.rooms.map((r) => r.id));
  if ([...assignments.values()].some((room) => !kept.has(room))) {
    await deps.store.setAssignments(roundId, new Map([...assignments].filter(([, room]) => kept.has(room))));
  }
  publishRound(deps, next);
  return next;
}

/** [BRK10] Deletes a draft or closed round (never a running one). */
export async function deleteRound(deps: DomainDeps, eventId: string, roundId: string): Promise<{ roundId: string; deleted: true }> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (isRunning(round)) throw new RallyError(ErrorCode.INVALID_STATE, 'close the round before deleting it');
  if (!(await deps.store.deleteRound(roundId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such breakout round in this event');
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'breakout:roundDeleted', { roundId });
  return { roundId, deleted: true };
}

/**
 * [BRK11] Opens the rooms: the round runs for its duration from now, and everyone assigned switches
 * to their room at once. A round nobody was assigned to yet is first filled by its strategy
 * ([BRK30]). [BRK21] A round without rooms does not open; [BRK22] neither does a second running round.
 */
export async function openRound(deps: DomainDeps, eventId: string, roundId: string): Promise<BreakoutRound> {
  const before = await requireRound(deps.store, eventId, roundId);
  if (before.status !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, `this round is ${before.status}: only a draft opens`);
  if (before.rooms.length === 0) throw new RallyError(ErrorCode.INVALID_STATE, 'this round has no rooms');
  const running = await runningRound(deps.store, eventId);
  if (running) throw new RallyError(ErrorCode.INVALID_STATE, `"${running.title}" is running: close it first`);
  // The event's participants, read once for the whole opening (placement, names, occupancy): at
  // 10,000 people each read is the largest one the store makes (in Redis a hash per person).
  const people = await deps.store.listParticipants(eventId);
  // Whether anyone is assigned, from the rooms' head counts (not every assignment: read once, below).
  if ((await deps.store.roomCounts(roundId)).size === 0) await fillRound(deps, before, before.strategy, people);
  const now = deps.clock.now();
  const round = await changeRound(deps, eventId, roundId, (r) => {
    if (r.status !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, `this round is ${r.status}: only a draft opens`);
    // [BRK28] Rotation 0's roles go out with the places below; the store's due index ([BSTORE8]) wakes
    // every node's sweep at the next rotation's start, so the rotations survive this node.
    return { status: 'open', openedAt: new Date(now).toISOString(), endsAt: new Date(now + r.durationSec * 1000).toISOString(), ...(r.format.kind !== 'open' ? { rotation: 0 } : {}) };
  });
  deps.breakoutTimers?.at(round.id, roundDueAtMs(round)!);
  publishRound(deps, round, 'none');
  // Read once the round runs: a draft placement made until then is in it, and any after places its own.
  const assignments = await deps.store.listAssignments(roundId);
  // A draft's people are in no breakout room yet (the last round's rooms were cleared at its close):
  // nothing to leave. [BRK85] Each place carries the opened round; the rest of the audience (not
  // placed, and the stage) is told after, apart.
  await sendPlaces(deps, round, assignments, assignments.keys(), { wasIn: new Map(), people, withRound: true });
  publishRound(deps, round, 'outsideBreakouts');
  // [BRK42] The calls are created after the places are out: LiveKit creates a call on its first
  // join anyway, and 500 calls' requests would delay 10,000 places on this node (bench B7).
  videoRoundOpened(deps, round);
  await publishOccupancy(deps, round, assignments, people);
  return round;
}

/** [BRK12] Adds time to an open round (the rooms' one-minute warning moves with endsAt: clients derive it). */
export async function extendRound(deps: DomainDeps, eventId: string, roundId: string, seconds: number): Promise<BreakoutRound> {
  const round = await changeRound(deps, eventId, roundId, (r) => {
    if (r.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, 'only an open round can be extended');
    return { endsAt: new Date(Date.parse(r.endsAt!) + seconds * 1000).toISOString() };
  });
  deps.breakoutTimers?.at(round.id, roundDueAtMs(round)!);
  publishRound(deps, round);
  return round;
}

/** [BRK14] A message from the moderators to every room of an open round; the round keeps the last 20. */
export async function broadcastToRooms(deps: DomainDeps, eventId: string, roundId: string, text: string): Promise<BreakoutRound> {
  const at = isoNow(deps.clock);
  const round = await changeRound(deps, eventId, roundId, (r) => {
    if (r.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, 'only an open round can be broadcast to');
    return { broadcasts: [...r.broadcasts, { text, at }].slice(-20) };
  });
  publishRound(deps, round);
  deps.publish.toAudience(eventId, { roles: MODERATOR_ROLES, modes: [], breakouts: true }, 'breakout:broadcasted', { roundId, text, at });
  return round;
}

/** [BRK13] Close all: a countdown of closeCountdownSec in every room, then everyone is back on the stage. */
export async function closeRound(deps: DomainDeps, eventId: string, roundId: string): Promise<BreakoutRound> {
  const round = await changeRound(deps, eventId, roundId, (r) => {
    if (r.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, r.status === 'draft' ? 'this round has not opened' : 'this round is already closing');
    return closingPatch(deps.clock.now());
  });
  closingStarted(deps, round);
  return round;
}

const closingPatch = (nowMs: number): Partial<BreakoutRound> => ({ status: 'closing', closesAt: new Date(nowMs + BREAKOUT_LIMITS.closeCountdownSec * 1000).toISOString() });

/** [BRK28] This node's timer for the round's next step (the sweep covers it on every node anyway). */
function rotationStarted(deps: DomainDeps, round: BreakoutRound): void {
  const due = roundDueAtMs(round);
  if (due !== null) deps.breakoutTimers?.at(round.id, due);
}

function closingStarted(deps: DomainDeps, round: BreakoutRound): void {
  deps.breakoutTimers?.at(round.id, Date.parse(round.closesAt!));
  publishRound(deps, round);
}

/**
 * [BRK13] [BRK26] Moves a round whose time is up: open past endsAt -> closing; closing past
 * closesAt -> closed, every socket leaves the rooms and each participant is told they are in none.
 * [BRK28] An open structured round before its end: a rotation began, so everyone gets their new role.
 * Any node may call it for any round: the version compare-and-set lets exactly one of them move it
 * and publish.
 */
export async function tickRound(deps: DomainDeps, roundId: string): Promise<void> {
  const round = await deps.store.getRound(roundId);
  if (!round) return;
  const now = deps.clock.now();
  if (round.status === 'open' && round.endsAt && Date.parse(round.endsAt) <= now) {
    const next: BreakoutRound = { ...round, ...closingPatch(now), version: round.version + 1 };
    if (await deps.store.replaceRound(next)) closingStarted(deps, next);
  } else if (round.status === 'open' && round.format.kind !== 'open') {
    // [BRK28] A rotation began: everyone's role moved one seat (the brief is private, so it is sent,
    // not derived). Recording it is compare-and-set: of the nodes that see it due, one announces it.
    const rotation = rotationAt(round, now) ?? 0;
    if (rotation <= (round.rotation ?? 0)) return;
    const next: BreakoutRound = { ...round, rotation, version: round.version + 1 };
    // Refused: another node announced it, or the round changed meanwhile (still due: the next sweep retries).
    if (!(await deps.store.replaceRound(next))) return;
    publishRound(deps, next);
    const assignments = await deps.store.listAssignments(round.id);
    await sendPlaces(deps, next, assignments, assignments.keys(), { wasIn: assignments });
    rotationStarted(deps, next);
  } else if (round.status === 'closing' && round.closesAt && Date.parse(round.closesAt) <= now) {
    const next: BreakoutRound = { ...round, status: 'closed', closedAt: new Date(now).toISOString(), version: round.version + 1 };
    if (await deps.store.replaceRound(next)) await roundClosed(deps, next);
  }
}

/**
 * Everyone is told they are back on the stage first: those small messages are what the close waits
 * for, and the round itself (every room of it, tens of kB at 500 rooms, to every attendee) would
 * otherwise be written to every socket ahead of them.
 */
async function roundClosed(deps: DomainDeps, round: BreakoutRound): Promise<void> {
  const assignments = await deps.store.listAssignments(round.id);
  deps.publish.clearBreakoutRooms(round.eventId, round.rooms.map((r) => r.id));
  // [BRK86] Numbered as read: a move's place read before the close never outranks these.
  const back = { roundId: round.id, roomId: null, room: null, members: [], role: null, rotation: null, seq: assignments.seq };
  deps.publish.toParticipants('breakout:assigned', [...assignments.keys()].map((participantId) => ({ participantId, payload: back })));
  publishRound(deps, round);
  videoRoundClosed(deps, round);
}

/** [BRK26] Every round due by the store's index ([BSTORE8]). */
export async function tickDueRounds(deps: DomainDeps): Promise<void> {
  const due = await deps.store.dueRounds(deps.clock.now(), 100);
  await Promise.all(due.map((id) => tickRound(deps, id)));
}
