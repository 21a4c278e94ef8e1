import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type FactPayload, type QuizDraftInput, type StoredQuiz, QuizDraft } from '@rally/shared';
import { parseCsv } from '../helpers/csv.js';
import { TEST_ADMIN, connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

let s: TestServer;
let ev: CreateEventResponse;
let pres: TestClient;
let mod: TestClient;
let modToken: string;
let screen: TestClient;
let attendee: TestClient;
let attendeeToken: string;
const open: TestClient[] = [];

const AGENDA = [{ id: 'keynote', title: 'Keynote', kind: 'keynote' as const, startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] }];

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

beforeEach(async () => {
  ev = await s.createEvent({ agenda: AGENDA });
  pres = await client((await s.join({ code: ev.code, name: 'Presenter', key: keyOf(ev.links.presenter) })).token);
  modToken = (await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) })).token;
  mod = await client(modToken);
  screen = await client((await s.join({ code: ev.code, name: 'Stage', key: keyOf(ev.links.stage) })).token);
  attendeeToken = (await s.join({ code: ev.code, name: 'Ada', mode: 'remote', team: 'EMEA' })).token;
  attendee = await client(attendeeToken);
  return () => {
    for (const c of open.splice(0)) c.close();
  };
});

const draft = QuizDraft.parse({
  title: 'Kickoff quiz',
  questions: [
    { kind: 'choice', text: 'Which plan has SSO?', timeLimitSec: 20, options: ['Starter', 'Business', 'Enterprise'], correct: [1, 2], topic: 'Product' },
    { kind: 'truefalse', text: 'Fiscal year starts in February', timeLimitSec: 10, correct: true, points: 0 },
    { kind: 'number', text: 'Customers (thousands)?', timeLimitSec: 30, min: 0, max: 100, correct: 42.5, tolerance: 5, points: 2 },
  ],
} satisfies QuizDraftInput);


/** A fact already received that matches, or the next one that does. */
function seen<N extends 'quiz:updated' | 'quiz:deleted'>(c: TestClient, fact: N, pred: (p: FactPayload<N>) => boolean): Promise<FactPayload<N>> {
  const hit = c.received.find((f) => f.fact === fact && pred(f.payload as FactPayload<N>));
  return hit ? Promise.resolve(hit.payload as FactPayload<N>) : c.waitFor(fact, pred);
}

const quizFacts = (c: TestClient) => c.received.filter((f) => f.fact === 'quiz:updated' || f.fact === 'quiz:deleted');

const rest = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.token ?? TEST_ADMIN}`);
  return fetch(s.url + path, { ...init, headers });
};

describe('quiz authoring over sockets', () => {
  it('[QUIZ16] moderators create, edit, duplicate and delete; presenters, attendees and the screen may not (FORBIDDEN); an invalid question is refused with its reason', async () => {
    const quiz = await ok(mod.send('quiz:create', { sessionId: 'keynote', draft }));
    expect(quiz).toMatchObject({ sessionId: 'keynote', title: 'Kickoff quiz', version: 1, state: 'draft' });
    expect(quiz.questions.map((q) => q.kind)).toEqual(['choice', 'truefalse', 'number']);
    expect(quiz.questions[0]).toMatchObject({ topic: 'product', points: 1, imageUrl: null });

    for (const c of [pres, attendee, screen]) {
      const r = await c.send('quiz:create', { sessionId: 'keynote', draft });
      expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      const d = await c.send('quiz:delete', { quizId: quiz.id });
      expect(d).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    }
    const bad = await mod.send('quiz:update', { quizId: quiz.id, version: 1, draft: { ...draft, questions: [{ ...draft.questions[1]!, timeLimitSec: 241 }] } });
    expect(bad).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('a time limit is at most 240 s') } });

    const copy = await ok(mod.send('quiz:duplicate', { quizId: quiz.id }));
    expect(copy.title).toBe('Kickoff quiz (copy)');
    expect(await ok(mod.send('quiz:delete', { quizId: copy.id }))).toEqual({ quizId: copy.id });
    expect((await s.store.listQuizzes(ev.event.id)).map((q) => q.id)).toEqual([quiz.id]);
  });

  it('[QUIZ11] two moderators editing the same version: the second gets CONFLICT and the first edit stands', async () => {
    const mod2 = await client((await s.join({ code: ev.code, name: 'Moderator 2', key: keyOf(ev.links.moderator) })).token);
    const quiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const [q1, q2, q3] = draft.questions;
    const mine = await ok(mod.send('quiz:update', { quizId: quiz.id, version: 1, draft: { ...draft, questions: [q3!, q1!, q2!] } }));
    expect(mine.version).toBe(2);
    expect(mine.questions.map((q) => q.kind)).toEqual(['number', 'choice', 'truefalse']);
    const theirs = await mod2.send('quiz:update', { quizId: quiz.id, version: 1, draft: { ...draft, title: 'Overwritten?' } });
    expect(theirs).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    expect(await s.store.getQuiz(quiz.id)).toEqual(mine);
  });

  it('[QUIZ13] staff get quiz facts and the quizzes in their snapshot; attendees and the screen never see a draft', async () => {
    const quiz = await ok(mod.send('quiz:create', { sessionId: 'keynote', draft }));
    await seen(pres, 'quiz:updated', (q) => q.id === quiz.id);
    await ok(mod.send('quiz:update', { quizId: quiz.id, version: 1, draft: { ...draft, title: 'Renamed' } }));
    await ok(mod.send('quiz:delete', { quizId: quiz.id }));
    await seen(pres, 'quiz:deleted', (d) => d.quizId === quiz.id);
    await seen(mod, 'quiz:deleted', (d) => d.quizId === quiz.id);
    await sleep(200);
    expect(quizFacts(attendee)).toEqual([]);
    expect(quizFacts(screen)).toEqual([]);
    expect(quizFacts(pres).map((f) => f.fact)).toEqual(['quiz:updated', 'quiz:updated', 'quiz:deleted']);

    const kept = await ok(mod.send('quiz:create', { sessionId: 'keynote', draft }));
    const snapMod = await ok(mod.send('snapshot:request', {}));
    expect(snapMod.quizzes).toEqual([kept]);
    expect((await ok(pres.send('snapshot:request', {}))).quizzes).toEqual([kept]);
    for (const c of [attendee, screen]) {
      const snap = await ok(c.send('snapshot:request', {}));
      expect(snap.quizzes).toBeUndefined();
      expect(JSON.stringify(snap)).not.toContain(kept.id);
    }
  });
});

describe('quiz authoring over REST', () => {
  it('[QUIZ17] [QUIZ12] the organiser and the event’s moderators create, read, replace, duplicate and delete; others are refused; REST writes tell staff', async () => {
    const created = await rest(`/api/events/${ev.event.id}/quizzes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'keynote', draft }) });
    expect(created.status).toBe(201);
    const quiz = (await created.json()) as StoredQuiz;
    await seen(mod, 'quiz:updated', (q) => q.id === quiz.id);

    const list = await rest(`/api/events/${ev.event.id}/quizzes`, { token: modToken });
    expect(await list.json()).toEqual({ quizzes: [quiz] });
    expect(await (await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}`)).json()).toEqual(quiz);

    const put = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, draft: { ...draft, title: 'Via REST' } }) });
    expect(await put.json()).toMatchObject({ title: 'Via REST', version: 2 });
    const stale = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, draft }) });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe(ErrorCode.CONFLICT);

    expect((await rest(`/api/events/${ev.event.id}/quizzes`, { token: attendeeToken })).status).toBe(403);
    expect((await fetch(`${s.url}/api/events/${ev.event.id}/quizzes`)).status).toBe(401);
    const other = await s.createEvent({ agenda: AGENDA });
    expect((await rest(`/api/events/${other.event.id}/quizzes/${quiz.id}`)).status).toBe(404);

    // [QUIZ12] A copy over REST (the organiser page has no socket): no body, the same session; or another one.
    const copy = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/duplicate`, { method: 'POST' });
    expect(copy.status).toBe(201);
    const copied = (await copy.json()) as StoredQuiz;
    expect(copied).toMatchObject({ title: 'Via REST (copy)', sessionId: 'keynote', version: 1, questions: draft.questions.map((q) => expect.objectContaining({ kind: q.kind, text: q.text })) });
    expect(copied.id).not.toBe(quiz.id);
    await seen(mod, 'quiz:updated', (q) => q.id === copied.id);
    const moved = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/duplicate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: null }), token: modToken });
    expect(await moved.json()).toMatchObject({ sessionId: null, version: 1 });
    expect((await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/duplicate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'nowhere' }) })).status).toBe(404);
    expect((await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/duplicate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x' }) })).status).toBe(400);
    expect((await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/duplicate`, { method: 'POST', token: attendeeToken })).status).toBe(403);
    for (const extra of [copied.id, ((await rest(`/api/events/${ev.event.id}/quizzes`).then((r) => r.json())) as { quizzes: StoredQuiz[] }).quizzes.find((q) => q.sessionId === null)!.id]) {
      await rest(`/api/events/${ev.event.id}/quizzes/${extra}`, { method: 'DELETE' });
    }

    const del = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}`, { method: 'DELETE', token: modToken });
    expect(await del.json()).toEqual({ quizId: quiz.id });
    await seen(pres, 'quiz:deleted', (d) => d.quizId === quiz.id);
    expect(await s.store.listQuizzes(ev.event.id)).toEqual([]);
  });

  it('[QUIZ17] a quiz of 100 long questions (bigger than a socket frame and the app’s usual body limit) is written over REST', async () => {
    const big = { ...draft, questions: Array.from({ length: 100 }, (_, i) => ({ ...draft.questions[0]!, text: `${i} ${'Q'.repeat(230)}`, explanation: 'x'.repeat(500) })) };
    const body = JSON.stringify({ sessionId: 'keynote', draft: big });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await rest(`/api/events/${ev.event.id}/quizzes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, token: modToken });
    expect(res.status).toBe(201);
    expect(((await res.json()) as StoredQuiz).questions).toHaveLength(100);
    // Without a token nothing is read or stored.
    expect((await fetch(`${s.url}/api/events/${ev.event.id}/quizzes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    expect(await s.store.listQuizzes(ev.event.id)).toHaveLength(1);
  });

  it('[QUIZ14] a quiz exported as CSV imports back to the same questions; JSON brings title and settings too; the template is public', async () => {
    const quiz = await ok(mod.send('quiz:create', { sessionId: 'keynote', draft: { ...draft, settings: { questionOnDevices: true, teamMode: 'room-vs-remote', teamTalkSec: 10 } } }));
    const csvRes = await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/export.csv`, { token: modToken });
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toContain('kickoff-quiz.csv');
    const csv = await csvRes.text();
    const rows = parseCsv(csv);
    expect(rows[0]!.slice(0, 3)).toEqual(['kind', 'text', 'option1']);
    expect(rows).toHaveLength(1 + draft.questions.length);

    const back = await rest(`/api/events/${ev.event.id}/quizzes/import?sessionId=keynote&title=Round%20trip`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(back.status).toBe(201);
    const imported = (await back.json()) as StoredQuiz;
    const strip = (q: StoredQuiz) => q.questions.map(({ id: _id, ...rest }) => rest);
    expect(imported).toMatchObject({ title: 'Round trip', sessionId: 'keynote', version: 1 });
    expect(strip(imported)).toEqual(strip(quiz));

    const json = await (await rest(`/api/events/${ev.event.id}/quizzes/${quiz.id}/export.json`)).text();
    const fromJson = await rest(`/api/events/${ev.event.id}/quizzes/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    const j = (await fromJson.json()) as StoredQuiz;
    expect([j.title, j.settings, j.sessionId]).toEqual([quiz.title, quiz.settings, null]);
    expect(strip(j)).toEqual(strip(quiz));

    const template = await fetch(`${s.url}/api/quiz-template.csv`);
    expect(template.status).toBe(200);
    const kinds = parseCsv(await template.text()).slice(1).map((r) => r[0]);
    expect(new Set(kinds)).toEqual(new Set(['choice', 'truefalse', 'type', 'ordering', 'number']));
  });

  it('[QUIZ15] a bad CSV gets every error with its line and stores nothing; a bad JSON names the line of the question', async () => {
    const csv = [
      'kind,text,option1,option2,correct,time_limit_sec,points',
      'choice,Which?,A,B,2,20,1',
      'truefalse,Right?,,,yes,20,1',
      'choice,Which again?,A,B,2,300,1',
      '',
      'number,How many?,,,5,20,1',
    ].join('\r\n');
    const r = await rest(`/api/events/${ev.event.id}/quizzes/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv, token: modToken });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(body.error.message).toContain('line 4: a time limit is at most 240 s');
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 6]);
    expect(await s.store.listQuizzes(ev.event.id)).toEqual([]);

    const json = '{\n  "title": "J",\n  "questions": [\n    {\n      "kind": "choice", "text": "x", "timeLimitSec": 10,\n      "options": ["a"], "correct": [0]\n    }\n  ]\n}';
    const j = await rest(`/api/events/${ev.event.id}/quizzes/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    expect(j.status).toBe(400);
    expect((await j.json()).errors).toEqual([{ line: 4, message: expect.stringContaining('question 1:') }]);
    expect(await s.store.listQuizzes(ev.event.id)).toEqual([]);
    expect(quizFacts(mod)).toEqual([]);
  });
});
