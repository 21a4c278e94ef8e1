import type { CohortCounts, Participant, PollAnswer, PollView, VoteInput } from '@rally/shared';
import type { Store } from '../../store/store.js';
import { MODERATOR_ROLES } from '../ports.js';
import { authorNames, loadResults, presentAttendees } from './results.js';
import { mayKnowPoll, mayViewResults } from './visibility.js';
import { answerView } from './voting.js';
import { answersInOrder } from './answer-order.js';

export interface PollsSnapshot {
  polls: PollView[];
  myVotes: Record<string, VoteInput>;
  pollAnswers?: PollAnswer[];
}

/**
 * [POLL24] The polls part of a snapshot, read from the store so a client reconnecting to any
 * node gets the same picture: what this principal may know, results where they may see them,
 * their own votes and, for moderators, the open-text answers.
 */
export async function pollsForSnapshot(store: Store, me: Participant): Promise<PollsSnapshot> {
  const all = await store.listPolls(me.eventId);
  const known = all.filter((p) => mayKnowPoll(me.role, p));
  const needsPresence = known.some((p) => p.state === 'live' && mayViewResults(me.role, p));
  const present: CohortCounts | undefined = needsPresence ? await presentAttendees(store, me.eventId) : undefined;

  const polls = await Promise.all(
    known.map(async (poll): Promise<PollView> => ({ poll, results: mayViewResults(me.role, poll) ? await loadResults(store, poll, present) : null })),
  );

  const myVotes: Record<string, VoteInput> = {};
  if (me.role === 'attendee') {
    const launched = known.filter((p) => p.state !== 'draft');
    const votes = await store.getMyVotes(me.id, launched.map((p) => p.id));
    for (const [pollId, v] of Object.entries(votes)) myVotes[pollId] = v.vote;
  }

  if (!(MODERATOR_ROLES as readonly string[]).includes(me.role)) return { polls, myVotes };
  const open = known.filter((p) => p.kind === 'open' && p.state !== 'draft');
  const pollAnswers = (
    await Promise.all(
      open.map(async (poll) => {
        const answers = answersInOrder(poll, await store.listAnswers(poll.id));
        const names = await authorNames(store, poll, answers);
        return answers.map((a) => answerView(a, names.get(a.participantId) ?? null, poll.settings.anonymous));
      }),
    )
  ).flat();
  return { polls, myVotes, pollAnswers };
}
