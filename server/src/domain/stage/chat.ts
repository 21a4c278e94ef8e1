import { ErrorCode, RallyError, STAGE_LIMITS, rateLimited, type ChatMessage, type ChatSettings, type Role } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { censorProfanity } from '../text/profanity.js';
import { requireParticipantOf, requireSender, requireStageEvent, waitSeconds } from './common.js';
import { STAGE_MODERATOR_ROLES, type StageDeps } from './deps.js';

/** Staff keep talking in slow mode: it is there to calm the audience, not the people running the event. */
const SLOW_MODE_EXEMPT: readonly Role[] = ['presenter', 'moderator', 'admin'];
const BANNED = 'a moderator has stopped you from chatting in this event';

/**
 * [STAGE20]–[STAGE23] A chat message. Profanity is censored, not refused. The ban and slow mode
 * are checked again by the store in the step that stores the message, so a ban or a second tab
 * racing this call still holds, on any node.
 */
export async function sendChat(deps: StageDeps, eventId: string, participantId: string, text: string): Promise<ChatMessage> {
  const [me, event] = await Promise.all([requireSender(deps, eventId, participantId), requireStageEvent(deps, eventId)]);
  if (me.role === 'screen') throw new RallyError(ErrorCode.FORBIDDEN, 'the stage screen does not chat');
  if (await deps.store.isChatBanned(eventId, me.id)) throw new RallyError(ErrorCode.BANNED, BANNED);
  const spent = await deps.stage.budgets.chat.take(me.id);
  if (!spent.ok) {
    throw rateLimited(
      `you can send ${STAGE_LIMITS.chatPerWindow} messages every ${STAGE_LIMITS.chatWindowSec} s; try again in ${waitSeconds(spent.retryAfterMs)} s`,
      spent.retryAfterMs,
    );
  }
  const clean = censorProfanity(text.trim());
  const message: ChatMessage = {
    id: newId(),
    authorId: me.id,
    authorName: me.name,
    authorRole: me.role,
    mode: me.mode,
    text: clean.text,
    censored: clean.censored,
    at: isoNow(deps.clock),
  };
  const outcome = await deps.store.postChat(eventId, message, { slowModeExempt: SLOW_MODE_EXEMPT.includes(me.role), nowMs: deps.clock.now() });
  if (!outcome.ok) {
    if (outcome.reason === 'banned') throw new RallyError(ErrorCode.BANNED, BANNED);
    const slow = await deps.store.chatSlowMode(eventId);
    throw rateLimited(`slow mode is on: one message every ${slow} s; try again in ${waitSeconds(outcome.retryAfterMs)} s`, outcome.retryAfterMs);
  }
  deps.publish.toEvent(eventId, 'chat:messagePosted', message);
  if (me.role === 'attendee') {
    await deps.stage.engagement.append({ eventId, participantId: me.id, mode: me.mode, team: me.team, sessionId: event.liveSessionId, kind: 'chatted', at: message.at, ref: message.id });
  }
  return message;
}

/** [STAGE24] Removes a message for everyone (and from the window new snapshots carry). */
export async function deleteChat(deps: Pick<StageDeps, 'store' | 'publish'>, eventId: string, messageId: string): Promise<{ messageId: string }> {
  const removed = await deps.store.deleteChat(eventId, messageId);
  if (!removed) throw new RallyError(ErrorCode.NOT_FOUND, 'no such message in this event');
  deps.publish.toEvent(eventId, 'chat:messageDeleted', { messageId });
  return { messageId };
}

/** [STAGE21] 0 turns slow mode off. */
export async function setSlowMode(deps: Pick<StageDeps, 'store' | 'publish'>, eventId: string, seconds: number): Promise<ChatSettings> {
  await requireStageEvent(deps, eventId);
  await deps.store.setChatSlowMode(eventId, seconds);
  const settings: ChatSettings = { slowModeSec: seconds };
  deps.publish.toEvent(eventId, 'chat:settingsChanged', settings);
  return settings;
}

/**
 * [STAGE24] Stops a participant chatting (or lets them again); the rest of the event is unaffected.
 * Moderators and organisers cannot be banned from chat, nor can anyone ban themselves.
 */
export async function banFromChat(
  deps: Pick<StageDeps, 'store' | 'publish'>,
  eventId: string,
  actorId: string,
  participantId: string,
  banned: boolean,
): Promise<{ participantId: string; banned: boolean }> {
  if (actorId === participantId) throw new RallyError(ErrorCode.INVALID_STATE, 'you cannot ban yourself');
  const target = await requireParticipantOf(deps, eventId, participantId);
  if ((STAGE_MODERATOR_ROLES as readonly Role[]).includes(target.role)) throw new RallyError(ErrorCode.FORBIDDEN, 'moderators and organisers cannot be banned from chat');
  await deps.store.setChatBan(eventId, participantId, banned);
  const change = { participantId, banned };
  deps.publish.toParticipant(participantId, 'chat:banChanged', change);
  deps.publish.toRoles(eventId, STAGE_MODERATOR_ROLES, 'chat:banChanged', change);
  return change;
}
