import { describe, expect, it } from 'vitest';
import { LIMITS, createLimiter, createStageBudgets } from './rate-limits.js';

describe('named budgets', () => {
  it('[STAGE14] [STAGE21] a budget allows its points per key, then says how long to wait; keys are independent', async () => {
    const l = createLimiter(undefined, { name: 'test-take', points: 3, durationS: 10 });
    for (let i = 0; i < 3; i++) expect(await l.take('a')).toEqual({ ok: true });
    const over = await l.take('a');
    expect(over.ok).toBe(false);
    expect(!over.ok && over.retryAfterMs).toBeGreaterThan(9_000);
    expect(await l.take('b')).toEqual({ ok: true });
    const stage = createStageBudgets();
    for (let i = 0; i < LIMITS.reaction.points; i++) expect((await stage.reactions.take('p')).ok).toBe(true);
    expect((await stage.reactions.take('p')).ok).toBe(false);
    expect((await stage.chat.take('p')).ok).toBe(true);
  });

  it('[STAGE12] a failure budget is only spent by failures: looking costs nothing; once spent, it reports the wait', async () => {
    const l = createLimiter(undefined, { name: 'test-fail', points: 2, durationS: 60 });
    for (let i = 0; i < 5; i++) expect(await l.blockedFor('addr')).toBe(0);
    await l.fail('addr');
    expect(await l.blockedFor('addr')).toBe(0);
    await l.fail('addr');
    expect(await l.blockedFor('addr')).toBeGreaterThan(59_000);
    await l.fail('addr'); // over the budget: still only a failure, never an exception
    expect(await l.blockedFor('other')).toBe(0);
  });
});
