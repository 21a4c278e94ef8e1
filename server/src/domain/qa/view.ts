import type { Participant, QaSnapshot } from '@rally/shared';
import type { QaDeps } from './deps.js';
import type { StoredQuestion } from '../../store/qa-store.js';
import { askerMark, bannedFromAsking } from './asker-bans.js';
import { isQaModerator, viewFor } from './visibility.js';

/**
 * [QA23] The Q&A part of a snapshot, read from the store so a client reconnecting to any node
 * gets the same picture. Vote counts are overlaid from the same read as their version, so a
 * client that ignores coalesced counts at or below that version never shows a stale count.
 */
export async function qaForSnapshot(store: QaDeps['store'], me: Participant): Promise<QaSnapshot> {
  const attendee = me.role === 'attendee';
  const [{ questions, version }, bans, myUpvotes, askingBanned] = await Promise.all([
    questionsWithVotes(store, me.eventId),
    isQaModerator(me) ? store.askerBans(me.eventId) : Promise.resolve([]),
    attendee ? store.myUpvotes(me.eventId, me.id) : Promise.resolve([]),
    attendee ? bannedFromAsking(store, me.eventId, me.id) : Promise.resolve(false),
  ]);
  const banned = new Set(bans);
  const views = questions.flatMap((q) => {
    const v = viewFor(me, q, askerMark(q, banned));
    return v ? [v] : [];
  });
  return { questions: views, myUpvotes, votesVersion: version, askingBanned };
}

/** [QA23] [PERF20] The event's questions in order, each with its vote count from one read, and that read's version. */
export async function questionsWithVotes(store: QaDeps['store'], eventId: string): Promise<{ questions: StoredQuestion[]; version: number }> {
  const [questions, votes] = await Promise.all([store.listQuestions(eventId), store.questionVotes(eventId)]);
  return { questions: questions.map((q) => ({ ...q, votes: votes.votes[q.id] ?? 0 })), version: votes.version };
}
