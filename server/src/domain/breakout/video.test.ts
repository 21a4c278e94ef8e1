import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { ErrorCode, type BreakoutRound, type EngagementKind, type Participant, type RoundStatus } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { videoRound } from '../../../test/helpers/video-round.js';
import { createBreakoutMedia } from '../../media/breakout-video.js';
import type { EngagementPort, InteractionDetail } from '../engagement/record.js';
import { breakoutVideoToken, onVideoPresence, videoAvailable } from './video.js';

const LIVEKIT = { url: 'wss://livekit.example.com', apiKey: 'APIvideoKey', apiSecret: 'video-domain-secret-0123456789-abcdefghij' };
const media = createBreakoutMedia(LIVEKIT);
const grantOf = async (token: string) => (await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(token)).video;

let k: PollKit;
let round: BreakoutRound;
let ada: Participant;
let bob: Participant;
let mod: Participant;

async function makeRound(status: RoundStatus, eventId = k.event.id): Promise<BreakoutRound> {
  const r = videoRound(eventId, status, k.clock.now());
  await k.store.createRound(r);
  return r;
}

beforeEach(async () => {
  k = await pollKit();
  [ada, bob, mod] = [await k.person({ name: 'Ada' }), await k.person({ name: 'Bob' }), await k.person({ role: 'moderator', name: 'Mo' })];
  round = await makeRound('open');
  await k.store.setAssignments(round.id, new Map([[ada.id, 'north'], [bob.id, 'south']]));
});
afterEach(() => k.close());

const deps = () => ({ store: k.store, breakoutMedia: media });
const as = (p: Participant) => ({ participantId: p.id, eventId: p.eventId, role: p.role });

describe('breakout:videoToken', () => {
  it('[BRK41] an attendee gets their own room of an open round, publishing, as themselves', async () => {
    const t = await breakoutVideoToken(deps(), as(ada), { roundId: round.id });
    expect(t).toMatchObject({ roomId: 'north', canPublish: true, roomName: media.roomName({ eventId: k.event.id, roundId: round.id, roomId: 'north' }) });
    expect(await grantOf(t.token)).toMatchObject({ room: t.roomName, canPublish: true, canSubscribe: true });
    // Naming their own room explicitly is the same.
    expect((await breakoutVideoToken(deps(), as(ada), { roundId: round.id, roomId: 'north' })).roomName).toBe(t.roomName);
  });

  it('[BRK41] an attendee asking for another room is FORBIDDEN; one without a room is INVALID_STATE', async () => {
    await expect(breakoutVideoToken(deps(), as(ada), { roundId: round.id, roomId: 'south' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    const cy = await k.person({ name: 'Cy' });
    await expect(breakoutVideoToken(deps(), as(cy), { roundId: round.id })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
  });

  it('[BRK41] a moderator joins any room of the round, publishing; must name one that is in the round', async () => {
    for (const roomId of ['north', 'south']) {
      const t = await breakoutVideoToken(deps(), as(mod), { roundId: round.id, roomId });
      expect(t).toMatchObject({ roomId, canPublish: true });
      expect(await grantOf(t.token)).toMatchObject({ room: t.roomName, canPublish: true });
    }
    await expect(breakoutVideoToken(deps(), as(mod), { roundId: round.id })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(breakoutVideoToken(deps(), as(mod), { roundId: round.id, roomId: 'east' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[BRK41] a round that is not open is INVALID_STATE; its close-all countdown still admits; unknown or another event\'s round NOT_FOUND', async () => {
    for (const status of ['draft', 'closed'] as const) {
      const r = await makeRound(status);
      await k.store.setAssignments(r.id, new Map([[ada.id, 'north']]));
      await expect(breakoutVideoToken(deps(), as(ada), { roundId: r.id })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
      await expect(breakoutVideoToken(deps(), as(mod), { roundId: r.id, roomId: 'north' })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    }
    const closing = await makeRound('closing');
    await k.store.setAssignments(closing.id, new Map([[ada.id, 'south']]));
    expect((await breakoutVideoToken(deps(), as(ada), { roundId: closing.id })).roomId).toBe('south');

    await expect(breakoutVideoToken(deps(), as(ada), { roundId: 'nope' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    const elsewhere = await makeRound('open', 'another-event');
    await expect(breakoutVideoToken(deps(), as(mod), { roundId: elsewhere.id, roomId: 'north' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[BRK44] without LiveKit: UNAVAILABLE, and the video flag is off', async () => {
    const off = { store: k.store, breakoutMedia: createBreakoutMedia(undefined) };
    expect(videoAvailable(off)).toBe(false);
    expect(videoAvailable({})).toBe(false);
    expect(videoAvailable(deps())).toBe(true);
    await expect(breakoutVideoToken(off, as(ada), { roundId: round.id })).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server' });
  });
});

describe('video presence from LiveKit', () => {
  function recorder() {
    const calls: { id: string; kind: EngagementKind; detail?: InteractionDetail }[] = [];
    const port: EngagementPort = { interacted: (p, kind, detail) => void calls.push({ id: p.id, kind, detail }), moment: () => {} };
    return { calls, port };
  }

  it('[BRK43] joined and left record engagement (ref: the round, with the room) and who is in the room\'s call', async () => {
    const { calls, port } = recorder();
    const changed: string[] = [];
    const d = { store: k.store, engagement: port, inVideoChanged: (_e: string, roundId: string) => void changed.push(roundId) };
    const at = { eventId: k.event.id, roundId: round.id, roomId: 'north', participantId: ada.id };
    await onVideoPresence(d, { ...at, joined: true });
    expect(calls).toEqual([{ id: ada.id, kind: 'breakoutJoined', detail: { ref: round.id, breakoutRoomId: 'north' } }]);
    expect((await k.store.listInVideo(round.id)).get('north')).toEqual([ada.id]);
    expect(changed).toEqual([round.id]);
    await onVideoPresence(d, { ...at, joined: false });
    expect(calls.at(-1)).toEqual({ id: ada.id, kind: 'breakoutLeft', detail: { ref: round.id, breakoutRoomId: 'north' } });
    expect((await k.store.listInVideo(round.id)).get('north') ?? []).toEqual([]);
    expect(changed).toEqual([round.id, round.id]);
  });

  it('[BRK43] someone of another event, an unknown round or a room not in the round changes nothing', async () => {
    const { calls, port } = recorder();
    const d = { store: k.store, engagement: port };
    const base = { eventId: k.event.id, roundId: round.id, roomId: 'north', participantId: ada.id, joined: true };
    await onVideoPresence(d, { ...base, participantId: 'stranger' });
    await onVideoPresence(d, { ...base, eventId: 'another-event' });
    await onVideoPresence(d, { ...base, roundId: 'nope' });
    await onVideoPresence(d, { ...base, roomId: 'east' });
    expect(calls).toEqual([]);
    expect([...(await k.store.listInVideo(round.id)).values()].flat()).toEqual([]);
  });
});
