import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BREAKOUT_LIMITS, ErrorCode, type BreakoutRound, type CreateEventResponse } from '@rally/shared';
import { MAX_FRAME_BYTES } from '../../src/app.js';
import { TEST_ADMIN, connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
let ev: CreateEventResponse;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s.close();
});
beforeEach(async () => {
  ev = await s.createEvent();
});

const rest = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) => {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TEST_ADMIN}`);
  return fetch(s.url + path, { method: init.method ?? 'POST', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
};

/** The biggest plan there is: every room named and with a topic. */
const bigDraft = (title = 'Big round') => ({
  title,
  durationSec: 900,
  audience: 'everyone',
  rooms: Array.from({ length: BREAKOUT_LIMITS.roomsPerRound }, (_, i) => ({ id: `room${i}`, name: `Room number ${i + 1}`, topic: `Topic of room ${i + 1}: pipeline review`, capacity: 20 })),
});

describe('breakout round plans over REST', () => {
  it('[BRK5] a plan of 500 rooms, bigger than a socket frame, is created and replaced over REST by a moderator; staff hear of it as from the commands', async () => {
    const draft = bigDraft();
    expect(Buffer.byteLength(JSON.stringify(draft))).toBeGreaterThan(MAX_FRAME_BYTES);
    const mod = await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) });
    const watcher = await connectClient(s.url, mod.token);
    clients.push(watcher);
    const heard = watcher.waitFor('breakout:roundUpdated', (r) => r.title === 'Big round');

    const created = await rest(`/api/events/${ev.event.id}/breakouts/rounds`, { body: { sessionId: null, draft }, token: mod.token });
    expect(created.status).toBe(201);
    const round = (await created.json()) as BreakoutRound;
    expect(round).toMatchObject({ status: 'draft', eventId: ev.event.id, title: 'Big round' });
    expect(round.rooms).toHaveLength(BREAKOUT_LIMITS.roomsPerRound);
    expect((await heard).id).toBe(round.id);

    const replaced = await rest(`/api/events/${ev.event.id}/breakouts/rounds/${round.id}`, { method: 'PUT', body: { draft: bigDraft('Renamed') } });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ id: round.id, title: 'Renamed', version: round.version + 1 });
    const snap = await watcher.send('snapshot:request', {});
    expect(snap.ok && snap.data.breakouts?.rounds?.find((r) => r.id === round.id)?.rooms).toHaveLength(BREAKOUT_LIMITS.roomsPerRound);
  });

  it('[BRK5] only the organiser and the event\'s moderators plan rounds over REST; a bad plan or a round of another event changes nothing', async () => {
    const att = await s.join({ code: ev.code, name: 'Att' });
    const url = `/api/events/${ev.event.id}/breakouts/rounds`;
    expect((await rest(url, { body: { draft: bigDraft() }, token: null })).status).toBe(401);
    expect((await rest(url, { body: { draft: bigDraft() }, token: att.token })).status).toBe(403);
    const tooMany = { ...bigDraft(), rooms: [...bigDraft().rooms, { id: 'extra', name: 'Extra', capacity: 5 }] };
    const bad = await rest(url, { body: { draft: tooMany } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.BAD_REQUEST);

    const other = await s.createEvent();
    const theirs = (await (await rest(`/api/events/${other.event.id}/breakouts/rounds`, { body: { draft: bigDraft('Theirs') } })).json()) as BreakoutRound;
    const mod = await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) });
    expect((await rest(`/api/events/${ev.event.id}/breakouts/rounds/${theirs.id}`, { method: 'PUT', body: { draft: bigDraft('Stolen') }, token: mod.token })).status).toBe(404);
    expect((await rest(`/api/events/${other.event.id}/breakouts/rounds/${theirs.id}`, { method: 'PUT', body: { draft: bigDraft('Stolen') }, token: mod.token })).status).toBe(403);
    const watcher = await connectClient(s.url, mod.token);
    clients.push(watcher);
    expect(watcher.snapshot.breakouts?.rounds ?? []).toEqual([]);
  });
});
