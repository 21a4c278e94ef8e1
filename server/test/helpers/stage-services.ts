import type { Mode, Reaction } from '@rally/shared';
import type { Clock } from '../../src/clock.js';
import { memoryEngagementLog, type MemoryEngagementLog } from '../../src/domain/engagement/log.js';
import type { Budget, FailureBudget, StageServices } from '../../src/domain/stage/deps.js';
import { createRoomCodes } from '../../src/domain/stage/room-code.js';
import { createStageMedia } from '../../src/media/livekit.js';

export const KIT_SECRET = 'stage-kit-secret-0123456789-0123456789';
export const KIT_PUBLIC_URL = 'https://rally.test';

/** A budget of `limit` takes per key until reset(); its refusals ask to wait 4 s. */
export function countingBudget(limit = Number.POSITIVE_INFINITY): Budget & FailureBudget & { spent: Map<string, number>; reset(): void } {
  const spent = new Map<string, number>();
  return {
    spent,
    async take(key) {
      const n = (spent.get(key) ?? 0) + 1;
      if (n > limit) return { ok: false, retryAfterMs: 4000 };
      spent.set(key, n);
      return { ok: true };
    },
    async blockedFor(key) {
      return (spent.get(key) ?? 0) >= limit ? 4000 : 0;
    },
    async fail(key) {
      spent.set(key, (spent.get(key) ?? 0) + 1);
    },
    reset: () => spent.clear(),
  };
}

export interface KitStage extends StageServices {
  engagement: MemoryEngagementLog;
  /** Reactions handed to the burst sink, in order. */
  reacted: { eventId: string; emoji: Reaction; cohort: Mode }[];
  budgets: { reactions: ReturnType<typeof countingBudget>; chat: ReturnType<typeof countingBudget>; roomCodeFailures: ReturnType<typeof countingBudget> };
}

/**
 * Stage services for domain tests: real room codes on the kit's clock and secret, LiveKit as
 * configured (absent by default), in-memory budgets and engagement, and a sink that records reactions.
 */
export function kitStage(clock: Clock, opts: { livekit?: { url: string; apiKey: string; apiSecret: string }; limits?: { reactions?: number; chat?: number; roomCode?: number } } = {}): KitStage {
  const reacted: KitStage['reacted'] = [];
  return {
    roomCodes: createRoomCodes(KIT_SECRET, clock),
    publicUrl: KIT_PUBLIC_URL,
    media: createStageMedia(opts.livekit, { now: () => clock.now() }),
    reactions: { add: (eventId, emoji, cohort) => void reacted.push({ eventId, emoji, cohort }) },
    reacted,
    budgets: { reactions: countingBudget(opts.limits?.reactions), chat: countingBudget(opts.limits?.chat), roomCodeFailures: countingBudget(opts.limits?.roomCode ?? 20) },
    engagement: memoryEngagementLog(),
  };
}

