import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, ROSTER_COLUMNS, type CreateEventResponse } from '@rally/shared';
import { placeableOf } from '../../src/domain/breakout/placeable.js';
import { parseCsv } from '../helpers/csv.js';
import { TEST_ADMIN, keyOf, startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
let ev: CreateEventResponse;

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());
beforeEach(async () => {
  ev = await s.createEvent();
});

/** A REST call with a bearer token (the organiser's by default) and a raw body. */
const rest = (path: string, init: { method?: string; body?: string; type?: string; token?: string | null } = {}) => {
  const headers = new Headers();
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TEST_ADMIN}`);
  if (init.type) headers.set('content-type', init.type);
  return fetch(s.url + path, { method: init.method ?? 'GET', headers, body: init.body });
};
const putCsv = (csv: string, token?: string | null) => rest(`/api/events/${ev.event.id}/roster`, { method: 'PUT', body: csv, type: 'text/csv', token });
const list = async () => ((await (await rest(`/api/events/${ev.event.id}/roster`)).json()) as { entries: { email: string }[] }).entries;

const GOOD = ['name,email,team,title,tenure,region,facilitator,room', 'Ana Lima,Ana.Lima@Example.com,EMEA,AE,1-3,South,no,Room 1', 'Bo Berg,bo@example.com,NA,Director,5+,North,yes,'].join('\r\n');

describe('the attendee list over REST', () => {
  it('[BRK36] a CSV list is stored (emails lower-cased) and read back in file order; a second file replaces it; JSON works too', async () => {
    const put = await putCsv(GOOD);
    expect(put.status).toBe(200);
    const entries = await list();
    expect(entries).toEqual([
      { name: 'Ana Lima', email: 'ana.lima@example.com', team: 'EMEA', title: 'AE', tenure: '1-3', region: 'South', facilitator: false, room: 'Room 1' },
      { name: 'Bo Berg', email: 'bo@example.com', team: 'NA', title: 'Director', tenure: '5+', region: 'North', facilitator: true, room: '' },
    ]);
    const json = await rest(`/api/events/${ev.event.id}/roster`, { method: 'PUT', type: 'application/json', body: JSON.stringify({ entries: [{ email: 'cy@example.com', facilitator: true }] }) });
    expect(json.status).toBe(200);
    expect((await list()).map((e) => e.email)).toEqual(['cy@example.com']);
  });

  it('[BRK37] a bad file is BAD_REQUEST naming each bad line and what is wrong, duplicates with their lines, and nothing is stored', async () => {
    await putCsv(GOOD);
    const bad = ['email,facilitator', 'ok@example.com,yes', 'not-an-email,no', 'x@example.com,perhaps', 'OK@example.com,no'].join('\n');
    const res = await putCsv(bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string }; errors: { line: number; message: string }[] };
    expect(body.error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(body.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(body.error.message).toContain('line 3: email must be an email address');
    expect(body.error.message).toContain('line 4: facilitator must be yes or no, not "perhaps"');
    expect(body.error.message).toContain('line 5: ok@example.com is already on line 2');
    expect((await list()).map((e) => e.email)).toEqual(['ana.lima@example.com', 'bo@example.com']);
    const notJson = await rest(`/api/events/${ev.event.id}/roster`, { method: 'PUT', type: 'application/json', body: '{"entries": [' });
    expect(notJson.status).toBe(400);
    expect((await list()).length).toBe(2);
  });

  it('[BRK38] only the organiser and the event\'s moderators may read or replace the list; the template is public and has the columns and example lines', async () => {
    const mod = await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) });
    const att = await s.join({ code: ev.code, name: 'Att' });
    expect((await putCsv(GOOD, mod.token)).status).toBe(200);
    expect((await putCsv(GOOD, att.token)).status).toBe(403);
    expect((await putCsv(GOOD, null)).status).toBe(401);
    expect((await rest(`/api/events/${ev.event.id}/roster`, { token: att.token })).status).toBe(403);
    const other = await s.createEvent();
    expect((await rest(`/api/events/${other.event.id}/roster`, { token: mod.token })).status).toBe(403);

    const tpl = await rest(`/api/events/${ev.event.id}/roster/template.csv`, { token: null });
    expect(tpl.status).toBe(200);
    expect(tpl.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await tpl.text());
    expect(rows[0]).toEqual([...ROSTER_COLUMNS]);
    expect(rows.length).toBeGreaterThan(1);
    // The template is a valid file as it is.
    expect((await putCsv(await (await rest(`/api/events/${ev.event.id}/roster/template.csv`)).text())).status).toBe(200);
  });

  it('[BRK35] a join with a listed email keeps it (lower-cased) on the participant, and the list gives its attributes for assignment', async () => {
    await putCsv(GOOD);
    const joined = await s.join({ code: ev.code, name: 'Ana', email: 'ANA.LIMA@example.com ', team: 'NA' });
    expect(joined.participant.email).toBe('ana.lima@example.com');
    const stored = await s.store.getParticipant(joined.participant.id);
    expect(stored?.email).toBe('ana.lima@example.com');
    const entry = await s.store.getRosterEntry(ev.event.id, stored!.email!);
    expect(placeableOf(stored!, entry)).toMatchObject({ team: 'EMEA', region: 'South', title: 'AE', tenure: '1-3', facilitator: false, rosterRoom: 'Room 1' });
    // Without an email: none kept. A malformed one is refused.
    const plain = await s.join({ code: ev.code, name: 'Bo' });
    expect(plain.participant.email ?? null).toBeNull();
    const bad = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Cy', email: 'nope' }) });
    expect(bad.status).toBe(400);
  });
});
