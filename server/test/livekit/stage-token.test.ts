import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { RoomServiceClient, type ParticipantInfo } from 'livekit-server-sdk';
import WebSocket from 'ws';
import type { StreamToken } from '@rally/shared';
import { startLivekitServer, type LivekitServerHandle } from '../helpers/livekit-server.js';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

// Rally's stage tokens against a real livekit-server: what LiveKit itself makes of them, not what a
// JWT library says they contain (server/src/media/livekit.test.ts checks the claims).

let lk: LivekitServerHandle;
let rally: TestServer;
let rooms: RoomServiceClient;
const open: { close(): void }[] = [];

beforeAll(async () => {
  lk = await startLivekitServer();
  rally = await startTestServer({ env: lk.env });
  rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
});
afterAll(async () => {
  for (const c of open.splice(0)) c.close();
  await rally?.close();
  await lk?.stop();
});

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(rally.url, token);
  open.push(c);
  return c;
}

/**
 * An event whose stage streams from `roomName` on LiveKit, and a remote attendee holding its token.
 * The room is created first, as the AV desk's would be.
 */
async function attendeeToken(roomName: string, name: string): Promise<{ attendee: TestClient; token: StreamToken }> {
  await rooms.createRoom({ name: roomName });
  const ev = await rally.createEvent();
  const mod = await client((await rally.join({ code: ev.code, name: 'Mo Desk', key: keyOf(ev.links.moderator) })).token);
  await ok(mod.send('stage:setStream', { stream: { kind: 'livekit', roomName } }));
  const attendee = await client((await rally.join({ code: ev.code, name, mode: 'remote' })).token);
  return { attendee, token: await ok(attendee.send('stage:streamToken', {})) };
}

type Signal = { accepted: true; firstMessage: Buffer } | { accepted: false; status: number };

/**
 * Opens LiveKit's signalling WebSocket as a LiveKit client does (`/rtc?access_token=…`). LiveKit
 * checks the token and places the participant before upgrading, then sends the join response
 * first; a refused token gets an HTTP error instead of the upgrade.
 */
function openSignal(wsUrl: string, token: string): Promise<Signal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/rtc?${new URLSearchParams({ access_token: token, protocol: '16', sdk: 'js', auto_subscribe: '1' })}`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`LiveKit neither answered nor refused within 10 s:\n${lk.output()}`));
    }, 10_000);
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      ws.terminate();
      resolve({ accepted: false, status: res.statusCode ?? 0 });
    });
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      open.push({ close: () => ws.terminate() });
      resolve({ accepted: true, firstMessage: data });
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The same claims signed again: with another secret (a forgery) or with other times. */
function resign(token: string, secret: string, times: Partial<Pick<JWTPayload, 'exp' | 'nbf'>> = {}): Promise<string> {
  return new SignJWT({ ...decodeJwt(token), ...times }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

const nowSec = () => Math.floor(Date.now() / 1000);
const findIn = async (roomName: string, identity: string): Promise<ParticipantInfo | undefined> =>
  (await rooms.listParticipants(roomName)).find((p) => p.identity === identity);

describe('stage tokens on a real LiveKit server', () => {
  it('[STAGE3] the token from stage:streamToken joins the stage room as the participant, by name, allowed to subscribe and nothing else', async () => {
    const { attendee, token } = await attendeeToken('northwind-stage', 'Remy Remote');
    // Rally hands browsers LiveKit's WebSocket address for the HTTP one it is configured with.
    expect(token.url).toBe(lk.httpUrl.replace(/^http:/, 'ws:'));
    expect(token.roomName).toBe('northwind-stage');

    const signal = await openSignal(token.url, token.token);
    expect(signal).toMatchObject({ accepted: true });

    const me = await findIn('northwind-stage', attendee.snapshot.me.id);
    expect(me).toBeDefined();
    expect(me!.name).toBe('Remy Remote');
    expect(me!.permission).toMatchObject({ canSubscribe: true, canPublish: false, canPublishData: false });
    // Nothing beyond subscribing: no admin, recorder or hidden participant powers either.
    expect(me!.permission).toMatchObject({ hidden: false, recorder: false, canUpdateMetadata: false });
  });

  it('[STAGE3] each event\'s token joins that event\'s stage room only', async () => {
    const a = await attendeeToken('stage-a', 'Ada');
    const b = await attendeeToken('stage-b', 'Bob');
    for (const t of [a, b]) expect(await openSignal(t.token.url, t.token.token)).toMatchObject({ accepted: true });
    expect(await findIn('stage-a', a.attendee.snapshot.me.id)).toBeDefined();
    expect(await findIn('stage-a', b.attendee.snapshot.me.id)).toBeUndefined();
    expect(await findIn('stage-b', b.attendee.snapshot.me.id)).toBeDefined();
    expect(await findIn('stage-b', a.attendee.snapshot.me.id)).toBeUndefined();
  });

  it('[STAGE3] LiveKit refuses the same grant signed with another secret, or expired; signed again with ours and current it is accepted', async () => {
    const { attendee, token } = await attendeeToken('refusals-stage', 'Eve');
    const forged = await resign(token.token, `another-secret-${'x'.repeat(32)}`);
    // LiveKit tolerates a minute of clock skew: this one expired ten minutes ago.
    const expired = await resign(token.token, lk.apiSecret, { nbf: nowSec() - 1200, exp: nowSec() - 600 });
    expect(await openSignal(token.url, forged)).toEqual({ accepted: false, status: 401 });
    expect(await openSignal(token.url, expired)).toEqual({ accepted: false, status: 401 });
    expect(await findIn('refusals-stage', attendee.snapshot.me.id)).toBeUndefined();

    // The refusals are about the signature and the time, not about signing again.
    const current = await resign(token.token, lk.apiSecret, { nbf: nowSec() - 5, exp: nowSec() + 60 });
    expect(await openSignal(token.url, current)).toMatchObject({ accepted: true });
    expect(await findIn('refusals-stage', attendee.snapshot.me.id)).toBeDefined();
  });
});
