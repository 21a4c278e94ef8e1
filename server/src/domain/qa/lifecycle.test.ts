import { describe, expect, it } from 'vitest';
import { ErrorCode, type QuestionState } from '@rally/shared';
import { entryState, lostRace, nextState, type QaAction } from './lifecycle.js';

const STATES: QuestionState[] = ['pending', 'approved', 'dismissed', 'answered'];
const ACTIONS: QaAction[] = ['approve', 'dismiss', 'markAnswered', 'restore'];

describe('the moderation state machine', () => {
  it('[QA5] [QA6] a new question waits under pre-moderation or when flagged, and is approved under post-moderation', () => {
    expect(entryState({ moderation: 'pre' }, false)).toBe('pending');
    expect(entryState({ moderation: 'pre' }, true)).toBe('pending');
    expect(entryState({ moderation: 'post' }, false)).toBe('approved');
    expect(entryState({ moderation: 'post' }, true)).toBe('pending');
  });

  it('[QA12] every (action, state) pair moves as the table says, or is INVALID_STATE naming the state', () => {
    // Written out by hand from the issue, not derived from the code.
    const table: Record<QaAction, Partial<Record<QuestionState, QuestionState>>> = {
      approve: { pending: 'approved' },
      dismiss: { pending: 'dismissed', approved: 'dismissed', answered: 'dismissed' },
      markAnswered: { approved: 'answered' },
      restore: { answered: 'approved', dismissed: 'pending' },
    };
    for (const action of ACTIONS) {
      for (const state of STATES) {
        const expected = table[action][state];
        const run = () => nextState(action, { state, flagged: false }, { moderation: 'pre' });
        if (expected) expect(run()).toBe(expected);
        else expect(run).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_STATE, message: expect.stringContaining(state) }));
      }
    }
  });

  it('[QA12] restoring a dismissed question sends it where a new one would go: approved under post-moderation unless flagged', () => {
    expect(nextState('restore', { state: 'dismissed', flagged: false }, { moderation: 'post' })).toBe('approved');
    expect(nextState('restore', { state: 'dismissed', flagged: true }, { moderation: 'post' })).toBe('pending');
    expect(nextState('restore', { state: 'answered', flagged: true }, { moderation: 'pre' })).toBe('approved');
  });

  it('[QA13] the loser of a race gets CONFLICT naming the state the winner left; a vanished question is NOT_FOUND', () => {
    const e = lostRace('approve', { state: 'dismissed' });
    expect(e.code).toBe(ErrorCode.CONFLICT);
    expect(e.message).toContain('dismissed');
    expect(lostRace('dismiss', null).code).toBe(ErrorCode.NOT_FOUND);
  });
});
