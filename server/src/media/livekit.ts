import { ErrorCode, RallyError, STAGE_LIMITS } from '@rally/shared';
import type { Config } from '../config.js';
import type { StageMedia } from '../domain/stage/deps.js';
import { livekitTokenSigner } from './livekit-token.js';

/** Browsers connect over WebSocket; LIVEKIT_URL may be given as the HTTP(S) API address. */
export function livekitWsUrl(url: string): string {
  return url.replace(/^http(s?):\/\//, 'ws$1://');
}

/** The HTTP(S) address of the server API (RoomServiceClient), whichever form LIVEKIT_URL was given in. */
export function livekitHttpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://');
}

/**
 * [STAGE3] LiveKit for the stage: the AV desk publishes into the event's stage room with its own
 * credentials; Rally only mints short-lived, subscribe-only tokens for attendees, after its own
 * checks. Least privilege: no publishing of tracks or data, ever, whatever the client asks.
 */
export function createStageMedia(livekit: Config['livekit'], opts: { ttlSec?: number; now?: () => number } = {}): StageMedia {
  const ttlSec = opts.ttlSec ?? STAGE_LIMITS.streamTokenTtlSec;
  // The SDK stamps the token with the real time, so its expiry is reported from the same clock.
  const now = opts.now ?? Date.now;
  if (!livekit) {
    return {
      configured: false,
      async subscriberToken() {
        throw new RallyError(ErrorCode.UNAVAILABLE, 'LiveKit is not configured on this server');
      },
    };
  }
  const url = livekitWsUrl(livekit.url);
  const sign = livekitTokenSigner(livekit.apiKey, livekit.apiSecret);
  return {
    configured: true,
    async subscriberToken({ roomName, identity, name }) {
      const token = sign({ identity, name, ttlSec, grant: { roomJoin: true, room: roomName, canSubscribe: true, canPublish: false, canPublishData: false } });
      return { url, token, roomName, expiresAt: new Date(now() + ttlSec * 1000).toISOString() };
    },
  };
}
