import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { connectClient, expectConnectError, keyOf, startTestServer, TEST_ADMIN, type TestServer } from '../helpers/test-server.js';

// [OPS51] [OPS52] The organiser archives or deletes a finished event over REST.

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
