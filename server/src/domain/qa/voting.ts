import { ErrorCode, type QaCommandResults, RallyError, unavailable } from '@rally/shared';
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
export async function upvote(
  deps: QaDeps,
  eventId: string,
  participantId: string,
  questionId: string,
  up: boolean,
  command?: { key: string; ttlSeconds: number },
): Promise<QaCommandResults['question:upvote']> {
  if (command) return recordedUpvote(deps, eventId, participantId, questionId, up, command);
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

/** [PERF1] Decisions made on a cached sender are made again this many times at most when stale. */
const STALE_RETRIES = 3;

/**
 * [PERF1] [PERF2] [PERF5] The upvote on the hot path: the sender and the approved question from the
 * store's per-node cache,
 * the toggle and its idempotency record in one store step (the store answers a retried command id
 * from its record before anything else, and confirms the sender's standing). A refusal decided here
 * first asks whether the id was already applied: idempotency comes before the domain.
 */
async function recordedUpvote(
  deps: QaDeps,
  eventId: string,
  participantId: string,
  questionId: string,
  up: boolean,
  command: { key: string; ttlSeconds: number },
): Promise<QaCommandResults['question:upvote']> {
  for (let attempt = 1; ; attempt++) {
    const me = await deps.store.hotParticipant(participantId);
    try {
      if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
      if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
      if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, 'only attendees upvote questions');
      const q = await deps.store.hotQuestion(questionId);
      if (!q || q.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
      if (!viewFor(me, q, false)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
      if (q.state !== 'approved') throw new RallyError(ErrorCode.INVALID_STATE, NOT_OPEN[q.state]);
    } catch (e) {
      const prior = await deps.store.recalledCommand<QaCommandResults['question:upvote']>(command.key);
      if (prior !== undefined) return prior;
      throw e;
    }
    let outcome;
    try {
      outcome = await deps.store.recordUpvote(questionId, participantId, up, { commandKey: command.key, ttlSeconds: command.ttlSeconds, voter: { team: me.team ?? null } });
    } catch (e) {
      // The cached question was dismissed or answered on another node: the store dropped it; decided
      // again on a fresh read, the refusal is the one this sender may see (NOT_FOUND when dismissed).
      if (e instanceof RallyError && e.code === ErrorCode.INVALID_STATE && attempt < STALE_RETRIES) continue;
      throw e;
    }
    if (outcome.status === 'stale') {
      if (attempt < STALE_RETRIES) continue;
      throw unavailable('your details changed while upvoting; try again', 100);
    }
    // [ENG1] [ENG3] An upvote added is an interaction; taking it back is not.
    if (outcome.status === 'done' && outcome.changed && up) deps.engagement?.interacted(me, 'upvoted', { ref: questionId });
    return outcome.result;
  }
}
