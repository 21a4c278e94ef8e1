import { ErrorCode, type QaCommandResults, RallyError } from '@rally/shared';
import { requireAttendee, requireQuestion } from './common.js';
import type { QaDeps } from './deps.js';
import { viewFor } from './visibility.js';

const NOT_OPEN = {
  pending: 'this question is waiting for moderation; it can be upvoted once approved',
  answered: 'this question was answered; its votes are final',
  dismissed: 'a moderator dismissed this question',
} as const;

/**
 * [QA9] An attendee adds or takes back their upvote. A question they may not see (someone
 * else's pending or dismissed question) is unknown to them. Counts are not published here: the
 * votes ticker coalesces them ([QA10]).
 */
export async function upvote(deps: QaDeps, eventId: string, participantId: string, questionId: string, up: boolean): Promise<QaCommandResults['question:upvote']> {
  const me = await requireAttendee(deps, eventId, participantId, 'upvote questions');
  const q = await requireQuestion(deps, eventId, questionId);
  if (!viewFor(me, q, false)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
  if (q.state !== 'approved') throw new RallyError(ErrorCode.INVALID_STATE, NOT_OPEN[q.state]);
  // The store checks the state again in the step that counts, so a dismissal racing this vote wins cleanly.
  const { votes, changed } = await deps.store.toggleUpvote(questionId, participantId, up);
  // [ENG1] [ENG3] An upvote added is an interaction; taking it back is not.
  if (changed && up) deps.engagement?.interacted(me, 'upvoted', { ref: questionId });
  return { questionId, up, votes };
}
