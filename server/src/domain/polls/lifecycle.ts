import { ErrorCode, RallyError, Role, type OnStage, type Poll, type PollDraft } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { requireEvent } from '../events.js';
import type { DomainDeps } from '../ports.js';
import { contentFromDraft, storeNewDraft } from './authoring.js';
import { notLive, requirePoll } from './common.js';
import { loadResults, presentAttendees } from './results.js';
import { resultRoles } from './visibility.js';
import { storeSlot } from '../stage/slot.js';
import { setHighlight } from '../qa/moderation.js';

/**
 * [POLL6] draft -> live. With a duration the deadline is stored with the poll ([POLL8]), so any
 * node, including one started after this one died, closes it on time.
 */
export async function launchPoll(deps: DomainDeps, eventId: string, pollId: string): Promise<Poll> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  if (poll.state !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, poll.state === 'live' ? 'this poll is already live' : 'this poll is closed; duplicate it to run it again');
  const now = deps.clock.now();
  const closesAt = poll.settings.durationSec === null ? null : new Date(now + poll.settings.durationSec * 1000).toISOString();
  const live = await deps.store.transitionPoll(pollId, 'draft', 'live', { openedAt: new Date(now).toISOString(), closesAt });
  // Lost a race with another launch: that one announced it.
  if (!live) throw new RallyError(ErrorCode.INVALID_STATE, 'this poll is already live');
  // [STAGE32] A launch puts the poll on stage; the new slot travels in poll:launched itself.
  const staged = await storeSlot(deps, eventId, { kind: 'poll', pollId });
  await announceLaunch(deps, live, staged.changed ? staged.onStage : undefined);
  // [QA17] The highlight follows the slot: no question is on stage now.
  await setHighlight(deps, eventId, null);
  return live;
}

/**
 * [POLL6] [POLL22] [POLL23] poll:launched to everyone, carrying the poll's first results (no votes
 * yet) to those who may see them now, so the results ticker sends nothing until a vote arrives: a
 * launch is one frame per attendee, not two (docs/PERFORMANCE.md, B2).
 */
async function announceLaunch(deps: DomainDeps, live: Poll, onStage: OnStage | undefined): Promise<void> {
  const bare = onStage ? { ...live, onStage } : live;
  const results = await loadResults(deps.store, live);
  if (!results) return deps.publish.toEvent(live.eventId, 'poll:launched', bare);
  const seeing = resultRoles(live);
  const others = Role.options.filter((r) => !seeing.includes(r));
  if (others.length === 0) return deps.publish.toEvent(live.eventId, 'poll:launched', { ...bare, results });
  deps.publish.toRoles(live.eventId, seeing, 'poll:launched', { ...bare, results });
  deps.publish.toRoles(live.eventId, others, 'poll:launched', bare);
}

/** [POLL9] A presenter's quick poll: a draft in the live session, launched at once. */
export async function launchAdhoc(deps: DomainDeps, eventId: string, draft: PollDraft): Promise<Poll> {
  const event = await requireEvent(deps.store, eventId);
  const created = await storeNewDraft(deps, event, event.liveSessionId, contentFromDraft(draft));
  return launchPoll(deps, eventId, created.id);
}

/**
 * Closes a live poll if it still is, and publishes only if this call won the transition, so two
 * nodes closing at the deadline (or a presenter racing the timer) announce it once. The final
 * results go out reliably, not through the coalescing ticker.
 */
export async function closeIfLive(deps: DomainDeps, poll: Poll): Promise<Poll | null> {
  const present = await presentAttendees(deps.store, poll.eventId);
  const closed = await deps.store.transitionPoll(poll.id, 'live', 'closed', { closedAt: isoNow(deps.clock), presentAtClose: present });
  if (!closed) return null;
  deps.publish.toEvent(closed.eventId, 'poll:closed', closed);
  const results = await loadResults(deps.store, closed, present);
  if (results) deps.publish.toRoles(closed.eventId, resultRoles(closed), 'poll:resultsUpdated', results);
  // [ENG17] Only the caller that won the transition gets here, so the webhook hears of it once.
  deps.engagement?.moment(closed.eventId, 'poll.closed', { pollId: closed.id, sessionId: closed.sessionId, question: closed.question, kind: closed.kind, closedAt: closed.closedAt, totals: results?.totals ?? null, present });
  return closed;
}

/** [POLL7] live -> closed by hand. */
export async function closePoll(deps: DomainDeps, eventId: string, pollId: string): Promise<Poll> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  if (poll.state !== 'live') throw notLive(poll);
  const closed = await closeIfLive(deps, poll);
  if (!closed) throw new RallyError(ErrorCode.INVALID_STATE, 'this poll is closed');
  return closed;
}

/** [POLL8] Closes every live poll whose stored deadline has passed; returns those this call closed. */
export async function closeDuePolls(deps: DomainDeps): Promise<Poll[]> {
  const due = await deps.store.duePolls(deps.clock.now());
  const closed = await Promise.all(due.map((p) => closeIfLive(deps, p)));
  return closed.filter((p): p is Poll => p !== null);
}

/** [POLL10] Reveal shows the results to the audience now, whatever the poll's visibility. */
export async function revealPoll(deps: DomainDeps, eventId: string, pollId: string): Promise<Poll> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  if (poll.state === 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'launch the poll before revealing its results');
  const revealed = await deps.store.setRevealed(pollId);
  if (!revealed) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
  deps.publish.toEvent(eventId, 'poll:revealed', revealed);
  const results = await loadResults(deps.store, revealed);
  if (results) deps.publish.toRoles(eventId, resultRoles(revealed), 'poll:resultsUpdated', results);
  return revealed;
}
