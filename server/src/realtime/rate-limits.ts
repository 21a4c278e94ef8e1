import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import { STAGE_LIMITS } from '@rally/shared';
import type { StageBudgets } from '../domain/stage/deps.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

/**
 * Per-participant command budget. In cluster mode the counters live in Redis so a participant
 * spreading commands across nodes (tabs, reconnects) still gets one budget.
 */
export interface RateLimits {
  /** Resolves when allowed; rejects with the wait in ms when over the limit. */
  consume(participantId: string, cost?: number): Promise<void>;
}

export class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super('rate limited');
  }
}

/**
 * Every budget Rally keeps, by name: so many points per key per window. One limiter idea, used
 * by the command pipeline, the ask budget and the stage.
 */
export const LIMITS = {
  // A person tapping quickly sends a few commands a second; 30 in 10 s only stops scripts and loops.
  command: { points: 30, durationS: 10 },
  /** [STAGE14] */
  reaction: { points: STAGE_LIMITS.reactionsPerWindow, durationS: STAGE_LIMITS.reactionWindowSec },
  /** [STAGE21] */
  chat: { points: STAGE_LIMITS.chatPerWindow, durationS: STAGE_LIMITS.chatWindowSec },
  /**
   * [STAGE12] [STAGE13] Wrong room codes per client address (join) or participant (switch) per
   * minute: enough for a venue behind one NAT mistyping at the start of a session, hopeless for
   * trying 390,625 codes while two or three are valid. Behind a load balancer the address is the
   * balancer's unless Express trusts it (app.ts: trust proxy), and then everyone shares one budget.
   */
  roomCodeFailure: { points: 60, durationS: 60 },
} as const;

/** One named budget. `take` spends; `fail` spends without asking; `blockedFor` only looks. */
export interface Limiter {
  take(key: string, cost?: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  /** The wait before `key` may spend again, 0 when it may now. */
  blockedFor(key: string): Promise<number>;
  fail(key: string): Promise<void>;
}

/** A budget of `points` per key per `durationS`, in Redis when given (shared by every node), else in memory. */
export function createLimiter(redis: AnyRedis | undefined, spec: { name: string; points: number; durationS: number }): Limiter {
  const opts = { keyPrefix: `rally:rl-${spec.name}`, points: spec.points, duration: spec.durationS };
  const limiter: RateLimiterAbstract = redis ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, ...opts }) : new RateLimiterMemory(opts);
  const take: Limiter['take'] = async (key, cost = 1) => {
    try {
      await limiter.consume(key, cost);
      return { ok: true };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryAfterMs: e.msBeforeNext };
      throw e;
    }
  };
  return {
    take,
    async blockedFor(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= spec.points ? Math.max(1, res.msBeforeNext) : 0;
    },
    async fail(key) {
      await take(key);
    },
  };
}

export function createRateLimits(redis?: AnyRedis): RateLimits {
  const command = createLimiter(redis, { name: 'command', ...LIMITS.command });
  return {
    async consume(participantId, cost = 1) {
      const r = await command.take(participantId, cost);
      if (!r.ok) throw new RateLimited(r.retryAfterMs);
    },
  };
}

/** The stage's budgets ([STAGE12] [STAGE14] [STAGE21]), shared through Redis in cluster mode. */
export function createStageBudgets(redis?: AnyRedis): StageBudgets {
  return {
    reactions: createLimiter(redis, { name: 'reaction', ...LIMITS.reaction }),
    chat: createLimiter(redis, { name: 'chat', ...LIMITS.chat }),
    roomCodeFailures: createLimiter(redis, { name: 'room-code', ...LIMITS.roomCodeFailure }),
  };
}
