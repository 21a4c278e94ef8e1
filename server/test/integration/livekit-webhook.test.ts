import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakoutRound, EngagementEntry } from '@rally/shared';
import { breakoutRoomName } from '../../src/media/breakout-video.js';
import { connectClient, sleep, startTestServer, type TestServer } from '../helpers/test-server.js';
import { postWebhook, signWebhook, webhookBody } from '../helpers/livekit-webhook.js';
import { videoRound } from '../helpers/video-round.js';

// [BRK43] LiveKit's webhooks, signed as LiveKit signs them (helpers/livekit-webhook.ts), at one node.

const KEY = 'APIwebhookKey';
const SECRET = 'webhook-livekit-secret-0123456789-abcdefgh';
// Rally never calls LiveKit for a webhook: the address only has to be well formed.
const LIVEKIT_ENV = { LIVEKIT_URL: 'http://127.0.0.1:9', LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };

let rally: TestServer;
let eventId: string;
let code: string;
let ada: string;
let bea: string;
let round: BreakoutRound;

beforeAll(async () => {
  rally = await startTestServer({ env: LIVEKIT_ENV });
  const ev = await rally.createEvent();
  eventId = ev.event.id;
  code = ev.code;
  ada = (await rally.join({ code: ev.code, name: 'Ada', mode: 'remote' })).participant.id;
  bea = (await rally.join({ code: ev.code, name: 'Bea', mode: 'remote' })).participant.id;
  round = videoRound(eventId, 'open');
  await rally.store.createRound(round);
  await rally.store.setAssignments(round.id, new Map([[ada, 'north'], [bea, 'south']]));
});
afterAll(() => rally?.close());

const body = webhookBody;
const sign = (raw: string, secret = SECRET) => signWebhook(raw, KEY, secret);
const post = (raw: string, authorization?: string, contentType?: string) => postWebhook(rally.url, raw, authorization, contentType);

const roomName = (roomId: string) => breakoutRoomName({ eventId, roundId: round.id, roomId });
const inVideo = async () => Object.fromEntries(await rally.store.listInVideo(round.id));

/** The event's engagement entries once the recorder has written its buffer (every 100 ms). */
async function entries(): Promise<EngagementEntry[]> {
  await sleep(250);
  return (await rally.store.readEngagement(eventId, null, 1000)).entries;
}

describe('LiveKit webhooks', () => {
  it('[BRK44] with LiveKit configured the snapshot says video is on', async () => {
    const c = await connectClient(rally.url, (await rally.join({ code: code, name: 'Val', mode: 'remote' })).token);
    expect(c.snapshot.breakouts?.video).toBe(true);
    c.close();
  });

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
    const raw = body('participant_joined', roomName('south'), bea);
    const unauthorized = { status: 401, body: { error: { code: 'UNAUTHORIZED', message: expect.any(String) } } };

    expect(await post(raw)).toEqual(unauthorized);
    expect(await post(raw, await sign(raw, `another-secret-${'x'.repeat(32)}`))).toEqual(unauthorized);
    // Signed for one body, sent with another: the sha256 claim no longer matches.
    const tampered = raw.replace(roomName('south'), roomName('north'));
    expect(await post(tampered, await sign(raw))).toEqual(unauthorized);
    expect(await post(raw, 'not-a-jwt')).toEqual(unauthorized);
    // Correctly signed now, but created ten minutes ago.
    const old = body('participant_joined', roomName('south'), bea, { createdAtSec: Math.floor(Date.now() / 1000) - 600 });
    expect(await post(old, await sign(old))).toEqual(unauthorized);

    expect(await inVideo()).toEqual({});
    expect((await entries()).length).toBe(before);

    // Accepted once; the same event again, even freshly signed, is a replay.
    const auth = await sign(raw);
    expect((await post(raw, auth)).status).toBe(200);
    expect(await post(raw, auth)).toEqual(unauthorized);
    expect(await post(raw, await sign(raw))).toEqual(unauthorized);
    expect(await inVideo()).toEqual({ south: [bea] });
    expect((await entries()).length).toBe(before + 1);
  });

  it('[BRK43] [BRK41] verified events about other rooms, other kinds, or someone not belonging in the room are answered 200 and change nothing', async () => {
    const before = (await entries()).length;
    const seen = await inVideo();
    for (const raw of [
      body('participant_joined', 'northwind-stage', ada),
      body('room_started', roomName('north'), ada),
      body('participant_joined', roomName('east'), ada),
      body('participant_joined', roomName('north'), 'stranger'),
      // [BRK41] Ada belongs in North: a join to South (an old token) is taken out, not counted.
      body('participant_joined', roomName('south'), ada),
    ]) {
      expect(await post(raw, await sign(raw))).toEqual({ status: 200, body: { ok: true } });
    }
    expect(await inVideo()).toEqual(seen);
    expect((await entries()).length).toBe(before);
  });
});

describe('LiveKit webhook metrics', () => {
  /** This node's count of webhook requests per outcome, read from its metrics registry. */
  const outcomes = async (): Promise<Record<string, number>> => {
    const [m] = await rally.app.metrics.registry.getSingleMetric('rally_livekit_webhooks_total')!.get().then((g) => [g]);
    return Object.fromEntries(m!.values.map((v) => [String(v.labels.outcome), v.value]));
  };

  it('[OPS23] each request is counted by its outcome', async () => {
    const before = await outcomes();
    const raw = body('participant_joined', roomName('north'), ada);
    await post(raw);
    await post(raw, 'not-a-jwt');
    const old = body('participant_joined', roomName('north'), ada, { createdAtSec: Math.floor(Date.now() / 1000) - 600 });
    await post(old, await sign(old));
    const auth = await sign(raw);
    expect((await post(raw, auth)).status).toBe(200);
    await post(raw, auth);
    const other = body('room_started', roomName('north'), ada);
    expect((await post(other, await sign(other))).status).toBe(200);
    const after = await outcomes();
    const moved = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
    expect(moved).toEqual({ applied: 1, ignored: 1, not_configured: 0, unsigned: 1, bad_signature: 1, stale: 1, duplicate: 1, failed: 0 });
  });
});

describe('LiveKit webhooks without LiveKit', () => {
  it('[BRK44] the route answers 503 UNAVAILABLE (there is no secret to verify with), and the snapshot says video is off', async () => {
    const bare = await startTestServer();
    try {
      const ev = await bare.createEvent();
      const raw = body('participant_joined', 'rally.e.r.north', 'p');
      expect(await postWebhook(bare.url, raw, await sign(raw))).toEqual({ status: 503, body: { error: { code: 'UNAVAILABLE', message: 'LiveKit is not configured on this server' } } });
      const c = await connectClient(bare.url, (await bare.join({ code: ev.code, name: 'Vic', mode: 'remote' })).token);
      expect(c.snapshot.breakouts?.video).toBe(false);
      c.close();
    } finally {
      await bare.close();
    }
  });
});
