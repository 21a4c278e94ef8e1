import { ErrorCode, RallyError, type Poll } from '@rally/shared';
import type { Store } from '../../store/store.js';

/** A poll of this event; another event's poll is reported as unknown so ids never leak across events. */
export async function requirePoll(store: Store, eventId: string, pollId: string): Promise<Poll> {
  const poll = await store.getPoll(pollId);
  if (!poll || poll.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
  return poll;
}

export const notLive = (poll: Poll): RallyError =>
  new RallyError(ErrorCode.INVALID_STATE, poll.state === 'draft' ? 'this poll has not started yet' : 'this poll is closed');
