import type { BreakoutRound, BreakoutSnapshot, Participant, Takeaway } from '@rally/shared';
import { MODERATOR_ROLES } from '../ports.js';
import { isRunning } from './access.js';
import type { RoomsDeps } from './rooms-deps.js';

/** [BRK61] How much of their room's chat an attendee's snapshot carries (staff read a room on demand). */
export const ROOM_CHAT_SNAPSHOT = 50;

/**
 * [BRK60] [BRK61] The room part of the breakout snapshot. Staff: every takeaway of the current
 * round. An attendee in a room of the running round: their room's latest chat and its takeaway.
 * Everyone who is not staff also gets the takeaway on the stage, if the stage shows one of this
 * round, so the stage screen and "Live now" can render it after a (re)connect.
 */
export async function roomsForSnapshot(
  deps: Pick<RoomsDeps, 'store'>,
  me: Participant,
  round: BreakoutRound,
  myRoomId: string | null,
): Promise<Pick<BreakoutSnapshot, 'chat' | 'takeaways'>> {
  const all = await deps.store.listTakeaways(round.id);
  if ((MODERATOR_ROLES as readonly string[]).includes(me.role)) return { takeaways: all };
  const slot = (await deps.store.getEvent(me.eventId))?.onStage?.slot;
  const shown = slot?.kind === 'takeaway' && slot.roundId === round.id ? slot.roomId : null;
  const takeaways: Takeaway[] = all.filter((t) => t.roomId === shown || (myRoomId !== null && t.roomId === myRoomId));
  if (me.role !== 'attendee' || myRoomId === null || !isRunning(round)) return { takeaways };
  return { chat: await deps.store.listRoomChat(round.id, myRoomId, ROOM_CHAT_SNAPSHOT), takeaways };
}
