import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenVerifier } from 'livekit-server-sdk';
import { BREAKOUT_LIMITS, ErrorCode } from '@rally/shared';
import type { Log } from '../log.js';
import { breakoutRoomName, createBreakoutMedia, parseBreakoutRoomName } from './breakout-video.js';

const LIVEKIT = { url: 'https://livekit.example.com', apiKey: 'APIbreakoutKey', apiSecret: 'breakout-livekit-secret-0123456789-abcdefgh' };
const ROOM = { eventId: 'ev1', roundId: 'round-1', roomId: 'room_a' };
const verify = (token: string) => new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(token);

// Nothing beyond joining this one room: no data, metadata, hiding, recording or room administration.
const NOTHING_ELSE = { roomJoin: true, canSubscribe: true, canPublishData: false, canUpdateOwnMetadata: false, hidden: false, recorder: false, roomAdmin: false };

describe('breakout video tokens', () => {
  it('[BRK40] a member\'s token joins their breakout room as the participant, by name, publishing and subscribing there only, for the video TTL', async () => {
    const media = createBreakoutMedia(LIVEKIT);
    expect(media.configured).toBe(true);
    const t = await media.token({ room: ROOM, identity: 'p_ada', name: 'Ada Lovelace', access: 'member' });
    expect(t.url).toBe('wss://livekit.example.com');
    expect(t.roomName).toBe(breakoutRoomName(ROOM));
    expect(t.roomId).toBe('room_a');
    expect(t.canPublish).toBe(true);
    const claims = await verify(t.token);
    expect(claims.sub).toBe('p_ada');
    expect(claims.name).toBe('Ada Lovelace');
    expect(claims.iss).toBe(LIVEKIT.apiKey);
    // Nothing private travels in the token: everyone in the call could read it.
    expect(claims.metadata ?? '').toBe('');
    expect(claims.attributes ?? {}).toEqual({});
    expect(claims.video).toEqual({ ...NOTHING_ELSE, room: t.roomName, canPublish: true });
    expect(claims.exp! - claims.nbf!).toBe(BREAKOUT_LIMITS.videoTokenTtlSec);
    expect(Math.abs(Date.parse(t.expiresAt) / 1000 - claims.exp!)).toBeLessThanOrEqual(2);
  });

  it('[BRK40] a moderator\'s token publishes in the room asked for; a viewer\'s only subscribes', async () => {
    const media = createBreakoutMedia(LIVEKIT);
    const other = { ...ROOM, roomId: 'room_b' };
    const mod = await media.token({ room: other, identity: 'p_mo', name: 'Mo', access: 'moderator' });
    expect(mod.canPublish).toBe(true);
    expect((await verify(mod.token)).video).toEqual({ ...NOTHING_ELSE, room: breakoutRoomName(other), canPublish: true });
    const viewer = await media.token({ room: other, identity: 'p_screen', name: 'Stage', access: 'viewer' });
    expect(viewer.canPublish).toBe(false);
    expect((await verify(viewer.token)).video).toEqual({ ...NOTHING_ELSE, room: breakoutRoomName(other), canPublish: false });
  });

  it('[BRK40] a token is refused by another API secret', async () => {
    const t = await createBreakoutMedia(LIVEKIT).token({ room: ROOM, identity: 'p_ada', name: 'Ada', access: 'member' });
    await expect(new TokenVerifier(LIVEKIT.apiKey, 'another-secret-0123456789-0123456789-xx').verify(t.token)).rejects.toThrow();
  });

  it('[BRK40] each breakout room has its own LiveKit room name, read back to exactly that room; other names are not breakout rooms', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(
      fc.property(id, id, id, (eventId, roundId, roomId) => {
        const name = breakoutRoomName({ eventId, roundId, roomId });
        expect(parseBreakoutRoomName(name)).toEqual({ eventId, roundId, roomId });
        // Within LiveKit's default room-name limit.
        expect(name.length).toBeLessThanOrEqual(256);
      }),
    );
    const a = breakoutRoomName({ eventId: 'e', roundId: 'r-1', roomId: 'x' });
    const b = breakoutRoomName({ eventId: 'e', roundId: 'r', roomId: '1-x' });
    expect(a).not.toBe(b);
    for (const name of ['northwind-stage', 'rally.e.r', 'rally.e.r.x.y', 'other.e.r.x', 'rally.e..x', 'rally.e.r.x y']) expect(parseBreakoutRoomName(name)).toBeNull();
  });
});

describe('breakout video without LiveKit', () => {
  it('[BRK44] video is off: tokens are UNAVAILABLE, opening, closing and removal do nothing, room names still work', async () => {
    const media = createBreakoutMedia(undefined);
    expect(media.configured).toBe(false);
    await expect(media.token({ room: ROOM, identity: 'p', name: 'P', access: 'member' })).rejects.toMatchObject({
      code: ErrorCode.UNAVAILABLE,
      message: 'LiveKit is not configured on this server',
    });
    await expect(media.removeParticipant(breakoutRoomName(ROOM), 'p')).resolves.toBeUndefined();
    await expect(media.openRooms([ROOM])).resolves.toBeUndefined();
    await expect(media.closeRooms([ROOM])).resolves.toBeUndefined();
    expect(media.parseRoomName(media.roomName(ROOM))).toEqual(ROOM);
  });
});

describe('breakout calls when LiveKit does not answer', () => {
  it('[BRK42] opening, closing and removal never fail the round: each failure is logged', async () => {
    const warnings: unknown[] = [];
    // Port 9 on loopback (discard) is closed here: the connection is refused at once.
    const media = createBreakoutMedia({ ...LIVEKIT, url: 'http://127.0.0.1:9' }, { log: { warn: ((obj: unknown) => void warnings.push(obj)) as Log['warn'] } });
    await expect(media.openRooms([ROOM])).resolves.toBeUndefined();
    await expect(media.removeParticipant(breakoutRoomName(ROOM), 'p')).resolves.toBeUndefined();
    await expect(media.closeRooms([ROOM])).resolves.toBeUndefined();
    expect(warnings).toHaveLength(3);
    expect(warnings).toMatchObject([{ roomName: breakoutRoomName(ROOM) }, { roomName: breakoutRoomName(ROOM) }, { roomName: breakoutRoomName(ROOM) }]);
  });

  it('[BRK42] a round of many rooms whose calls all fail is one log line naming how many, not one per room', async () => {
    const warnings: unknown[] = [];
    const media = createBreakoutMedia({ ...LIVEKIT, url: 'http://127.0.0.1:9' }, { log: { warn: ((obj: unknown) => void warnings.push(obj)) as Log['warn'] } });
    const rooms = Array.from({ length: 40 }, (_, i) => ({ ...ROOM, roomId: `room_${i}` }));
    await media.openRooms(rooms);
    await media.closeRooms(rooms);
    expect(warnings).toMatchObject([
      { failed: 40, of: 40 },
      { failed: 40, of: 40 },
    ]);
  });
});
