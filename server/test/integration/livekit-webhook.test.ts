import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken, WebhookEvent, type WebhookEventNames } from 'livekit-server-sdk';
import type { BreakoutRound, EngagementEntry } from '@rally/shared';
import { breakoutRoomName } from '../../src/media/breakout-video.js';
import { sleep, startTestServer, type TestServer } from '../helpers/test-server.js';
import { videoRound } from '../helpers/video-round.js';

// [BRK43] LiveKit's webhooks as LiveKit sends them: a JSON body, and an `Authorization` JWT signed
// with the API secret whose `sha256` claim is the base64 SHA-256 of that body.

const KEY = 'APIwebhookKey';
const SECRET = 'webhook-livekit-secret-0123456789-abcdefgh';
// Rally never calls LiveKit for a webhook: the address only has to be well formed.
const LIVEKIT_ENV = { LIVEKIT_URL: 'http://127.0.0.1:9', LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };

let rally: TestServer;
let eventId: string;
let ada: string;
let round: BreakoutRound;
let seq = 0;

beforeAll(async () => {
  rally = await startTestServer({ env: LIVEKIT_ENV });
  const ev = await rally.createEvent();
  eventId = ev.event.id;
  ada = (await rally.join({ code: ev.code, name: 'Ada', mode: 'remote' })).participant.id;
  round = videoRound(eventId, 'open');
  await rally.store.createRound(round);
});
afterAll(() => rally?.close());

/** A webhook body as LiveKit serialises it (protobuf JSON). */
function body(kind: WebhookEventNames, roomName: string, identity: string, opts: { id?: string; createdAtSec?: number } = {}): string {
  const ev = new WebhookEvent({
    id: opts.id ?? `EV_test${++seq}`,
    createdAt: BigInt(opts.createdAtSec ?? Math.floor(Date.now() / 1000)),
    room: { sid: 'RM_x', name: roomName },
    participant: { sid: 'PA_x', identity, name: 'Ada' },
  });
  // The SDK's WebhookEvent resets `event` after construction: set it afterwards.
  ev.event = kind;
  return ev.toJsonString();
}

/** The `Authorization` header LiveKit sends: a JWT with the body's SHA-256, signed with `secret`. */
async function sign(raw: string, secret = SECRET): Promise<string> {
  const at = new AccessToken(KEY, secret);
  at.sha256 = createHash('sha256').update(raw).digest('base64');
  return at.toJwt();
}

async function post(raw: string, authorization?: string, contentType = 'application/webhook+json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization !== undefined) headers.authorization = authorization;
  const res = await fetch(`${rally.url}/api/livekit/webhook`, { method: 'POST', headers, body: raw });
  return { status: res.status, body: (await res.json()) as { ok?: boolean; error?: { code: string; message: string } } };
}

const roomName = (roomId: string) => breakoutRoomName({ eventId, roundId: round.id, roomId });
const inVideo = async () => Object.fromEntries(await rally.store.listInVideo(round.id));

/** The event's engagement entries once the recorder has written its buffer (every 100 ms). */
async function entries(): Promise<EngagementEntry[]> {
  await sleep(250);
  return (await rally.store.readEngagement(eventId, null, 1000)).entries;
}

describe('LiveKit webhooks', () => {
  it('[BRK43] a signed participant_joined / participant_left in a breakout room records engagement and who is in the call', async () => {
    const joined = body('participant_joined', roomName('north'), ada);
    expect(await post(joined, await sign(joined))).toEqual({ status: 200, body: { ok: true } });
    expect(await inVideo()).toEqual({ north: [ada] });

    const left = body('participant_left', roomName('north'), ada);
    // LiveKit's content type or plain JSON: the raw body is verified either way.
    expect((await post(left, await sign(left), 'application/json')).status).toBe(200);
    expect((await inVideo()).north ?? []).toEqual([]);

    const mine = (await entries()).filter((e) => e.participantId === ada && e.kind.startsWith('breakout'));
    expect(mine.map((e) => [e.kind, e.ref, e.breakoutRoomId])).toEqual([
      ['breakoutJoined', round.id, 'north'],
      ['breakoutLeft', round.id, 'north'],
    ]);
  });

  it('[BRK43] unsigned, forged, tampered, stale and replayed webhooks are refused with 401 UNAUTHORIZED and change nothing', async () => {
    const before = (await entries()).length;
    const raw = body('participant_joined', roomName('south'), ada);
    const unauthorized = { status: 401, body: { error: { code: 'UNAUTHORIZED', message: expect.any(String) } } };

    expect(await post(raw)).toEqual(unauthorized);
    expect(await post(raw, await sign(raw, `another-secret-${'x'.repeat(32)}`))).toEqual(unauthorized);
    // Signed for one body, sent with another: the sha256 claim no longer matches.
    const tampered = raw.replace(roomName('south'), roomName('north'));
    expect(await post(tampered, await sign(raw))).toEqual(unauthorized);
    expect(await post(raw, 'not-a-jwt')).toEqual(unauthorized);
    // Correctly signed now, but created ten minutes ago.
    const old = body('participant_joined', roomName('south'), ada, { createdAtSec: Math.floor(Date.now() / 1000) - 600 });
    expect(await post(old, await sign(old))).toEqual(unauthorized);

    expect(await inVideo()).toEqual({});
    expect((await entries()).length).toBe(before);

    // Accepted once; the same event again, even freshly signed, is a replay.
    const auth = await sign(raw);
    expect((await post(raw, auth)).status).toBe(200);
    expect(await post(raw, auth)).toEqual(unauthorized);
    expect(await post(raw, await sign(raw))).toEqual(unauthorized);
    expect(await inVideo()).toEqual({ south: [ada] });
    expect((await entries()).length).toBe(before + 1);
  });

  it('[BRK43] verified events about other rooms or other kinds are answered 200 and change nothing', async () => {
    const before = (await entries()).length;
    const seen = await inVideo();
    for (const raw of [
      body('participant_joined', 'northwind-stage', ada),
      body('room_started', roomName('north'), ada),
      body('participant_joined', roomName('east'), ada),
      body('participant_joined', roomName('north'), 'stranger'),
    ]) {
      expect(await post(raw, await sign(raw))).toEqual({ status: 200, body: { ok: true } });
    }
    expect(await inVideo()).toEqual(seen);
    expect((await entries()).length).toBe(before);
  });
});

describe('LiveKit webhooks without LiveKit', () => {
  it('[BRK44] the route answers 503 UNAVAILABLE: there is no secret to verify with', async () => {
    const bare = await startTestServer();
    try {
      const raw = body('participant_joined', 'rally.e.r.north', 'p');
      const res = await fetch(`${bare.url}/api/livekit/webhook`, { method: 'POST', headers: { 'content-type': 'application/webhook+json', authorization: await sign(raw) }, body: raw });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'UNAVAILABLE', message: 'LiveKit is not configured on this server' } });
    } finally {
      await bare.close();
    }
  });
});
