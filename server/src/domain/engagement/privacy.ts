import { randomBytes } from 'node:crypto';
import { ErrorCode, RallyError, type Participant } from '@rally/shared';
import type { Store } from '../../store/store.js';
import type { EngagementStore } from '../../store/engagement-store.js';
import type { SurveyStore } from '../../store/survey-store.js';
import { forgetInLeaderboard } from './leaderboard.js';
import { markDeleted } from './settings.js';

export const DELETED_NAME = 'Deleted participant';

export interface PrivacyDeps {
  store: EngagementStore & SurveyStore & Pick<Store, 'getParticipant' | 'updateParticipant' | 'eraseAuthorName' | 'eraseChatAuthor'>;
  /** Tells the participant's sockets and closes them on every node. */
  disconnect(participant: Participant): void;
}

/**
 * [ENG18] Deletes a participant's personal data and keeps every anonymous aggregate: the record
 * keeps its id (other records point at it) but its name becomes "Deleted participant" and its
 * team is cleared; it is banned so its token opens nothing. Their log entries and survey answers
 * move to a random tombstone id: counts per cohort, team, session and minute are unchanged,
 * and nothing links them back. Their named questions and kept chat messages show the new name.
 * Repeating it changes nothing more.
 */
export async function deleteParticipant(deps: PrivacyDeps, eventId: string, participantId: string): Promise<{ participantId: string; deleted: true }> {
  const p = await deps.store.getParticipant(participantId);
  if (!p || p.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such participant in this event');
  if (p.role === 'admin') throw new RallyError(ErrorCode.FORBIDDEN, 'organiser accounts are not deleted this way');
  const tombstone = await markDeleted(deps.store, eventId, participantId, `deleted_${randomBytes(9).toString('base64url')}`);
  // [OPS55] The email given at join ([BRK35]) goes too.
  const updated = await deps.store.updateParticipant(participantId, { name: DELETED_NAME, team: null, banned: true, ...(p.email ? { email: null } : {}) });
  await Promise.all([
    deps.store.pseudonymiseEngagement(eventId, participantId, tombstone),
    deps.store.pseudonymiseSurvey(eventId, participantId, tombstone),
    deps.store.eraseAuthorName(eventId, participantId, DELETED_NAME),
    deps.store.eraseChatAuthor(eventId, participantId, DELETED_NAME),
    forgetInLeaderboard(deps.store, eventId, participantId),
  ]);
  deps.disconnect(updated ?? p);
  return { participantId, deleted: true };
}
