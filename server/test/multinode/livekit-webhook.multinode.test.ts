import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse, JoinResponse } from '@rally/shared';
import { breakoutRoomName } from '../../src/media/breakout-video.js';
import { ok } from '../helpers/acks.js';
import { postJson, startNode, type ClusterNode } from '../helpers/cluster.js';
import { postWebhook, signWebhook, webhookBody } from '../helpers/livekit-webhook.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { keyOf, trackedConnect, type TestClient } from '../helpers/test-server.js';

// [BRK43] LiveKit's webhooks reach whichever node the load balancer picks: a replay is caught by the
// dedupe in Redis whatever node it is sent to, and presence reaches staff on every node.

const KEY = 'APIclusterKey';
const SECRET = 'cluster-livekit-secret-0123456789-abcdefgh';
// The nodes never call LiveKit in this suite (no round opens a call that anyone joins): the address only has to be well formed.
const LIVEKIT_ENV = { LIVEKIT_URL: 'http://127.0.0.1:9', LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };

let redis: RedisServerHandle;
let nodes: ClusterNode[] = [];
let A: string;
let B: string;
const clients: TestClient[] = [];
const connect = trackedConnect(clients);
const sign = (raw: string) => signWebhook(raw, KEY, SECRET);

beforeAll(async () => {
  redis = await startRedisServer();
  nodes = [await startNode(redis.url, LIVEKIT_ENV), await startNode(redis.url, LIVEKIT_ENV)];
  [A, B] = nodes.map((n) => n.url) as [string, string];
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(nodes.map((n) => n.kill()));
  await redis?.stop();
});

describe('LiveKit webhooks across nodes', () => {
  it('[BRK43] a webhook accepted by one node is a replay on the other: the dedupe is in Redis, shared by every node', async () => {
    const raw = webhookBody('room_started', 'rally.e.r.north', 'nobody');
    const auth = await sign(raw);
    expect(await postWebhook(A, raw, auth)).toEqual({ status: 200, body: { ok: true } });
    const replay = { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'the webhook was already received' } } };
    expect(await postWebhook(B, raw, auth)).toEqual(replay);
    expect(await postWebhook(B, raw, await sign(raw))).toEqual(replay);
    expect(await postWebhook(A, raw, auth)).toEqual(replay);
    // Another event is another id: accepted wherever it lands.
    const next = webhookBody('room_started', 'rally.e.r.north', 'nobody');
    expect((await postWebhook(B, next, await sign(next))).status).toBe(200);
  });

  it('[BRK43] [BRK17] a participant_joined landing on one node reaches the moderators on the other as who is in video', async () => {
    const ev = await postJson<CreateEventResponse>(A, '/api/events', { name: 'Cluster breakouts', teams: [], agenda: [] }, true);
    const join = (url: string, body: Record<string, unknown>) => postJson<JoinResponse>(url, '/api/join', { code: ev.code, ...body });
    const mod = await connect(A, (await join(A, { name: 'Mo on A', key: keyOf(ev.links.moderator) })).token);
    const ada = await connect(B, (await join(B, { name: 'Ada on B', mode: 'remote' })).token);
    const adaId = ada.snapshot.me.id;
    const round = await ok(
      mod.send('breakout:create', {
        sessionId: null,
        draft: { title: 'Clinic', durationSec: 600, audience: 'remote', strategy: { kind: 'manual' }, format: { kind: 'open' }, rooms: [{ id: 'north', name: 'North', topic: '', capacity: 4, facilitatorId: null }] },
      }),
    );
    await ok(mod.send('breakout:move', { roundId: round.id, participantId: adaId, roomId: 'north' }));
    await ok(mod.send('breakout:open', { roundId: round.id }));

    const raw = webhookBody('participant_joined', breakoutRoomName({ eventId: ev.event.id, roundId: round.id, roomId: 'north' }), adaId);
    const inVideo = mod.waitFor('breakout:occupancyChanged', (o) => o.roundId === round.id && (o.rooms.north?.inVideo ?? []).includes(adaId), 10_000);
    expect((await postWebhook(B, raw, await sign(raw))).status).toBe(200);
    expect((await inVideo).rooms.north).toEqual({ assigned: [adaId], inVideo: [adaId] });
  });
});
