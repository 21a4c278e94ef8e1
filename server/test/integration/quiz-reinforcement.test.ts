import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, QuizDraft, type FactPayload, type QuizReinforcement, type QuizResultsPage, type StoredQuiz, type WhatStuck } from '@rally/shared';
import { connectClient, keyOf, TEST_ADMIN, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

// The reinforcement quiz over real sockets and REST: a live run, the quiz reopened, two attendees play it alone.

let s: TestServer;
const open: TestClient[] = [];
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const c of open.splice(0)) c.close();
  await s.close();
});

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`command failed: ${r.error.code} ${r.error.message}`);
  return r.data;
}

const draft = QuizDraft.parse({
  title: 'Pricing check',
  questions: [{ kind: 'choice', text: 'Which plan has SSO?', timeLimitSec: 8, options: ['Starter', 'Business', 'Free'], correct: [1], topic: 'pricing' }],
});

describe('reinforcement quiz over sockets and REST', () => {
  it('[QUIZ40] [QUIZ41] [QUIZ42] [QUIZ44] [QUIZ45] [QUIZ46] [QUIZ47] [QUIZ48] reopened after the live run, two attendees play it alone; what stuck compares both runs', async () => {
    const ev = await s.createEvent();
    const mod = await client((await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) })).token);
    const adaToken = (await s.join({ code: ev.code, name: 'Ada', mode: 'room', team: 'EMEA' })).token;
    const ada = await client(adaToken);
    const bo = await client((await s.join({ code: ev.code, name: 'Bo', mode: 'remote', team: 'NA' })).token);
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const q = quiz.questions[0]!;

    // Live: Ada right, Bo wrong.
    const { runId: liveRunId } = await ok(mod.send('quiz:open', { quizId: quiz.id }));
    await ok(mod.send('quiz:control', { runId: liveRunId, action: 'start' }));
    await ada.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'answering', 8000);
    // The last answer locks the question ([QUIZ24]); the fact may arrive before that answer's ack.
    const locked = mod.waitFor('quiz:presenterPhaseChanged', (p) => p.phase.phase === 'locked', 8000);
    await ok(ada.send('quiz:answer', { runId: liveRunId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 300 }));
    await ok(bo.send('quiz:answer', { runId: liveRunId, questionId: q.id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 300 }));
    await locked;
    for (let i = 0; i < 3; i++) await ok(mod.send('quiz:control', { runId: liveRunId, action: 'next' })); // reveal, standings, podium

    // Reopen over REST: attendees cannot, the organiser can; everyone hears of it.
    const closesAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect(await ada.send('quiz:reopen', { quizId: quiz.id, closesAt })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect((await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/reinforcement`, { method: 'POST', body: JSON.stringify({ closesAt: 'soon' }), admin: true })).status).toBe(400);
    const reopened = await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/reinforcement`, { method: 'POST', body: JSON.stringify({ closesAt }), admin: true });
    expect(reopened.status).toBe(201);
    const rf = reopened.body as QuizReinforcement;
    expect(rf).toMatchObject({ quizId: quiz.id, liveRunId, questionCount: 1 });
    expect(rf.runId).not.toBe(liveRunId);
    const heard = (bo.received.find((f) => f.fact === 'quiz:reopened')?.payload ?? (await bo.waitFor('quiz:reopened', () => true, 5000))) as FactPayload<'quiz:reopened'>;
    expect(heard).toEqual(rf);

    // A reconnecting attendee finds it listed.
    const ada2 = await client(adaToken);
    expect(ada2.snapshot.quizRevisits).toEqual([{ ...rf, answered: 0, done: false }]);

    // Each plays alone: the question to them alone, the result at once. Both right this time.
    const before = bo.received.length;
    const served = await ok(ada2.send('quiz:selfStart', { runId: rf.runId }));
    expect(served).toMatchObject({ done: false, index: 0, count: 1, question: { id: q.id, kind: 'choice', text: 'Which plan has SSO?' } });
    expect(JSON.stringify(served)).not.toMatch(/"correct"/);
    const adaResult = await ok(ada2.send('quiz:selfAnswer', { runId: rf.runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 200 }));
    expect(adaResult).toMatchObject({ correct: true, reveal: { kind: 'choice', correct: [1] } });
    expect(adaResult.points).toBeGreaterThan(500);
    expect(bo.received.slice(before).filter((f) => f.fact.startsWith('quiz:'))).toEqual([]);
    await ok(bo.send('quiz:selfStart', { runId: rf.runId }));
    await ok(bo.send('quiz:selfAnswer', { runId: rf.runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 200 }));
    expect(await ok(bo.send('quiz:selfStart', { runId: rf.runId }))).toMatchObject({ done: true });
    // Live controls do not reach it.
    expect(await mod.send('quiz:control', { runId: rf.runId, action: 'start' })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });

    // What stuck: pricing went from 1 of 2 live to 2 of 2 later.
    expect((await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/what-stuck`)).status).toBe(401);
    const ws = (await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/what-stuck`, { admin: true })).body as WhatStuck;
    expect(ws).toMatchObject({ liveRunId, reinforcementRunId: rf.runId });
    expect(ws.topics).toEqual([{ topic: 'pricing', live: { answered: 2, correct: 1, accuracy: 0.5 }, later: { answered: 2, correct: 2, accuracy: 1 }, change: 0.5 }]);
    expect(ws.participants.map((p) => [p.name, p.topics[0]!.live.accuracy, p.topics[0]!.later.accuracy])).toEqual([
      ['Ada', 1, 1],
      ['Bo', 0, 1],
    ]);
    expect(ws.teams.map((t) => [t.team, t.topics[0]!.change])).toEqual([
      ['EMEA', 0],
      ['NA', 1],
    ]);

    // [QUIZ47] Results per participant: the CSV has both runs side by side.
    const csvRes = await fetch(`${s.url}/api/events/${ev.event.id}/quizzes/${quiz.id}/results.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, ...rows] = (await csvRes.text()).trim().split('\r\n').map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
    expect(header).toEqual(['participant_id', 'name', 'team', 'mode', 'live_points', 'live_rank', 'later_points', 'later_rank', 'live_accuracy_pct:pricing', 'later_accuracy_pct:pricing']);
    const byName = Object.fromEntries(rows.map((r) => [r[1], r]));
    expect(byName.Ada!.slice(5)).toEqual(['1', byName.Ada![6], byName.Ada![7], '100', '100']);
    expect(byName.Bo!.slice(4)).toEqual(['0', '2', byName.Bo![6], byName.Bo![7], '0', '100']);
    expect(Number(byName.Ada![4])).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[7]))).toEqual(new Set(['1', '2']));
    const xlsx = await fetch(`${s.url}/api/events/${ev.event.id}/quizzes/${quiz.id}/results.xlsx`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');

    // The same over the API, with the cursor: one participant a page.
    const first = (await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/results?limit=1`, { admin: true })).body as QuizResultsPage;
    expect(first).toMatchObject({ topics: ['pricing'], hasMore: true });
    const second = (await s.api(`/api/events/${ev.event.id}/quizzes/${quiz.id}/results?limit=1&after=${first.nextCursor}`, { admin: true })).body as QuizResultsPage;
    expect(second.hasMore).toBe(false);
    const both = [...first.entries, ...second.entries];
    expect(both.map((e) => e.name).sort()).toEqual(['Ada', 'Bo']);
    // [QUIZ48] Each recorded answer, live or later, is one quizAnswered entry (4 in all).
    let entries: { kind: string }[] = [];
    for (let i = 0; i < 30 && entries.length < 4; i++) {
      entries = ((await s.api(`/api/events/${ev.event.id}/engagement/log?limit=500`, { admin: true })).body.entries as { kind: string }[]).filter((e) => e.kind === 'quizAnswered');
      if (entries.length < 4) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entries).toHaveLength(4);
    expect(both.find((e) => e.name === 'Bo')).toMatchObject({ live: { rank: 2, topics: [{ topic: 'pricing', accuracy: 0 }] }, later: { topics: [{ topic: 'pricing', accuracy: 1 }] } });
  });
  it('[QUIZ40] [QUIZ41] [QZSTORE25] reopening quizzes while a live run is at its podium leaves that podium on every device, also after a reload', async () => {
    const ev = await s.createEvent();
    const mod = await client((await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) })).token);
    const adaToken = (await s.join({ code: ev.code, name: 'Ada', mode: 'room', team: 'EMEA' })).token;
    const ada = await client(adaToken);
    const live: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const other: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft: { ...draft, title: 'Another quiz' } }));
    const q = live.questions[0]!;
    const closesAt = new Date(Date.now() + 7 * 86_400_000).toISOString();

    const { runId } = await ok(mod.send('quiz:open', { quizId: live.id }));
    // While the live run is being played (before its podium), no quiz is reopened.
    expect(await mod.send('quiz:reopen', { quizId: other.id, closesAt })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    await ok(mod.send('quiz:control', { runId, action: 'start' }));
    await ada.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'answering', 8000);
    const locked = mod.waitFor('quiz:presenterPhaseChanged', (p) => p.phase.phase === 'locked', 8000);
    await ok(ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 300 }));
    await locked;
    for (let i = 0; i < 3; i++) await ok(mod.send('quiz:control', { runId, action: 'next' })); // reveal, standings, podium

    // Another quiz reopened, then this one: the live run stays the event's current run.
    const rfOther = await ok(mod.send('quiz:reopen', { quizId: other.id, closesAt }));
    expect(rfOther).toMatchObject({ quizId: other.id, liveRunId: null });
    const rfLive = await ok(mod.send('quiz:reopen', { quizId: live.id, closesAt }));
    expect(rfLive).toMatchObject({ quizId: live.id, liveRunId: runId });

    // A reload: the attendee still sees the podium with their result, the moderator still controls it, and both reinforcements are listed.
    const ada2 = await client(adaToken);
    expect(ada2.snapshot.quiz).toMatchObject({ phase: { runId, phase: { phase: 'podium' } }, me: { rank: 1, results: { [q.id]: { correct: true } } } });
    expect(new Set(ada2.snapshot.quizRevisits!.map((r) => r.runId))).toEqual(new Set([rfOther.runId, rfLive.runId]));
    const mod2 = await client((await s.join({ code: ev.code, name: 'Moderator 2', key: keyOf(ev.links.moderator) })).token);
    expect(mod2.snapshot.quiz?.presenterPhase).toMatchObject({ runId, phase: { phase: 'podium' } });

    // The podium ends as before; then no quiz is on stage.
    await ok(mod.send('quiz:control', { runId, action: 'end' }));
    const ada3 = await client(adaToken);
    expect(ada3.snapshot.quiz).toBeUndefined();
  });
});
