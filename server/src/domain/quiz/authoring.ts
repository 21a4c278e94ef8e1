import { ErrorCode, QUIZ_LIMITS, RallyError, type Participant, type QuizDraft, type QuizQuestion, type Role, type StoredQuiz } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import type { EventRecord, Store } from '../../store/store.js';
import { requireEvent } from '../events.js';
import type { DomainDeps } from '../ports.js';

/**
 * [QUIZ13] Who sees quizzes as authored, correct answers included: the staff. Attendees and the
 * stage screen never get a draft (the facts and the snapshot part are typed as the staff view).
 */
export const QUIZ_STAFF_ROLES = ['presenter', 'moderator', 'admin'] as const satisfies readonly Role[];

const isQuizStaff = (role: Role) => (QUIZ_STAFF_ROLES as readonly Role[]).includes(role);

/** A quiz of this event; another event's quiz is reported as unknown so ids never leak across events. */
export async function requireQuiz(store: Store, eventId: string, quizId: string): Promise<StoredQuiz> {
  const quiz = await store.getQuiz(quizId);
  if (!quiz || quiz.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such quiz in this event');
  return quiz;
}

/** [QUIZ10] A quiz belongs to a session of the agenda, or to none. */
function checkSession(event: EventRecord, sessionId: string | null): void {
  if (sessionId !== null && !event.agenda.some((s) => s.id === sessionId)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such session in the agenda');
}

/** Question ids are assigned at every write of a draft: a draft's questions are referred to by position. */
const withIds = (questions: QuizDraft['questions']): QuizQuestion[] => questions.map((q) => ({ ...q, id: newId() }));

async function storeNew(deps: DomainDeps, event: EventRecord, sessionId: string | null, draft: QuizDraft): Promise<StoredQuiz> {
  checkSession(event, sessionId);
  const at = isoNow(deps.clock);
  const quiz: StoredQuiz = {
    id: newId(),
    eventId: event.id,
    sessionId,
    title: draft.title,
    settings: draft.settings,
    questions: withIds(draft.questions),
    state: 'draft',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const stored = await deps.store.createQuiz(quiz);
  deps.publish.toRoles(event.id, QUIZ_STAFF_ROLES, 'quiz:updated', stored);
  return stored;
}

/** [QUIZ10] Moderators and organisers create a quiz (possibly with questions: an import) in an agenda session. */
export async function createQuiz(deps: DomainDeps, eventId: string, sessionId: string | null, draft: QuizDraft): Promise<StoredQuiz> {
  const event = await requireEvent(deps.store, eventId);
  return storeNew(deps, event, sessionId, draft);
}

/**
 * [QUIZ11] Replaces title, settings and questions, compare-and-set on the version the editor
 * started from: a change by anyone else since is CONFLICT and nothing is written.
 */
export async function updateQuiz(deps: DomainDeps, eventId: string, quizId: string, version: number, draft: QuizDraft): Promise<StoredQuiz> {
  await requireQuiz(deps.store, eventId, quizId);
  const updated = await deps.store.updateQuiz(quizId, version, { title: draft.title, settings: draft.settings, questions: withIds(draft.questions), updatedAt: isoNow(deps.clock) });
  if (!updated) throw new RallyError(ErrorCode.NOT_FOUND, 'no such quiz in this event');
  deps.publish.toRoles(eventId, QUIZ_STAFF_ROLES, 'quiz:updated', updated);
  return updated;
}

/** [QUIZ12] Deletes a quiz. */
export async function deleteQuiz(deps: DomainDeps, eventId: string, quizId: string): Promise<{ quizId: string }> {
  const quiz = await requireQuiz(deps.store, eventId, quizId);
  if (!(await deps.store.deleteQuiz(quizId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such quiz in this event');
  deps.publish.toRoles(eventId, QUIZ_STAFF_ROLES, 'quiz:deleted', { quizId, sessionId: quiz.sessionId });
  return { quizId };
}

/** The title of a copy, kept within the title limit. */
const copyTitle = (title: string) => {
  const suffix = ' (copy)';
  return [...title].length + suffix.length <= QUIZ_LIMITS.title ? title + suffix : title;
};

/** [QUIZ12] Copies a quiz into a new one in its session (or another), with new ids and version 1. */
export async function duplicateQuiz(deps: DomainDeps, eventId: string, quizId: string, sessionId?: string | null): Promise<StoredQuiz> {
  const [event, source] = await Promise.all([requireEvent(deps.store, eventId), requireQuiz(deps.store, eventId, quizId)]);
  const questions = source.questions.map(({ id: _id, ...q }) => q) as QuizDraft['questions'];
  return storeNew(deps, event, sessionId === undefined ? source.sessionId : sessionId, { title: copyTitle(source.title), settings: source.settings, questions });
}

/** [QUIZ13] The snapshot part: every quiz of the event for staff; nothing for attendees and the screen. */
export async function quizzesForSnapshot(store: Store, me: Participant): Promise<StoredQuiz[] | undefined> {
  return isQuizStaff(me.role) ? store.listQuizzes(me.eventId) : undefined;
}
