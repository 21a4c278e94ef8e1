import { IDLE_SLOT, RallyError, ErrorCode, slotKey, type FactPayload, type OnStage, type StageSlot } from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { Clock } from '../../clock.js';
import type { StageStore } from '../../store/stage-store.js';

/** What moving the stage slot needs: the store's compare-and-set and one fact to everyone. */
export interface SlotDeps {
  store: Pick<StageStore, 'setOnStage'>;
  clock: Clock;
  publish: { toEvent(eventId: string, fact: 'stage:changed', payload: FactPayload<'stage:changed'>): void };
}

/**
 * [STAGE31] Stores the slot (one compare-and-set, a new version) and tells everyone in the event
 * once, only when it changed: every screen renders from this one fact, on every node. With
 * `ifShowing`, only when the stage shows that now ([STAGE33]).
 */
export async function moveSlot(deps: SlotDeps, eventId: string, slot: StageSlot, ifShowing?: StageSlot): Promise<OnStage> {
  const r = await storeSlot(deps, eventId, slot, ifShowing);
  if (r.changed) deps.publish.toEvent(eventId, 'stage:changed', r.onStage);
  return r.onStage;
}

/**
 * The compare-and-set alone: for a caller that tells everyone in a fact of its own (a poll launch
 * carries the slot in poll:launched, [STAGE32]), so the audience gets one message, not two.
 */
export async function storeSlot(deps: Pick<SlotDeps, 'store' | 'clock'>, eventId: string, slot: StageSlot, ifShowing?: StageSlot): Promise<{ onStage: OnStage; changed: boolean }> {
  const r = await deps.store.setOnStage(eventId, slot, isoNow(deps.clock), ifShowing ? { ifShowing: slotKey(ifShowing) } : undefined);
  if (!r) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  return r;
}

/** [STAGE33] Back to idle, but only if the stage still shows `shown` (a later show is left alone). */
export function takeOffStage(deps: SlotDeps, eventId: string, shown: StageSlot): Promise<OnStage> {
  return moveSlot(deps, eventId, IDLE_SLOT, shown);
}
