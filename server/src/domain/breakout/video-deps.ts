import type { BreakoutVideoToken } from '@rally/shared';

/** Which breakout room of which round of which event: what a LiveKit room name stands for. */
export interface BreakoutRoomRef {
  eventId: string;
  roundId: string;
  roomId: string;
}

/**
 * [BRK40] What a token lets its holder do in one breakout room's call: `member` (an attendee in
 * their own room) and `moderator` (staff dropping into any room) publish and subscribe; `viewer`
 * (someone watching a room from the stage) only subscribes. Rally decides which before asking.
 */
export type VideoAccess = 'member' | 'moderator' | 'viewer';

/**
 * [BRK40] The breakout rooms' video calls on LiveKit, as the domain sees them. The caller has done
 * Rally's own checks (who may enter which room); this port only turns the decision into a
 * least-privilege token, names rooms, and takes people out of calls. `configured` is false without
 * LiveKit: tokens are then UNAVAILABLE, and opening, closing and removal do nothing ([BRK44]).
 */
export interface BreakoutMedia {
  readonly configured: boolean;
  /** The LiveKit room name of a breakout room (stable: every node and every token agree). */
  roomName(ref: BreakoutRoomRef): string;
  /** The breakout room a LiveKit room name stands for, or null when it is not one of ours. */
  parseRoomName(name: string): BreakoutRoomRef | null;
  /** Throws RallyError UNAVAILABLE when LiveKit is not configured. */
  token(input: { room: BreakoutRoomRef; identity: string; name: string; access: VideoAccess }): Promise<BreakoutVideoToken>;
  /** As `token`, signed in-line ([BRK46]): a node signs its own participants' places as it delivers them. */
  signToken(input: { room: BreakoutRoomRef; identity: string; name: string; access: VideoAccess }): BreakoutVideoToken;
  /*
   * The three below drive the calls and never throw: a failure is logged by the adapter. Video is
   * best effort beside the round: LiveKit creates a room on first join anyway, and someone not
   * removed cannot get a token for their old room again.
   */
  /** [BRK42] Creates the rooms' calls as a round opens (rooms that exist are kept). */
  openRooms(refs: readonly BreakoutRoomRef[]): Promise<void>;
  /** [BRK42] Ends the rooms' calls, disconnecting everyone in them, as a round closes; rooms already gone are fine. */
  closeRooms(refs: readonly BreakoutRoomRef[]): Promise<void>;
  /** [BRK42] Takes someone out of a room's call; nobody there (or no such room) is fine. */
  removeParticipant(roomName: string, identity: string): Promise<void>;
}
