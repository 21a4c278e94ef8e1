import { describe, expect, it } from 'vitest';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { livekitTokenSigner } from './livekit-token.js';

const KEY = 'APIkey0123';
const SECRET = 'a-livekit-secret-of-enough-length-0123456789';
const grant = { roomJoin: true, room: 'rally.e1.r1.room1', canPublish: true, canSubscribe: true, canPublishData: false };

describe('LiveKit tokens signed in-line [BRK46]', () => {
  it('carries exactly the claims the SDK would, and verifies with its TokenVerifier', async () => {
    const ours = await new TokenVerifier(KEY, SECRET).verify(livekitTokenSigner(KEY, SECRET)({ identity: 'p1', name: 'Ada', ttlSec: 600, grant }));
    const at = new AccessToken(KEY, SECRET, { identity: 'p1', name: 'Ada', ttl: 600 });
    at.addGrant(grant);
    const sdk = await new TokenVerifier(KEY, SECRET).verify(await at.toJwt());
    const { nbf: n1, exp: e1, ...mine } = ours;
    const { nbf: n2, exp: e2, ...theirs } = sdk;
    expect(mine).toEqual(theirs);
    // Stamped from the same clock within the test's duration: valid now, for the TTL.
    expect(Math.abs(n1! - n2!)).toBeLessThanOrEqual(1);
    expect(e1! - n1!).toBe(600);
    expect(e2! - n2!).toBe(600);
  });

  it('leaves an empty name out, as the SDK does', async () => {
    const claims = await new TokenVerifier(KEY, SECRET).verify(livekitTokenSigner(KEY, SECRET)({ identity: 'p1', name: '', ttlSec: 60, grant }));
    expect(claims.name).toBeUndefined();
    expect(claims.sub).toBe('p1');
  });

  it('tokens with one grant key share its claim; another key, or none, carries its own grant', async () => {
    const sign = livekitTokenSigner(KEY, SECRET);
    const verify = (t: string) => new TokenVerifier(KEY, SECRET).verify(t);
    const viewer = { ...grant, room: 'rally.e1.r1.room2', canPublish: false };
    const a = await verify(sign({ identity: 'p1', name: 'Ada', ttlSec: 60, grant, grantKey: 'member:room1' }));
    const b = await verify(sign({ identity: 'p2', name: 'Bo', ttlSec: 60, grant, grantKey: 'member:room1' }));
    const c = await verify(sign({ identity: 'p3', name: 'Cy', ttlSec: 60, grant: viewer, grantKey: 'viewer:room2' }));
    const d = await verify(sign({ identity: 'p4', name: 'Di', ttlSec: 60, grant: viewer }));
    expect(b.video).toEqual(a.video);
    expect([a.sub, b.sub]).toEqual(['p1', 'p2']);
    expect(c.video).toMatchObject({ room: 'rally.e1.r1.room2', canPublish: false });
    expect(d.video).toEqual(c.video);
  });

  it('is refused by a verifier holding another secret', async () => {
    const token = livekitTokenSigner(KEY, SECRET)({ identity: 'p1', name: 'Ada', ttlSec: 60, grant });
    await expect(new TokenVerifier(KEY, 'another-secret-0123456789-0123456789-xx').verify(token)).rejects.toThrow();
  });
});
