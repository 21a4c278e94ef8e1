import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import type { CreateEventResponse, MyBreakout } from '@rally/shared';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [BRK45] With video on the server, each place in a running round arrives with its room's token, so
// nobody has to ask for one the moment a round opens. LiveKit itself is not running here (port 9 on
// loopback refuses at once): tokens are Rally's own signature, and the calls' creation is best effort.

const LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'APIplacesKey', LIVEKIT_API_SECRET: 'places-livekit-secret-0123456789-abcdefgh' };
const verify = (token: string) => new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(token);

let s: TestServer;
let ev: CreateEventResponse;
let mod: TestClient;
let people: TestClient[];

beforeAll(async () => {
  s = await startTestServer({ env: LIVEKIT });
  ev = await s.createEvent();
  mod = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Mo', key: keyOf(ev.links.moderator) })).token);
  people = [];
  for (const name of ['Ada', 'Bo', 'Cy']) people.push(await connectClient(s.url, (await s.join({ code: ev.code, name, mode: 'remote' })).token));
});
afterAll(async () => {
  for (const c of [mod, ...people]) c.close();
  await s.close();
});

const idOf = (c: TestClient) => c.snapshot.me.id;

describe('a place comes with its room’s video token', () => {
  it('[BRK45] [BRK40] [BRK41] open: each attendee’s breakout:assigned holds a token for their own room only, as themselves, publishing', async () => {
    const created = await ok(
      mod.send('breakout:create', {
        sessionId: null,
        draft: { title: 'Pairs', durationSec: 600, audience: 'everyone', rooms: [{ id: 'alpha', name: 'Alpha', capacity: 2 }, { id: 'bravo', name: 'Bravo', capacity: 2 }] } as never,
      }),
    );
    const arrivals = people.map((c) => c.waitFor('breakout:assigned', (p) => p.roundId === created.id && p.roomId !== null));
    await ok(mod.send('breakout:open', { roundId: created.id }));
    const places: MyBreakout[] = await Promise.all(arrivals);
    for (const [i, mine] of places.entries()) {
      expect(mine.video).toBeDefined();
      const video = mine.video!;
      expect(video.roomId).toBe(mine.roomId);
      expect(video.canPublish).toBe(true);
      const claims = await verify(video.token);
      expect(claims.sub).toBe(idOf(people[i]!));
      expect(claims.video).toMatchObject({ roomJoin: true, room: video.roomName, canPublish: true, canSubscribe: true, canPublishData: false });
      expect(video.roomName).toBe(`rally.${ev.event.id}.${created.id}.${mine.roomId}`);
      expect(Date.parse(video.expiresAt)).toBeGreaterThan(Date.now());
    }

    // [BRK15] Moved: the new place holds the new room's token, never the old one's.
    const [who, was] = [...places.entries()].map(([i, m]) => [people[i]!, m] as const).find(([, m]) => m.roomId === 'alpha')!;
    const to = was.roomId === 'alpha' ? 'bravo' : 'alpha';
    const full = places.filter((m) => m.roomId === to).length >= 2;
    if (full) {
      const other = people.find((c, i) => places[i]!.roomId === to)!;
      await ok(mod.send('breakout:move', { roundId: created.id, participantId: idOf(other), roomId: null }));
    }
    const told = who.waitFor('breakout:assigned', (p) => p.roundId === created.id && p.roomId === to);
    await ok(mod.send('breakout:move', { roundId: created.id, participantId: idOf(who), roomId: to }));
    const moved = await told;
    expect(moved.video?.roomId).toBe(to);
    expect((await verify(moved.video!.token)).video?.room).toBe(`rally.${ev.event.id}.${created.id}.${to}`);
  });
});
