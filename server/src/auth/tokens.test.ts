import { describe, expect, it } from 'vitest';
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
});
