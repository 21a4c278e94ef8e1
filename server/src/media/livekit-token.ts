import { claimsToJwtPayload, type VideoGrant } from 'livekit-server-sdk';
import { createSigner } from 'fast-jwt';

/** A LiveKit access token's content: who, shown as what, allowed what, for how long. */
export interface LiveKitTokenSpec {
  identity: string;
  name: string;
  ttlSec: number;
  grant: VideoGrant;
  /**
   * Names the grant for reuse: tokens with the same key share one laid-out claim (a room's members,
   * at one access). Without it the claim is laid out for this token alone.
   */
  grantKey?: string;
}

/** Laid-out claims kept at most: a round's rooms at each access, with room to spare. */
const MAX_CLAIMS = 4096;

/**
 * [BRK46] LiveKit access tokens, signed synchronously. The SDK's `AccessToken.toJwt()` signs through
 * WebCrypto: one thread-pool job per token, ~100 µs each, and a round opening for 10,000 people
 * signs 10,000 at once (bench B7). The claims are still laid out by the SDK (`claimsToJwtPayload`,
 * as `AccessToken` does, so a LiveKit server reads exactly what it expects); only the HS256 signature
 * is made by fast-jwt, in-line (~12 µs). Tests check every token with the SDK's `TokenVerifier`.
 */
export function livekitTokenSigner(apiKey: string, apiSecret: string): (spec: LiveKitTokenSpec) => string {
  const sign = createSigner({ key: apiSecret, algorithm: 'HS256', noTimestamp: true });
  // A grant's claim laid out once per grant key: a room's members share one (breakout-video.ts), and
  // laying it out per token was a third of a token's cost (bench B7: 10,000 at a round's open).
  const videoClaims = new Map<string, unknown>();
  const layOut = (grant: VideoGrant): unknown => claimsToJwtPayload({ video: { ...grant } }).video;
  return ({ identity, name, ttlSec, grant, grantKey }) => {
    let video = grantKey === undefined ? layOut(grant) : videoClaims.get(grantKey);
    if (video === undefined) {
      if (videoClaims.size >= MAX_CLAIMS) videoClaims.clear();
      videoClaims.set(grantKey!, (video = layOut(grant)));
    }
    const nowSec = Math.floor(Date.now() / 1000);
    // As AccessToken lays them out (an empty name left out) and stamps them: issuer = API key, subject = identity, not before now, expiry after the TTL.
    const claims = name ? { name, video } : { video };
    return sign({ ...claims, iss: apiKey, sub: identity, nbf: nowSec, exp: nowSec + ttlSec });
  };
}
