import { ErrorCode, RallyError, type HelpRequest } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { requireRound } from './access.js';

function publishHelp(deps: DomainDeps, eventId: string, help: HelpRequest): void {
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'breakout:helpChanged', help);
  deps.publish.toParticipant(help.participantId, 'breakout:helpChanged', help);
}

/**
 * [BRK16] An attendee in a room of the open round asks the moderators for help. Asking again while
 * the request is untaken returns it (one open request per person), so a double tap is one request.
 */
export async function askHelp(deps: DomainDeps, eventId: string, participantId: string, roundId: string): Promise<HelpRequest> {
  const round = await requireRound(deps.store, eventId, roundId);
  if (round.status !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, 'help can be asked while the round is open');
  const [roomId, me] = await Promise.all([deps.store.roomOf(roundId, participantId), deps.store.getParticipant(participantId)]);
  if (!roomId || !me) throw new RallyError(ErrorCode.INVALID_STATE, 'you are not in a room of this round');
  const pending = (await deps.store.listHelp(roundId)).find((h) => h.participantId === participantId && h.takenBy === null);
  if (pending) return pending;
  const help: HelpRequest = { id: newId(), roundId, roomId, participantId, name: me.name, at: isoNow(deps.clock), takenBy: null };
  await deps.store.addHelp(help);
  publishHelp(deps, eventId, help);
  return help;
}

/** [BRK16] A moderator takes a help request: the first one wins and the others see who; a later taker gets CONFLICT. */
export async function takeHelp(deps: DomainDeps, eventId: string, moderatorId: string, helpId: string): Promise<HelpRequest> {
  const help = await deps.store.getHelp(helpId);
  const round = help ? await deps.store.getRound(help.roundId) : null;
  if (!help || !round || round.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such help request in this event');
  if (help.takenBy) return mineOrConflict(help, moderatorId);
  const me = await deps.store.getParticipant(moderatorId);
  const taken = await deps.store.takeHelp(helpId, { id: moderatorId, name: me?.name ?? '', at: isoNow(deps.clock) });
  if (!taken) throw new RallyError(ErrorCode.NOT_FOUND, 'no such help request in this event');
  if (taken.takenBy?.id !== moderatorId) return mineOrConflict(taken, moderatorId);
  publishHelp(deps, eventId, taken);
  return taken;
}

function mineOrConflict(help: HelpRequest, moderatorId: string): HelpRequest {
  if (help.takenBy?.id === moderatorId) return help;
  throw new RallyError(ErrorCode.CONFLICT, `${help.takenBy?.name || 'another moderator'} is already on it`);
}

