import { describe, expect, it } from 'vitest';
import { ErrorCode, RallyError } from '@rally/shared';
import { ClientClosedError, ClientOfflineError, ErrorReply, SocketClosedUnexpectedlyError } from 'redis';
import { isStoreUnreachable, withDeadline } from './deadline.js';
import { toErrorBody } from './realtime/errors.js';

describe('[REL] deadlines and an unreachable store', () => {
  it('[REL1] work past its deadline is answered UNAVAILABLE with retryAfterMs; work in time keeps its own outcome', async () => {
    const t0 = performance.now();
    const late = await withDeadline(new Promise(() => {}), 50).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(late).toBeInstanceOf(RallyError);
    expect((late as RallyError).code).toBe(ErrorCode.UNAVAILABLE);
    expect((late as RallyError).retryAfterMs).toBeGreaterThan(0);
    expect(await withDeadline(Promise.resolve(7), 50)).toBe(7);
    const refused = new RallyError(ErrorCode.INVALID_STATE, 'closed');
    await expect(withDeadline(Promise.reject(refused), 50)).rejects.toBe(refused);
  });

  it('[REL2] node-redis connection failures and "not yet" replies are UNAVAILABLE, never INTERNAL; other errors stay INTERNAL', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const e of [new ClientOfflineError(), new ClientClosedError(), new SocketClosedUnexpectedlyError(), new ErrorReply('LOADING Redis is loading the dataset in memory'), new Error('The queue is full'), network]) {
      expect(isStoreUnreachable(e)).toBe(true);
      const { body, expected } = toErrorBody(e);
      expect(body.code).toBe(ErrorCode.UNAVAILABLE);
      expect(body.retryAfterMs).toBeGreaterThan(0);
      expect(expected).toBe(true);
    }
    for (const e of [new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'), new TypeError('x is undefined')]) {
      expect(isStoreUnreachable(e)).toBe(false);
      expect(toErrorBody(e).body.code).toBe(ErrorCode.INTERNAL);
    }
  });
});
