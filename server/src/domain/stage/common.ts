import { ErrorCode, RallyError, type Participant } from '@rally/shared';
import type { EventRecord } from '../../store/store.js';
import type { StageDeps } from './deps.js';

export async function requireStageEvent(deps: Pick<StageDeps, 'store'>, eventId: string): Promise<EventRecord> {
  const event = await deps.store.getEvent(eventId);
  if (!event) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  return event;
}

/**
 * The sender, checked again in the domain although the handshake and the role table already did:
 * the domain must hold on its own (a ban may have landed since the socket connected).
 */
export async function requireSender(deps: { store: Pick<StageDeps['store'], 'getParticipant'> }, eventId: string, participantId: string): Promise<Participant> {
  const me = await deps.store.getParticipant(participantId);
  if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
  return me;
}

/** Another event's participant is reported as unknown: ids must not leak across events. */
export async function requireParticipantOf(deps: Pick<StageDeps, 'store'>, eventId: string, participantId: string): Promise<Participant> {
  const p = await deps.store.getParticipant(participantId);
  if (!p || p.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant in this event');
  return p;
}

/** "try again in N s", never 0. */
export const waitSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
