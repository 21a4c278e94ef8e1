import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
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
const TTL = '7d';

const Claims = z.object({ sub: z.string().min(1), evt: z.string().min(1), role: Role, kg: z.number().int().min(0) });

export interface TokenService {
  sign(claims: TokenClaims): Promise<string>;
  /** Throws RallyError UNAUTHORIZED for a missing, expired, forged or malformed token. */
  verify(token: string): Promise<TokenClaims>;
}

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(c) {
      return new SignJWT({ evt: c.eventId, role: c.role, kg: c.keyGeneration })
        .setProtectedHeader({ alg: ALG })
        .setSubject(c.participantId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(TTL)
        .sign(key);
    },
    async verify(token) {
      try {
        // The algorithm is pinned: a token signed with `none` or an asymmetric alg is refused.
        const { payload } = await jwtVerify(token, key, { algorithms: [ALG], issuer: ISSUER });
        const c = Claims.parse(payload);
        return { participantId: c.sub, eventId: c.evt, role: c.role, keyGeneration: c.kg };
      } catch (e) {
        const expired = e instanceof joseErrors.JWTExpired;
        throw new RallyError(ErrorCode.UNAUTHORIZED, expired ? 'your session expired, please join again' : 'invalid participant token, please join again');
      }
    },
  };
}
