import { ErrorCode, RallyError, type Poll, type PollContent, type PollDraft } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import type { EventRecord } from '../../store/store.js';
import { requireEvent } from '../events.js';
import type { DomainDeps } from '../ports.js';
import { requirePoll } from './common.js';
import { POLL_STAFF_ROLES } from './visibility.js';

/**
 * A draft's content as stored. Option ids are positional (o1, o2, ...): options can only change
 * while the poll is a draft, when no vote refers to them yet.
 */
export function contentFromDraft(draft: PollDraft): PollContent {
  const common = { question: draft.question, settings: draft.settings };
  switch (draft.kind) {
    case 'single':
      return { kind: 'single', ...common, options: draft.options.map((label, i) => ({ id: `o${i + 1}`, label })) };
    case 'multiple':
      return { kind: 'multiple', ...common, options: draft.options.map((label, i) => ({ id: `o${i + 1}`, label })), maxPicks: draft.maxPicks };
    case 'rating':
      return { kind: 'rating', ...common, scale: draft.scale };
    case 'nps':
    case 'wordcloud':
    case 'open':
      return { kind: draft.kind, ...common };
  }
}

/** The authored part of an existing poll (for duplication). */
export function contentOf(poll: Poll): PollContent {
  const { id: _i, eventId: _e, sessionId: _s, order: _o, state: _st, createdAt: _c, openedAt: _op, closesAt: _ca, closedAt: _cl, revealed: _r, presentAtClose: _p, ...content } = poll;
  return content as PollContent;
}

function checkSession(event: EventRecord, sessionId: string | null): void {
  if (sessionId !== null && !event.agenda.some((s) => s.id === sessionId)) {
    throw new RallyError(ErrorCode.NOT_FOUND, 'no such session in the agenda');
  }
}

/** Stores a new draft (the store numbers it last in its session) and tells the staff. */
export async function storeNewDraft(deps: DomainDeps, event: EventRecord, sessionId: string | null, content: PollContent): Promise<Poll> {
  checkSession(event, sessionId);
  const poll = {
    ...content,
    id: newId(),
    eventId: event.id,
    sessionId,
    order: 0,
    state: 'draft',
    createdAt: isoNow(deps.clock),
    openedAt: null,
    closesAt: null,
    closedAt: null,
    revealed: false,
    presentAtClose: null,
  } as Poll;
  const stored = await deps.store.createPoll(poll);
  deps.publish.toRoles(event.id, POLL_STAFF_ROLES, 'poll:created', stored);
  return stored;
}

/** [POLL1] Organisers and moderators prepare polls per agenda session (or outside the agenda). */
export async function createPoll(deps: DomainDeps, eventId: string, sessionId: string | null, draft: PollDraft): Promise<Poll> {
  const event = await requireEvent(deps.store, eventId);
  return storeNewDraft(deps, event, sessionId, contentFromDraft(draft));
}

/** [POLL2] Only a draft can be edited; the store re-checks atomically. */
export async function updatePoll(deps: DomainDeps, eventId: string, pollId: string, draft: PollDraft): Promise<Poll> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  if (poll.state !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'a launched poll cannot be edited; duplicate it instead');
  const updated = await deps.store.updatePollDraft(pollId, contentFromDraft(draft));
  if (!updated) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
  deps.publish.toRoles(eventId, POLL_STAFF_ROLES, 'poll:updated', updated);
  return updated;
}

/** [POLL2] Only a draft can be deleted: a launched poll's votes are part of the event's record. */
export async function deletePoll(deps: DomainDeps, eventId: string, pollId: string): Promise<{ pollId: string }> {
  const poll = await requirePoll(deps.store, eventId, pollId);
  if (poll.state !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'a launched poll cannot be deleted');
  if (!(await deps.store.deletePoll(pollId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
  deps.publish.toRoles(eventId, POLL_STAFF_ROLES, 'poll:deleted', { pollId, sessionId: poll.sessionId });
  return { pollId };
}

/** [POLL4] Any poll (a closed one to re-run it) is copied into a new draft, last in its session. */
export async function duplicatePoll(deps: DomainDeps, eventId: string, pollId: string, sessionId?: string | null): Promise<Poll> {
  const [event, source] = await Promise.all([requireEvent(deps.store, eventId), requirePoll(deps.store, eventId, pollId)]);
  return storeNewDraft(deps, event, sessionId === undefined ? source.sessionId : sessionId, contentOf(source));
}

/** [POLL3] The new order lists exactly the session's polls; a stale list is refused, never merged. */
export async function reorderPolls(deps: DomainDeps, eventId: string, sessionId: string | null, pollIds: string[]): Promise<{ sessionId: string | null; pollIds: string[] }> {
  if (new Set(pollIds).size !== pollIds.length) throw new RallyError(ErrorCode.BAD_REQUEST, 'a poll is listed twice');
  const reordered = await deps.store.reorderPolls(eventId, sessionId, pollIds);
  if (!reordered) throw new RallyError(ErrorCode.CONFLICT, "the session's polls changed meanwhile; reload and try again");
  const result = { sessionId, pollIds };
  deps.publish.toRoles(eventId, POLL_STAFF_ROLES, 'poll:reordered', result);
  return result;
}
