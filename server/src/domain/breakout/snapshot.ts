import { roundView, type BreakoutRound, type BreakoutSnapshot, type Participant } from '@rally/shared';
import { MODERATOR_ROLES, type DomainDeps, type WithStage } from '../ports.js';
import { isRunning } from './access.js';
import { readOccupancy } from './occupancy.js';
import { membersByRoom, myBreakout, namesOf } from './view.js';
import { roomsForSnapshot } from './rooms-snapshot.js';
import { numbered, type Numbered } from '../../store/breakout-store.js';

/** [BRK18] The event's current round: the running one, else the latest; drafts only for staff. */
export function currentRound(rounds: readonly BreakoutRound[], withDrafts: boolean): BreakoutRound | undefined {
  const seen = withDrafts ? rounds : rounds.filter((r) => r.status !== 'draft');
  return seen.find(isRunning) ?? seen[seen.length - 1];
}

/**
 * [PERF23] The running round's places as every attendee snapshot of the event needs them: its
 * assignment, the rooms' member lists and the names in them, read once and shared (domain/
 * shared-snapshot.ts) rather than read whole for each attendee: a reconnect storm while a round of
 * 10,000 runs (a venue's Wi-Fi blip, a node drained) would otherwise read 20,000 records per snapshot.
 */
export interface RunningPlaces {
  round: BreakoutRound;
  assignments: Numbered<ReadonlyMap<string, string>>;
  members: ReadonlyMap<string, readonly string[]>;
  names: ReadonlyMap<string, string>;
}

/** [PERF23] The event's running round's places, or null when no round is running. */
export async function readRunningPlaces(deps: Pick<DomainDeps, 'store'>, eventId: string): Promise<RunningPlaces | null> {
  const round = await deps.store.runningRound(eventId);
  if (!round || !isRunning(round)) return null;
  const [assignments, people] = await Promise.all([deps.store.listAssignments(round.id), deps.store.listParticipants(eventId)]);
  return { round, assignments, members: membersByRoom(assignments), names: namesOf(people) };
}

/**
 * [BRK18] The snapshot part, read from the store: moderators and organisers every round with its
 * briefs, the templates, and the current round's occupancy and help requests; attendees, presenters
 * and the stage screen the current round without briefs, and an attendee their own place. `video`
 * says whether LiveKit is configured on this server ([BRK44]).
 */
export async function breakoutsForSnapshot(
  deps: WithStage<Pick<DomainDeps, 'store' | 'clock'>>,
  me: Participant,
  /** [PERF23] The running round's places read for every attendee alike, when the caller has them (null: no round running). */
  shared?: RunningPlaces | null,
): Promise<BreakoutSnapshot> {
  const video = deps.stage.media.configured;
  if ((MODERATOR_ROLES as readonly string[]).includes(me.role)) {
    const rounds = await deps.store.listRounds(me.eventId);
    const current = currentRound(rounds, true);
    const [templates, occupancy, help] = await Promise.all([
      deps.store.listTemplates(me.eventId),
      current ? readOccupancy(deps, current) : undefined,
      current ? deps.store.listHelp(current.id) : [],
    ]);
    const rooms = current ? await roomsForSnapshot(deps, me, current, null) : {};
    return { rounds, templates, ...(occupancy ? { occupancy } : {}), help, ...rooms, video };
  }
  if (shared && me.role === 'attendee') {
    const { round, assignments, members, names } = shared;
    const mine = assignments.get(me.id) ?? null;
    return { round: roundView(round), me: myBreakout(round, assignments, names, me.id, deps.clock.now(), members), ...(await roomsForSnapshot(deps, me, round, mine)), video };
  }
  // Every attendee's (re)connect lands here: while a round runs, the store's pointer finds it ([BSTORE7]);
  // only between rounds are the event's rounds read for the latest one.
  const round = (await deps.store.runningRound(me.eventId)) ?? currentRound(await deps.store.listRounds(me.eventId), false);
  if (!round) return { video };
  if (me.role !== 'attendee') return { round: roundView(round), ...(await roomsForSnapshot(deps, me, round, null)), video };
  // [PERF22] A closed round puts nobody in a room, so its place needs no room-mates: their own room
  // alone (its takeaway), one read, not the round's whole assignment per attendee (a reconnect
  // storm after a round of 10,000 read 10,000 rows per snapshot).
  if (round.status === 'closed') {
    // [BRK86] Its number too, read alongside (no assignment of a closed round changes any more).
    const [myRoom, seq] = await Promise.all([deps.store.roomOf(round.id, me.id), deps.store.placeSeq(round.id)]);
    return { round: roundView(round), me: myBreakout(round, numbered(new Map(), seq), new Map(), me.id, deps.clock.now()), ...(await roomsForSnapshot(deps, me, round, myRoom)), video };
  }
  const assignments = await deps.store.listAssignments(round.id);
  const mine = assignments.get(me.id);
  // Names only for someone in a room of a running round: a closed round puts nobody in a room, and
  // reading every participant per snapshot would make a reconnect storm quadratic.
  const inRoom = isRunning(round) && mine !== undefined;
  const names = inRoom ? namesOf(await deps.store.listParticipants(me.eventId)) : new Map<string, string>();
  return { round: roundView(round), me: myBreakout(round, assignments, names, me.id, deps.clock.now()), ...(await roomsForSnapshot(deps, me, round, mine ?? null)), video };
}
