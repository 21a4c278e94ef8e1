import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, RallyError } from '@rally/shared';
import { createTokenService } from './tokens.js';

const svc = createTokenService('unit-secret-0123456789-0123456789-0123');
const claims = { participantId: 'p1', eventId: 'e1', role: 'moderator' as const, keyGeneration: 3 };

describe('participant tokens', () => {
  it('[AUTH2] a signed token verifies back to its claims', async () => {
    expect(await svc.verify(await svc.sign(claims))).toEqual(claims);
  });

  it('[AUTH1] a token signed with another secret, or tampered with, is UNAUTHORIZED', async () => {
    const other = createTokenService('another-secret-0123456789-0123456789-01');
    const foreign = await other.sign(claims);
    await expect(svc.verify(foreign)).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    const t = await svc.sign(claims);
    const [h, p, sig] = t.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url');
    await expect(svc.verify(`${h}.${elevated}.${sig}`)).rejects.toBeInstanceOf(RallyError);
    await expect(svc.verify('garbage')).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
  });

  it('[AUTH5] only HS256 tokens of issuer rally with an expiry verify', async () => {
    const secret = new TextEncoder().encode('unit-secret-0123456789-0123456789-0123');
    const base = { evt: 'e1', role: 'attendee', kg: 0 };
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const good = await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).setSubject('p1').setIssuer('rally').setExpirationTime(inAnHour).sign(secret);
    expect((await svc.verify(good)).participantId).toBe('p1');
    const bad = {
      'another issuer': await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).setSubject('p1').setIssuer('elsewhere').setExpirationTime(inAnHour).sign(secret),
      'no issuer': await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).setSubject('p1').setExpirationTime(inAnHour).sign(secret),
      'no expiry': await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).setSubject('p1').setIssuer('rally').sign(secret),
      HS384: await new SignJWT(base).setProtectedHeader({ alg: 'HS384' }).setSubject('p1').setIssuer('rally').setExpirationTime(inAnHour).sign(secret),
      expired: await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).setSubject('p1').setIssuer('rally').setExpirationTime(1).sign(secret),
    };
    for (const [what, token] of Object.entries(bad)) await expect(svc.verify(token), what).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    await expect(svc.verify(bad.expired)).rejects.toMatchObject({ message: expect.stringMatching(/expired/) });
    // What the service signs: HS256, issuer rally, an expiry.
    const [h, p] = (await svc.sign(claims)).split('.') as [string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({ iss: 'rally', sub: 'p1', exp: expect.any(Number) });
  });

  describe('[AUTH4] a verified token is checked once, its expiry every time', () => {
    afterEach(() => vi.useRealTimers());
    const secret = 'cache-secret-0123456789-0123456789-0123';
    const tokenExpiringIn = (s: number) =>
      new SignJWT({ evt: 'e1', role: 'attendee', kg: 0 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('p9')
        .setIssuer('rally')
        .setExpirationTime(Math.floor(Date.now() / 1000) + s)
        .sign(new TextEncoder().encode(secret));

    it('verifies the same token again to the same claims', async () => {
      const t = await svc.sign(claims);
      expect(await svc.verify(t)).toEqual(claims);
      expect(await svc.verify(t)).toEqual(claims);
    });

    it('refuses a token that verified before once it has expired', async () => {
      const tokens = createTokenService(secret);
      const t = await tokenExpiringIn(60);
      expect((await tokens.verify(t)).participantId).toBe('p9');
      vi.useFakeTimers({ now: Date.now() + 61_000 });
      await expect(tokens.verify(t)).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/expired/) });
      await expect(tokens.verify(t)).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    });

    it('a tampered copy of a verified token is still refused', async () => {
      const t = await svc.sign(claims);
      await svc.verify(t);
      const [h, p, sig] = t.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const elevated = Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url');
      await expect(svc.verify(`${h}.${elevated}.${sig}`)).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
      await expect(svc.verify(`${t}x`)).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    });

    it('beyond its bound every token still verifies, and a forged one still fails', async () => {
      const tokens = createTokenService(secret, 3);
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => tokens.sign({ ...claims, participantId: `p${i}` })));
      for (const round of [1, 2]) {
        for (const [i, t] of many.entries()) expect((await tokens.verify(t)).participantId, `round ${round}`).toBe(`p${i}`);
      }
      await expect(tokens.verify(await svc.sign(claims))).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    });
  });
});
