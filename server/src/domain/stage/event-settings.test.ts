import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { editEvent, setBranding, setStream, stageStreamToken } from './event-settings.js';
import { stageForSnapshot } from './view.js';

const LIVEKIT = { url: 'https://livekit.example.com', apiKey: 'APIkey123', apiSecret: 'a-livekit-secret-of-at-least-32-characters' };
let k: StageKit;
afterEach(() => k?.close());

describe('stream and branding', () => {
  it('[STAGE2] [STAGE4] moderators set the stream and the branding; everyone gets event:updated', async () => {
    k = await stageKit();
    const hls = { kind: 'hls' as const, url: 'https://cdn.example.com/live/stage.m3u8' };
    expect((await setStream(k.deps, k.event.id, hls)).stream).toEqual(hls);
    const branding = { logoUrl: 'https://cdn.example.com/logo.svg', primaryColor: '#112233', accentColor: '#aabbcc' };
    expect((await setBranding(k.deps, k.event.id, branding)).branding).toEqual(branding);
    expect(await k.current()).toMatchObject({ stream: hls, branding, name: k.event.name, agenda: k.event.agenda });
    expect(k.publish.of('event:updated').map((p) => [p.to, p.payload.stream, p.payload.branding])).toEqual([
      ['event', hls, { logoUrl: null, primaryColor: '#1f3a93', accentColor: '#f5a623' }],
      ['event', hls, branding],
    ]);
  });

  it('[STAGE2] a LiveKit stream on a server without LiveKit is refused with UNAVAILABLE, and nothing changes', async () => {
    k = await stageKit();
    await expect(setStream(k.deps, k.event.id, { kind: 'livekit', roomName: 'stage' })).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server: use an HLS URL, or no stream' });
    expect((await k.current()).stream).toEqual({ kind: 'none' });
    expect(k.publish.published).toEqual([]);
  });

  it('[STAGE27] an organiser edit changes only the settings given', async () => {
    k = await stageKit();
    const before = await k.current();
    const e = await editEvent(k.deps, k.event.id, { name: 'Renamed SKO', settings: { verifyRoomMode: false } });
    expect(e.name).toBe('Renamed SKO');
    expect(e.settings).toEqual({ ...before.settings, verifyRoomMode: false });
  });
});

describe('the LiveKit stage token', () => {
  it('[STAGE3] is minted for a LiveKit stream, named after the participant', async () => {
    k = await stageKit({ livekit: LIVEKIT });
    await setStream(k.deps, k.event.id, { kind: 'livekit', roomName: 'main-stage' });
    const ada = await k.person({ name: 'Ada' });
    const t = await stageStreamToken(k.deps, k.event.id, ada.id);
    expect(t).toMatchObject({ url: 'wss://livekit.example.com', roomName: 'main-stage', expiresAt: new Date(k.clock.now() + 600_000).toISOString() });
    expect(t.token.split('.')).toHaveLength(3);
  });

  it('[STAGE3] is INVALID_STATE when the stream is not LiveKit, and UNAVAILABLE without LiveKit on the server', async () => {
    k = await stageKit({ livekit: LIVEKIT });
    const ada = await k.person();
    await expect(stageStreamToken(k.deps, k.event.id, ada.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE, message: 'this event has no stage stream' });
    await k.close();
    k = await stageKit();
    const bob = await k.person();
    await expect(stageStreamToken(k.deps, k.event.id, bob.id)).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server' });
  });

  it('[STAGE11] [STAGE25] only the stage screen\'s snapshot carries the room code, with the QR link', async () => {
    k = await stageKit();
    const screen = await k.person({ role: 'screen' });
    const mod = await k.person({ role: 'moderator' });
    const snap = await stageForSnapshot(k.deps, screen, await k.current());
    const { code, validUntilMs } = k.stage.roomCodes.current(k.event.id);
    expect(snap.roomCode).toEqual({ code, validUntil: new Date(validUntilMs).toISOString(), joinUrl: `https://rally.test/j/${k.event.code}?room=${code}` });
    expect((await stageForSnapshot(k.deps, mod, await k.current())).roomCode).toBeUndefined();
  });
});
