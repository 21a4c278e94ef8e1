import { ErrorCode, RallyError, type BreakoutRound, type FactName, type FactPayload } from '@rally/shared';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import type { EngagementPort } from '../engagement/record.js';
import { MODERATOR_ROLES, type Publisher } from '../ports.js';
import type { Budget } from '../stage/deps.js';
import { isRunning } from './access.js';
import { membersByRoom } from './view.js';

/*
 * What happens inside breakout rooms (chat, takeaways, scorecards: [BRK52] [BRK53] [BRK60]–[BRK62])
 * needs the round and who is in which room (BreakoutRoundStore), the room store, and the participant
 * records. No sockets: facts go out through the Publisher port.
 */

export interface RoomsDeps {
  store: Store;
  clock: Clock;
  publish: Pick<Publisher, 'toRoles' | 'toParticipant'>;
  /** [BRK61] The participant's chat budget: the stage chat's ([STAGE21]), one per person whatever the chat. */
  chatBudget: Budget;
  engagement?: EngagementPort;
}

export function requireRoom(round: BreakoutRound, roomId: string) {
  const room = round.rooms.find((r) => r.id === roomId);
  if (!room) throw new RallyError(ErrorCode.NOT_FOUND, 'no such room in this round');
  return room;
}

/** Rooms are live (chat, takeaways, scorecards) while the round is open or counting down to close. */
export function requireLive(round: BreakoutRound, what: string): void {
  if (isRunning(round)) return;
  throw new RallyError(ErrorCode.INVALID_STATE, round.status === 'draft' ? `this round has not opened yet: no ${what} before it does` : `this round is closed: no more ${what}`);
}

/**
 * [BRK60] [BRK61] A fact for one breakout room: its members and the event's moderators and
 * organisers (staff never sit in a room, so nobody gets it twice).
 */
export async function publishToRoom<N extends FactName>(deps: Pick<RoomsDeps, 'store' | 'publish'>, round: BreakoutRound, roomId: string, fact: N, payload: FactPayload<N>): Promise<void> {
  const members = membersByRoom(await deps.store.listAssignments(round.id)).get(roomId) ?? [];
  deps.publish.toRoles(round.eventId, MODERATOR_ROLES, fact, payload);
  for (const id of members) deps.publish.toParticipant(id, fact, payload);
}
