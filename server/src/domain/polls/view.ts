import type { CohortCounts, Participant, Poll, PollAnswer, PollView, Role, VoteInput } from '@rally/shared';
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
  const { polls, known } = await pollsForRole(store, me.eventId, me.role);
  const myVotes = me.role === 'attendee' ? await myVotesIn(store, me.id, known) : {};

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

/**
 * [POLL24] [PERF20] What every principal of one role sees of the event's polls (no one's own
 * votes): the same for all attendees, so a reconnect storm can share it.
 */
export async function pollsForRole(store: Store, eventId: string, role: Role): Promise<{ polls: PollView[]; known: Poll[] }> {
  const all = await store.listPolls(eventId);
  const known = all.filter((p) => mayKnowPoll(role, p));
  const needsPresence = known.some((p) => p.state === 'live' && mayViewResults(role, p));
  const present: CohortCounts | undefined = needsPresence ? await presentAttendees(store, eventId) : undefined;
  const polls = await Promise.all(
    known.map(async (poll): Promise<PollView> => ({ poll, results: mayViewResults(role, poll) ? await loadResults(store, poll, present) : null })),
  );
  return { polls, known };
}

/** An attendee's own votes in the launched polls among `known`. */
export async function myVotesIn(store: Store, participantId: string, known: readonly Poll[]): Promise<Record<string, VoteInput>> {
  const myVotes: Record<string, VoteInput> = {};
  const launched = known.filter((p) => p.state !== 'draft');
  const votes = await store.getMyVotes(participantId, launched.map((p) => p.id));
  for (const [pollId, v] of Object.entries(votes)) myVotes[pollId] = v.vote;
  return myVotes;
}
