import { ErrorCode, RallyError, type Participant } from '@rally/shared';
import type { StoredQuestion } from '../../store/qa-store.js';
import type { EventRecord } from '../../store/store.js';
import type { QaDeps } from './deps.js';

/** A question of this event; another event's question is reported as unknown so ids never leak across events. */
export async function requireQuestion(deps: { store: Pick<QaDeps['store'], 'getQuestion'> }, eventId: string, questionId: string): Promise<StoredQuestion> {
  const q = await deps.store.getQuestion(questionId);
  if (!q || q.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
  return q;
}

export async function requireEventRecord(deps: Pick<QaDeps, 'store'>, eventId: string): Promise<EventRecord> {
  const event = await deps.store.getEvent(eventId);
  if (!event) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  return event;
}

/**
 * The sender, checked again in the domain although the handshake and the role table already
 * did: the domain must hold on its own (a ban may have landed since the socket connected).
 */
export async function requireAttendee(deps: Pick<QaDeps, 'store'>, eventId: string, participantId: string, doing: string): Promise<Participant> {
  const me = await deps.store.getParticipant(participantId);
  if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
  if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, `only attendees ${doing}`);
  return me;
}

/**
 * [QA21] The duplicate key: Unicode compatibility forms folded, whitespace collapsed, case and
 * trailing punctuation ignored. "When is the  launch?" and "when is the launch" are one question.
 */
export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase()
    .replace(/[\s?!.…¿¡]+$/u, '');
}
