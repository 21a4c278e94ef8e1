import { ErrorCode, RallyError, STAGE_LIMITS, rateLimited, unavailable, type Participant, type Reaction } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { waitSeconds } from './common.js';
import { liveSessionOf } from './live-session.js';
import type { StageDeps } from './deps.js';

/** [PERF9] A reaction decided on a stale copy of the sender is decided again on a fresh read, this many times at most. */
const STALE_RETRIES = 3;

/**
 * [STAGE14] An attendee reacts. The reaction counts in their cohort and goes to this node's burst
 * buffer ([STAGE15]); it is never stored, nor sent on its own. Over the budget nothing is counted.
 *
 * [PERF9] [REL16] The hot path: the sender comes from the store's per-node cache, and the command id
 * is claimed in the participant's reaction window by one store step that recognises a retry
 * (answered as the first attempt was) and confirms the sender stands as decided here (not banned,
 * same mode and team; `stale`: decided again on a fresh read). [REL19] An attempt refused or failed
 * after its claim gives its id back.
 */
export async function sendReaction(deps: StageDeps, eventId: string, participantId: string, emoji: Reaction, commandId?: string): Promise<{ emoji: Reaction }> {
  for (let attempt = 1; ; attempt++) {
    const me = await deps.store.hotParticipant(participantId);
    requireStanding(me, eventId);
    if (me.role !== 'attendee') throw new RallyError(ErrorCode.FORBIDDEN, 'only attendees react');
    if (commandId !== undefined) {
      const claim = await deps.store.claimReaction(eventId, participantId, commandId, { mode: me.mode, team: me.team ?? null });
      if (claim === 'repeat') return { emoji };
      if (claim === 'stale') {
        if (attempt < STALE_RETRIES) continue;
        throw unavailable('your details changed while reacting; try again', 100);
      }
    }
    try {
      // Read once the id is claimed (a retry is answered without it), from the node's cache.
      const liveSessionId = await liveSessionOf(deps, eventId);
      const spent = await deps.stage.budgets.reactions.take(participantId);
      if (!spent.ok) {
        throw rateLimited(
          `you can send ${STAGE_LIMITS.reactionsPerWindow} reactions every ${STAGE_LIMITS.reactionWindowSec} s; try again in ${waitSeconds(spent.retryAfterMs)} s`,
          spent.retryAfterMs,
        );
      }
      deps.stage.reactions.add(eventId, emoji, me.mode);
      await deps.stage.engagement.append({ eventId, participantId, mode: me.mode, team: me.team, sessionId: liveSessionId, kind: 'reacted', at: isoNow(deps.clock), ref: emoji });
    } catch (e) {
      if (commandId !== undefined) await deps.store.releaseReaction(eventId, participantId, commandId).catch(() => {});
      throw e;
    }
    return { emoji };
  }
}

function requireStanding(me: Participant | null, eventId: string): asserts me is Participant {
  if (!me || me.eventId !== eventId) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  if (me.banned) throw new RallyError(ErrorCode.BANNED, 'a moderator removed you from this event');
}
