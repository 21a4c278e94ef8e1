import type { Poll, PollKind, PollResults, ResultsVisibility, VoteInput } from '@rally/shared';
import type { PollsState } from '../../lib/pollState';

/** Pure selectors and labels for the poll screens. */

export const KIND_LABEL: Record<PollKind, string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating',
  nps: 'NPS',
  wordcloud: 'Word cloud',
  open: 'Open text',
};

/**
 * [UI37] How a poll of each kind confirms the attendee's answer: a vote, a rating, a score, a
 * word, an answer. Words for what the attendee did, never "vote" for a sentence they wrote.
 */
export const RECEIPT: Record<PollKind, { title: string; yours: string; noun: string; fixed: string }> = {
  single: { title: 'Vote received', yours: 'Your vote', noun: 'vote', fixed: 'Votes on this poll cannot be changed.' },
  multiple: { title: 'Vote received', yours: 'Your picks', noun: 'vote', fixed: 'Votes on this poll cannot be changed.' },
  rating: { title: 'Rating received', yours: 'Your rating', noun: 'rating', fixed: 'Ratings on this poll cannot be changed.' },
  nps: { title: 'Score received', yours: 'Your score', noun: 'score', fixed: 'Scores on this poll cannot be changed.' },
  wordcloud: { title: 'Word sent', yours: 'Your word', noun: 'word', fixed: 'Words on this poll cannot be changed.' },
  open: { title: 'Answer sent', yours: 'Your answer', noun: 'answer', fixed: 'Answers on this poll cannot be changed.' },
};

export const VISIBILITY_LABEL: Record<ResultsVisibility, string> = {
  live: 'Results shown live',
  'after-close': 'Results shown after close',
  presenter: 'Results for the presenter only',
};

export const STATE_LABEL: Record<Poll['state'], string> = { draft: 'Draft', live: 'Live', closed: 'Closed' };

const byOrder = (a: Poll, b: Poll) => a.order - b.order || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
const byOpenedDesc = (a: Poll, b: Poll) => (b.openedAt ?? '').localeCompare(a.openedAt ?? '');
const byClosedDesc = (a: Poll, b: Poll) => (b.closedAt ?? '').localeCompare(a.closedAt ?? '');

/** One session's polls (null: outside the agenda) in their authored order. */
export function sessionPolls(polls: PollsState, sessionId: string | null): Poll[] {
  return Object.values(polls.byId)
    .filter((p) => p.sessionId === sessionId)
    .sort(byOrder);
}

export function livePolls(polls: PollsState): Poll[] {
  return Object.values(polls.byId)
    .filter((p) => p.state === 'live')
    .sort(byOpenedDesc);
}

/** The stage shows the newest live poll, else the most recently closed poll whose results it may show. */
export function stagePoll(polls: PollsState): Poll | null {
  const live = livePolls(polls)[0];
  if (live) return live;
  return (
    Object.values(polls.byId)
      .filter((p) => p.state === 'closed' && polls.results[p.id])
      .sort(byClosedDesc)[0] ?? null
  );
}

export const voters = (r: PollResults | undefined | null) => (r ? r.totals.room + r.totals.remote : 0);

export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0);

export const ratePct = (rate: number) => Math.round(rate * 100);

/** A vote in words, for receipts ("Your vote: Yes"). */
export function describeVote(poll: Poll, vote: VoteInput): string {
  const label = (id: string) => (poll.kind === 'single' || poll.kind === 'multiple' ? (poll.options.find((o) => o.id === id)?.label ?? id) : id);
  switch (vote.kind) {
    case 'single':
      return label(vote.optionId);
    case 'multiple':
      return vote.optionIds.map(label).join(', ');
    case 'rating':
      return poll.kind === 'rating' ? `${vote.value} out of ${poll.scale}` : String(vote.value);
    case 'nps':
      return `${vote.value} out of 10`;
    case 'wordcloud':
    case 'open':
      return `“${vote.text}”`;
  }
}

/** Whether the audience may see this poll's results now (staff always may). */
export function audienceSees(poll: Poll): boolean {
  if (poll.state === 'draft') return false;
  if (poll.revealed) return true;
  if (poll.settings.resultsVisibility === 'live') return true;
  return poll.settings.resultsVisibility === 'after-close' && poll.state === 'closed';
}

/** Whether a reveal would change what the audience sees. */
export const canReveal = (poll: Poll) => poll.state !== 'draft' && !audienceSees(poll);

export function mmss(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
