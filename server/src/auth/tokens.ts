import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { z } from 'zod';
import { ErrorCode, RallyError, Role } from '@rally/shared';

/** What a participant token asserts. Everything else is read from the store on use. */
export interface TokenClaims {
  participantId: string;
  eventId: string;
  role: Role;
  /** Key generation of the event when a privileged token was issued; rotation revokes it. */
  keyGeneration: number;
}

const ALG = 'HS256';
const ISSUER = 'rally';
// An SKO lasts up to three days; a token outliving the event by a few days is harmless.
const TTL_MS = 7 * 24 * 60 * 60 * 1000;

const Claims = z.object({ sub: z.string().min(1), evt: z.string().min(1), role: Role, kg: z.number().int().min(0) });

export interface TokenService {
  sign(claims: TokenClaims): Promise<string>;
  /** Throws RallyError UNAUTHORIZED for a missing, expired, forged or malformed token. */
  verify(token: string): Promise<TokenClaims>;
}

/**
 * [AUTH4] Most verified tokens kept. A token is the same string on every reconnect of its
 * participant, so a reconnect storm verifies each once; the bound keeps a flood of distinct
 * (valid) tokens from growing memory. About 0.5 KB per entry.
 */
export const VERIFIED_TOKENS_MAX = 50_000;

interface Verified {
  claims: TokenClaims;
  /** The token's `exp`, in ms since the epoch. */
  expiresAtMs: number;
}

export function createTokenService(secret: string, maxVerified = VERIFIED_TOKENS_MAX): TokenService {
  // [AUTH5] Signed and checked in-line (fast-jwt, node:crypto's HMAC): WebCrypto would make each a
  // thread-pool job, and a venue's joins and a reconnect storm's first handshakes come in thousands.
  // The algorithm is pinned: a token signed with `none` or an asymmetric alg is refused.
  const signJwt = createSigner({ key: secret, algorithm: ALG, iss: ISSUER, expiresIn: TTL_MS });
  const verifyJwt = createVerifier({ key: secret, algorithms: [ALG], allowedIss: ISSUER, requiredClaims: ['exp', 'iss'] });
  // [AUTH4] The outcome of a signature check depends only on the token string and this service's
  // key, so a token that verified once needs only its expiry checked again. Failures are never kept.
  const verified = new Map<string, Verified>();
  const remember = (token: string, v: Verified) => {
    // Oldest first (Map keeps insertion order): a bounded cache, not an LRU; a miss costs one verify.
    if (verified.size >= maxVerified) verified.delete(verified.keys().next().value!);
    verified.set(token, v);
  };
  const expired = () => new RallyError(ErrorCode.UNAUTHORIZED, 'your session expired, please join again');
  return {
    async sign(c) {
      return signJwt({ sub: c.participantId, evt: c.eventId, role: c.role, kg: c.keyGeneration });
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAtMs) return known.claims;
        verified.delete(token);
        throw expired();
      }
      try {
        const payload = verifyJwt(token) as { exp: number };
        const c = Claims.parse(payload);
        // Frozen: every later use of this token gets the same object, so a mutation must throw, not leak.
        const claims: TokenClaims = Object.freeze({ participantId: c.sub, eventId: c.evt, role: c.role, keyGeneration: c.kg });
        remember(token, { claims, expiresAtMs: payload.exp * 1000 });
        return claims;
      } catch (e) {
        if (e instanceof TokenError && e.code === TokenError.codes.expired) throw expired();
        throw new RallyError(ErrorCode.UNAUTHORIZED, 'invalid participant token, please join again');
      }
    },
  };
}
