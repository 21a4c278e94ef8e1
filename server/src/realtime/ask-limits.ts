import { ErrorCode, QA_LIMITS, RallyError } from '@rally/shared';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import type { AskBudget } from '../domain/qa/deps.js';

/**
 * [QA20] The ask budget: QA_LIMITS.asksPerMinute questions per participant per minute, on top of
 * the general command budget. In cluster mode the counters live in Redis, so asking through two
 * nodes (two tabs, a reconnect) still spends one budget.
 */
export function createAskBudget(redis?: RedisClientType<any, any, any, any, any>, opts: { points?: number; durationS?: number } = {}): AskBudget {
  const points = opts.points ?? QA_LIMITS.asksPerMinute;
  const duration = opts.durationS ?? 60;
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix: 'rally:rl-ask', points, duration })
    : new RateLimiterMemory({ keyPrefix: 'rally:rl-ask', points, duration });
  return {
    async consume(participantId) {
      try {
        await limiter.consume(participantId, 1);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        const wait = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
        throw new RallyError(ErrorCode.RATE_LIMITED, `you can ask ${points} questions a minute; try again in ${wait} s`);
      }
    },
  };
}
