import {
  ErrorCode,
  POLL_LIMITS,
  RallyError,
  normaliseWord,
  unavailable,
  textLength,
  type Mode,
  type Poll,
  type PollAnswer,
  type VoteInput,
  type VoteReceipt,
} from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId, newUnorderedId } from '../../ids.js';
import type { StoredAnswer, StoredVote } from '../../store/store.js';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { toMinute } from './answer-order.js';
import { notLive } from './common.js';
import { isProfane } from '../text/profanity.js';
import { tallyKey } from './tally-keys.js';

const bad = (message: string) => new RallyError(ErrorCode.BAD_REQUEST, message);

export interface CheckedVote {
  /** Canonical form: picks in the poll's option order, word-cloud text normalised, text trimmed. */
  vote: VoteInput;
  counters: string[];
  fingerprint: string;
  /** Word cloud: counted as participation, never shown. Open text: a hint for moderators. */
  flagged: boolean;
}

/**
 * [POLL12] The vote must fit the poll: its kind, existing option ids, unique picks within
 * maxPicks, a value on the poll's scale. [POLL16] Word-cloud entries are normalised and
 * profanity-checked. Pure, so every rule here is unit-tested without a store.
 */
export function checkVote(poll: Poll, input: VoteInput, cohort: Mode): CheckedVote {
  if (input.kind !== poll.kind) throw bad(`this poll takes a ${poll.kind} vote, not ${input.kind}`);
  const voters = tallyKey.voters(cohort);
  const done = (vote: VoteInput, counters: string[], flagged = false): CheckedVote => ({
    vote,
    counters: [...counters, voters],
    fingerprint: JSON.stringify(vote),
    flagged,
  });

  switch (poll.kind) {
    case 'single': {
      const { optionId } = input as Extract<VoteInput, { kind: 'single' }>;
      if (!poll.options.some((o) => o.id === optionId)) throw bad('no such option in this poll');
      return done({ kind: 'single', optionId }, [tallyKey.option(optionId, cohort)]);
    }
    case 'multiple': {
      const { optionIds } = input as Extract<VoteInput, { kind: 'multiple' }>;
      const picked = new Set(optionIds);
      if (picked.size !== optionIds.length) throw bad('an option is picked twice');
      if (optionIds.length > poll.maxPicks) throw bad(`pick at most ${poll.maxPicks} option${poll.maxPicks === 1 ? '' : 's'}`);
      if (optionIds.length === 0) throw bad('pick at least one option');
      for (const id of optionIds) if (!poll.options.some((o) => o.id === id)) throw bad('no such option in this poll');
      // Poll order, so the same picks in another order are the same vote (an idempotent repeat).
      const ordered = poll.options.filter((o) => picked.has(o.id)).map((o) => o.id);
      return done({ kind: 'multiple', optionIds: ordered }, ordered.map((id) => tallyKey.option(id, cohort)));
    }
    case 'rating': {
      const { value } = input as Extract<VoteInput, { kind: 'rating' }>;
      if (!Number.isInteger(value) || value < 1 || value > poll.scale) throw bad(`rate from 1 to ${poll.scale}`);
      return done({ kind: 'rating', value }, [tallyKey.value(value, cohort)]);
    }
    case 'nps': {
      const { value } = input as Extract<VoteInput, { kind: 'nps' }>;
      if (!Number.isInteger(value) || value < 0 || value > 10) throw bad('answer from 0 to 10');
      return done({ kind: 'nps', value }, [tallyKey.value(value, cohort)]);
    }
    case 'wordcloud': {
      const text = normaliseWord((input as Extract<VoteInput, { kind: 'wordcloud' }>).text);
      if (text.length === 0) throw bad('the entry is empty');
      if (textLength(text) > POLL_LIMITS.wordCloudEntry) throw bad(`word-cloud entries are at most ${POLL_LIMITS.wordCloudEntry} characters`);
      const flagged = isProfane(text);
      return done({ kind: 'wordcloud', text }, flagged ? [] : [tallyKey.word(text, cohort)], flagged);
    }
    case 'open': {
      const text = (input as Extract<VoteInput, { kind: 'open' }>).text.trim();
      if (text.length === 0) throw bad('the answer is empty');
      if (textLength(text) > POLL_LIMITS.openText) throw bad(`answers are at most ${POLL_LIMITS.openText} characters`);
      return done({ kind: 'open', text }, [], isProfane(text));
    }
  }
}

export function answerView(a: StoredAnswer, author: string | null, anonymous: boolean): PollAnswer {
  return { id: a.id, pollId: a.pollId, text: a.text, author, status: a.status, flagged: a.flagged, at: anonymous ? toMinute(a.at) : a.at };
}


/** What a vote's ack says, rebuilt from its stored record ([PERF2]: a retried command id). */
function receiptOf(poll: Poll, stored: StoredVote): VoteReceipt {
  // A filtered word-cloud entry counted nothing but its voter.
  return { pollId: poll.id, vote: stored.vote, filtered: poll.kind === 'wordcloud' && !stored.counters.some((c) => c.startsWith('word:')) };
}

/** [PERF1] A vote decided on the participant and poll of the store's per-node cache changes nothing here; a stale copy is caught by the store and read again. */
const STALE_RETRIES = 3;

/**
 * [POLL11]–[POLL17] An attendee votes. [POLL13] One vote per participant per poll is enforced
 * by the store in one atomic step; an identical repeat (a retry, another tab) changes nothing.
 * [POLL15] The vote counts in the cohort of the participant's mode when it is cast.
 * Results are not published here: the results ticker coalesces them ([POLL23]).
 *
 * [PERF1] [PERF2] The hot path: the sender and the live poll come from the store's per-node cache,
 * and the vote record is the command's idempotency record (`commandId`), checked by the store
 * before anything else in the same atomic step; the store also confirms the sender stands as
 * decided here (not banned, same mode and team), or answers `stale` and the decision is made again
 * on a fresh read.
 */
export async function castVote(deps: DomainDeps, eventId: string, participantId: string, pollId: string, input: VoteInput, commandId?: string): Promise<VoteReceipt> {
  for (let attempt = 1; ; attempt++) {
    const [me, poll] = await Promise.all([deps.store.hotParticipant(participantId), deps.store.hotPoll(pollId)]);
    let checked: CheckedVote;
    try {
      if (!poll || poll.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
      if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
      if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
      // The role table already says so; checked again because the domain must hold on its own.
      if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, 'only attendees vote in polls');
      if (poll.state !== 'live') throw notLive(poll);
      checked = checkVote(poll, input, me.mode);
    } catch (e) {
      // [PERF2] Idempotency before the domain: an id applied before the poll closed or the sender
      // was banned is answered as it was, not refused now.
      const prior = commandId && poll && poll.eventId === eventId ? (await deps.store.getMyVotes(participantId, [pollId]))[pollId] : undefined;
      if (prior?.commandIds?.includes(commandId!)) return receiptOf(poll!, prior);
      throw e;
    }

    const at = isoNow(deps.clock);
    // [SEC23] An anonymous answer's id carries neither its time nor its arrival order.
    const answer = poll.kind === 'open' && checked.vote.kind === 'open' ? { id: poll.settings.anonymous ? newUnorderedId() : newId(), text: checked.vote.text, flagged: checked.flagged } : null;
    const outcome = await deps.store.castVote({
      pollId,
      participantId,
      cohort: me.mode,
      vote: checked.vote,
      counters: checked.counters,
      fingerprint: checked.fingerprint,
      at,
      answerId: answer?.id ?? null,
      allowChange: poll.settings.allowChange,
      answer,
      ...(commandId ? { commandId } : {}),
      voter: { team: me.team ?? null },
    });
    if (outcome.status === 'stale') {
      if (attempt < STALE_RETRIES) continue;
      throw unavailable('your details changed while voting; try again', 100);
    }
    if (outcome.status === 'repeat') return receiptOf(poll, outcome.vote);

    // [ENG1] [ENG19] The first vote in a poll is an interaction; an anonymous poll's is logged without
    // the poll, [SEC22] stamped with its opening and written once it closed.
    if (outcome.status === 'recorded') {
      const hold = { activity: 'poll' as const, id: pollId, startedAt: poll.openedAt ?? at };
      deps.engagement?.interacted(me, 'voted', poll.settings.anonymous ? { withheldUntilClosed: hold } : { ref: pollId });
    }
    if (answer && outcome.status !== 'unchanged') {
      const stored: StoredAnswer = { id: answer.id, pollId, participantId, text: answer.text, status: 'pending', flagged: answer.flagged, at };
      deps.publish.toRoles(eventId, MODERATOR_ROLES, 'poll:answerSubmitted', answerView(stored, poll.settings.anonymous ? null : me.name, poll.settings.anonymous));
    }
    return { pollId, vote: checked.vote, filtered: poll.kind === 'wordcloud' && checked.flagged };
  }
}
