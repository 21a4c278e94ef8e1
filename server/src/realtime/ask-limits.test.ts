import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { createAskBudget } from './ask-limits.js';

describe('the ask budget', () => {
  it('[QA20] five asks a minute per participant; the sixth is RATE_LIMITED saying how long to wait', async () => {
    const budget = createAskBudget();
    for (let i = 0; i < 5; i++) await budget.consume('p1');
    await expect(budget.consume('p1')).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/^you can ask 5 questions a minute; try again in (60|59) s$/) });
    await expect(budget.consume('p2')).resolves.toBeUndefined();
  });
});
