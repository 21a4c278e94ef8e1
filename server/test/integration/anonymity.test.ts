import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse, EngagementEntry, EngagementPage, Poll, PollDraft, PollResults, Snapshot, SurveyResults } from '@rally/shared';
import { parseCsv } from '../helpers/csv.js';
import { readXlsx } from '../helpers/xlsx.js';
import { connectClient, keyOf, sleep, startTestServer, TEST_ADMIN, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { createRedisStore } from '../../src/store/redis-store.js';

/*
 * [SEC20]–[SEC25] The adversary: a moderator (and organiser) with every staff source — the facts
 * their sockets received (the moderator's, the presenter's and the stage screen's), a fresh snapshot
 * of each, every REST export (CSV and XLSX) and the engagement log API, and every webhook payload — tries to join the anonymous items of a realistic run (an open-text poll, a
 * choice poll voted slowly so each vote is its own results tick, an anonymous survey, an anonymous
 * question whose asker is banned through it) to the people who made them: by id or name, by
 * timestamp, by order, and by the side effects of moderation. Every join must fail.
 */

let s: TestServer;
let ev: CreateEventResponse;
let mod: TestClient;
let pres: TestClient;
let screen: TestClient;
let modToken: string;
const clients: TestClient[] = [];
const hooks: { type: string; body: unknown }[] = [];

type Person = TestClient & { id: string; name: string };
let people: Person[];

const anonymous = { anonymous: true, resultsVisibility: 'live' as const, allowChange: false, durationSec: null };

async function fetchOk(path: string, token: string): Promise<Response> {
  const r = await fetch(s.url + path, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r;
}
const get = async (path: string, token: string = modToken): Promise<string> => (await fetchOk(path, token)).text();
/** An XLSX export read back as rows per sheet, as a spreadsheet would show it. */
const getXlsx = async (path: string, token: string = modToken) => readXlsx(await (await fetchOk(path, token)).arrayBuffer());

async function readLog(): Promise<EngagementEntry[]> {
  const out: EngagementEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page = JSON.parse(await get(`/api/events/${ev.event.id}/engagement/log?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`)) as EngagementPage;
    out.push(...page.entries);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

/** Every staff source at once, as the adversary would collect it. */
async function staffSources(): Promise<Record<string, unknown>> {
  const id = ev.event.id;
  const snapshot = await ok(mod.send('snapshot:request', {}));
  const factsOf = (c: TestClient) => c.received.map((f) => ({ fact: f.fact, payload: f.payload }));
  return {
    facts: factsOf(mod),
    snapshot,
    // What the presenter's console and the stage screen were sent, and what they read on a reload.
    presenterFacts: factsOf(pres),
    presenterSnapshot: await ok(pres.send('snapshot:request', {})),
    screenFacts: factsOf(screen),
    screenSnapshot: await ok(screen.send('snapshot:request', {})),
    log: await readLog(),
    logNdjson: (await get(`/api/events/${id}/engagement/log.ndjson`)).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown),
    logCsv: parseCsv(await get(`/api/events/${id}/engagement/log.csv`)),
    participantsCsv: parseCsv(await get(`/api/events/${id}/engagement/participants.csv`)),
    surveyCsv: parseCsv(await get(`/api/events/${id}/engagement/survey.csv`)),
    summary: JSON.parse(await get(`/api/events/${id}/engagement/summary`)) as unknown,
    pollsCsv: parseCsv(await get(`/api/events/${id}/polls/results.csv`)),
    questionsCsv: parseCsv(await get(`/api/events/${id}/questions.csv`)),
    participantsXlsx: await getXlsx(`/api/events/${id}/engagement/participants.xlsx`),
    webhooks: hooks.map((h) => h.body),
  };
}

/** Every record (object or CSV row) anywhere in a source that holds one of the needles, with the path to it. */
function recordsHolding(source: unknown, needles: readonly string[], path = '$'): { path: string; record: unknown }[] {
  if (Array.isArray(source)) {
    // A CSV or XLSX row (an array of cells) is one record.
    if (source.length > 0 && source.every((c) => c === null || typeof c !== 'object')) return source.some((c) => typeof c === 'string' && needles.some((n) => c.includes(n))) ? [{ path, record: source }] : [];
    return source.flatMap((x, i) => recordsHolding(x, needles, `${path}[${i}]`));
  }
  if (source && typeof source === 'object') {
    const own = Object.values(source).some((v) => typeof v === 'string' && needles.some((n) => v.includes(n)));
    return [...(own ? [{ path, record: source }] : []), ...Object.entries(source).flatMap(([k, v]) => recordsHolding(v, needles, `${path}.${k}`))];
  }
  return [];
}

// Truth the adversary is after, filled in by the run.
const openAnswers = new Map<string, string>(); // text -> author id
const surveyTexts = new Map<string, string>(); // text -> author id
let openPoll: Poll;
let choicePoll: Poll;
let anonQuestionId: string;
let namedQuestionId: string;
let before: { questionsCsv: string; participantsDuringPoll: string[][][]; participantsXlsxDuringPoll: string[]; logWhileLive: EngagementEntry[]; banFrom: number; surveyWhileOpen: { summary: string; surveyCsv: string[][] }[] };

let redis: RedisServerHandle | undefined;

/** The run the adversary attacks, on the given store (SQLite embedded, or the Redis store cluster mode uses). */
async function run(storeKind: 'sqlite' | 'redis'): Promise<void> {
  hooks.length = 0;
  openAnswers.clear();
  surveyTexts.clear();
  if (storeKind === 'redis') redis = await startRedisServer();
  s = await startTestServer({
    ...(redis ? { store: await createRedisStore(redis.url) } : {}),
    app: {
      engagement: {
        tickMs: 200,
        flushMs: 50,
        webhooks: {
          post: async (_url, init) => {
            hooks.push({ type: String(init.headers['X-Rally-Event'] ?? init.headers['x-rally-event']), body: JSON.parse(init.body) as unknown });
            return { status: 200 };
          },
        },
      },
    },
  });
  ev = await s.createEvent({ name: 'Anonymity SKO', settings: { moderation: 'post', allowAnonymousQuestions: true } });
  await s.api(`/api/events/${ev.event.id}/engagement/webhook`, { method: 'PUT', admin: true, body: JSON.stringify({ url: 'https://hooks.example.com/rally', secret: 'whsec_anonymity_0123456789' }) });
  const modJoin = await s.join({ code: ev.code, name: 'Mona Moderator', key: keyOf(ev.links.moderator) });
  modToken = modJoin.token;
  mod = await connectClient(s.url, modToken);
  clients.push(mod);
  pres = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Pia Presenter', key: keyOf(ev.links.presenter) })).token);
  clients.push(pres);
  screen = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Stage', key: keyOf(ev.links.stage) })).token);
  clients.push(screen);
  people = [];
  for (const [name, mode, team] of [['Ada Lovelace', 'remote', 'EMEA'], ['Bob Builder', 'room', 'NA'], ['Cy Twombly', 'room', 'EMEA'], ['Di Fossey', 'remote', 'NA']] as const) {
    const j = await s.join({ code: ev.code, name, mode, team });
    const c = Object.assign(await connectClient(s.url, j.token), { id: j.participant.id, name });
    clients.push(c);
    people.push(c);
  }

  // 1. An anonymous open-text poll, answered slowly; arrival order is the reverse of alphabetical.
  const launch = async (draft: PollDraft) => ok(pres.send('poll:launch', { pollId: (await ok(mod.send('poll:create', { sessionId: null, draft }))).id }));
  openPoll = await launch({ kind: 'open', question: 'One word for this year?', settings: anonymous });
  const texts = ['Zeal for the launch', 'Yield more deals', 'Xylophone practice', 'Wider territories'];
  for (const [i, p] of people.entries()) {
    await ok(p.send('poll:vote', { pollId: openPoll.id, vote: { kind: 'open', text: texts[i]! } }));
    openAnswers.set(texts[i]!, p.id);
    await sleep(350);
  }
  const pending = (await ok(mod.send('snapshot:request', {}))).pollAnswers ?? [];
  for (const a of pending) await ok(mod.send('poll:moderateAnswer', { pollId: openPoll.id, answerId: a.id, approved: true }));

  // 2. An anonymous choice poll voted slowly: every vote is a results tick of its own.
  choicePoll = await launch({ kind: 'single', question: 'Best region?', options: ['EMEA', 'NA'], settings: anonymous });
  const participantsDuringPoll: string[][][] = [];
  const participantsXlsxDuringPoll: string[] = [];
  for (const [i, p] of people.entries()) {
    await ok(p.send('poll:vote', { pollId: choicePoll.id, vote: { kind: 'single', optionId: choicePoll.kind === 'single' ? choicePoll.options[i % 2]!.id : '' } }));
    await sleep(400);
    participantsDuringPoll.push(parseCsv(await get(`/api/events/${ev.event.id}/engagement/participants.csv`)));
    participantsXlsxDuringPoll.push(JSON.stringify(await getXlsx(`/api/events/${ev.event.id}/engagement/participants.xlsx`)));
  }
  // Read while both polls are live: the log has no entry of the anonymous votes yet.
  const logWhileLive = await readLog();
  await ok(pres.send('poll:close', { pollId: openPoll.id }));
  await ok(pres.send('poll:close', { pollId: choicePoll.id }));

  // 3. An anonymous survey with a text question, answered slowly.
  await ok(mod.send('survey:define', { survey: { title: 'Day 1', anonymous: true, questions: [{ kind: 'rating', prompt: 'Rate the day', required: true }, { kind: 'text', prompt: 'What to change?', required: true }] } }));
  await ok(mod.send('survey:open', {}));
  const surveyAnswers = ['Zoom audio was poor', 'Your agenda ran late', 'Xmas party please'];
  // What the adversary reads after each answer while the survey is open: the summary (the
  // dashboard's figures) and the survey export.
  const surveyWhileOpen: { summary: string; surveyCsv: string[][] }[] = [];
  for (const [i, p] of people.slice(0, 3).entries()) {
    await ok(p.send('survey:submit', { answers: [{ questionId: 's1', value: 5 - i }, { questionId: 's2', value: surveyAnswers[i]! }] }));
    surveyTexts.set(surveyAnswers[i]!, p.id);
    await sleep(300);
    surveyWhileOpen.push({ summary: await get(`/api/events/${ev.event.id}/engagement/summary`), surveyCsv: parseCsv(await get(`/api/events/${ev.event.id}/engagement/survey.csv`)) });
  }
  await ok(mod.send('survey:close', {}));

  // 4. Ada asks anonymously and by name; she is banned through the anonymous question.
  const ada = people[0]!;
  anonQuestionId = (await ok(ada.send('question:submit', { text: 'Why were commissions cut?', anonymous: true }))).id;
  namedQuestionId = (await ok(ada.send('question:submit', { text: 'When is the next release?', anonymous: false }))).id;
  await sleep(200);
  const questionsCsv = await get(`/api/events/${ev.event.id}/questions.csv`);
  before = { questionsCsv, participantsDuringPoll, participantsXlsxDuringPoll, logWhileLive, banFrom: mod.received.length, surveyWhileOpen };
  const ban = await ok(mod.send('qa:banAsker', { questionId: anonQuestionId, banned: true }));
  expect(ban.participantId).toBeNull();
  // The withheld entries are released within a second of the close; the recorder writes every 50 ms.
  await sleep(1500);
}

describe.each([['sqlite' as const], ['redis' as const]])('an adversary with every staff source (%s store)', (storeKind) => {
  beforeAll(() => run(storeKind), 60_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await s?.close();
    await redis?.stop();
    redis = undefined;
  });

  it('[SEC20] [SEC25] cannot join by id or name: no record holding an anonymous text or question names or identifies a person', async () => {
    const sources = await staffSources();
    const needles = [...openAnswers.keys(), ...surveyTexts.keys(), 'Why were commissions cut?', anonQuestionId];
    const identities = people.flatMap((p) => [p.id, p.name]);
    let seen = 0;
    const seenIn = new Set<string>();
    for (const [name, source] of Object.entries(sources)) {
      for (const { path, record } of recordsHolding(source, needles)) {
        seen++;
        seenIn.add(name);
        const text = JSON.stringify(record);
        for (const who of identities) expect(text.includes(who), `${name} ${path} ties an anonymous item to ${who}`).toBe(false);
      }
    }
    // The adversary did find the items (the texts are shown): it is the link that is missing. The
    // presenter's console and the stage screen show the wall and the anonymous question; the
    // participants XLSX lists the survey texts.
    expect(seen).toBeGreaterThan(5);
    for (const name of ['presenterFacts', 'presenterSnapshot', 'screenFacts', 'screenSnapshot', 'participantsXlsx']) expect(seenIn, name).toContain(name);
  });

  it('[SEC22] [SEC25] cannot join by timestamp: every vote and survey entry of an anonymous activity carries its opening time, so all its voters tie', async () => {
    const log = await readLog();
    const voted = log.filter((e) => e.kind === 'voted');
    const answered = log.filter((e) => e.kind === 'surveyAnswered');
    // Everyone is there: taking part is not secret ([ENG19]), and no entry names the poll.
    expect(new Set(voted.map((e) => e.participantId))).toEqual(new Set(people.map((p) => p.id)));
    expect(voted.length).toBe(8);
    expect(voted.every((e) => e.ref === undefined)).toBe(true);
    expect(answered.length).toBe(3);
    // The nearest-time join: for each anonymous answer (its time to the minute) and each results
    // tick of the choice poll (when the moderator received it), the entries nearest in time.
    const times = [...new Set(voted.map((e) => e.at))];
    expect(times.sort()).toEqual([openPoll.openedAt, choicePoll.openedAt].sort());
    expect(new Set(answered.map((e) => e.at)).size).toBe(1);
    const snapshot = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
    const answers = snapshot.pollAnswers ?? [];
    for (const item of answers.map((a) => Date.parse(a.at))) {
      const nearest = Math.min(...voted.map((e) => Math.abs(Date.parse(e.at) - item)));
      const candidates = new Set(voted.filter((e) => Math.abs(Date.parse(e.at) - item) === nearest).map((e) => e.participantId));
      // Every voter is a candidate: the join singles out nobody.
      expect(candidates.size).toBe(people.length);
    }
    // An anonymous answer shows its minute, nothing finer.
    for (const a of answers) expect(a.at).toMatch(/:00\.000Z$/);
    // Nor does its id: read as [ID9] documents ids (12 hex digits of epoch milliseconds first), the
    // id of an anonymous answer, as the moderator, the presenter and the stage screen get it, names
    // no time anywhere near the run (a time-sortable id would give back the millisecond it arrived).
    const wallIds = (snap: Snapshot) => {
      const r = snap.polls.find((p) => p.poll.id === openPoll.id)?.results;
      return r?.kind === 'open' ? r.entries.map((e) => e.id) : [];
    };
    const ids = new Set([...answers.map((a) => a.id), ...wallIds(snapshot), ...wallIds((await ok(pres.send('snapshot:request', {}))) as Snapshot), ...wallIds((await ok(screen.send('snapshot:request', {}))) as Snapshot)]);
    expect(ids.size).toBe(openAnswers.size);
    const DAY_MS = 24 * 3600_000;
    for (const id of ids) expect(Math.abs(parseInt(id.slice(0, 12), 16) - Date.now()), id).toBeGreaterThan(DAY_MS);
  });

  it('[SEC22] [SEC24] cannot match a slow vote’s results tick to a person: nothing person-side moved while the poll ran', async () => {
    // Each slow vote was a results tick of its own: the moderator saw each vote's option alone …
    const ticks = mod.received.filter((f) => f.fact === 'poll:resultsUpdated' && (f.payload as PollResults).pollId === choicePoll.id);
    const totals = [...new Set(ticks.map((f) => { const r = f.payload as PollResults; return r.totals.room + r.totals.remote; }))];
    expect(totals.length).toBeGreaterThanOrEqual(3);
    // … but no person-side source moved with them: the log held no vote entry while the polls ran,
    expect(before.logWhileLive.filter((e) => e.kind === 'voted')).toEqual([]);
    // and the participants export read after each vote was the same every time.
    const votesCol = before.participantsDuringPoll[0]![0]!.indexOf('votes');
    expect(votesCol).toBeGreaterThan(-1);
    const perPerson = before.participantsDuringPoll.map((csv) => csv.slice(1).map((r) => `${r[0]}:${r[votesCol]}`).sort().join(','));
    expect(new Set(perPerson).size).toBe(1);
    // So was the participants XLSX, every sheet of it (per person and per team).
    expect(before.participantsXlsxDuringPoll.length).toBe(people.length);
    expect(new Set(before.participantsXlsxDuringPoll).size).toBe(1);
  });

  it('[SEC23] [SEC25] cannot join by order: anonymous answers and survey texts are listed alphabetically wherever they are listed, never in arrival order', async () => {
    const alphabetical = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const snapshot = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
    const modAnswers = (snapshot.polls.find((p) => p.poll.id === openPoll.id) ? snapshot.pollAnswers ?? [] : []).filter((a) => a.pollId === openPoll.id);
    expect(modAnswers.length).toBe(4);
    // By minute (the finest an anonymous answer shows), then alphabetically: never the arrival order.
    const expected = [...modAnswers].sort((a, b) => a.at.localeCompare(b.at) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).map((a) => a.text);
    const arrival = [...openAnswers.keys()];
    expect(expected).not.toEqual(arrival);
    expect(modAnswers.map((a) => a.text)).toEqual(expected);
    // The wall as the moderator, the presenter's console and the stage screen get it.
    for (const who of [snapshot, (await ok(pres.send('snapshot:request', {}))) as Snapshot, (await ok(screen.send('snapshot:request', {}))) as Snapshot]) {
      const wall = who.polls.find((p) => p.poll.id === openPoll.id)?.results;
      expect(wall?.kind === 'open' ? wall.entries.map((e) => e.text) : []).toEqual(expected);
    }
    // And every results fact the presenter and the screen were sent while it ran.
    for (const c of [pres, screen]) {
      const walls = c.received.filter((f) => f.fact === 'poll:resultsUpdated' && (f.payload as PollResults).pollId === openPoll.id).map((f) => f.payload as PollResults);
      expect(walls.length).toBeGreaterThan(0);
      for (const w of walls) {
        const texts = w.kind === 'open' ? w.entries.map((e) => e.text) : [];
        expect(texts).toEqual(expected.filter((t) => texts.includes(t)));
      }
    }
    const pollsCsv = parseCsv(await get(`/api/events/${ev.event.id}/polls/results.csv`));
    const exported = pollsCsv.filter((r) => r.some((c) => openAnswers.has(c))).map((r) => r.find((c) => openAnswers.has(c))!);
    expect(exported).toEqual(expected);
    const summary = JSON.parse(await get(`/api/events/${ev.event.id}/engagement/summary`)) as { survey?: { questions: { kind: string; latest?: { text: string }[] }[] } };
    const latest = summary.survey?.questions.find((q) => q.kind === 'text')?.latest?.map((t) => t.text) ?? [];
    expect(latest).toEqual(alphabetical([...surveyTexts.keys()]));
    const surveyCsv = parseCsv(await get(`/api/events/${ev.event.id}/engagement/survey.csv`));
    const csvTexts = surveyCsv.filter((r) => r[3] === 'text').map((r) => r[4]!);
    expect(csvTexts).toEqual(alphabetical([...surveyTexts.keys()]));
    const xlsxSurvey = (await getXlsx(`/api/events/${ev.event.id}/engagement/participants.xlsx`)).Survey ?? [];
    const xlsxTexts = xlsxSurvey.filter((r) => r[3] === 'text').map((r) => String(r[4]));
    expect(xlsxTexts).toEqual(alphabetical([...surveyTexts.keys()]));
  });

  it('[SEC48] [SEC20] [SEC25] cannot join a survey text to a person by cohort: no text carries one anywhere, and none shows while the per-cohort counts move', async () => {
    // The adversary's handle: who answered (the log's surveyAnswered entries, after the close) and
    // in which cohort. Ada is the only remote respondent, so a text marked remote would be hers.
    const answered = (await readLog()).filter((e) => e.kind === 'surveyAnswered');
    const remote = answered.filter((e) => e.mode === 'remote').map((e) => e.participantId);
    expect(remote).toEqual([people[0]!.id]);
    const sources = await staffSources();
    const cohortWords = ['room', 'remote', 'Room', 'Remote'];
    let seen = 0;
    for (const [name, source] of Object.entries(sources)) {
      for (const { path, record } of recordsHolding(source, [...surveyTexts.keys()])) {
        seen++;
        if (Array.isArray(record)) {
          // A CSV or XLSX row of the survey table: the room and remote cells of a text row are empty.
          expect(record.slice(5, 7).every((c) => c === null || c === ''), `${name} ${path} ${JSON.stringify(record)}`).toBe(true);
          expect(record.some((c) => typeof c === 'string' && cohortWords.includes(c)), `${name} ${path}`).toBe(false);
        } else {
          expect(Object.keys(record as object), `${name} ${path}`).not.toContain('mode');
          expect(Object.values(record as object).some((v) => typeof v === 'string' && cohortWords.includes(v)), `${name} ${path}`).toBe(false);
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(3 * 3);
    // Nor a count of texts per cohort (with one text, it would name the text's cohort).
    const summary = sources.summary as { survey: SurveyResults };
    const text = summary.survey.questions.find((q) => q.kind === 'text');
    expect(text).toMatchObject({ kind: 'text', total: surveyTexts.size });
    expect(text && 'answers' in text).toBe(false);
    const surveyCsv = sources.surveyCsv as string[][];
    expect(surveyCsv.find((r) => r[3] === 'answers')?.slice(5)).toEqual(['', '', String(surveyTexts.size)]);
    // Ratings per cohort stay: the dashboard still compares the room with the remote audience.
    expect(summary.survey.responses).toEqual({ room: 2, remote: 1 });
    // While it was open, each answer moved the per-cohort counts ...
    const responses = before.surveyWhileOpen.map((r) => (JSON.parse(r.summary) as { survey: SurveyResults }).survey.responses);
    expect(responses.map((r) => r.room + r.remote)).toEqual([1, 2, 3]);
    // ... and no text moved with them, nor their count: a text appearing as a remote answer
    // arrived would be that answer's.
    for (const [i, r] of before.surveyWhileOpen.entries()) {
      for (const t of surveyTexts.keys()) expect(r.summary.includes(t) || r.surveyCsv.some((row) => row.includes(t)), `read ${i}`).toBe(false);
      expect((JSON.parse(r.summary) as { survey: SurveyResults }).survey.questions.find((q) => q.kind === 'text')).toMatchObject({ total: null, latest: [] });
    }
    const dashboards = mod.received.filter((f) => f.fact === 'engagement:dashboardUpdated').map((f) => f.payload as { survey: SurveyResults | null });
    for (const d of dashboards) {
      const q = d.survey?.questions.find((x) => x.kind === 'text');
      if (q?.kind === 'text' && d.survey?.state !== 'closed') expect(q).toMatchObject({ total: null, latest: [] });
    }
  });

  it('[SEC49] [QA3] [SEC25] cannot join the anonymous question by its time: its id and its time say only the minute, wherever the adversary reads them', async () => {
    const sources = await staffSources();
    const minute = /:00\.000Z$/;
    // Read as [ID9] documents ids, the anonymous question's id names no time near the run.
    expect(Math.abs(parseInt(anonQuestionId.slice(0, 12), 16) - Date.now())).toBeGreaterThan(24 * 3600_000);
    // Every record of it (facts, snapshots of the moderator, the presenter and the screen, the
    // questions export): every time in it is a whole minute, the moderator's answered/reply aside.
    let seen = 0;
    for (const [name, source] of Object.entries(sources)) {
      for (const { path, record } of recordsHolding(source, [anonQuestionId, 'Why were commissions cut?'])) {
        seen++;
        const times = (Array.isArray(record) ? record : Object.entries(record as object).filter(([k]) => k === 'createdAt').map(([, v]) => v as unknown)).filter(
          (v): v is string => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v),
        );
        expect(times.length, `${name} ${path}`).toBeGreaterThan(0);
        for (const t of times) expect(t, `${name} ${path}`).toMatch(minute);
      }
    }
    expect(seen).toBeGreaterThan(3);
    // The named question keeps its millisecond: the coarse time is the anonymous one's alone.
    const snapshot = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
    expect(snapshot.qa!.questions.find((q) => q.id === namedQuestionId)!.createdAt).not.toMatch(minute);
    // The log's entry of the anonymous question, once its minute is over, says the minute too,
    // never the millisecond (nor, by sitting among the minute's entries as it came, the order).
    for (const e of (await readLog()).filter((x) => x.kind === 'asked' && x.participantId === null)) expect(e.at).toMatch(minute);
  });

  it('[SEC21] [SEC25] cannot learn the asker from a ban through the anonymous question: nothing else is marked, no export changes', async () => {
    const changed = mod.received.slice(before.banFrom).filter((f) => f.fact === 'question:changed').map((f) => f.payload as { id: string; askerBanned?: boolean });
    expect(changed.map((q) => q.id)).toEqual([anonQuestionId]);
    const snapshot = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
    const named = snapshot.qa!.questions.find((q) => q.id === namedQuestionId);
    expect(named?.askerBanned).toBe(false);
    expect(snapshot.qa!.questions.find((q) => q.id === anonQuestionId)?.askerBanned).toBe(true);
    expect(await get(`/api/events/${ev.event.id}/questions.csv`)).toBe(before.questionsCsv);
    // The ban holds all the same.
    expect(await people[0]!.send('question:submit', { text: 'One more?', anonymous: false })).toMatchObject({ ok: false, error: { code: 'BANNED' } });
  });

  it('[SEC20] [ENG19] the webhooks of the anonymous activities carry neither a person nor a text', async () => {
    const submitted = hooks.filter((h) => h.type === 'survey.submitted');
    expect(submitted.length).toBe(3);
    const identities = people.flatMap((p) => [p.id, p.name]);
    for (const h of hooks) {
      const text = JSON.stringify(h.body);
      for (const t of [...openAnswers.keys(), ...surveyTexts.keys()]) expect(text.includes(t)).toBe(false);
      if (h.type === 'survey.submitted' || h.type === 'poll.closed') for (const who of identities) expect(text.includes(who)).toBe(false);
    }
  });
});
