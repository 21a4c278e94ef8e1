import { ErrorCode, RallyError, type BreakoutRound, type BreakoutVideoToken, type Participant, type Role } from '@rally/shared';
import type { Store } from '../../store/store.js';
import type { EngagementPort } from '../engagement/record.js';
import { MODERATOR_ROLES } from '../ports.js';
import { isRunning } from './access.js';
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
  // People stay in their rooms through the close-all countdown, so a token refreshed then still works.
  if (!isRunning(round)) throw new RallyError(ErrorCode.INVALID_STATE, 'this breakout round is not open');

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
    access = (MODERATOR_ROLES as readonly Role[]).includes(who.role) ? 'moderator' : 'viewer';
  }
  return media.token({ room: { eventId: round.eventId, roundId: input.roundId, roomId }, identity: me.id, name: me.name, access });
}

/** One participant joined or left one breakout room's call, as LiveKit's webhook said. */
export interface VideoPresence extends BreakoutRoomRef {
  participantId: string;
  joined: boolean;
}

export interface VideoPresenceDeps {
  store: Pick<Store, 'getParticipant' | 'getRound' | 'roomOf' | 'setInVideo'>;
  /** [BRK42] To take out of a call someone who no longer belongs there (absent: nobody is taken out). */
  breakoutMedia?: BreakoutMedia;
  engagement?: EngagementPort;
  /** [BRK17] Told when a room's in-video set changed, so staff's occupancy view follows (the app publishes it). */
  inVideoChanged?: (round: BreakoutRound) => Promise<unknown>;
}

/**
 * [BRK43] LiveKit says someone joined or left a breakout room's call: engagement records it (joined
 * once per round, `ref` the round id), and the room's in-video set follows. Someone who is not a
 * participant of that event, or a room that is not in the round, changes nothing.
 */
export async function onVideoPresence(deps: VideoPresenceDeps, p: VideoPresence): Promise<void> {
  const [who, round] = await Promise.all([deps.store.getParticipant(p.participantId), deps.store.getRound(p.roundId)]);
  if (!who || who.eventId !== p.eventId || !round || round.eventId !== p.eventId || !round.rooms.some((r) => r.id === p.roomId)) return;
  // LiveKit cannot revoke a token: someone moved out of a room (or a round that closed) could come back
  // with the token they still hold until it expires. Rally's own checks apply again here, so whoever
  // joins a call they no longer belong in is taken out at once and counts for nothing.
  if (p.joined && !(await belongsIn(deps, who, round, p.roomId))) {
    const media = deps.breakoutMedia;
    if (media?.configured) await media.removeParticipant(media.roomName(p), who.id);
    return;
  }
  deps.engagement?.interacted(who, p.joined ? 'breakoutJoined' : 'breakoutLeft', { ref: p.roundId, breakoutRoomId: p.roomId });
  if (await deps.store.setInVideo(p.roundId, p.roomId, p.participantId, p.joined)) await deps.inVideoChanged?.(round);
}

/** [BRK41] The rule breakoutVideoToken applies, read again when LiveKit says someone joined. */
async function belongsIn(deps: Pick<VideoPresenceDeps, 'store'>, who: Participant, round: BreakoutRound, roomId: string): Promise<boolean> {
  if (!isRunning(round)) return false;
  if (who.role !== 'attendee') return true;
  return (await deps.store.roomOf(round.id, who.id)) === roomId;
}

/*
 * [BRK42] The calls follow the round. These start LiveKit's work and return at once: the round does
 * not wait for video, and the adapter logs a call that fails (BreakoutMedia never throws there).
 */

const refsOf = (round: BreakoutRound): BreakoutRoomRef[] => round.rooms.map((r) => ({ eventId: round.eventId, roundId: round.id, roomId: r.id }));

/** [BRK42] A round opened: its rooms' calls are created. */
export function videoRoundOpened(deps: { breakoutMedia?: BreakoutMedia }, round: BreakoutRound): void {
  void deps.breakoutMedia?.openRooms(refsOf(round));
}

/** [BRK42] A round closed (everyone back on the stage): its rooms' calls end. */
export function videoRoundClosed(deps: { breakoutMedia?: BreakoutMedia }, round: BreakoutRound): void {
  void deps.breakoutMedia?.closeRooms(refsOf(round));
}

/** [BRK42] People moved in a running round leave the call of the room they were moved out of. */
export function videoPeopleMoved(deps: { breakoutMedia?: BreakoutMedia }, round: BreakoutRound, moves: Iterable<{ participantId: string; from: string | null; to: string | null }>): void {
  const media = deps.breakoutMedia;
  if (!media?.configured || !isRunning(round)) return;
  for (const { participantId, from, to } of moves) {
    if (from && from !== to) void media.removeParticipant(media.roomName({ eventId: round.eventId, roundId: round.id, roomId: from }), participantId);
  }
}
