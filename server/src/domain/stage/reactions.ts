import { ErrorCode, RallyError, STAGE_LIMITS, rateLimited, type Reaction } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { requireSender, requireStageEvent, waitSeconds } from './common.js';
import type { StageDeps } from './deps.js';

/**
 * [STAGE14] An attendee reacts. The reaction counts in their cohort and goes to this node's burst
 * buffer ([STAGE15]); it is never stored, nor sent on its own. Over the budget nothing is counted.
 */
export async function sendReaction(deps: StageDeps, eventId: string, participantId: string, emoji: Reaction): Promise<{ emoji: Reaction }> {
  const [me, event] = await Promise.all([requireSender(deps, eventId, participantId), requireStageEvent(deps, eventId)]);
  if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, 'only attendees react');
  const spent = await deps.stage.budgets.reactions.take(participantId);
  if (!spent.ok) {
    throw rateLimited(
      `you can send ${STAGE_LIMITS.reactionsPerWindow} reactions every ${STAGE_LIMITS.reactionWindowSec} s; try again in ${waitSeconds(spent.retryAfterMs)} s`,
      spent.retryAfterMs,
    );
  }
  deps.stage.reactions.add(eventId, emoji, me.mode);
  await deps.stage.engagement.append({ eventId, participantId, mode: me.mode, team: me.team, sessionId: event.liveSessionId, kind: 'reacted', at: isoNow(deps.clock), ref: emoji });
  return { emoji };
}
