import { ErrorCode, RallyError, type BreakoutVideoToken, type Role } from '@rally/shared';
import type { Store } from '../../store/store.js';
import type { EngagementPort } from '../engagement/record.js';
import type { BreakoutMedia, BreakoutRoomRef, VideoAccess } from './video-deps.js';

/*
 * [BRK40] [BRK41] [BRK43] Breakout video, the domain's part: who may enter which room's call (Rally's
 * own checks, before LiveKit is asked for a token), and what LiveKit's presence webhooks change.
 */

export interface BreakoutVideoDeps {
  store: Pick<Store, 'getParticipant' | 'getRound' | 'roundState' | 'roomOf'>;
  /** Absent (as in domain tests of other parts) counts as not configured. */
  breakoutMedia?: BreakoutMedia;
}

/** [BRK44] Whether breakout rooms have video on this server (the snapshot's `video` flag). */
export function videoAvailable(deps: { breakoutMedia?: BreakoutMedia }): boolean {
  return deps.breakoutMedia?.configured === true;
}

// People stay in their rooms through the close-all countdown, so a token refreshed then still works.
const RUNNING = new Set(['open', 'closing']);
const STAFF: readonly Role[] = ['moderator', 'admin'];

/**
 * [BRK41] `breakout:videoToken`: an attendee gets their own room of a running round; staff any room
 * of it, by id. Everything is checked before LiveKit is involved, so a refusal costs nothing.
 */
export async function breakoutVideoToken(
  deps: BreakoutVideoDeps,
  who: { participantId: string; eventId: string; role: Role },
  input: { roundId: string; roomId?: string },
): Promise<BreakoutVideoToken> {
  const media = deps.breakoutMedia;
  if (!media?.configured) throw new RallyError(ErrorCode.UNAVAILABLE, 'LiveKit is not configured on this server');
  // Attendees ask by the thousand when a round opens: the checks need the round's state, not its
  // rooms (a 500-room round is tens of kB to read and parse); only staff naming a room read those.
  const [round, me] = await Promise.all([deps.store.roundState(input.roundId), deps.store.getParticipant(who.participantId)]);
  if (!round || round.eventId !== who.eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such breakout round');
  if (!me) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
  if (!RUNNING.has(round.status)) throw new RallyError(ErrorCode.INVALID_STATE, 'this breakout round is not open');

  let roomId: string;
  let access: VideoAccess;
  if (who.role === 'attendee') {
    const mine = await deps.store.roomOf(input.roundId, me.id);
    if (!mine) throw new RallyError(ErrorCode.INVALID_STATE, 'you have no room in this breakout round');
    if (input.roomId !== undefined && input.roomId !== mine) throw new RallyError(ErrorCode.FORBIDDEN, 'you may only join your own breakout room');
    roomId = mine;
    access = 'member';
  } else {
    if (input.roomId === undefined) throw new RallyError(ErrorCode.BAD_REQUEST, 'name the room to join (roomId)');
    const rooms = (await deps.store.getRound(input.roundId))?.rooms ?? [];
    if (!rooms.some((r) => r.id === input.roomId)) throw new RallyError(ErrorCode.NOT_FOUND, 'no such room in this breakout round');
    roomId = input.roomId;
    // The role table admits attendees and staff only; anyone else allowed later watches, never speaks.
    access = STAFF.includes(who.role) ? 'moderator' : 'viewer';
  }
  return media.token({ room: { eventId: round.eventId, roundId: input.roundId, roomId }, identity: me.id, name: me.name, access });
}

/** One participant joined or left one breakout room's call, as LiveKit's webhook said. */
export interface VideoPresence extends BreakoutRoomRef {
  participantId: string;
  joined: boolean;
}

export interface VideoPresenceDeps {
  store: Pick<Store, 'getParticipant' | 'getRound' | 'setInVideo'>;
  engagement?: EngagementPort;
  /** [BRK17] Seam: told when a room's in-video set changed, so staff's occupancy view can follow. */
  inVideoChanged?: (eventId: string, roundId: string) => void;
}

/**
 * [BRK43] LiveKit says someone joined or left a breakout room's call: engagement records it (joined
 * once per round, `ref` the round id), and the room's in-video set follows. Someone who is not a
 * participant of that event, or a room that is not in the round, changes nothing.
 */
export async function onVideoPresence(deps: VideoPresenceDeps, p: VideoPresence): Promise<void> {
  const [who, round] = await Promise.all([deps.store.getParticipant(p.participantId), deps.store.getRound(p.roundId)]);
  if (!who || who.eventId !== p.eventId || !round || round.eventId !== p.eventId || !round.rooms.some((r) => r.id === p.roomId)) return;
  deps.engagement?.interacted(who, p.joined ? 'breakoutJoined' : 'breakoutLeft', { ref: p.roundId, breakoutRoomId: p.roomId });
  if (await deps.store.setInVideo(p.roundId, p.roomId, p.participantId, p.joined)) deps.inVideoChanged?.(p.eventId, p.roundId);
}
