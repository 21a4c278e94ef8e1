import { ErrorCode, type EventSettings, type QuestionState, RallyError } from '@rally/shared';

/*
 * [QA12] The moderation state machine, pure so every edge is unit-tested without a store:
 *
 *   pending  --approve-->       approved  --markAnswered-->  answered
 *   pending | approved | answered  --dismiss-->  dismissed
 *   answered  --restore-->  approved            (back from the archive)
 *   dismissed --restore-->  where a new question would go (pending, or approved under
 *                           post-moderation unless flagged)
 */

export type QaAction = 'approve' | 'dismiss' | 'markAnswered' | 'restore';

/** [QA5] [QA6] Where a new (or restored dismissed) question goes. */
export function entryState(settings: Pick<EventSettings, 'moderation'>, flagged: boolean): QuestionState {
  return flagged || settings.moderation === 'pre' ? 'pending' : 'approved';
}

const refuse = (message: string) => new RallyError(ErrorCode.INVALID_STATE, message);

/** The state an action moves a question to, or INVALID_STATE naming the state it is in. */
export function nextState(action: QaAction, q: { state: QuestionState; flagged: boolean }, settings: Pick<EventSettings, 'moderation'>): QuestionState {
  const { state } = q;
  switch (action) {
    case 'approve':
      if (state === 'pending') return 'approved';
      throw refuse(`only a pending question can be approved; this one is ${state}`);
    case 'dismiss':
      if (state !== 'dismissed') return 'dismissed';
      throw refuse('this question is already dismissed');
    case 'markAnswered':
      if (state === 'approved') return 'answered';
      throw refuse(`only an approved question can be marked answered; this one is ${state}`);
    case 'restore':
      if (state === 'answered') return 'approved';
      if (state === 'dismissed') return entryState(settings, q.flagged);
      throw refuse(`only a dismissed or answered question can be restored; this one is ${state}`);
  }
}

const DONE: Record<QaAction, string> = { approve: 'approved', dismiss: 'dismissed', markAnswered: 'marked answered', restore: 'restored' };

/** [QA13] What the loser of a race is told: someone else changed the question first. */
export function lostRace(action: QaAction, current: { state: QuestionState } | null): RallyError {
  if (!current) return new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
  return new RallyError(ErrorCode.CONFLICT, `someone else changed this question first (it is now ${current.state}); it was not ${DONE[action]}`);
}
