import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, QuizDraft, type CreateEventResponse, type FactPayload, type QuizMyResult, type StoredQuiz } from '@rally/shared';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// Live play over real sockets: two attendees, a presenter, a moderator and the stage screen.

let s: TestServer;
let ev: CreateEventResponse;
let pres: TestClient;
let mod: TestClient;
let screen: TestClient;
let ada: TestClient;
let adaToken: string;
let bo: TestClient;
const open: TestClient[] = [];

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
  ev = await s.createEvent();
  pres = await client((await s.join({ code: ev.code, name: 'Presenter', key: keyOf(ev.links.presenter) })).token);
  mod = await client((await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) })).token);
  screen = await client((await s.join({ code: ev.code, name: 'Stage', key: keyOf(ev.links.stage) })).token);
  adaToken = (await s.join({ code: ev.code, name: 'Ada', mode: 'remote', team: 'EMEA' })).token;
  ada = await client(adaToken);
  bo = await client((await s.join({ code: ev.code, name: 'Bo', mode: 'remote', team: 'NA' })).token);
  return () => {
    for (const c of open.splice(0)) c.close();
  };
});

const draft = QuizDraft.parse({
  title: 'Kickoff quiz',
  questions: [{ kind: 'choice', text: 'Which plan has SSO?', timeLimitSec: 8, options: ['Starter', 'Business', 'Free'], correct: [1], explanation: 'Business and up.' }],
});


/** A phase already received, or the next one. */
function phase(c: TestClient, name: string, fact: 'quiz:phaseChanged' | 'quiz:presenterPhaseChanged' = 'quiz:phaseChanged'): Promise<FactPayload<typeof fact>> {
  const hit = c.received.find((f) => f.fact === fact && (f.payload as FactPayload<typeof fact>).phase.phase === name);
  return hit ? Promise.resolve(hit.payload as FactPayload<typeof fact>) : c.waitFor(fact, (p) => p.phase.phase === name, 8000);
}

const quizFacts = (c: TestClient) => c.received.filter((f) => f.fact.startsWith('quiz:') || f.fact === 'stage:changed');

describe('quiz live play over sockets', () => {
  it('[QUIZ32] the answered count while answering reaches the stage screen and staff, not the devices', async () => {
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const q = quiz.questions[0]!;
    const { runId } = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    await ok(pres.send('quiz:control', { runId, action: 'start' }));
    await phase(ada, 'answering');
    const onScreen = screen.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'answering' && p.phase.answered === 1, 8000);
    const forStaff = pres.waitFor('quiz:presenterPhaseChanged', (p) => p.phase.phase === 'answering' && p.phase.answered === 1, 8000);
    await ok(ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 300 }));
    const shown = await onScreen;
    await forStaff;
    // The devices' last view of this phase is still the one the question opened with.
    for (const c of [ada, bo]) {
      const views = c.received.filter((f) => f.fact === 'quiz:phaseChanged' && (f.payload as FactPayload<'quiz:phaseChanged'>).phase.phase === 'answering');
      expect(views.map((f) => (f.payload as FactPayload<'quiz:phaseChanged'>).phase)).toEqual([expect.objectContaining({ answered: 0 })]);
      expect(views.every((f) => (f.payload as FactPayload<'quiz:phaseChanged'>).version < shown.version)).toBe(true);
    }
    // Whatever the devices missed, the lock reaches them (and the screen) with the counts.
    await ok(bo.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 300 }));
    for (const c of [ada, bo, screen]) expect((await phase(c, 'locked')).phase).toMatchObject({ answered: 2, present: 2 });
  });

  it('[QUIZ20] the lobby counts people as they arrive and leave, without anyone pressing anything', async () => {
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const opened = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    expect(opened.phase).toMatchObject({ phase: 'lobby', joined: { room: 0, remote: 2 } });
    const arrived = screen.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'lobby' && p.phase.joined.remote === 3, 8000);
    const cy = await client((await s.join({ code: ev.code, name: 'Cy', mode: 'remote', team: 'EMEA' })).token);
    await arrived;
    const left = screen.waitFor('quiz:phaseChanged', (p) => p.phase.phase === 'lobby' && p.phase.joined.remote === 2, 8000);
    cy.close();
    await left;
  });

  it('[QUIZ31] [QUIZ32] [QUIZ33] [QUIZ39] a run end to end: the audience never receives a correct answer before the reveal, and each player gets only their own result', async () => {
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft }));
    const q = quiz.questions[0]!;
    // Roles: only staff open and pace; only attendees answer.
    expect(await ada.send('quiz:open', { quizId: quiz.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const opened = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    expect(opened.phase).toMatchObject({ phase: 'lobby', quizId: quiz.id, total: 1 });
    const { runId } = opened;
    expect(screen.received.some((f) => f.fact === 'stage:changed' && (f.payload as FactPayload<'stage:changed'>).slot.kind === 'quiz') || (await screen.waitFor('stage:changed', (p) => p.slot.kind === 'quiz'))).toBeTruthy();
    for (const c of [ada, bo, screen]) await phase(c, 'lobby');
    expect(await screen.send('quiz:control', { runId, action: 'start' })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await pres.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 10 })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

    await ok(mod.send('quiz:control', { runId, action: 'start' }));
    // Too early: the question is not open during "get ready".
    expect(await ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 10 })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    const answering = await phase(ada, 'answering');
    expect(answering.phase).toMatchObject({ question: { id: q.id, kind: 'choice', options: ['Starter', 'Business', 'Free'] } });
    const staffAnswering = await phase(pres, 'answering', 'quiz:presenterPhaseChanged');
    expect(staffAnswering.phase).toMatchObject({ fullQuestion: { correct: [1] } });

    expect(await ok(ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 400 }))).toEqual({ runId, questionId: q.id, received: true });
    expect(await ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 500 })).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT, message: 'you already answered' } });
    expect(await bo.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [7] }, displayedForMs: 500 })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    await ok(bo.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [2] }, displayedForMs: 600 }));
    // [QUIZ24] Both attendees present answered: locked at once.
    for (const c of [ada, bo, screen]) expect((await phase(c, 'locked')).phase).toMatchObject({ reason: 'everyone', answered: 2, present: 2 });
    // Refused after the lock, even for a player who has not answered.
    const cy = await client((await s.join({ code: ev.code, name: 'Cy', mode: 'remote' })).token);
    expect(cy.snapshot.quiz?.phase?.phase).toMatchObject({ phase: 'locked' });
    expect(await cy.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 10 })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });

    // [QUIZ39] Everything the audience received so far, raw: no correct answer, no explanation, no answer key.
    for (const c of [ada, bo, screen, cy]) {
      const raw = JSON.stringify([c.snapshot, quizFacts(c)]);
      expect(raw).not.toMatch(/"correct"|fullQuestion|"accepted"|Business and up/);
      expect(c.received.some((f) => f.fact === 'quiz:presenterPhaseChanged')).toBe(false);
    }

    await ok(pres.send('quiz:control', { runId, action: 'next' }));
    expect((await phase(screen, 'reveal')).phase).toMatchObject({ reveal: { kind: 'choice', correct: [1] }, explanation: 'Business and up.', distribution: { answered: { room: 0, remote: 2 } } });
    const result = (c: TestClient) => {
      const hit = c.received.find((f) => f.fact === 'quiz:answerScored');
      return hit ? Promise.resolve(hit.payload as QuizMyResult) : c.waitFor('quiz:answerScored');
    };
    const mine = await result(ada);
    const bos = await result(bo);
    expect(mine).toMatchObject({ runId, questionId: q.id, answered: true, correct: true, rank: 1, players: 2, gapToAhead: null });
    expect(bos).toMatchObject({ answered: true, correct: false, points: 0, rank: 2, gapToAhead: mine.total });
    expect(await result(cy)).toMatchObject({ answered: false, rank: null });
    // [QUIZ33] Only their own: one result each, none to staff or the screen.
    const results = (c: TestClient) => c.received.filter((f) => f.fact === 'quiz:answerScored').map((f) => f.payload as QuizMyResult);
    expect(results(ada)).toEqual([mine]);
    expect(results(bo)).toEqual([bos]);
    for (const c of [pres, mod, screen]) expect(results(c)).toEqual([]);

    // [QUIZ34] A reconnecting player gets the phase, their answer and result; nothing to answer again.
    const again = await client(adaToken);
    expect(again.snapshot.quiz).toMatchObject({ phase: { runId, phase: { phase: 'reveal' } }, me: { total: mine.total, rank: 1, answers: { [q.id]: { kind: 'choice', picks: [1] } }, results: { [q.id]: { correct: true } } } });
    expect(again.snapshot.quiz!.presenterPhase).toBeUndefined();
    expect(pres.snapshot.quiz).toBeUndefined();

    await ok(pres.send('quiz:control', { runId, action: 'next' }));
    expect((await phase(ada, 'standings')).phase).toMatchObject({ players: [{ rank: 1, name: 'Ada' }, { rank: 2, name: 'Bo' }] });
    await ok(pres.send('quiz:control', { runId, action: 'next' }));
    expect((await phase(screen, 'podium')).phase).toMatchObject({ players: [{ name: 'Ada', score: mine.total }, { name: 'Bo' }] });
    expect(await pres.send('quiz:control', { runId, action: 'lockNow' })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
  });

  it('[QUIZ23] [QUIZ37] answering ends when its time runs out, by the server clock, with nobody pressing anything', async () => {
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft: QuizDraft.parse({ title: 'Quick', questions: [{ kind: 'truefalse', text: 'Fast?', timeLimitSec: 5, correct: true }] }) }));
    const { runId } = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    await ok(pres.send('quiz:control', { runId, action: 'start' }));
    const answering = await phase(screen, 'answering');
    const locked = await phase(screen, 'locked');
    expect(locked.phase).toMatchObject({ reason: 'time', answered: 0, present: 2 });
    expect(locked.version).toBeGreaterThan(answering.version);
  });

  it('[QUIZ5] [QUIZ31] a typed answer over 80 characters is BAD_REQUEST with the reason and changes nothing; 80 is accepted', async () => {
    const typed = QuizDraft.parse({ title: 'Typed', questions: [{ kind: 'type', text: 'Who is our main competitor?', timeLimitSec: 20, accepted: ['Acme'] }] });
    const quiz: StoredQuiz = await ok(mod.send('quiz:create', { sessionId: null, draft: typed }));
    const q = quiz.questions[0]!;
    const { runId } = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    await ok(pres.send('quiz:control', { runId, action: 'start' }));
    await phase(ada, 'answering');
    const counted = pres.received.length;

    const tooLong = 'A'.repeat(81);
    expect(await ada.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'type', text: tooLong }, displayedForMs: 500 })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('80 characters') } });
    // Nothing stored: a reconnecting Ada has no answer to it, staff heard of no answer, and she can still answer.
    const again = await client(adaToken);
    expect(again.snapshot.quiz?.me?.answers ?? {}).not.toHaveProperty(q.id);
    expect(pres.received.slice(counted).filter((f) => f.fact === 'quiz:presenterPhaseChanged' && (f.payload as FactPayload<'quiz:presenterPhaseChanged'>).phase.phase === 'answering' && ((f.payload as FactPayload<'quiz:presenterPhaseChanged'>).phase as { answered: number }).answered > 0)).toEqual([]);
    expect(await ok(again.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'type', text: ' acme ' }, displayedForMs: 900 }))).toEqual({ runId, questionId: q.id, received: true });
    // Exactly at the limit is an answer like any other (here a wrong one).
    expect(await ok(bo.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'type', text: 'B'.repeat(80) }, displayedForMs: 900 }))).toEqual({ runId, questionId: q.id, received: true });
    expect((await phase(screen, 'locked')).phase).toMatchObject({ reason: 'everyone', answered: 2 });
    await ok(pres.send('quiz:control', { runId, action: 'next' }));
    const adaResult = again.received.find((f) => f.fact === 'quiz:answerScored')?.payload ?? (await again.waitFor('quiz:answerScored'));
    expect(adaResult).toMatchObject({ answered: true, correct: true });
  });

  it('[QUIZ35] every socket has its round trip measured on the Engine.IO heartbeat, kept for the timing bound', async () => {
    const engine = s.app.io.engine as unknown as { opts: { pingInterval: number } };
    const before = engine.opts.pingInterval;
    engine.opts.pingInterval = 100;
    try {
      const c = await client((await s.join({ code: ev.code, name: 'Dee', mode: 'remote' })).token);
      const deadline = Date.now() + 3000;
      let rtt: number | undefined;
      while (rtt === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        const mine = (await s.app.io.fetchSockets()).find((x) => x.id === c.socket.id);
        rtt = mine?.data.rttMs;
      }
      expect(typeof rtt).toBe('number');
      expect(rtt).toBeGreaterThanOrEqual(0);
      expect(rtt).toBeLessThan(1000);
    } finally {
      engine.opts.pingInterval = before;
    }
  });
});
