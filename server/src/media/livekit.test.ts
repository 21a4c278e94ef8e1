import { describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { ErrorCode } from '@rally/shared';
import { createStageMedia } from './livekit.js';

const LIVEKIT = { url: 'https://livekit.example.com', apiKey: 'APIstageKey', apiSecret: 'stage-livekit-secret-0123456789-abcdefgh' };

describe('LiveKit stage tokens', () => {
  it('[STAGE3] verify with the API secret and grant joining the stage room to subscribe only, for 10 minutes', async () => {
    const media = createStageMedia(LIVEKIT);
    expect(media.configured).toBe(true);
    const t = await media.subscriberToken({ roomName: 'main-stage', identity: 'p_ada', name: 'Ada Lovelace' });
    expect(t.url).toBe('wss://livekit.example.com');
    const claims = await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(t.token);
    expect(claims.sub).toBe('p_ada');
    expect(claims.name).toBe('Ada Lovelace');
    expect(claims.iss).toBe(LIVEKIT.apiKey);
    expect(claims.video).toEqual({ roomJoin: true, room: 'main-stage', canSubscribe: true, canPublish: false, canPublishData: false });
    expect(claims.exp! - claims.nbf!).toBe(600);
    expect(Math.abs(Date.parse(t.expiresAt) / 1000 - claims.exp!)).toBeLessThanOrEqual(2);
  });

  it('[STAGE3] a token is refused by another API secret (it cannot be forged without ours)', async () => {
    const t = await createStageMedia(LIVEKIT).subscriberToken({ roomName: 'main-stage', identity: 'p_ada', name: 'Ada' });
    await expect(new TokenVerifier(LIVEKIT.apiKey, 'another-secret-0123456789-0123456789-xx').verify(t.token)).rejects.toThrow();
  });

  it('[STAGE3] without LiveKit configured the server says so: UNAVAILABLE', async () => {
    const media = createStageMedia(undefined);
    expect(media.configured).toBe(false);
    await expect(media.subscriberToken({ roomName: 'main-stage', identity: 'p', name: 'P' })).rejects.toMatchObject({
      code: ErrorCode.UNAVAILABLE,
      message: 'LiveKit is not configured on this server',
    });
  });
});
