import { roundView, type BreakoutRound, type Role } from '@rally/shared';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { isRunning } from './access.js';
import { readOccupancy } from './occupancy.js';
import { myBreakout, namesOf } from './view.js';

/** [BRK18] Who gets a round without the briefs: the audience, presenters and the stage screen. */
export const ROUND_VIEWERS = ['attendee', 'presenter', 'screen'] as const satisfies readonly Role[];

/** [BRK18] Staff get the round with its briefs; once it is no longer a draft, everyone else gets its view. */
export function publishRound(deps: Pick<DomainDeps, 'publish'>, round: BreakoutRound): void {
  deps.publish.toRoles(round.eventId, MODERATOR_ROLES, 'breakout:roundUpdated', round);
  if (round.status !== 'draft') deps.publish.toRoles(round.eventId, ROUND_VIEWERS, 'breakout:roundChanged', roundView(round));
}

/**
 * [BRK11] Every assigned participant's sockets move to their room and each gets their place, at
 * once (one read of the names, no per-person store round trip).
 */
export async function sendPlaces(deps: DomainDeps, round: BreakoutRound, assignments: ReadonlyMap<string, string>, who: Iterable<string>): Promise<void> {
  const names = namesOf(await deps.store.listParticipants(round.eventId));
  const roomIds = round.rooms.map((r) => r.id);
  const now = deps.clock.now();
  for (const p of who) {
    const mine = myBreakout(round, assignments, names, p, now);
    if (isRunning(round)) deps.publish.setBreakoutRoom(round.eventId, p, mine.roomId, roomIds);
    deps.publish.toParticipant(p, 'breakout:assigned', mine);
  }
}

export async function publishOccupancy(deps: DomainDeps, round: BreakoutRound, assignments?: ReadonlyMap<string, string>) {
  const occupancy = await readOccupancy(deps, round, assignments);
  deps.publish.toRoles(round.eventId, MODERATOR_ROLES, 'breakout:occupancyChanged', occupancy);
  return occupancy;
}

