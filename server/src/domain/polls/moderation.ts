import { ErrorCode, RallyError, type PollAnswer } from '@rally/shared';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { requirePoll } from './common.js';
import { authorNames, loadResults } from './results.js';
import { resultRoles } from './visibility.js';
import { answerView } from './voting.js';

/**
 * [POLL17] Moderators approve or reject open-text answers; only approved ones reach the wall.
 * A live poll's wall follows through the results ticker (the store bumped its version); a closed
 * poll is not ticked any more, so its results are sent from here.
 */
export async function moderateAnswer(deps: DomainDeps, eventId: string, pollId: string, answerId: string, approved: boolean): Promise<PollAnswer> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  const stored = await deps.store.moderateAnswer(pollId, answerId, approved ? 'approved' : 'rejected');
  if (!stored) throw new RallyError(ErrorCode.NOT_FOUND, 'no such answer in this poll');
  const names = await authorNames(deps.store, poll, [stored]);
  const view = answerView(stored, names.get(stored.participantId) ?? null, poll.settings.anonymous);
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'poll:answerModerated', view);
  if (poll.state === 'closed') {
    const results = await loadResults(deps.store, poll);
    if (results) deps.publish.toRoles(eventId, resultRoles(poll), 'poll:resultsUpdated', results);
  }
  return view;
}
