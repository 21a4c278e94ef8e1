import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { DELETED_NAME } from '../../src/domain/engagement/privacy.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { connectClient, expectConnectError, keyOf, sleep, startTestServer, TEST_ADMIN, type TestServer } from '../helpers/test-server.js';

// [OPS51] [OPS52] The organiser archives or deletes a finished event over REST. [OPS55] [OPS56] The
// retention sweep the running app starts by itself when RETENTION_DAYS is set.

const HOUR = 3_600_000;
let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

/** A server whose clock the test moves; the event's only session ends an hour from the real now. */
async function setup() {
  let offset = 0;
  const clock: Clock = { now: () => Date.now() + offset };
  const s = await startTestServer({ clock });
  servers.push(s);
  const start = new Date(Date.now() - HOUR).toISOString();
  const end = new Date(Date.now() + HOUR).toISOString();
  const ev = await s.createEvent({ agenda: [{ id: 'opening', title: 'Opening', kind: 'keynote', startsAt: start, endsAt: end, speakers: [] }] });
  const ada = await s.join({ code: ev.code, name: 'Ada', mode: 'remote', team: 'EMEA' });
  const mod = await s.join({ code: ev.code, name: 'Mo', mode: 'remote', key: keyOf(ev.links.moderator) });
  return { s, ev, ada, mod, later: () => (offset = 2 * HOUR) };
}

describe('retention routes', () => {
  it('[OPS51] archiving a finished event makes it read-only: everyone connected is told, joins, sockets and REST writes are refused with EVENT_ARCHIVED, reads and exports still work', async () => {
    const { s, ev, ada, mod, later } = await setup();
    const id = ev.event.id;
    expect((await s.api(`/api/events/${id}/archive`, { method: 'POST' })).status).toBe(401);
    const early = await s.api(`/api/events/${id}/archive`, { method: 'POST', admin: true });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('INVALID_STATE');

    const attendee = await connectClient(s.url, ada.token);
    const moderator = await connectClient(s.url, mod.token);
    await attendee.send('question:submit', { text: 'Before the end?', anonymous: false });
    later();
    const told = [attendee.waitFor('session:ended'), moderator.waitFor('session:ended')];
    const archived = await s.api(`/api/events/${id}/archive`, { method: 'POST', admin: true });
    expect(archived.status).toBe(200);
    expect(archived.body.event.archivedAt).toEqual(expect.any(String));
    for (const t of told) expect((await t).reason).toBe('event-archived');

    // Refused: a new handshake, a join (new or resuming), and REST writes.
    expect((await expectConnectError(s.url, mod.token)).data?.code).toBe('EVENT_ARCHIVED');
    const join = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Late', mode: 'remote', team: 'EMEA' }) });
    expect([join.status, join.body.error.code]).toEqual([409, 'EVENT_ARCHIVED']);
    const resume = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Ada', mode: 'remote', team: 'EMEA', token: ada.token }) });
    expect([resume.status, resume.body.error.code]).toEqual([409, 'EVENT_ARCHIVED']);
    const edit = await s.api(`/api/events/${id}`, { method: 'PATCH', admin: true, body: JSON.stringify({ name: 'Renamed' }) });
    expect([edit.status, edit.body.error.code]).toEqual([409, 'EVENT_ARCHIVED']);
    // Without a token the route's own 401 answers: a stranger learns nothing about the event.
    expect((await s.api(`/api/events/${id}`, { method: 'PATCH', body: JSON.stringify({ name: 'Renamed' }) })).status).toBe(401);
    const agenda = await s.api(`/api/events/${id}/agenda`, { method: 'PUT', admin: true, body: JSON.stringify({ agenda: [] }) });
    expect([agenda.status, agenda.body.error.code]).toEqual([409, 'EVENT_ARCHIVED']);

    // Kept: the event, its data and its exports.
    const read = await s.api(`/api/events/${id}`, { admin: true });
    expect(read.status).toBe(200);
    expect(read.body.event).toMatchObject({ name: ev.event.name, archivedAt: archived.body.event.archivedAt });
    const csv = await fetch(`${s.url}/api/events/${id}/questions.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Before the end?');
    expect((await s.store.listParticipants(id)).map((p) => p.name).sort()).toEqual(['Ada', 'Mo']);

    // Again: nothing changes.
    const again = await s.api(`/api/events/${id}/archive`, { method: 'POST', admin: true });
    expect(again.body.event.archivedAt).toBe(archived.body.event.archivedAt);
    attendee.close();
    moderator.close();
  });

  it('[OPS51] a command from a socket still open when the event was archived (its disconnect on its way) is refused with EVENT_ARCHIVED and changes nothing', async () => {
    const { s, ev, mod, later } = await setup();
    const moderator = await connectClient(s.url, mod.token);
    later();
    // Archived in the store only: as if another node did it and this socket's disconnect had not arrived yet.
    await s.store.markEvent(ev.event.id, 'archivedAt', new Date().toISOString());
    const ack = await moderator.send('session:setLive', { sessionId: 'opening' });
    expect(ack.ok).toBe(false);
    expect(!ack.ok && ack.error.code).toBe('EVENT_ARCHIVED');
    expect((await s.store.getEvent(ev.event.id))?.liveSessionId).toBeNull();
    moderator.close();
  });

  it('[OPS52] deleting a finished event removes it and its data; everyone connected is told; its code no longer joins', async () => {
    const { s, ev, ada, later } = await setup();
    const id = ev.event.id;
    expect((await s.api(`/api/events/${id}`, { method: 'DELETE' })).status).toBe(401);
    const early = await s.api(`/api/events/${id}`, { method: 'DELETE', admin: true });
    expect([early.status, early.body.error.code]).toEqual([409, 'INVALID_STATE']);
    expect((await s.api('/api/events/ev_unknown', { method: 'DELETE', admin: true })).status).toBe(404);

    const attendee = await connectClient(s.url, ada.token);
    later();
    const told = attendee.waitFor('session:ended');
    const del = await s.api(`/api/events/${id}`, { method: 'DELETE', admin: true });
    expect(del).toEqual({ status: 200, body: { eventId: id, deleted: true } });
    expect((await told).reason).toBe('event-deleted');

    expect((await s.api(`/api/events/${id}`, { admin: true })).status).toBe(404);
    expect((await s.api(`/api/events/by-code/${ev.code}`)).status).toBe(404);
    expect(await s.store.listParticipants(id)).toEqual([]);
    expect((await expectConnectError(s.url, ada.token)).data?.code).toBe('UNAUTHORIZED');
    attendee.close();
  });
});

const DAY = 24 * HOUR;
/** Passes this often here (the product's is an hour): a test waits a few of them. */
const SWEEP_EVERY_MS = 100;

describe.each([['sqlite' as const], ['redis' as const]])('the retention sweep in the running app (%s store)', (kind) => {
  let redis: RedisServerHandle | undefined;
  let n = 0;
  afterAll(async () => {
    await redis?.stop();
  });

  /** The app as `npm start` builds it from its environment, on a clock the test moves; one event whose session ended an hour ago, one attendee. */
  async function sweepingServer(env: Record<string, string>) {
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    if (kind === 'redis') redis ??= await startRedisServer();
    const store = redis ? await createRedisStore(redis.url, { keyPrefix: `retention${++n}:` }) : undefined;
    const s = await startTestServer({ clock, env, ...(store ? { store } : {}), app: { retention: { everyMs: SWEEP_EVERY_MS } } });
    servers.push(s);
    const ev = await s.createEvent({ agenda: [{ id: 'opening', title: 'Opening', kind: 'keynote', startsAt: new Date(Date.now() - 2 * HOUR).toISOString(), endsAt: new Date(Date.now() - HOUR).toISOString(), speakers: [] }] });
    const ada = await s.join({ code: ev.code, name: 'Ada Lovelace', mode: 'remote', team: 'EMEA' });
    const nameOfAda = async () => (await s.store.listParticipants(ev.event.id)).find((p) => p.id === ada.participant.id)?.name;
    return { s, ev, nameOfAda, overFor: (ms: number) => (offset = ms - HOUR) };
  }

  it(`[OPS55] [OPS56] ${kind}: RETENTION_DAYS starts the sweep: an event over for less than N days keeps its people; once over for more, the next pass erases them by itself`, async () => {
    const { s, ev, nameOfAda, overFor } = await sweepingServer({ RETENTION_DAYS: '2' });
    overFor(1 * DAY);
    await sleep(5 * SWEEP_EVERY_MS);
    expect(await nameOfAda()).toBe('Ada Lovelace');
    overFor(3 * DAY);
    const deadline = Date.now() + 10_000;
    while ((await nameOfAda()) !== DELETED_NAME && Date.now() < deadline) await sleep(SWEEP_EVERY_MS);
    expect(await nameOfAda()).toBe(DELETED_NAME);
    expect((await s.store.getEvent(ev.event.id))?.personalDataErasedAt).toEqual(expect.any(String));
  });

  it(`[OPS55] ${kind}: without RETENTION_DAYS nothing is ever erased`, async () => {
    const { s, ev, nameOfAda, overFor } = await sweepingServer({});
    overFor(3650 * DAY);
    await sleep(5 * SWEEP_EVERY_MS);
    expect(await nameOfAda()).toBe('Ada Lovelace');
    expect((await s.store.getEvent(ev.event.id))?.personalDataErasedAt ?? null).toBeNull();
  });
});
