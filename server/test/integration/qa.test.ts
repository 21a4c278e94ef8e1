import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type EventSettings, type QuestionView } from '@rally/shared';
import { parseCsv } from '../helpers/csv.js';
import { QA_VOTES_INTERVAL_MS } from '../../src/realtime/qa-votes-ticker.js';
import { TEST_ADMIN, cmdId, connectClient, keyOf, perSecond, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let s: TestServer;
let ev: CreateEventResponse;
let mod: TestClient;
let mod2: TestClient;
let pres: TestClient;
let screen: TestClient;
/** The asker (remote) and another attendee (in the room). */
let author: TestClient;
let other: TestClient;
const open: TestClient[] = [];

const AGENDA = [{ id: 'keynote', title: 'Keynote', kind: 'keynote' as const, startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] }];

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

const tokenOf = (c: TestClient) => (c.socket.auth as { token: string }).token;

async function setup(settings: Partial<EventSettings> = {}) {
  ev = await s.createEvent({ agenda: AGENDA, settings });
  const staff = async (name: string, link: string) => client((await s.join({ code: ev.code, name, key: keyOf(link) })).token);
  mod = await staff('Moderator', ev.links.moderator);
  mod2 = await staff('Second moderator', ev.links.moderator);
  pres = await staff('Presenter', ev.links.presenter);
  screen = await staff('Stage', ev.links.stage);
  author = await client((await s.join({ code: ev.code, name: 'Ada Asker', mode: 'remote', team: 'EMEA' })).token);
  other = await client((await s.join({ code: ev.code, name: 'Otto Other', mode: 'room', team: 'NA' })).token);
  await ok(mod.send('session:setLive', { sessionId: 'keynote' }));
}

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});


const ask = (text: string, anonymous = false, c = author) => ok(c.send('question:submit', { text, anonymous }));

/** Every Q&A fact a client received about one question (or carrying its id anywhere). */
const aboutQuestion = (c: TestClient, id: string) => c.received.filter((f) => f.fact !== 'snapshot' && JSON.stringify(f.payload).includes(id));

/** Lets any broadcast in flight arrive (and a votes tick run) before asserting that none did. */
const settle = () => sleep(QA_VOTES_INTERVAL_MS + 100);

describe('asking and moderating over real sockets', () => {
  it('[QA5] [QA8] pre-moderation: the ack goes to the author; moderators get question:submitted; nobody else hears of it until it is approved', async () => {
    await setup({ moderation: 'pre' });
    const submitted = mod.waitFor('question:submitted');
    const otherTab = await client(tokenOf(author));
    const ownTab = otherTab.waitFor('question:submitted');
    const q = await ask('When does Cloud 5 ship in EMEA?');
    expect(q).toMatchObject({ state: 'pending', mine: true, authorName: 'Ada Asker', origin: { kind: 'remote' }, sessionId: 'keynote', votes: 0, rev: 0 });
    expect(await submitted).toMatchObject({ id: q.id, state: 'pending', flagged: false, askerBanned: false });
    expect((await ownTab).mine).toBe(true);
    await settle();
    for (const c of [other, pres, screen]) expect(aboutQuestion(c, q.id)).toEqual([]);

    const seen = Promise.all([other, pres, screen].map((c) => c.waitFor('question:changed', (p) => p.id === q.id)));
    const mineNow = author.waitFor('question:changed', (p) => p.id === q.id && p.mine === true);
    const approved = await ok(mod.send('question:approve', { questionId: q.id }));
    expect(approved).toMatchObject({ state: 'approved', rev: 1, flagged: false });
    for (const p of await seen) {
      expect(p).toMatchObject({ id: q.id, state: 'approved', text: 'When does Cloud 5 ship in EMEA?' });
      expect(p).not.toHaveProperty('flagged');
      expect(p).not.toHaveProperty('mine');
    }
    expect((await mineNow).state).toBe('approved');
  });

  it('[QA5] post-moderation: a question is public at once for attendees, the presenter and the stage screen', async () => {
    await setup({ moderation: 'post' });
    const seen = Promise.all([other, pres, screen].map((c) => c.waitFor('question:changed')));
    const q = await ask('Are the new comp plans out?');
    expect(q.state).toBe('approved');
    for (const p of await seen) expect(p).toMatchObject({ id: q.id, state: 'approved', authorName: 'Ada Asker' });
  });

  it('[QA7] [QA14] a dismissed question never reaches other attendees; a public one that gets dismissed is removed for them and stays the author\'s', async () => {
    await setup({ moderation: 'pre' });
    const hidden = await ask('Pending then dismissed?');
    await ok(mod.send('question:dismiss', { questionId: hidden.id }));
    await settle();
    for (const c of [other, pres, screen]) expect(aboutQuestion(c, hidden.id)).toEqual([]);
    expect(author.received.filter((f) => f.fact === 'question:changed' && (f.payload as QuestionView).id === hidden.id).map((f) => (f.payload as QuestionView).state)).toEqual(['dismissed']);

    const shown = await ask('Approved then dismissed?');
    await ok(mod.send('question:approve', { questionId: shown.id }));
    const removed = other.waitFor('question:removed', (p) => p.questionId === shown.id);
    const stillMine = author.waitFor('question:changed', (p) => p.id === shown.id && p.state === 'dismissed');
    await ok(mod2.send('question:dismiss', { questionId: shown.id }));
    expect(await removed).toEqual({ questionId: shown.id, rev: 2 });
    expect((await stillMine).mine).toBe(true);

    // A fresh snapshot agrees: the others do not have either; the author and moderators have both.
    const otherSnap = await ok(other.send('snapshot:request', {}));
    expect(otherSnap.qa!.questions.map((q) => q.id)).toEqual([]);
    const authorSnap = await ok(author.send('snapshot:request', {}));
    expect(authorSnap.qa!.questions.map((q) => [q.id, q.state])).toEqual([
      [hidden.id, 'dismissed'],
      [shown.id, 'dismissed'],
    ]);
    expect((await ok(mod.send('snapshot:request', {}))).qa!.questions).toHaveLength(2);
  });

  it('[QA6] flagged text goes to review even under post-moderation; only moderators see it, marked flagged', async () => {
    await setup({ moderation: 'post' });
    const submitted = mod.waitFor('question:submitted');
    const q = await ask('Why is the new quota such bullshit?');
    expect(q.state).toBe('pending');
    expect(await submitted).toMatchObject({ id: q.id, flagged: true, state: 'pending' });
    await settle();
    for (const c of [other, pres, screen]) expect(aboutQuestion(c, q.id)).toEqual([]);
  });

  it('[QA2] HTML and script come back byte-identical, as text, in the ack, the facts, the snapshot and the export', async () => {
    await setup({ moderation: 'post' });
    const html = `<script>alert('x')</script><img src=x onerror="alert(1)"> &amp; <b>bold</b>`;
    const seen = other.waitFor('question:changed');
    const q = await ask(html);
    expect(q.text).toBe(html);
    expect((await seen).text).toBe(html);
    const snap = await ok(other.send('snapshot:request', {}));
    expect(snap.qa!.questions[0]!.text).toBe(html);
    const res = await fetch(`${s.url}/api/events/${ev.event.id}/questions.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
    const rows = parseCsv(await res.text());
    expect(rows[1]![rows[0]!.indexOf('text')]).toBe(html);
  });

  it('[QA3] an anonymous question carries no name to anyone; an event without anonymity refuses it', async () => {
    await setup({ moderation: 'post', allowAnonymousQuestions: true });
    const q = await ask('Is the reorg real?', true);
    expect(q).toMatchObject({ anonymous: true, authorName: null });
    await settle();
    for (const c of [mod, mod2, other, pres, screen]) {
      const payloads = JSON.stringify(c.received.filter((f) => f.fact.startsWith('question:')));
      expect(payloads).toContain(q.id);
      expect(payloads).not.toContain('Ada Asker');
      expect(payloads).not.toContain(author.snapshot.me.id);
    }
    await setup({ allowAnonymousQuestions: false });
    expect(await author.send('question:submit', { text: 'Can I hide?', anonymous: true })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it('[QA25] [QA18] every bad input gets a typed error, changes nothing and broadcasts nothing', async () => {
    await setup({ moderation: 'pre', allowAnonymousQuestions: false });
    const pending = await ask('A pending one?');
    const dismissed = await ask('A dismissed one?');
    await ok(mod.send('question:dismiss', { questionId: dismissed.id }));
    const approved = await ask('An approved one?');
    await ok(mod.send('question:approve', { questionId: approved.id }));
    const foreign = await (async () => {
      const e2 = await s.createEvent({ settings: { moderation: 'post' } });
      const c = await client((await s.join({ code: e2.code, name: 'Elsewhere' })).token);
      return ok(c.send('question:submit', { text: 'Other event?', anonymous: false }));
    })();
    await settle();
    const before = JSON.stringify(await s.store.listQuestions(ev.event.id));
    const watchers = [mod, mod2, pres, screen, other];
    const seen = watchers.map((c) => c.received.length);
    const authorSeen = author.received.length;

    const cases: [TestClient, string, unknown, ErrorCode][] = [
      [author, 'question:submit', { text: '', anonymous: false }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: '   \n ', anonymous: false }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'x'.repeat(301), anonymous: false }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'bell\u0007', anonymous: false }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'No choice given?' }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'Extra field?', anonymous: false, authorName: 'CEO' }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'Anonymous?', anonymous: true }, ErrorCode.BAD_REQUEST],
      [author, 'question:submit', { text: 'Unknown session?', anonymous: false, sessionId: 'nope' }, ErrorCode.NOT_FOUND],
      [other, 'question:upvote', { questionId: 'no-such-question', up: true }, ErrorCode.NOT_FOUND],
      [other, 'question:upvote', { questionId: dismissed.id, up: true }, ErrorCode.NOT_FOUND],
      [author, 'question:upvote', { questionId: dismissed.id, up: true }, ErrorCode.INVALID_STATE],
      [other, 'question:upvote', { questionId: pending.id, up: true }, ErrorCode.NOT_FOUND],
      [other, 'question:upvote', { questionId: foreign.id, up: true }, ErrorCode.NOT_FOUND],
      [other, 'question:upvote', { questionId: approved.id, up: 'yes' }, ErrorCode.BAD_REQUEST],
      [pres, 'question:upvote', { questionId: approved.id, up: true }, ErrorCode.FORBIDDEN],
      [mod, 'question:submit', { text: 'Staff question?', anonymous: false }, ErrorCode.FORBIDDEN],
      [screen, 'question:submit', { text: 'Projector question?', anonymous: false }, ErrorCode.FORBIDDEN],
      [other, 'question:approve', { questionId: pending.id }, ErrorCode.FORBIDDEN],
      [other, 'question:dismiss', { questionId: approved.id }, ErrorCode.FORBIDDEN],
      [other, 'question:edit', { questionId: approved.id, text: 'Hacked' }, ErrorCode.FORBIDDEN],
      [other, 'question:highlight', { questionId: approved.id }, ErrorCode.FORBIDDEN],
      [other, 'question:markAnswered', { questionId: approved.id }, ErrorCode.FORBIDDEN],
      [other, 'question:reply', { questionId: approved.id, text: 'Hacked' }, ErrorCode.FORBIDDEN],
      [other, 'qa:banAsker', { participantId: author.snapshot.me.id, banned: true }, ErrorCode.FORBIDDEN],
      [pres, 'question:approve', { questionId: pending.id }, ErrorCode.FORBIDDEN],
      [pres, 'question:dismiss', { questionId: approved.id }, ErrorCode.FORBIDDEN],
      [screen, 'question:highlight', { questionId: approved.id }, ErrorCode.FORBIDDEN],
      [mod, 'question:approve', { questionId: approved.id }, ErrorCode.INVALID_STATE],
      [mod, 'question:markAnswered', { questionId: pending.id }, ErrorCode.INVALID_STATE],
      [mod, 'question:restore', { questionId: approved.id }, ErrorCode.INVALID_STATE],
      [mod, 'question:highlight', { questionId: pending.id }, ErrorCode.INVALID_STATE],
      [mod, 'question:approve', { questionId: foreign.id }, ErrorCode.NOT_FOUND],
      [mod, 'question:edit', { questionId: approved.id, text: '' }, ErrorCode.BAD_REQUEST],
      [mod, 'question:reply', { questionId: approved.id, text: 'r'.repeat(501) }, ErrorCode.BAD_REQUEST],
      [mod, 'qa:banAsker', { banned: true }, ErrorCode.BAD_REQUEST],
      [mod, 'qa:banAsker', { participantId: author.snapshot.me.id, questionId: pending.id, banned: true }, ErrorCode.BAD_REQUEST],
    ];
    for (const [c, name, payload, code] of cases) {
      const r = await c.send(name as 'question:submit', payload as never);
      expect(r, `${name} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code } });
    }
    await settle();
    expect(JSON.stringify(await s.store.listQuestions(ev.event.id))).toBe(before);
    expect(await s.store.questionVotes(ev.event.id)).toEqual({ version: 0, votes: {} });
    watchers.forEach((c, i) => expect(c.received.slice(seen[i])).toEqual([]));
    expect(author.received.slice(authorSeen)).toEqual([]);
  });

  it('[QA13] two moderators racing on one question: one wins, the other gets CONFLICT or INVALID_STATE with the state now, and everyone agrees', async () => {
    await setup({ moderation: 'pre' });
    for (let round = 0; round < 6; round++) {
      const q = await ask(`Race ${round}?`, false, round % 2 ? other : author);
      // The same move from both: approve then dismiss would both be legal one after the other.
      const action = round % 2 ? 'question:dismiss' : 'question:approve';
      const [a, b] = await Promise.all([mod.send(action, { questionId: q.id }), mod2.send(action, { questionId: q.id })]);
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      const loser = (a.ok ? b : a) as { ok: false; error: { code: string; message: string } };
      const final = (await s.store.getQuestion(q.id))!;
      expect([ErrorCode.CONFLICT, ErrorCode.INVALID_STATE]).toContain(loser.error.code);
      expect(loser.error.message).toContain(final.state);
      expect(final.rev).toBe(1);
      await settle();
      // Both moderators were told the winner's state and nothing else.
      for (const m of [mod, mod2]) {
        const changes = m.received.filter((f) => f.fact === 'question:changed' && (f.payload as QuestionView).id === q.id);
        expect(changes.map((f) => (f.payload as QuestionView).state)).toEqual([final.state]);
      }
    }
  });

  it('[QA9] [QA10] upvotes are acknowledged at once; counts reach everyone coalesced and exact', async () => {
    await setup({ moderation: 'post' });
    const q = await ask('Most wanted feature?');
    const voters = await Promise.all(Array.from({ length: 12 }, async (_, i) => client((await s.join({ code: ev.code, name: `Voter ${i}`, mode: i % 2 ? 'room' : 'remote' })).token)));
    await settle();
    const before = screen.received.length;
    const acks = await Promise.all(voters.flatMap((v) => [v.send('question:upvote', { questionId: q.id, up: true }), v.send('question:upvote', { questionId: q.id, up: true })]));
    expect(acks.every((a) => a.ok)).toBe(true);
    await ok(voters[0]!.send('question:upvote', { questionId: q.id, up: false }));
    const isFinal = (p: { votes: Record<string, number> }) => p.votes[q.id] === 11;
    // Already received, or still to come.
    if (!screen.received.some((f) => f.fact === 'question:votesUpdated' && isFinal(f.payload as never))) await screen.waitFor('question:votesUpdated', isFinal);
    await sleep(700);
    const messages = screen.received.slice(before).filter((f) => f.fact === 'question:votesUpdated');
    // 25 vote commands; a message per vote would be 25.
    expect(messages.length).toBeLessThan(10);
    // [QA10] At most 2 list updates per second (10 % for delivery jitter on a busy machine).
    expect(perSecond(messages.map((m) => m.at))).toBeLessThanOrEqual(2 * 1.1);
    expect((messages.at(-1)!.payload as { votes: Record<string, number> }).votes[q.id]).toBe(11);
    expect(voters[1]!.snapshot.qa!.myUpvotes).toEqual([]);
    expect((await ok(voters[1]!.send('snapshot:request', {}))).qa!.myUpvotes).toEqual([q.id]);
    expect((await ok(voters[0]!.send('snapshot:request', {}))).qa!.myUpvotes).toEqual([]);
  });

  it('[PERF2] [PERF5] an upvote retried after its question was answered is answered from its record and applies nothing; a new upvote is refused', async () => {
    await setup({ moderation: 'post' });
    const q = await ask('Will the demo be recorded?');
    const id = cmdId();
    const first = await other.send('question:upvote', { id, questionId: q.id, up: true });
    expect(first).toEqual({ ok: true, data: { questionId: q.id, up: true, votes: 1 } });
    await ok(pres.send('question:markAnswered', { questionId: q.id }));
    // Idempotency before the domain: the id was applied, so its retry is not refused as "answered".
    expect(await other.send('question:upvote', { id, questionId: q.id, up: true })).toEqual(first);
    expect(await other.send('question:upvote', { questionId: q.id, up: false })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    expect((await s.store.questionVotes(ev.event.id)).votes).toEqual({ [q.id]: 1 });
  });

  it('[QA17] [QA18] the presenter highlights a question for the stage screen and marks it answered, each with one command', async () => {
    await setup({ moderation: 'post' });
    const q = await ask('Who wins President\'s Club?');
    await ok(other.send('question:upvote', { questionId: q.id, up: true }));
    const onStage = screen.waitFor('question:highlighted');
    const hl = await ok(pres.send('question:highlight', { questionId: q.id }));
    expect(hl.question).toMatchObject({ id: q.id, highlighted: true, authorName: 'Ada Asker', origin: { kind: 'remote' }, votes: 1 });
    expect(await onStage).toEqual(hl);
    const cleared = screen.waitFor('question:highlighted', (p) => p.questionId === null);
    const archived = other.waitFor('question:changed', (p) => p.id === q.id && p.state === 'answered');
    expect(await ok(pres.send('question:markAnswered', { questionId: q.id }))).toMatchObject({ state: 'answered', highlighted: false });
    expect(await cleared).toEqual({ questionId: null, question: null });
    expect((await archived).answeredAt).not.toBeNull();
  });

  it('[QA15] [QA16] moderators fix typos and reply in writing; everyone who sees the question gets it', async () => {
    await setup({ moderation: 'post' });
    const q = await ask('Wehn is the kickoff party?');
    const edited = other.waitFor('question:changed', (p) => p.id === q.id && p.edited);
    await ok(mod.send('question:edit', { questionId: q.id, text: 'When is the kickoff party?' }));
    expect(await edited).toMatchObject({ text: 'When is the kickoff party?', edited: true, rev: 1 });
    const replied = screen.waitFor('question:changed', (p) => p.id === q.id && p.reply !== null);
    await ok(mod2.send('question:reply', { questionId: q.id, text: 'Thursday 8pm, Hall B.' }));
    expect((await replied).reply).toBe('Thursday 8pm, Hall B.');
  });

  it('[QA20] [QA21] asking is limited per participant per minute with a clear message; a duplicate is refused', async () => {
    await setup({ moderation: 'pre' });
    await ask('Question one?');
    expect(await author.send('question:submit', { text: 'question ONE', anonymous: false })).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    for (const n of ['two', 'three', 'four']) await ask(`Question ${n}?`);
    const limited = await author.send('question:submit', { text: 'Question six?', anonymous: false });
    expect(limited).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/5 questions a minute; try again in \d+ s/) } });
    expect(await s.store.listQuestions(ev.event.id)).toHaveLength(4);
    // Another attendee has their own budget.
    await ask('My first?', false, other);
  });

  it('[QA19] a moderator bans an anonymous asker through their question: they are told, their next question is BANNED', async () => {
    await setup({ moderation: 'post' });
    const q = await ask('Anonymous jab?', true);
    const told = author.waitFor('qa:banChanged');
    const marked = mod2.waitFor('question:changed', (p) => p.id === q.id && p.askerBanned === true);
    expect(await ok(mod.send('qa:banAsker', { questionId: q.id, banned: true }))).toEqual({ participantId: null, questionId: q.id, banned: true });
    expect(await told).toEqual({ banned: true });
    await marked;
    expect(await author.send('question:submit', { text: 'Again?', anonymous: true })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    const back = await client(tokenOf(author));
    expect(back.snapshot.qa!.askingBanned).toBe(true);
    await ok(mod.send('qa:banAsker', { questionId: q.id, banned: false }));
    await ask('Allowed again?');
  });

  it('[QA23] a reconnecting client gets its questions, upvotes and the vote version in the snapshot', async () => {
    await setup({ moderation: 'pre' });
    const mine = await ask('Mine, pending?');
    const pub = await ask('Public one?', false, other);
    await ok(mod.send('question:approve', { questionId: pub.id }));
    await ok(author.send('question:upvote', { questionId: pub.id, up: true }));
    const back = await client(tokenOf(author));
    expect(back.snapshot.qa).toMatchObject({ myUpvotes: [pub.id], votesVersion: 1, askingBanned: false });
    // Both may be stamped in the same millisecond, where the order falls to the ids: compare as a set.
    const seen = back.snapshot.qa!.questions.map((q) => [q.id, q.state, q.mine ?? false, q.votes]);
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(expect.arrayContaining([
      [mine.id, 'pending', true, 0],
      [pub.id, 'approved', false, 1],
    ]));
  });

  it('[QA24] the CSV export is for the organiser and the event\'s moderators only', async () => {
    await setup({ moderation: 'post' });
    await ask('Exported?', true);
    await ask('Named export?', false, other);
    const url = `${s.url}/api/events/${ev.event.id}/questions.csv`;
    const get = (token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await get()).status).toBe(401);
    expect((await get(tokenOf(other))).status).toBe(403);
    expect((await get(tokenOf(pres))).status).toBe(403);
    const res = await get(tokenOf(mod));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(await res.text());
    const col = (name: string) => rows[0]!.indexOf(name);
    expect(rows.slice(1).map((r) => [r[col('text')], r[col('author')], r[col('anonymous')], r[col('origin')], r[col('state')]])).toEqual([
      ['Exported?', '', 'yes', 'remote', 'approved'],
      ['Named export?', 'Otto Other', 'no', 'room', 'approved'],
    ]);
    expect((await get(TEST_ADMIN)).status).toBe(200);
  });
});
