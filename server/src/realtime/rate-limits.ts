import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';

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

// A person tapping quickly sends a few commands a second; 30 in 10 s only stops scripts and loops.
const POINTS = 30;
const DURATION_S = 10;

export function createRateLimits(redis?: RedisClientType<any, any, any, any, any>): RateLimits {
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix: 'rally:rl', points: POINTS, duration: DURATION_S })
    : new RateLimiterMemory({ keyPrefix: 'rally:rl', points: POINTS, duration: DURATION_S });
  return {
    async consume(participantId, cost = 1) {
      try {
        await limiter.consume(participantId, cost);
      } catch (e) {
        if (e instanceof RateLimiterRes) throw new RateLimited(e.msBeforeNext);
        throw e;
      }
    },
  };
}
