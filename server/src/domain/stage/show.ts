import { ErrorCode, RallyError, type OnStage, type StageSlot } from '@rally/shared';
import type { DomainDeps } from '../ports.js';
import { highlightQuestion, setHighlight } from '../qa/moderation.js';
import { moveSlot } from './slot.js';
import { requireTakeaway } from '../breakout/takeaways.js';

/**
 * [STAGE30] A presenter or moderator puts something on the stage. A poll must have been launched
 * (a draft's question must not reach the projector before its time); a question must be approved
 * (checked by the highlight). [QA17]'s highlight follows the slot: it names the question on stage,
 * or none, so the presenter's "on stage" mark and the question lists agree with the projector.
 */
export async function showOnStage(deps: DomainDeps, eventId: string, slot: StageSlot): Promise<OnStage> {
  if (slot.kind === 'poll') {
    const poll = await deps.store.getPoll(slot.pollId);
    if (!poll || poll.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll in this event');
    if (poll.state === 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'launch this poll before putting it on stage');
  }
  // [BRK60] A takeaway goes on stage only once its room has submitted one.
  if (slot.kind === 'takeaway') await requireTakeaway(deps, eventId, slot.roundId, slot.roomId);
  // [STAGE30] A quiz run goes on stage by opening it (quiz:open), which knows the run exists.
  if (slot.kind === 'quiz') throw new RallyError(ErrorCode.INVALID_STATE, 'open the quiz to put it on stage');
  if (slot.kind === 'question') {
    await highlightQuestion(deps, eventId, slot.questionId);
    return moveSlot(deps, eventId, slot);
  }
  const onStage = await moveSlot(deps, eventId, slot);
  await setHighlight(deps, eventId, null);
  return onStage;
}
