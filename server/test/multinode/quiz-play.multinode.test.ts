import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuizDraft, type CreateEventResponse, type FactPayload, type JoinResponse, type QuizMyResult, type QuizRunPhase, type StoredQuiz } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { trackedConnect, keyOf, type TestClient } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [QUIZ37] A quiz run on two nodes sharing one Redis: answers arriving on both, one phase history.

let cluster: Cluster;
let ev: CreateEventResponse;
let A: string;
let B: string;
const clients: TestClient[] = [];

const join = (url: string, body: Record<string, unknown>) => post<JoinResponse>(url, '/api/join', { code: ev.code, ...body });
const connect = trackedConnect(clients);
const phases = (c: TestClient) => c.received.filter((f) => f.fact === 'quiz:phaseChanged').map((f) => f.payload as QuizRunPhase);
function phase(c: TestClient, name: string): Promise<QuizRunPhase> {
  const hit = phases(c).find((p) => p.phase.phase === name);
  return hit ? Promise.resolve(hit) : c.waitFor('quiz:phaseChanged', (p) => p.phase.phase === name, 10_000);
}
function result(c: TestClient): Promise<QuizMyResult> {
  const hit = c.received.find((f) => f.fact === 'quiz:answerScored');
  return hit ? Promise.resolve(hit.payload as QuizMyResult) : c.waitFor('quiz:answerScored', undefined, 10_000);
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
  [A, B] = cluster.urls as [string, string];
  ev = await post<CreateEventResponse>(A, '/api/events', { name: 'Cluster quiz SKO', teams: [], agenda: [], settings: {} }, true);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

describe('quiz live play across nodes', () => {
  it('[QUIZ37] [QZSTORE21] [CLU5] answers on both nodes: exact totals and ranks, one agreed phase history on every node; each socket of each player, on either node, gets its result once', async () => {
    const pres = await connect(A, (await join(A, { name: 'Presenter on A', key: keyOf(ev.links.presenter) })).token);
    const mod = await connect(B, (await join(B, { name: 'Mod on B', key: keyOf(ev.links.moderator) })).token);
    const screenB = await connect(B, (await join(B, { name: 'Stage on B', key: keyOf(ev.links.stage) })).token);
    const players: TestClient[] = [];
    const tokens: string[] = [];
    for (const [i, url] of [A, B, A, B].entries()) {
      tokens.push((await join(url!, { name: `Player ${i + 1}`, mode: 'remote' })).token);
      players.push(await connect(url!, tokens[i]!));
    }
    // [CLU5] Player 1 (on A) has a second device on B, Player 2 (on B) one on A.
    const twins = [await connect(B, tokens[0]!), await connect(A, tokens[1]!)];

    const quiz = await ok<StoredQuiz>(mod.send('quiz:create', { sessionId: null, draft: QuizDraft.parse({ title: 'Cluster quiz', questions: [{ kind: 'truefalse', text: 'Two nodes, one quiz?', timeLimitSec: 30, correct: true }] }) }));
    const q = quiz.questions[0]!;
    const { runId } = await ok(pres.send('quiz:open', { quizId: quiz.id }));
    await ok(mod.send('quiz:control', { runId, action: 'start' }));
    for (const p of players) await phase(p, 'answering');

    // All four at once, two per node; the last one wrong.
    const acks = await Promise.all(players.map((p, i) => p.send('quiz:answer', { runId, questionId: q.id, answer: { kind: 'truefalse', value: i < 3 }, displayedForMs: 500 + i * 100 })));
    for (const a of acks) expect(a).toMatchObject({ ok: true, data: { received: true } });
    for (const c of [screenB, ...players]) expect((await phase(c, 'locked')).phase).toMatchObject({ reason: 'everyone', answered: 4, present: 4 });

    await ok(pres.send('quiz:control', { runId, action: 'next' }));
    const results = await Promise.all(players.map(result));
    // Each total is that answer's points; ranks 1..4 follow the totals; the gaps are to the one just above.
    for (const r of results) expect(r).toMatchObject({ runId, questionId: q.id, answered: true, players: 4, total: r.points });
    expect(results.map((r) => r.correct)).toEqual([true, true, true, false]);
    const byRank = [...results].sort((x, y) => x.rank! - y.rank!);
    expect(byRank.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < byRank.length; i++) {
      expect(byRank[i]!.total).toBeLessThanOrEqual(byRank[i - 1]!.total);
      expect(byRank[i]!.gapToAhead).toBe(byRank[i - 1]!.total - byRank[i]!.total);
    }
    expect(byRank.at(-1)).toMatchObject({ correct: false, points: 0 });
    for (const p of players) expect(p.received.filter((f) => f.fact === 'quiz:answerScored')).toHaveLength(1);
    // [CLU5] The second devices got the same result as the first, once each, from the other node.
    const twinResults = await Promise.all(twins.map(result));
    expect(twinResults).toEqual([results[0], results[1]]);
    await new Promise((r) => setTimeout(r, 200));
    for (const c of [...players, ...twins]) expect(c.received.filter((f) => f.fact === 'quiz:answerScored')).toHaveLength(1);

    await ok(mod.send('quiz:control', { runId, action: 'next' }));
    const standings = await phase(screenB, 'standings');
    expect(standings.phase).toMatchObject({ players: byRank.map((r) => ({ rank: r.rank, score: r.total })) });

    // One history: every client on either node saw the same versions, each once, in order.
    const history = (c: TestClient) => phases(c).map((p) => `${p.version}:${p.phase.phase}`);
    await Promise.all(players.map((p) => phase(p, 'standings')));
    const reference = history(screenB);
    expect(new Set(reference).size).toBe(reference.length);
    expect(reference.filter((h) => h.endsWith(':answering') || h.endsWith(':getReady')).length).toBeGreaterThanOrEqual(2);
    for (const p of players) expect(history(p)).toEqual(reference);
    // The timed step (get ready → answering) was published once, though both nodes sweep for due runs.
    expect(phases(screenB).filter((p) => p.phase.phase === 'answering' && (p.phase as FactPayload<'quiz:phaseChanged'>['phase'] & { answered: number }).answered === 0)).toHaveLength(1);
  });
});
