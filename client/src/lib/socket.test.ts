import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { handshakeError, handshakeRetryDelayMs } from './socket';

describe('retrying a refused handshake', () => {
  it('[SEC9] a RATE_LIMITED refusal carries retryAfterMs to the client, which waits at least that long', () => {
    const refusal = handshakeError(Object.assign(new Error('x'), { data: { code: ErrorCode.RATE_LIMITED, message: 'Too many connections', retryAfterMs: 8000 } }));
    expect(refusal).toEqual({ code: ErrorCode.RATE_LIMITED, message: 'Too many connections', retryAfterMs: 8000 });
    for (const r of [0, 0.5, 0.999]) {
      const delay = handshakeRetryDelayMs(0, refusal, () => r);
      expect(delay).toBeGreaterThanOrEqual(8000);
      // The random share is at most half the wait.
      expect(delay).toBeLessThanOrEqual(12_000);
    }
    // Clients drawing different numbers come back at different times.
    expect(handshakeRetryDelayMs(0, refusal, () => 0.1)).not.toBe(handshakeRetryDelayMs(0, refusal, () => 0.9));
    // The backoff still grows when the server's wait is short.
    expect(handshakeRetryDelayMs(4, { code: ErrorCode.RATE_LIMITED, message: 'm', retryAfterMs: 100 }, () => 0)).toBe(15_000);
  });

  it('[SEC9] other refusals keep the capped exponential backoff', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => handshakeRetryDelayMs(n, null))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(handshakeRetryDelayMs(1, { code: ErrorCode.UNAVAILABLE, message: 'm' })).toBe(2000);
  });
});
