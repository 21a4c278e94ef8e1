import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  type CreateEventResponse,
  type EngagementDashboard,
  type EngagementEntry,
  type EngagementPage,
  type Poll,
  type PollDraft,
} from '@rally/shared';
import { emptyFold, foldEntries, scopeFigures } from '../../src/domain/engagement/fold.js';
import { parseCsv } from '../helpers/csv.js';
import { TEST_ADMIN, connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { readXlsx } from '../helpers/xlsx.js';
import { ok } from '../helpers/acks.js';

let s: TestServer;
let ev: CreateEventResponse;
let mod: TestClient;
let modToken: string;
const open: TestClient[] = [];

const AGENDA = [
  { id: 'keynote', title: 'Keynote', kind: 'keynote' as const, startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] },
  { id: 'workshop', title: 'Workshop', kind: 'workshop' as const, startsAt: '2027-01-01T10:00:00.000Z', endsAt: '2027-01-01T11:00:00.000Z', speakers: [] },
];

const settings = (anonymous: boolean) => ({ anonymous, resultsVisibility: 'live' as const, allowChange: true, durationSec: null });
const single = (question: string, anonymous: boolean): PollDraft => ({ kind: 'single', question, options: ['Yes', 'No'], settings: settings(anonymous) });

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}
const tokenOf = (c: TestClient) => (c.socket.auth as { token: string }).token;


async function attendee(name: string, mode: 'room' | 'remote', team: string): Promise<TestClient & { id: string }> {
  const j = await s.join({ code: ev.code, name, mode, team });
  return Object.assign(await client(j.token), { id: j.participant.id });
}

/** GET with a bearer token (the moderator's by default); parses JSON unless asked for raw bytes. */
async function get(path: string, token: string = modToken): Promise<Response> {
  return fetch(s.url + path, { headers: { authorization: `Bearer ${token}` } });
}
const getJson = async <T>(path: string, token?: string): Promise<T> => {
  const r = await get(path, token);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

/** The whole log through the cursor API, in small pages. */
async function readLog(eventId = ev.event.id, pageSize = 50): Promise<EngagementEntry[]> {
  const out: EngagementEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page: EngagementPage = await getJson(`/api/events/${eventId}/engagement/log?limit=${pageSize}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    out.push(...page.entries);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

/** Waits until the log holds at least n entries (the recorder writes every 100 ms). */
async function logReaches(n: number, timeoutMs = 5000): Promise<EngagementEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readLog();
    if (log.length >= n || Date.now() > deadline) return log;
    await sleep(50);
  }
}

/** The latest dashboard a moderator received, or waits for one satisfying pred. */
function dashboardWhere(c: TestClient, pred: (d: EngagementDashboard) => boolean, timeoutMs = 4000): Promise<EngagementDashboard> {
  const seen = c.received.filter((f) => f.fact === 'engagement:dashboardUpdated').map((f) => f.payload as EngagementDashboard);
  const hit = [...seen].reverse().find(pred);
  if (hit) return Promise.resolve(hit);
  return c.waitFor('engagement:dashboardUpdated', pred, timeoutMs);
}

async function setup(eventSettings: Record<string, unknown> = { moderation: 'post' }) {
  ev = await s.createEvent({ agenda: AGENDA, teams: ['EMEA', 'NA'], settings: eventSettings });
  const j = await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) });
  modToken = j.token;
  mod = await client(j.token);
  await ok(mod.send('session:setLive', { sessionId: 'keynote' }));
}

async function launch(draft: PollDraft): Promise<Poll> {
  const p = await ok(mod.send('poll:create', { sessionId: 'keynote', draft }));
  return ok(mod.send('poll:launch', { pollId: p.id }));
}

/**
 * Real time plus what a test skips ahead: time-weighted presence ([ENG22]) needs minutes to pass.
 * Only ever moved forward, so nothing that follows sees time run backwards.
 */
const clock = { skippedMs: 0, now: () => Date.now() + clock.skippedMs };

beforeAll(async () => {
  s = await startTestServer({ clock, app: { engagement: { tickMs: 200, parityDwellMs: 0, leaderboardEveryMs: 200 } } });
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});

describe('the engagement log and dashboard over real sockets', () => {
  it('[ENG1] [ENG6] [ENG7] votes, questions and upvotes reach the moderator\'s dashboard within about a second, and its figures equal the recomputation from the log API', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const cy = await attendee('Cy', 'room', 'EMEA');
    const poll = await launch(single('Ship it?', false));
    const t0 = Date.now();
    await ok(ada.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(bob.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } }));
    // A changed vote and a retry are not new interactions.
    await ok(bob.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    const q = await ok(ada.send('question:submit', { text: 'When does Cloud 5 ship?', anonymous: false }));
    await ok(bob.send('question:upvote', { questionId: q.id, up: true }));
    await ok(cy.send('question:upvote', { questionId: q.id, up: true }));

    const d = await dashboardWhere(mod, (x) => x.event.activities.find((a) => a.kind === 'upvoted')!.count.room === 2, 3000);
    expect(Date.now() - t0).toBeLessThan(2500);
    const activity = (k: string) => d.session!.figures.activities.find((a) => a.kind === k)!;
    // Written out from the scenario above.
    expect(activity('voted').count).toEqual({ room: 1, remote: 1 });
    expect(activity('asked').count).toEqual({ room: 0, remote: 1 });
    expect(activity('upvoted').participants).toEqual({ room: 2, remote: 0 });
    expect(d.session!.figures.present).toEqual({ room: 2, remote: 1 });
    expect(d.session!.figures.participation).toEqual({ room: 1, remote: 1, all: 1 });
    expect(d.online).toMatchObject({ room: 2, remote: 1 });
    expect(d.session!.figures.questionsByOrigin).toEqual({ room: 0, remote: 1, breakout: 0 });

    // The same figures, recomputed from the raw log read through the cursor API.
    const log = await readLog();
    const folded = foldEntries(emptyFold(), log.filter((e) => Number(e.cursor) <= Number(d.cursor)));
    expect(d.event).toEqual(scopeFigures(folded.event, Date.parse(d.at)));
    expect(d.session!.figures).toEqual(scopeFigures(folded.sessions.get('keynote'), Date.parse(d.at)));
    // Staff are never logged.
    expect(log.every((e) => e.participantId !== null && [ada.id, bob.id, cy.id].includes(e.participantId))).toBe(true);
    expect(log.filter((e) => e.kind === 'voted')).toHaveLength(2);
  });

  it('[ENG6] the moderator snapshot carries the dashboard; attendees get none of it', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    await ok(ada.send('question:submit', { text: 'Snapshot?', anonymous: false }));
    await logReaches(3);
    const snap = await ok(mod.send('snapshot:request', {}));
    expect(snap.engagement?.dashboard?.event.activities.find((a) => a.kind === 'asked')!.count.remote).toBe(1);
    expect(snap.engagement?.settings.parityThreshold).toBe(0.8);
    const attendeeSnap = await ok(ada.send('snapshot:request', {}));
    expect(attendeeSnap.engagement).toBeUndefined();
    await sleep(500);
    expect(ada.received.filter((f) => f.fact.startsWith('engagement:'))).toEqual([]);
  });

  it('[ENG14] the cursor API returns every entry exactly once while entries are being written', async () => {
    await setup();
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => attendee(`P${i}`, i % 2 ? 'room' : 'remote', i % 2 ? 'NA' : 'EMEA')));
    const polls = await Promise.all([launch(single('One?', false)), launch(single('Two?', true)), launch(single('Three?', false))]);
    const q = await ok(people[0]!.send('question:submit', { text: 'Upvote me', anonymous: false }));

    let writing = true;
    const writer = (async () => {
      for (const p of polls) await Promise.all(people.map((c) => ok(c.send('poll:vote', { pollId: p.id, vote: { kind: 'single', optionId: 'o1' } }))));
      // [SEC22] The anonymous poll's votes are written once it closed, within a second: while this writer runs.
      await ok(mod.send('poll:close', { pollId: polls[1]!.id }));
      await sleep(1300);
      for (let round = 0; round < 3; round++) {
        await Promise.all(people.map((c) => ok(c.send('question:upvote', { questionId: q.id, up: true }))));
        await Promise.all(people.map((c) => ok(c.send('question:upvote', { questionId: q.id, up: false }))));
      }
    })().finally(() => (writing = false));

    const seen: EngagementEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page: EngagementPage = await getJson(`/api/events/${ev.event.id}/engagement/log?limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      seen.push(...page.entries);
      after = page.nextCursor;
      if (!page.hasMore && !writing) {
        await sleep(300);
        const rest: EngagementPage = await getJson(`/api/events/${ev.event.id}/engagement/log?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        seen.push(...rest.entries);
        break;
      }
      if (!page.hasMore) await sleep(20);
    }
    await writer;
    const all = await readLog(ev.event.id, 1000);
    expect(seen.map((e) => e.cursor)).toEqual(all.map((e) => e.cursor));
    expect(new Set(seen.map((e) => e.cursor)).size).toBe(seen.length);
    // 8 joins and session entries, 3 × 8 first votes, 3 rounds × 8 upvotes, 1 question.
    expect(all.filter((e) => e.kind === 'voted')).toHaveLength(24);
    expect(all.filter((e) => e.kind === 'upvoted')).toHaveLength(24);
    // The NDJSON and CSV exports hold the same entries.
    const ndjson = (await (await get(`/api/events/${ev.event.id}/engagement/log.ndjson`)).text()).trim().split('\n').map((l) => JSON.parse(l) as EngagementEntry);
    expect(ndjson).toEqual(all);
    const csv = parseCsv(await (await get(`/api/events/${ev.event.id}/engagement/log.csv`)).text());
    expect(csv[0]).toEqual(['cursor', 'at', 'kind', 'participant_id', 'mode', 'team', 'session_id', 'ref', 'breakout_room_id']);
    expect(csv.slice(1).map((r) => r[0])).toEqual(all.map((e) => e.cursor));
  });
});

describe('exports', () => {
  it('[ENG13] [ENG5] the participants CSV and XLSX hold each attendee\'s sessions, counts and score, equal to the recomputation; they match each other', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const bob = await attendee('=Bob', 'room', 'NA');
    const p1 = await launch(single('One?', false));
    const p2 = await launch(single('Two?', false));
    await ok(ada.send('poll:vote', { pollId: p1.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(ada.send('poll:vote', { pollId: p2.id, vote: { kind: 'single', optionId: 'o2' } }));
    await ok(bob.send('poll:vote', { pollId: p1.id, vote: { kind: 'single', optionId: 'o2' } }));
    const q = await ok(ada.send('question:submit', { text: 'Ada asks', anonymous: false }));
    await ok(bob.send('question:upvote', { questionId: q.id, up: true }));
    await ok(mod.send('engagement:configure', { settings: { weights: { voted: 10, asked: 7 } } }));
    await logReaches(2 * 2 + 3 + 1 + 1);

    const csv = parseCsv(await (await get(`/api/events/${ev.event.id}/engagement/participants.csv`)).text());
    const header = csv[0]!;
    const row = (name: string) => Object.fromEntries(header.map((h, i) => [h, csv.find((r) => r[1] === name)![i]]));
    expect(header.slice(0, 7)).toEqual(['participant_id', 'name', 'email', 'team', 'mode', 'sessions', 'minutes_attended']);
    expect(row('Ada')).toMatchObject({ participant_id: ada.id, team: 'EMEA', mode: 'remote', votes: '2', questions: '1', upvotes: '0', sessions_attended: '1', engagement_score: String(2 * 10 + 7 + 1) });
    expect(row('Ada')['sessions']).toMatch(/^Keynote \(\d+(\.\d)? min\)$/);
    // A formula-looking name is neutralised in CSV…
    expect(row("'=Bob")).toMatchObject({ votes: '1', upvotes: '1', engagement_score: String(10 + 1 + 1) });
    expect(csv).toHaveLength(3);

    // …and kept as text in the XLSX, whose figures are the same.
    const xlsx = await readXlsx(await (await get(`/api/events/${ev.event.id}/engagement/participants.xlsx`)).arrayBuffer());
    const sheet = xlsx['Participants']!;
    expect(sheet[0]).toEqual(header);
    const norm = (v: unknown) => (v === null ? '' : String(v));
    const fromCsv = csv.slice(1).map((r) => r.map((c) => c.replace(/^'(?=[=+\-@])/, '')));
    // Minutes may tick between the two downloads; compare everything else.
    const minutes = header.indexOf('minutes_attended');
    const sessions = header.indexOf('sessions');
    const strip = (r: string[]) => r.filter((_, i) => i !== minutes && i !== sessions);
    expect(sheet.slice(1).map((r) => strip(r.map(norm)))).toEqual(fromCsv.map(strip));
    expect(xlsx['Teams']![0]).toEqual(['team', 'members', 'total', 'average']);
  });

  it('[ENG19] no export or API ties a person to an anonymous poll answer or an anonymous question', async () => {
    await setup();
    const ada = await attendee('Ada Secret', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const anonPoll = await launch({ kind: 'open', question: 'Be honest', settings: settings(true) });
    await ok(ada.send('poll:vote', { pollId: anonPoll.id, vote: { kind: 'open', text: 'The pricing is confusing' } }));
    const anonQ = await ok(ada.send('question:submit', { text: 'Why were bonuses cut?', anonymous: true }));
    const namedQ = await ok(bob.send('question:submit', { text: 'Named question', anonymous: false }));
    await ok(mod.send('survey:define', { survey: { title: 'Day 1', anonymous: true, questions: [{ kind: 'rating', prompt: 'Rate it', required: true }, { kind: 'text', prompt: 'Comments', required: false }] } }));
    await ok(mod.send('survey:open', {}));
    await ok(ada.send('survey:submit', { answers: [{ questionId: 's1', value: 1 }, { questionId: 's2', value: 'Secret complaint' }] }));
    const log = await logReaches(2 + 2 + 1 + 2);

    // The log: the anonymous question's entry (no participant, no team) waits for the end of its
    // minute ([SEC49], withheld.test.ts); the anonymous vote names no poll.
    expect(log.filter((e) => e.kind === 'asked' && e.participantId === null).every((e) => e.team === null && e.at === anonQ.createdAt)).toBe(true);
    expect(log.filter((e) => e.participantId === ada.id && e.kind === 'asked')).toEqual([]);
    expect(log.some((e) => e.ref === anonPoll.id || e.ref === anonQ.id)).toBe(false);
    expect(log.find((e) => e.kind === 'asked' && e.participantId === bob.id)!.ref).toBe(namedQ.id);

    const texts = {
      participantsCsv: await (await get(`/api/events/${ev.event.id}/engagement/participants.csv`)).text(),
      logCsv: await (await get(`/api/events/${ev.event.id}/engagement/log.csv`)).text(),
      logNdjson: await (await get(`/api/events/${ev.event.id}/engagement/log.ndjson`)).text(),
      summary: await (await get(`/api/events/${ev.event.id}/engagement/summary`)).text(),
      surveyCsv: await (await get(`/api/events/${ev.event.id}/engagement/survey.csv`)).text(),
      questionsCsv: await (await get(`/api/events/${ev.event.id}/questions.csv`)).text(),
      pollsCsv: await (await get(`/api/events/${ev.event.id}/polls/results.csv`)).text(),
    };
    for (const [name, text] of Object.entries(texts)) {
      // Nothing carries both the person and the anonymous content.
      const lines = text.split('\n');
      for (const line of lines) {
        const names = line.includes(ada.id) || line.includes('Ada Secret');
        const secret = ['The pricing is confusing', 'Why were bonuses cut?', 'Secret complaint', anonQ.id, anonPoll.id].some((t) => line.includes(t));
        expect(names && secret, `${name}: ${line}`).toBe(false);
      }
    }
    // Ada's row counts her named activity only: no question, no survey answers in columns.
    const csv = parseCsv(texts.participantsCsv);
    const header = csv[0]!;
    const adaRow = csv.find((r) => r[0] === ada.id)!;
    expect(adaRow[header.indexOf('questions')]).toBe('0');
    expect(header.some((h) => /^survey_s\d+:/.test(h))).toBe(false);
    const xlsx = await readXlsx(await (await get(`/api/events/${ev.event.id}/engagement/participants.xlsx`)).arrayBuffer());
    for (const row of xlsx['Participants']!) {
      const joined = row.join('\u0001');
      if (joined.includes(ada.id)) expect(joined).not.toMatch(/Secret complaint|bonuses|pricing/);
    }
  });

  it('[ENG20] exports need the organiser token or this event\'s moderator token', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const other = await s.createEvent({ name: 'Other' });
    const otherMod = await s.join({ code: other.code, name: 'M', key: keyOf(other.links.moderator) });
    const paths = ['summary', 'log', 'log.csv', 'log.ndjson', 'participants.csv', 'participants.xlsx', 'survey.csv'].map((p) => `/api/events/${ev.event.id}/engagement/${p}`);
    for (const p of paths) {
      expect((await fetch(s.url + p)).status, p).toBe(401);
      expect((await get(p, tokenOf(ada))).status, p).toBe(403);
      expect((await get(p, otherMod.token)).status, p).toBe(403);
      expect((await get(p, TEST_ADMIN)).status, p).toBe(200);
    }
    expect((await get(`/api/events/${ev.event.id}/engagement/log?after=garbage`)).status).toBe(400);
    const r = await ada.send('engagement:configure', { settings: { parityThreshold: 0.5 } });
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const patch = await fetch(`${s.url}/api/events/${ev.event.id}/engagement/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${modToken}`, 'content-type': 'application/json' }, body: '{"parityThreshold":0.5}' });
    expect(patch.status).toBe(401);
  });
});

describe('surveys, parity, leaderboard, webhooks and deletion', () => {
  let hook: Server;
  let hookUrl: string;
  let deliveries: { type: string; body: any; valid: boolean }[];
  const SECRET = 'whsec_integration_0123456789';
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const ts = String(req.headers['x-rally-timestamp']);
        const valid = req.headers['x-rally-signature'] === `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
        deliveries.push({ type: String(req.headers['x-rally-event']), body: JSON.parse(body), valid });
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/rally`;
  });
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));
  beforeEach(() => {
    deliveries = [];
  });

  const setWebhook = (eventId: string) =>
    s.api(`/api/events/${eventId}/engagement/webhook`, { method: 'PUT', admin: true, body: JSON.stringify({ url: hookUrl, secret: SECRET }) });

  it('[ENG15] [ENG16] the survey: defined and opened by a moderator, answered at each attendee\'s pace, results in the dashboard and the survey export', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const draft = await ok(mod.send('survey:define', { survey: { title: 'Day 1', anonymous: false, questions: [{ kind: 'rating', prompt: 'Rate the day', required: true }, { kind: 'nps', prompt: 'Recommend?', required: true }, { kind: 'text', prompt: 'Comments', required: false }] } }));
    expect(draft.state).toBe('draft');
    expect(ada.received.some((f) => f.fact === 'survey:updated')).toBe(false);
    const opened = ada.waitFor('survey:updated', (x) => x.state === 'open');
    await ok(mod.send('survey:open', {}));
    await opened;
    const bad = await ada.send('survey:submit', { answers: [{ questionId: 's1', value: 9 }, { questionId: 's2', value: 9 }] });
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect((await ok(ada.send('survey:submit', { answers: [{ questionId: 's1', value: 4 }, { questionId: 's2', value: 9 }, { questionId: 's3', value: 'Loved it' }] }))).status).toBe('recorded');
    expect((await ok(bob.send('survey:submit', { answers: [{ questionId: 's1', value: 2 }, { questionId: 's2', value: 3 }] }))).status).toBe('recorded');
    expect((await ok(bob.send('survey:submit', { answers: [{ questionId: 's1', value: 3 }, { questionId: 's2', value: 6 }] }))).status).toBe('replaced');
    const d = await dashboardWhere(mod, (x) => (x.survey?.responses.room ?? 0) + (x.survey?.responses.remote ?? 0) === 2);
    expect(d.survey!.questions[0]).toMatchObject({ kind: 'rating', average: { room: 3, remote: 4, all: 3.5 } });
    expect(d.survey!.questions[1]).toMatchObject({ kind: 'nps', nps: { all: { promoters: 1, detractors: 1, score: 0 } } });
    const rows = parseCsv(await (await get(`/api/events/${ev.event.id}/engagement/survey.csv`)).text());
    expect(rows).toContainEqual(['s1', 'Rate the day', 'rating', 'average', 'average', '3', '4', '3.5']);
    expect(rows).toContainEqual(['s3', 'Comments', 'text', 'text', 'Loved it', '0', '1', '1']);
    // A named survey's answers are in the participants export.
    const csv = parseCsv(await (await get(`/api/events/${ev.event.id}/engagement/participants.csv`)).text());
    const col = csv[0]!.indexOf('survey_s3: Comments');
    expect(csv.find((r) => r[0] === ada.id)![col]).toBe('Loved it');
    await ok(mod.send('survey:close', {}));
    expect(await bob.send('survey:submit', { answers: [{ questionId: 's1', value: 5 }, { questionId: 's2', value: 10 }] })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
  });

  it('[ENG9] [ENG17] parity below the threshold raises one alert for every moderator and one signed webhook; it clears when remote catches up', async () => {
    await setup();
    expect((await setWebhook(ev.event.id)).status).toBe(200);
    await ok(mod.send('engagement:configure', { settings: { parityThreshold: 0.8 } }));
    const mod2 = await client((await s.join({ code: ev.code, name: 'Mod 2', key: keyOf(ev.links.moderator) })).token);
    const room = await Promise.all([0, 1, 2].map((i) => attendee(`Room ${i}`, 'room', 'NA')));
    const remote = await Promise.all([0, 1, 2].map((i) => attendee(`Remote ${i}`, 'remote', 'EMEA')));
    const poll = await launch(single('Room only?', false));
    const raised = Promise.all([mod, mod2].map((m) => m.waitFor('engagement:parityAlerted', (a) => a.alerting, 4000)));
    for (const c of room) await ok(c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(remote[0]!.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    const a1 = (await raised)[0]!;
    expect(a1).toMatchObject({ alerting: true, scope: 'session', sessionId: 'keynote', threshold: 0.8 });
    expect(a1.parity).toBeCloseTo(1 / 3, 3);
    const cleared = mod.waitFor('engagement:parityAlerted', (a) => !a.alerting, 4000);
    for (const c of remote.slice(1)) await ok(c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } }));
    expect((await cleared).parity).toBe(1);
    await sleep(300);
    expect(mod.received.filter((f) => f.fact === 'engagement:parityAlerted')).toHaveLength(2);
    const types = deliveries.map((d) => d.type);
    expect(types.filter((t) => t === 'engagement.parity_alert')).toHaveLength(1);
    expect(types.filter((t) => t === 'engagement.parity_recovered')).toHaveLength(1);
    expect(deliveries.every((d) => d.valid)).toBe(true);
    expect(deliveries[0]!.body).toMatchObject({ eventId: ev.event.id, type: 'engagement.parity_alert', data: { alerting: true } });
    // The webhook secret never comes back.
    const settingsBack = await getJson<Record<string, unknown>>(`/api/events/${ev.event.id}/engagement/settings`);
    expect(JSON.stringify(settingsBack)).not.toContain(SECRET);
    expect(settingsBack['webhookConfigured']).toBe(true);
  });

  it('[ENG17] closing a poll and submitting a survey are key moments for the webhook', async () => {
    await setup();
    await setWebhook(ev.event.id);
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const poll = await launch(single('Close me', false));
    await ok(mod.send('poll:close', { pollId: poll.id }));
    await ok(mod.send('survey:define', { survey: { title: 'Day 1', anonymous: false, questions: [{ kind: 'rating', prompt: 'Rate', required: true }] } }));
    await ok(mod.send('survey:open', {}));
    await ok(ada.send('survey:submit', { answers: [{ questionId: 's1', value: 5 }] }));
    const deadline = Date.now() + 3000;
    while (deliveries.length < 3 && Date.now() < deadline) await sleep(20);
    expect(deliveries.map((d) => d.type).sort()).toEqual(['poll.closed', 'survey.opened', 'survey.submitted']);
    expect(deliveries.find((d) => d.type === 'poll.closed')!.body.data).toMatchObject({ pollId: poll.id });
    expect(deliveries.find((d) => d.type === 'survey.submitted')!.body.data).toMatchObject({ participantId: ada.id, answers: [{ questionId: 's1', value: 5 }] });
  });

  it('[ENG11] with the leaderboard on, everyone gets teams and top attendees by score', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const poll = await launch(single('Board?', false));
    await ok(ada.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(ada.send('question:submit', { text: 'Lead?', anonymous: false }));
    await ok(bob.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await logReaches(2 * 3 + 1);
    await ok(mod.send('engagement:configure', { settings: { leaderboard: 'all' } }));
    const board = await bob.waitFor('engagement:leaderboardUpdated', (b) => b.participants.length === 2, 4000);
    expect(board.participants.map((p) => [p.rank, p.name])).toEqual([
      [1, 'Ada'],
      [2, 'Bob'],
    ]);
    expect(board.teams.map((t) => t.team)).toEqual(['EMEA', 'NA']);
  });

  it('[ENG11] [ENG21] [PROTO5] an attendee connecting after the board was computed gets it in the snapshot; turning it off tells everyone (mode off) and new snapshots lack it', async () => {
    await setup();
    const ada = await attendee('Ada', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const poll = await launch(single('Board later?', false));
    await ok(ada.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(ada.send('question:submit', { text: 'Who leads?', anonymous: false }));
    await ok(bob.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await logReaches(2 * 3 + 1);
    // Before the organiser turns it on, nobody's snapshot has a board.
    expect(ada.snapshot.leaderboard).toBeUndefined();
    await ok(mod.send('engagement:configure', { settings: { leaderboard: 'all' } }));
    const live = await bob.waitFor('engagement:leaderboardUpdated', (b) => b.participants.length === 2, 4000);

    // A late joiner gets the board at once, with no fact needed: Ada (vote + question) leads Bob (vote).
    const cy = await attendee('Cy', 'room', 'NA');
    const late = cy.snapshot.leaderboard;
    expect(late?.mode).toBe('all');
    expect(late?.participants.slice(0, 2).map((p) => p.name)).toEqual(['Ada', 'Bob']);
    expect(late?.teams.map((t) => t.team)).toEqual(live.teams.map((t) => t.team));
    // Staff see the same board in theirs.
    const mod2 = await client((await s.join({ code: ev.code, name: 'Mod 2', key: keyOf(ev.links.moderator) })).token);
    expect(mod2.snapshot.leaderboard?.mode).toBe('all');

    // Off: every attendee is told to hide it, the stored board is gone, and nothing follows.
    const hidden = Promise.all([ada, cy].map((c) => c.waitFor('engagement:leaderboardUpdated', (b) => b.mode === 'off', 4000)));
    await ok(mod.send('engagement:configure', { settings: { leaderboard: 'off' } }));
    for (const b of await hidden) expect(b).toEqual({ mode: 'off', teams: [], participants: [] });
    await ok(ada.send('question:submit', { text: 'Still counting?', anonymous: false }));
    await sleep(600);
    const afterOff = cy.received.filter((f) => f.fact === 'engagement:leaderboardUpdated').map((f) => (f.payload as { mode: string }).mode);
    expect(afterOff.at(-1)).toBe('off');
    const dee = await attendee('Dee', 'remote', 'EMEA');
    expect(dee.snapshot.leaderboard).toBeUndefined();
    expect((await connectClient(s.url, tokenOf(ada))).snapshot.leaderboard).toBeUndefined();
  });

  it('[ENG18] deleting a participant removes their personal data, disconnects them and keeps every aggregate', async () => {
    await setup();
    const ada = await attendee('Ada Gone', 'remote', 'EMEA');
    const bob = await attendee('Bob', 'room', 'NA');
    const poll = await launch(single('Keep me?', false));
    await ok(ada.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(bob.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } }));
    await ok(ada.send('question:submit', { text: 'A named question from Ada', anonymous: false }));
    await ok(ada.send('chat:send', { text: 'Hello from Ada' }));
    await logReaches(2 * 3 + 2);
    const before = await getJson<{ event: unknown; teams: unknown }>(`/api/events/${ev.event.id}/engagement/summary`);
    const ended = ada.waitFor('session:ended');
    const del = await s.api(`/api/events/${ev.event.id}/participants/${ada.id}`, { method: 'DELETE', admin: true });
    expect(del).toEqual({ status: 200, body: { participantId: ada.id, deleted: true } });
    expect((await ended).reason).toBe('deleted');
    const after = await getJson<{ event: unknown; teams: unknown }>(`/api/events/${ev.event.id}/engagement/summary`);
    // Ada left when disconnected: aggregates other than that are unchanged.
    expect((after.event as any).activities).toEqual((before.event as any).activities);
    expect(after.teams).toEqual(before.teams);
    const log = await readLog();
    expect(log.some((e) => e.participantId === ada.id)).toBe(false);
    expect(log.filter((e) => e.participantId?.startsWith('deleted_')).length).toBeGreaterThan(0);
    const csv = await (await get(`/api/events/${ev.event.id}/engagement/participants.csv`)).text();
    expect(csv).not.toContain(ada.id);
    expect(csv).not.toContain('Ada Gone');
    // Her named question and her chat message keep their text under the new name.
    const questions = await (await get(`/api/events/${ev.event.id}/questions.csv`)).text();
    expect(questions).toContain('A named question from Ada');
    expect(questions).not.toContain('Ada Gone');
    expect((await s.store.listChat(ev.event.id)).map((m) => [m.authorName, m.text])).toEqual([['Deleted participant', 'Hello from Ada']]);
    expect((await s.api(`/api/events/${ev.event.id}/participants/${ada.id}`, { method: 'DELETE' })).status).toBe(401);
    expect((await s.api(`/api/events/${ev.event.id}/participants/nobody`, { method: 'DELETE', admin: true })).status).toBe(404);
  });
});

describe('mode switches', () => {
  it('[ENG24] [ENG22] [ENG23] [ENG9] entering the room code is logged as modeChanged, and the dashboard moves the switcher\'s time to the room instead of alerting', async () => {
    await setup();
    const room = await Promise.all([0, 1, 2].map((i) => attendee(`Room ${i}`, 'room', 'NA')));
    const remote = await Promise.all([0, 1, 2].map((i) => attendee(`Remote ${i}`, 'remote', 'EMEA')));
    const lou = await attendee('Lou', 'remote', 'EMEA');
    // Before the switch Lou is wholly remote.
    await dashboardWhere(mod, (d) => d.session?.figures.weighted.present.remote === 4 && d.session.figures.weighted.present.room === 3);

    clock.skippedMs += 60_000;
    const updated = await ok(lou.send('participant:update', { mode: 'room', roomCode: s.roomCode(ev.event.id) }));
    expect(updated.mode).toBe('room');
    const poll = await launch(single('Ready?', false));
    for (const c of [...room, ...remote, lou]) await ok(c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    clock.skippedMs += 59 * 60_000;

    // The switch is in the log, through the recorder like every entry, with both cohorts.
    const log = await logReaches(7 * 3 + 1);
    const switches = log.filter((e) => e.kind === 'modeChanged');
    expect(switches).toHaveLength(1);
    expect(switches[0]).toMatchObject({ participantId: lou.id, mode: 'room', ref: 'remote', team: 'EMEA', sessionId: 'keynote' });
    expect(log.filter((e) => e.participantId === lou.id && e.kind === 'voted').map((e) => e.mode)).toEqual(['room']);

    // Everyone took part: the remote cohort is the three remote attendees and Lou's first minute.
    const d = await dashboardWhere(mod, (x) => x.session!.figures.interacted.room === 4 && x.session!.figures.weighted.present.remote < 3.1);
    const f = d.session!.figures;
    expect(f.present).toEqual({ room: 4, remote: 4 });
    expect(f.weighted.present.remote).toBeCloseTo(3 + 1 / 60, 1);
    expect(f.weighted.present.room).toBeCloseTo(3 + 59 / 60, 1);
    expect(f.weighted.interacted.remote).toBe(3);
    expect(f.participation.remote).toBeGreaterThan(0.98);
    expect(d.parity).toMatchObject({ scope: 'session', alerting: false });
    expect(d.parity.value!).toBeGreaterThanOrEqual(d.parity.threshold);
    await sleep(600);
    expect(mod.received.filter((x) => x.fact === 'engagement:parityAlerted')).toEqual([]);

    // The log API's entries fold to the same figures, as of the dashboard's moment.
    const folded = foldEntries(emptyFold(), (await readLog()).filter((e) => Number(e.cursor) <= Number(d.cursor)));
    expect(scopeFigures(folded.sessions.get('keynote'), Date.parse(d.at))).toEqual(f);
  });
});
