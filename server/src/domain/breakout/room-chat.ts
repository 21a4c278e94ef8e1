import { ErrorCode, RallyError, STAGE_LIMITS, rateLimited, type BreakoutRound, type ChatMessage, type Role } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { ROOM_CHAT_KEEP } from '../../store/breakout-rooms-order.js';
import { censorProfanity } from '../text/profanity.js';
import { requireSender, waitSeconds } from '../stage/common.js';
import { STAGE_MODERATOR_ROLES } from '../stage/deps.js';
import { publishToRoom, requireLive, requireRoom, type RoomsDeps } from './rooms-deps.js';
import { requireRound } from './access.js';

const BANNED = 'a moderator has stopped you from chatting in this event';

/**
 * [BRK61] The room a chat message goes to: an attendee's own room (naming another is refused), or
 * for staff, who sit in no room, the room they name.
 */
export function chatRoomFor(round: BreakoutRound, role: Role, myRoomId: string | null, requested: string | undefined): string {
  if ((STAGE_MODERATOR_ROLES as readonly Role[]).includes(role)) {
    if (!requested) throw new RallyError(ErrorCode.BAD_REQUEST, 'name the room (roomId) to chat in');
    return requireRoom(round, requested).id;
  }
  if (!myRoomId) throw new RallyError(ErrorCode.FORBIDDEN, 'you are not in a room of this round');
  if (requested && requested !== myRoomId) throw new RallyError(ErrorCode.FORBIDDEN, 'you can only chat in your own room');
  return myRoomId;
}

/**
 * [BRK61] A message to one breakout room, moderated like the stage chat: a participant banned from
 * the event or from chat cannot post, the stage chat's per-person budget applies, profanity is
 * censored (not refused). Only the room's members and staff hear of it.
 */
export async function postRoomChat(
  deps: RoomsDeps,
  eventId: string,
  participantId: string,
  input: { roundId: string; roomId?: string; text: string },
): Promise<ChatMessage> {
  const me = await requireSender(deps, eventId, participantId);
  const round = await requireRound(deps.store, eventId, input.roundId);
  requireLive(round, 'room chat');
  const roomId = chatRoomFor(round, me.role, me.role === 'attendee' ? await deps.store.roomOf(round.id, me.id) : null, input.roomId);
  if (await deps.store.isChatBanned(eventId, me.id)) throw new RallyError(ErrorCode.BANNED, BANNED);
  const spent = await deps.chatBudget.take(me.id);
  if (!spent.ok) {
    throw rateLimited(`you can send ${STAGE_LIMITS.chatPerWindow} messages every ${STAGE_LIMITS.chatWindowSec} s; try again in ${waitSeconds(spent.retryAfterMs)} s`, spent.retryAfterMs);
  }
  const clean = censorProfanity(input.text.trim());
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
  await deps.store.addRoomChat(round.id, roomId, message);
  await publishToRoom(deps, round, roomId, 'breakout:chatPosted', { ...message, roundId: round.id, roomId });
  deps.engagement?.interacted(me, 'chatted', { ref: message.id, breakoutRoomId: roomId });
  return message;
}

/** [BRK61] A moderator removes a message from a room's chat, for its members and staff. */
export async function deleteRoomChat(
  deps: Pick<RoomsDeps, 'store' | 'publish'>,
  eventId: string,
  input: { roundId: string; roomId: string; messageId: string },
): Promise<{ messageId: string; deleted: true }> {
  const round = await requireRound(deps.store, eventId, input.roundId);
  requireRoom(round, input.roomId);
  if (!(await deps.store.deleteRoomChat(round.id, input.roomId, input.messageId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such message in this room');
  await publishToRoom(deps, round, input.roomId, 'breakout:chatDeleted', { roundId: round.id, roomId: input.roomId, messageId: input.messageId });
  return { messageId: input.messageId, deleted: true };
}

/** [BRK61] Staff open one room's chat: what it keeps, oldest first. */
export async function readRoomChat(
  deps: Pick<RoomsDeps, 'store'>,
  eventId: string,
  input: { roundId: string; roomId: string },
): Promise<{ roundId: string; roomId: string; messages: ChatMessage[] }> {
  const round = await requireRound(deps.store, eventId, input.roundId);
  requireRoom(round, input.roomId);
  return { roundId: round.id, roomId: input.roomId, messages: await deps.store.listRoomChat(round.id, input.roomId, ROOM_CHAT_KEEP) };
}
