import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { ErrorCode } from '@rally/shared';
import { TEST_SECRET, connectClient, expectConnectError, keyOf, startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const key = new TextEncoder().encode(TEST_SECRET);
/** A moderator-only export, as a REST client presenting `token` would fetch it. */
const exportWith = async (eventId: string, token: string) => {
  const res = await fetch(`${s.url}/api/events/${eventId}/questions.csv`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return { status: res.status };
};

describe('tokens', () => {
  it('[AUTH1] [SEC32] forged, tampered, alg: none, wrong-algorithm and expired tokens are refused with UNAUTHORIZED at the handshake, the join and the exports', async () => {
    const ev = await s.createEvent();
    const mod = await s.join({ code: ev.code, name: 'M', key: keyOf(ev.links.moderator) });
    const [h, p, sig] = mod.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const bad: Record<string, string> = {
      forged: `${h}.${p}.${'A'.repeat(43)}`,
      // The moderator's signature on an attendee's identity.
      tampered: `${h}.${b64({ ...claims, sub: 'someone-else' })}.${sig}`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      'alg none, signature kept': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.${sig}`,
      hs512: await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(key),
      expired: await new SignJWT({ ...claims, iat: 1, exp: 2 }).setProtectedHeader({ alg: 'HS256' }).sign(key),
      garbage: 'not-a-token',
    };
    for (const [what, token] of Object.entries(bad)) {
      expect((await expectConnectError(s.url, token)).data?.code, what).toBe(ErrorCode.UNAUTHORIZED);
      expect((await exportWith(ev.event.id, token)).status, what).toBe(401);
      // A bad token presented to resume is not that participant: the join makes a new attendee.
      const rejoin = await s.join({ code: ev.code, name: 'again', token });
      expect(rejoin.participant.id, what).not.toBe(mod.participant.id);
      expect(rejoin.participant.role, what).toBe('attendee');
    }
  });

  it('[SEC33] a token of another event opens nothing there: not its exports, not its participant, not its questions', async () => {
    const a = await s.createEvent({ name: 'A' });
    const b = await s.createEvent({ name: 'B' });
    const modA = await s.join({ code: a.code, name: 'Mod A', key: keyOf(a.links.moderator) });
    expect((await exportWith(b.event.id, modA.token)).status).toBe(403);
    // Presented to B's join, A's moderator token resumes nothing and grants no role.
    const inB = await s.join({ code: b.code, name: 'Mod A in B', token: modA.token });
    expect(inB.participant.eventId).toBe(b.event.id);
    expect(inB.participant.role).toBe('attendee');
    // A's moderator, connected, cannot reach B's questions by id.
    const asker = await connectClient(s.url, (await s.join({ code: b.code, name: 'Asker', mode: 'remote' })).token);
    const asked = await asker.send('question:submit', { text: 'Only for B', anonymous: false });
    expect(asked.ok).toBe(true);
    const questionId = asked.ok ? asked.data.id : '';
    const mA = await connectClient(s.url, modA.token);
    expect(mA.snapshot.event.id).toBe(a.event.id);
    for (const r of [await mA.send('question:approve', { questionId }), await mA.send('question:dismiss', { questionId }), await mA.send('qa:banAsker', { questionId, banned: true })]) {
      expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    }
    expect((await s.store.getParticipant(asker.snapshot.me.id))?.banned).toBe(false);
    for (const c of [asker, mA]) c.close();
  });

  it('[EV2] [SEC34] after a key rotation the old privileged tokens open neither a socket nor an export; attendees keep theirs', async () => {
    const ev = await s.createEvent();
    const mod = await s.join({ code: ev.code, name: 'M', key: keyOf(ev.links.moderator) });
    const pres = await s.join({ code: ev.code, name: 'P', key: keyOf(ev.links.presenter) });
    const screen = await s.join({ code: ev.code, name: 'S', key: keyOf(ev.links.stage) });
    const att = await s.join({ code: ev.code, name: 'A' });
    expect((await exportWith(ev.event.id, mod.token)).status).toBe(200);
    expect((await s.api(`/api/events/${ev.event.id}/keys/rotate`, { method: 'POST', admin: true })).status).toBe(200);
    for (const old of [mod, pres, screen]) expect((await expectConnectError(s.url, old.token)).data?.code, old.participant.role).toBe(ErrorCode.UNAUTHORIZED);
    expect((await exportWith(ev.event.id, mod.token)).status).toBe(401);
    const a = await connectClient(s.url, att.token);
    expect(a.snapshot.me.id).toBe(att.participant.id);
    a.close();
  });
});
