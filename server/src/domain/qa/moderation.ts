import { type AskerBan, ErrorCode, type HighlightChange, type QuestionView, RallyError } from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { QuestionTransitionPatch, StoredQuestion } from '../../store/qa-store.js';
import { requireEventRecord, requireQuestion } from './common.js';
import { QA_MODERATOR_ROLES, type HighlightDeps, type QaDeps, type Viewer } from './deps.js';
import { lostRace, nextState, type QaAction } from './lifecycle.js';
import { moveSlot, takeOffStage } from '../stage/slot.js';
import { askerMarkOf, setAskerMark } from './asker-bans.js';
import { announce, announceHighlight, moderatorView, publicView, viewFor } from './visibility.js';

/** The ack: the question as the sender may see it (a presenter gets no moderator-only fields). */
async function ackView(deps: QaDeps, actor: Viewer, q: StoredQuestion): Promise<QuestionView> {
  return viewFor(actor, q, await askerMarkOf(deps.store, q)) ?? publicView(q);
}

/**
 * [QA12] [QA13] approve, dismiss, mark answered, restore. The move is decided from the state read
 * here and applied with a compare-and-set from that state, so of two moderators acting on one
 * question at once exactly one wins and publishes; the other gets CONFLICT with the state now.
 */
export async function moderate(deps: QaDeps, eventId: string, actor: Viewer, questionId: string, action: QaAction): Promise<QuestionView> {
  const [q, event] = await Promise.all([requireQuestion(deps, eventId, questionId), requireEventRecord(deps, eventId)]);
  const to = nextState(action, q, event.settings);
  const patch: QuestionTransitionPatch = {};
  if (to === 'answered') patch.answeredAt = isoNow(deps.clock);
  else if (q.state === 'answered') patch.answeredAt = null;
  const outcome = await deps.store.transitionQuestion(q.id, q.state, to, patch);
  if (!outcome.ok) throw lostRace(action, outcome.current);
  await announce(deps, q, outcome.question);
  // [QA17] The store took the highlight off in the same step; the stage slot follows ([STAGE33]).
  if (outcome.unhighlighted) {
    announceHighlight(deps, eventId, null);
    await takeOffStage(deps, eventId, { kind: 'question', questionId: q.id });
  }
  return ackView(deps, actor, outcome.question);
}

/** [QA15] A moderator fixes the text; the same limits as asking (the schema checked them). */
export async function editQuestion(deps: QaDeps, eventId: string, actor: Viewer, questionId: string, text: string): Promise<QuestionView> {
  const q = await requireQuestion(deps, eventId, questionId);
  const after = await deps.store.editQuestion(q.id, text.trim());
  if (!after) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
  await announce(deps, q, after);
  return ackView(deps, actor, after);
}

/** [QA16] A written reply shown under the question; null removes it. */
export async function replyToQuestion(deps: QaDeps, eventId: string, actor: Viewer, questionId: string, text: string | null): Promise<QuestionView> {
  const q = await requireQuestion(deps, eventId, questionId);
  const after = await deps.store.setReply(q.id, text === null ? null : text.trim());
  if (!after) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
  await announce(deps, q, after);
  return ackView(deps, actor, after);
}

/**
 * [QA17] [STAGE33] One approved question on the stage screen at a time (null: none). The store swaps
 * the highlight in one step; everyone is told only when it changed. The stage slot follows: the
 * question goes on stage, or (null) the previous one comes off it if it is still what the stage shows.
 */
export async function highlightQuestion(deps: QaDeps, eventId: string, questionId: string | null): Promise<HighlightChange> {
  const { previous, change } = await setHighlight(deps, eventId, questionId);
  if (questionId !== null) await moveSlot(deps, eventId, { kind: 'question', questionId });
  else if (previous !== null) await takeOffStage(deps, eventId, { kind: 'question', questionId: previous });
  return change;
}

/**
 * [QA17] The highlight alone, without moving the stage slot: for [STAGE30], which moved the slot to
 * something else and keeps the highlight naming what is on stage (none).
 */
export async function setHighlight(deps: HighlightDeps, eventId: string, questionId: string | null): Promise<{ previous: string | null; change: HighlightChange }> {
  if (questionId !== null) await requireQuestion(deps, eventId, questionId);
  const { previous, question } = await deps.store.setHighlighted(eventId, questionId);
  if (previous !== questionId) announceHighlight(deps, eventId, question);
  return { previous, change: { questionId, question: question ? publicView(question) : null } };
}

/**
 * [QA19] Bans or unbans an asker. Named by a question, the asker stays anonymous to the
 * moderator: the ack carries their participant id only if the question was asked with a name.
 * Their questions stay as they are. [SEC21] Moderators see the ban only where it was applied: on
 * the anonymous question it went through, or (by name) on the asker's named questions.
 */
export async function banAsker(
  deps: QaDeps,
  eventId: string,
  target: { participantId?: string; questionId?: string },
  banned: boolean,
): Promise<AskerBan> {
  let participantId: string;
  let shownId: string | null;
  let through: StoredQuestion | null = null;
  if (target.questionId !== undefined) {
    through = await requireQuestion(deps, eventId, target.questionId);
    participantId = through.authorId;
    shownId = through.anonymous ? null : through.authorId;
  } else if (target.participantId !== undefined) {
    const p = await deps.store.getParticipant(target.participantId);
    // Another event's participant is reported as unknown: ids must not leak across events.
    if (!p || p.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant in this event');
    participantId = p.id;
    shownId = p.id;
  } else {
    throw new RallyError(ErrorCode.BAD_REQUEST, 'name either participantId or questionId');
  }

  // [SEC21] Through an anonymous question only that question shows the ban; by name, the named ones.
  const { changed, bannedNow } = await setAskerMark(deps.store, eventId, participantId, through, banned);
  deps.publish.toParticipant(participantId, 'qa:banChanged', { banned: bannedNow });
  for (const q of changed) deps.publish.toRoles(eventId, QA_MODERATOR_ROLES, 'question:changed', moderatorView(q, banned));
  return { participantId: shownId, questionId: target.questionId ?? null, banned };
}
