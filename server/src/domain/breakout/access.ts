import { ErrorCode, RallyError, type BreakoutRound } from '@rally/shared';
import type { Store } from '../../store/store.js';
import type { DomainDeps } from '../ports.js';

export const isRunning = (r: Pick<BreakoutRound, 'status'>) => r.status === 'open' || r.status === 'closing';

/** A round of this event; another event's round is reported as unknown so ids never leak across events. */
export async function requireRound(store: Store, eventId: string, roundId: string): Promise<BreakoutRound> {
  const round = await store.getRound(roundId);
  if (!round || round.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such breakout round in this event');
  return round;
}

/** [BRK22] The event's open or closing round, if any. */
export async function runningRound(store: Store, eventId: string): Promise<BreakoutRound | null> {
  return (await store.listRounds(eventId)).find(isRunning) ?? null;
}

/**
 * Writes a change to a round, compare-and-set on its version ([BSTORE2]): `change` reads the round
 * as stored now (and throws when the change is not allowed), so a concurrent change by another
 * moderator or node is never lost; retried a few times, then CONFLICT.
 */
export async function changeRound(
  deps: Pick<DomainDeps, 'store'>,
  eventId: string,
  roundId: string,
  change: (r: BreakoutRound) => Partial<BreakoutRound>,
): Promise<BreakoutRound> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const round = await requireRound(deps.store, eventId, roundId);
    const next: BreakoutRound = { ...round, ...change(round), version: round.version + 1 };
    if (await deps.store.replaceRound(next)) return next;
    // [BSTORE7] Refused at the same version: another round of the event is running.
    const now = await deps.store.getRound(roundId);
    if (now && now.version === round.version) throw new RallyError(ErrorCode.INVALID_STATE, 'another breakout round of this event is running: close it first');
  }
  throw new RallyError(ErrorCode.CONFLICT, 'the round kept changing meanwhile: try again');
}

