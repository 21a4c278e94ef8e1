import type { Question, QuestionState, QuestionView } from '@rally/shared';
import type { StoredQuestion } from '../../store/qa-store.js';
import { askerMarkOf } from './asker-bans.js';
import { QA_AUDIENCE_ROLES, QA_MODERATOR_ROLES, type HighlightDeps, type QaDeps, type Viewer } from './deps.js';

/** [QA7] Approved and answered questions are everyone's; pending and dismissed ones are not. */
export const isPublic = (state: QuestionState): boolean => state === 'approved' || state === 'answered';

export const isQaModerator = (v: Pick<Viewer, 'role'>): boolean => (QA_MODERATOR_ROLES as readonly string[]).includes(v.role);

/**
 * The audience's view. Built field by field rather than by omitting from the stored record, so a
 * field added to storage later (author id, normalised text, flags) cannot leak by default.
 */
export function publicView(q: StoredQuestion): Question {
  return {
    id: q.id,
    eventId: q.eventId,
    sessionId: q.sessionId,
    text: q.text,
    authorName: q.anonymous ? null : q.authorName,
    anonymous: q.anonymous,
    origin: q.origin,
    state: q.state,
    highlighted: q.highlighted,
    reply: q.reply,
    edited: q.edited,
    votes: q.votes,
    createdAt: q.createdAt,
    answeredAt: q.answeredAt,
    rev: q.rev,
  };
}

export const moderatorView = (q: StoredQuestion, askerBanned: boolean): QuestionView => ({ ...publicView(q), flagged: q.flagged, askerBanned });
export const authorView = (q: StoredQuestion): QuestionView => ({ ...publicView(q), mine: true });

/** [QA7] What this viewer may see of a question, or null when nothing. */
export function viewFor(viewer: Viewer, q: StoredQuestion, askerBanned: boolean): QuestionView | null {
  if (isQaModerator(viewer)) return moderatorView(q, askerBanned);
  if (viewer.id === q.authorId) return authorView(q);
  return isPublic(q.state) ? publicView(q) : null;
}

/**
 * [QA7] [QA8] [QA14] Tells everyone what they may know of a new or changed question: moderators
 * their view; the audience the public view while it is public, or that it is gone when it just
 * stopped being public; the author their own copy. The author is also in the audience's room, so
 * their copy is sent last and wins (clients keep the last message of the same rev).
 */
export async function announce(deps: QaDeps, before: StoredQuestion | null, after: StoredQuestion): Promise<void> {
  const banned = await askerMarkOf(deps.store, after);
  const fact = before ? 'question:changed' : 'question:submitted';
  deps.publish.toRoles(after.eventId, QA_MODERATOR_ROLES, fact, moderatorView(after, banned));
  if (isPublic(after.state)) deps.publish.toRoles(after.eventId, QA_AUDIENCE_ROLES, 'question:changed', publicView(after));
  else if (before && isPublic(before.state)) deps.publish.toRoles(after.eventId, QA_AUDIENCE_ROLES, 'question:removed', { questionId: after.id, rev: after.rev });
  deps.publish.toParticipant(after.authorId, fact, authorView(after));
}

/** [QA17] Everyone learns what the stage screen shows now. */
export function announceHighlight(deps: Pick<HighlightDeps, 'publish'>, eventId: string, q: StoredQuestion | null): void {
  deps.publish.toEvent(eventId, 'question:highlighted', { questionId: q?.id ?? null, question: q ? publicView(q) : null });
}
