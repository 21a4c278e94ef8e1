import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { connectClient, expectConnectError, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

/**
 * The abuse budgets through the real HTTP and Socket.IO edges. The budgets are small here, set the
 * way an operator would (env), so a handful of requests crosses them; the unit tests
 * (server/src/realtime/connection-limits.test.ts) play the default sizes at a venue's real pace.
 */
let s: TestServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

const NONE = 'off';
async function serverWith(env: Record<string, string>): Promise<TestServer> {
  s = await startTestServer({ env: { JOIN_LIMIT_PER_ADDRESS: NONE, JOIN_LIMIT_PER_EVENT: NONE, CONNECT_LIMIT_PER_ADDRESS: NONE, ...env } });
  return s;
}

/** POST /api/join as a client at `from` would (X-Forwarded-For, as a proxy in front adds it). */
const joinFrom = (srv: TestServer, code: string, name: string, from?: string, extra: Record<string, unknown> = {}) =>
  srv.api('/api/join', { method: 'POST', body: JSON.stringify({ code, name, mode: 'remote', ...extra }), headers: from ? { 'x-forwarded-for': from } : {} });

async function rawJoin(srv: TestServer, code: string, name: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ code, name, mode: 'remote' }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

describe('joins and handshakes under abuse budgets', () => {
  it('[SEC2] over the per-address budget a join is a 429 RATE_LIMITED with retryAfterMs and Retry-After, and creates nothing', async () => {
    const srv = await serverWith({ JOIN_LIMIT_PER_ADDRESS: '3/60s' });
    const ev = await srv.createEvent();
    for (let i = 0; i < 3; i++) expect((await rawJoin(srv, ev.code, `P${i}`)).status).toBe(200);
    const refused = await rawJoin(srv, ev.code, 'One too many');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/try again in \d+ s/) });
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(refused.body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(refused.retryAfter)).toBe(Math.ceil(refused.body.error.retryAfterMs / 1000));
    expect((await srv.store.listParticipants(ev.event.id)).map((p) => p.name).sort()).toEqual(['P0', 'P1', 'P2']);
  });

  it('[SEC3] X-Forwarded-For from a trusted proxy names the client: each address behind it has its own budget', async () => {
    // The test client is on 127.0.0.1, which the default TRUST_PROXY (loopback) trusts as a proxy.
    const srv = await serverWith({ JOIN_LIMIT_PER_ADDRESS: '2/60s' });
    const ev = await srv.createEvent();
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expect((await joinFrom(srv, ev.code, 'a', from)).status).toBe(200);
      expect((await joinFrom(srv, ev.code, 'b', from)).status).toBe(200);
      expect((await joinFrom(srv, ev.code, 'c', from)).status).toBe(429);
    }
  });

  it('[SEC3] X-Forwarded-For from a peer that is not a trusted proxy is ignored: a spoofed header buys no new budget', async () => {
    // Only 10.0.0.1 is a proxy here; the test client (127.0.0.1) is an ordinary client.
    const srv = await serverWith({ TRUST_PROXY: '10.0.0.1', JOIN_LIMIT_PER_ADDRESS: '2/60s', CONNECT_LIMIT_PER_ADDRESS: '4/60s' });
    const ev = await srv.createEvent();
    expect((await joinFrom(srv, ev.code, 'a', '198.51.100.1')).status).toBe(200);
    const j = await joinFrom(srv, ev.code, 'b', '198.51.100.2');
    expect(j.status).toBe(200);
    const spoofed = await joinFrom(srv, ev.code, 'c', '198.51.100.3');
    expect(spoofed.status).toBe(429);
    expect(spoofed.body.error.code).toBe(ErrorCode.RATE_LIMITED);
    // The handshake reads the address by the same rule: three join requests and one handshake
    // spent the connect budget of 127.0.0.1, whatever the header says.
    clients.push(await connectClient(srv.url, j.body.token, { extraHeaders: { 'x-forwarded-for': '198.51.100.4' } }));
    const err = await expectConnectError(srv.url, j.body.token, { extraHeaders: { 'x-forwarded-for': '198.51.100.5' } });
    expect(err.data?.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('[SEC4] over the per-address budget a socket handshake is refused with the typed RATE_LIMITED connect error and retryAfterMs', async () => {
    const srv = await serverWith({ CONNECT_LIMIT_PER_ADDRESS: '3/60s' });
    const ev = await srv.createEvent();
    const j = await srv.join({ code: ev.code, name: 'Ada', mode: 'remote' }); // the join request: 1
    clients.push(await connectClient(srv.url, j.token)); // 2
    clients.push(await connectClient(srv.url, j.token)); // 3
    const err = await expectConnectError(srv.url, j.token);
    expect(err.data).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/try/) });
    const retryAfterMs = (err.data as { retryAfterMs?: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    // The join route spends the same budget: one more join request from here is a 429.
    expect((await joinFrom(srv, ev.code, 'Bob')).status).toBe(429);
    // Another address behind the trusted proxy has its own.
    clients.push(await connectClient(srv.url, j.token, { extraHeaders: { 'x-forwarded-for': '203.0.113.9' } }));
  });

  it('[SEC5] an event takes at most its ceiling of new participants, from any mix of addresses; other events are unaffected', async () => {
    const srv = await serverWith({ JOIN_LIMIT_PER_EVENT: '3/60s' });
    const ev = await srv.createEvent();
    const other = await srv.createEvent({ name: 'Other' });
    for (let i = 0; i < 3; i++) expect((await joinFrom(srv, ev.code, `P${i}`, `198.51.100.${i + 1}`)).status).toBe(200);
    const refused = await joinFrom(srv, ev.code, 'P3', '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringContaining('this event') });
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect((await joinFrom(srv, other.code, 'Q', '198.51.100.99')).status).toBe(200);
    expect(await srv.store.listParticipants(ev.event.id)).toHaveLength(3);
  });

  it('[SEC6] a resumed join (a valid token for the same participant) spends no participant budget', async () => {
    const srv = await serverWith({ JOIN_LIMIT_PER_ADDRESS: '2/60s', JOIN_LIMIT_PER_EVENT: '2/60s' });
    const ev = await srv.createEvent();
    const first = await joinFrom(srv, ev.code, 'Ada');
    expect(first.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const again = await joinFrom(srv, ev.code, 'Ada', undefined, { token: first.body.token });
      expect(again.status).toBe(200);
      expect(again.body.participant.id).toBe(first.body.participant.id);
    }
    // One new participant still fits both budgets, and then neither has room.
    expect((await joinFrom(srv, ev.code, 'Bob')).status).toBe(200);
    expect((await joinFrom(srv, ev.code, 'Cy')).status).toBe(429);
  });
});
