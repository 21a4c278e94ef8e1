import { RoomServiceClient, ServerError, type VideoGrant } from 'livekit-server-sdk';
import { BREAKOUT_LIMITS, ErrorCode, Id, RallyError } from '@rally/shared';
import type { Config } from '../config.js';
import type { Log } from '../log.js';
import type { BreakoutMedia, BreakoutRoomRef, VideoAccess } from '../domain/breakout/video-deps.js';
import { livekitHttpUrl, livekitWsUrl } from './livekit.js';
import { livekitTokenSigner } from './livekit-token.js';

/*
 * [BRK40] [BRK42] LiveKit for breakout rooms: one LiveKit room per breakout room, tokens that grant
 * exactly what Rally decided, and removal through the server API when someone is moved out.
 */

// Ids may contain `-` and `_` (shared Id), so the parts are joined with `.`, which no id contains:
// the name reads back to exactly one room. At most 6 + 3 × 64 + 3 = 201 characters, under
// LiveKit's default room-name limit of 256.
const PREFIX = 'rally';
const SEP = '.';

/** [BRK40] `rally.<eventId>.<roundId>.<roomId>`. */
export function breakoutRoomName(ref: BreakoutRoomRef): string {
  return [PREFIX, ref.eventId, ref.roundId, ref.roomId].join(SEP);
}

/** [BRK40] The inverse of breakoutRoomName; null for any other name (the stage room, a stranger's). */
export function parseBreakoutRoomName(name: string): BreakoutRoomRef | null {
  const parts = name.split(SEP);
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, eventId, roundId, roomId] = parts as [string, string, string, string];
  if (![eventId, roundId, roomId].every((p) => Id.safeParse(p).success)) return null;
  return { eventId, roundId, roomId };
}

/**
 * [BRK40] Least privilege per access: members and moderators publish audio and video in this one
 * room; viewers only subscribe. Nobody publishes data (room chat is Rally's, moderated), updates
 * their own metadata, hides, records or administers the room.
 */
function grantFor(roomName: string, access: VideoAccess): VideoGrant {
  const publish = access !== 'viewer';
  return {
    roomJoin: true,
    room: roomName,
    canSubscribe: true,
    canPublish: publish,
    canPublishData: false,
    canUpdateOwnMetadata: false,
    hidden: false,
    recorder: false,
    roomAdmin: false,
  };
}

async function ignoreNotFound(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ServerError && (e.status === 404 || e.code === 'not_found')) return;
    throw e;
  }
}

/** A round has up to 500 rooms: a few calls to LiveKit at a time, not 500 at once nor one by one. */
async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<void>, size = 16): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

export function createBreakoutMedia(livekit: Config['livekit'], opts: { ttlSec?: number; now?: () => number; log?: Pick<Log, 'warn'> } = {}): BreakoutMedia {
  const ttlSec = opts.ttlSec ?? BREAKOUT_LIMITS.videoTokenTtlSec;
  // The SDK stamps the token with the real time, so its expiry is reported from the same clock.
  const now = opts.now ?? Date.now;
  const naming = { roomName: breakoutRoomName, parseRoomName: parseBreakoutRoomName };
  if (!livekit) {
    return {
      configured: false,
      ...naming,
      async token() {
        throw new RallyError(ErrorCode.UNAVAILABLE, 'LiveKit is not configured on this server');
      },
      signToken() {
        throw new RallyError(ErrorCode.UNAVAILABLE, 'LiveKit is not configured on this server');
      },
      // [BRK44] Nobody can be in a call that does not exist.
      async openRooms() {},
      async closeRooms() {},
      async removeParticipant() {},
    };
  }
  /** The calls are best effort beside the round (see BreakoutMedia): a failure is logged, never thrown. */
  const logged = async (what: string, roomName: string, call: Promise<void>) => {
    try {
      await call;
    } catch (err) {
      opts.log?.warn({ err, roomName }, `LiveKit: could not ${what} a breakout call`);
    }
  };
  /**
   * One call per room of a round, and one log line for the round however many failed: with LiveKit
   * down, 500 rooms would otherwise be 500 lines with a stack each, written while the round opens.
   */
  const forEveryRoom = async (what: string, refs: readonly BreakoutRoomRef[], call: (roomName: string) => Promise<void>) => {
    const failures: { err: unknown; roomName: string }[] = [];
    await inBatches(refs, async (ref) => {
      const roomName = breakoutRoomName(ref);
      try {
        await call(roomName);
      } catch (err) {
        failures.push({ err, roomName });
      }
    });
    const [first] = failures;
    if (first) opts.log?.warn({ ...first, failed: failures.length, of: refs.length }, `LiveKit: could not ${what} ${failures.length} of ${refs.length} breakout calls`);
  };
  const url = livekitWsUrl(livekit.url);
  const rooms = new RoomServiceClient(livekitHttpUrl(livekit.apiUrl ?? livekit.url), livekit.apiKey, livekit.apiSecret);
  const sign = livekitTokenSigner(livekit.apiKey, livekit.apiSecret);
  const signToken: BreakoutMedia['signToken'] = ({ room, identity, name, access }) => {
    const roomName = breakoutRoomName(room);
    // No metadata and no attributes: everyone in the call can read them.
    // [BRK46] Keyed by room and access: the signer lays the room's claim out once for all its members.
    const token = sign({ identity, name, ttlSec, grant: grantFor(roomName, access), grantKey: `${access}:${roomName}` });
    return { url, token, roomName, roomId: room.roomId, canPublish: access !== 'viewer', expiresAt: new Date(now() + ttlSec * 1000).toISOString() };
  };
  return {
    configured: true,
    ...naming,
    async token(input) {
      return signToken(input);
    },
    signToken,
    async openRooms(refs) {
      // An empty call lives on for a while (people arrive over a minute or two), and a call left
      // empty by a network blip survives a minute; LiveKit would create a room on first join anyway.
      await forEveryRoom('create', refs, (name) => rooms.createRoom({ name, emptyTimeout: 600, departureTimeout: 60 }).then(() => {}));
    },
    async closeRooms(refs) {
      await forEveryRoom('close', refs, (name) => ignoreNotFound(rooms.deleteRoom(name)));
    },
    async removeParticipant(roomName, identity) {
      // [BRK42] Idempotent: already gone, never joined, or the room was never created.
      await logged('remove a participant from', roomName, ignoreNotFound(rooms.removeParticipant(roomName, identity)));
    },
  };
}
