import { ErrorCode, type Participant, QA_LIMITS, type QuestionOrigin, type QuestionView, RallyError, textLength } from '@rally/shared';
import { isoNow, toMinute } from '../../clock.js';
import { newId, newUnorderedId } from '../../ids.js';
import type { NewQuestion } from '../../store/qa-store.js';
import { isProfane } from '../text/profanity.js';
import { bannedFromAsking } from './asker-bans.js';
import { normaliseQuestion, requireAttendee, requireEventRecord } from './common.js';
import type { AskDeps } from './deps.js';
import { entryState } from './lifecycle.js';
import { announce, authorView } from './visibility.js';

export interface AskInput {
  /** Undefined: the live session. */
  sessionId?: string | null;
  text: string;
  anonymous: boolean;
}

/** [QA4] A breakout room when the asker is in one, else the asker's mode now. */
export async function originOf(deps: Pick<AskDeps, 'breakouts'>, me: Participant): Promise<QuestionOrigin> {
  const roomId = (await deps.breakouts?.roomOf(me.eventId, me.id)) ?? null;
  if (roomId !== null) return { kind: 'breakout', roomId, cohort: me.mode };
  return { kind: me.mode };
}

/**
 * [QA1]–[QA8], [QA19]–[QA21] An attendee asks. Everything that can be refused without writing is
 * checked before the ask budget is spent; the ban and the duplicate check are repeated by the
 * store in the step that stores the question, so a ban or a retry racing this call still holds.
 */
export async function submitQuestion(deps: AskDeps, eventId: string, participantId: string, input: AskInput): Promise<QuestionView> {
  const [me, event] = await Promise.all([requireAttendee(deps, eventId, participantId, 'ask questions'), requireEventRecord(deps, eventId)]);

  const sessionId = input.sessionId === undefined ? event.liveSessionId : input.sessionId;
  if (sessionId !== null && !event.agenda.some((s) => s.id === sessionId)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such session in the agenda');
  // The schema trimmed and measured already; the domain holds on its own.
  const text = input.text.trim();
  if (text.length === 0) throw new RallyError(ErrorCode.BAD_REQUEST, 'the question is empty');
  if (textLength(text) > QA_LIMITS.text) throw new RallyError(ErrorCode.BAD_REQUEST, `questions are at most ${QA_LIMITS.text} characters`);
  // [QA3] Never fall back to showing the name: the asker chose not to.
  if (input.anonymous && !event.settings.allowAnonymousQuestions) {
    throw new RallyError(ErrorCode.BAD_REQUEST, 'this event does not allow anonymous questions; ask with your name or not at all');
  }
  if (await bannedFromAsking(deps.store, eventId, participantId)) {
    throw new RallyError(ErrorCode.BANNED, 'a moderator has stopped you from asking questions in this event');
  }

  await deps.askBudget.consume(participantId);
  const flagged = isProfane(text);
  // [SEC49] An anonymous question says neither when it came nor in what order: a random id, and the
  // minute it was asked in (a named one keeps [ID9]'s time-sortable id and its millisecond).
  const createdAt = input.anonymous ? toMinute(isoNow(deps.clock)) : isoNow(deps.clock);
  const question: NewQuestion = {
    id: input.anonymous ? newUnorderedId() : newId(),
    eventId,
    sessionId,
    authorId: me.id,
    // [QA3] An anonymous asker's name is not even stored.
    authorName: input.anonymous ? null : me.name,
    anonymous: input.anonymous,
    origin: await originOf(deps, me),
    text,
    normalised: normaliseQuestion(text),
    state: entryState(event.settings, flagged),
    flagged,
    reply: null,
    edited: false,
    createdAt,
    answeredAt: null,
    rev: 0,
  };
  const stored = await deps.store.createQuestion(question);
  // [ENG19] An anonymous question is logged without its asker; a named one names the question.
  // [SEC49] The anonymous entry is stamped with the question's minute and written once that minute
  // is over, shuffled with the minute's others: its time or its place in the log would give back
  // the moment the question came.
  const breakoutRoomId = stored.origin.kind === 'breakout' ? stored.origin.roomId : undefined;
  deps.engagement?.interacted(
    me,
    'asked',
    input.anonymous
      ? { anonymous: true, breakoutRoomId, withheldUntilClosed: { activity: 'minute', id: `${eventId}@${stored.createdAt}`, startedAt: stored.createdAt } }
      : { ref: stored.id, breakoutRoomId },
  );
  await announce(deps, null, stored);
  return authorView(stored);
}
