import { QA_LIMITS, rateLimited } from '@rally/shared';
import type { RedisClientType } from 'redis';
import type { AskBudget } from '../domain/qa/deps.js';
import { createLimiter } from './rate-limits.js';

/**
 * [QA20] The ask budget: QA_LIMITS.asksPerMinute questions per participant per minute, on top of
 * the general command budget. In cluster mode the counters live in Redis, so asking through two
 * nodes (two tabs, a reconnect) still spends one budget.
 */
export function createAskBudget(redis?: RedisClientType<any, any, any, any, any>, opts: { points?: number; durationS?: number } = {}): AskBudget {
  const points = opts.points ?? QA_LIMITS.asksPerMinute;
  const limiter = createLimiter(redis, { name: 'ask', points, durationS: opts.durationS ?? 60 });
  return {
    async consume(participantId) {
      const r = await limiter.take(participantId);
      if (r.ok) return;
      const wait = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw rateLimited(`you can ask ${points} questions a minute; try again in ${wait} s`, r.retryAfterMs);
    },
  };
}
