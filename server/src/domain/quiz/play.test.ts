import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, QuizDraft, type QuizAnswerValue, type QuizDraftInput, type QuizMyResult, type QuizRunPhase, type QuizRunPresenterPhase } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { buildSnapshot } from '../snapshot.js';
import { createQuiz } from './authoring.js';
import { answer, control, openRun, orderingShuffle, tickDueRuns, QUIZ_AUDIENCE_ROLES, type QuizPlayDeps } from './play.js';
import { QUIZ_STAFF_ROLES } from './authoring.js';

let k: PollKit;
let deps: QuizPlayDeps & PollKit['deps'];
beforeEach(async () => {
  k = await pollKit();
  deps = { ...k.deps, coalesceMs: 5 };
});
afterEach(() => k.close());

const NO_TIMING = { connectedAtMs: 0, rttMs: 0 };

const twoQuestions = (settings: QuizDraftInput['settings'] = {}): QuizDraft =>
  QuizDraft.parse({
    title: 'Launch quiz',
    settings,
    questions: [
      { kind: 'truefalse', text: 'Cloud 5 ships in March.', timeLimitSec: 10, correct: true, explanation: 'It was moved up.' },
      { kind: 'choice', text: 'Which plan has SSO?', timeLimitSec: 20, points: 2, options: ['Starter', 'Business', 'Free'], correct: [1] },
    ],
  });

async function setUp(settings: QuizDraftInput['settings'] = {}) {
  const quiz = await createQuiz(k.deps, k.event.id, null, twoQuestions(settings));
  const a = await k.person({ name: 'Ada', mode: 'room', team: 'EMEA' });
  const b = await k.person({ name: 'Bo', mode: 'remote', team: 'NA' });
  k.publish.clear();
  const opened = await openRun(deps, k.event.id, quiz.id);
  return { quiz, a, b, runId: opened.runId, opened };
}

const audience = () => k.publish.of('quiz:phaseChanged').map((p) => p.payload as QuizRunPhase);
const presenter = () => k.publish.of('quiz:presenterPhaseChanged').map((p) => p.payload as QuizRunPresenterPhase);
const lastAudience = () => audience().at(-1)!.phase;
const resultsTo = (id: string) => k.publish.published.filter((p) => p.fact === 'quiz:answerScored' && p.target === id).map((p) => p.payload as QuizMyResult);

/** Start, and let "get ready" run out: the first question is open. */
async function toAnswering(runId: string, action: 'start' | 'next' = 'start') {
  await control(deps, k.event.id, runId, action);
  expect(lastAudience().phase).toBe('getReady');
  k.clock.advance(3_000);
  await tickDueRuns(deps);
  expect(lastAudience().phase).toBe('answering');
}

describe('quiz live play (domain)', () => {
  it('[QUIZ30] opening a run: a quiz of this event with questions, in the lobby, on stage, the audience view to attendees and the screen, the presenter view to staff', async () => {
    const { runId, opened, quiz } = await setUp();
    expect(opened.phase).toMatchObject({ phase: 'lobby', quizId: quiz.id, total: 2, joined: { room: 1, remote: 1 } });
    expect(k.publish.of('quiz:phaseChanged').map((p) => p.roles)).toEqual([QUIZ_AUDIENCE_ROLES]);
    expect(k.publish.of('quiz:presenterPhaseChanged').map((p) => p.roles)).toEqual([QUIZ_STAFF_ROLES]);
    expect(k.publish.of('stage:changed').at(-1)!.payload).toMatchObject({ slot: { kind: 'quiz', runId } });
    expect((await k.store.currentQuizRun(k.event.id))!.runId).toBe(runId);

    const empty = await createQuiz(k.deps, k.event.id, null, QuizDraft.parse({ title: 'Empty', questions: [] }));
    await expect(openRun(deps, k.event.id, empty.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(openRun(deps, 'another-event', quiz.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(control(deps, 'another-event', runId, 'start')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[QUIZ2] with the question on the stage only, devices get the buttons alone and the stage screen the question', async () => {
    const { runId } = await setUp({ questionOnDevices: false });
    await toAnswering(runId);
    const last = (role: 'attendee' | 'screen') => k.publish.of('quiz:phaseChanged').filter((p) => (p.roles as readonly string[]).includes(role)).at(-1)!.payload as QuizRunPhase;
    const toDevices = last('attendee').phase;
    const toScreen = last('screen').phase;
    expect(toDevices.phase === 'answering' && toDevices.question.text).toBeNull();
    expect(toScreen.phase === 'answering' && toScreen.question.text).toBe('Cloud 5 ships in March.');
    expect(JSON.stringify(toScreen)).not.toMatch(/"correct"|"explanation"/);
    const screen = await k.person({ role: 'screen', name: 'Stage' });
    const snap = await buildSnapshot(deps, screen, k.event);
    expect(snap.quiz?.phase?.phase.phase === 'answering' && snap.quiz.phase.phase.question.text).toBe('Cloud 5 ships in March.');
  });

  it('[QUIZ30] ordering items get a shuffle that is the same for every device of a run and never the correct order', () => {
    for (let i = 0; i < 50; i++) {
      const order = orderingShuffle(`run_${i}`, 'q', 3 + (i % 4));
      expect([...order].sort()).toEqual(order.map((_, j) => j));
      expect(order.every((v, j) => v === j)).toBe(false);
      expect(orderingShuffle(`run_${i}`, 'q', 3 + (i % 4))).toEqual(order);
    }
  });

  it('[QUIZ31] [QUIZ32] [QUIZ33] a whole run: answers, an early lock when everyone present answered, the reveal, each player their own result, standings, the podium', async () => {
    const { runId, a, b, quiz } = await setUp();
    await toAnswering(runId);
    const [q1, q2] = quiz.questions;
    // Before answering opens nothing could be answered; an answer to another question is refused.
    await expect(answer(deps, k.event.id, a.id, { runId, questionId: q2!.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 100 }, NO_TIMING)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(answer(deps, k.event.id, a.id, { runId, questionId: 'nope', answer: { kind: 'truefalse', value: true }, displayedForMs: 100 }, NO_TIMING)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    // [QUIZ5] An answer that does not fit is refused with the reason.
    await expect(answer(deps, k.event.id, a.id, { runId, questionId: q1!.id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 100 }, NO_TIMING)).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST, message: expect.stringContaining('truefalse') });

    k.clock.advance(2_000);
    expect(await answer(deps, k.event.id, a.id, { runId, questionId: q1!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 1_500 }, NO_TIMING)).toEqual({ runId, questionId: q1!.id, received: true });
    // The same answer again is received and changes nothing; another one is CONFLICT.
    expect(await answer(deps, k.event.id, a.id, { runId, questionId: q1!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 1_600 }, NO_TIMING)).toMatchObject({ received: true });
    await expect(answer(deps, k.event.id, a.id, { runId, questionId: q1!.id, answer: { kind: 'truefalse', value: false }, displayedForMs: 1_600 }, NO_TIMING)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, message: 'you already answered' });
    expect(lastAudience().phase).toBe('answering');

    k.clock.advance(1_000);
    await answer(deps, k.event.id, b.id, { runId, questionId: q1!.id, answer: { kind: 'truefalse', value: false }, displayedForMs: 2_500 }, NO_TIMING);
    // [QUIZ24] Both present players answered: locked at once, for that reason.
    expect(lastAudience()).toMatchObject({ phase: 'locked', reason: 'everyone', answered: 2, present: 2 });
    // An answer after the lock is refused.
    const late = await k.person({ name: 'Late', mode: 'room' });
    await expect(answer(deps, k.event.id, late.id, { runId, questionId: q1!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 100 }, NO_TIMING)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    // [QUIZ2] Nothing the audience got so far holds the correct answer or the explanation.
    for (const p of audience()) expect(JSON.stringify(p)).not.toMatch(/"correct"|fullQuestion|explanation|moved up/);

    await control(deps, k.event.id, runId, 'next');
    expect(lastAudience()).toMatchObject({ phase: 'reveal', reveal: { kind: 'truefalse', correct: true }, explanation: 'It was moved up.' });
    // [QUIZ33] Each player gets their own result, and only theirs; Ada leads, Bo is behind her by her points.
    const [ra] = resultsTo(a.id);
    const [rb] = resultsTo(b.id);
    expect(ra).toMatchObject({ runId, questionId: q1!.id, answered: true, correct: true, rank: 1, gapToAhead: null, players: 2 });
    expect(ra!.points).toBeGreaterThanOrEqual(500);
    expect(ra!.total).toBe(ra!.points);
    expect(rb).toMatchObject({ answered: true, correct: false, points: 0, total: 0, rank: 2, gapToAhead: ra!.total, players: 2 });
    expect(resultsTo(late.id)).toEqual([{ runId, questionId: q1!.id, answered: false, correct: false, points: 0, bonus: 0, total: 0, streak: 0, rank: null, players: 2, gapToAhead: null }]);
    for (const r of k.publish.of('quiz:answerScored')) expect(r.to).toBe('participant');

    await control(deps, k.event.id, runId, 'next');
    expect(lastAudience()).toMatchObject({ phase: 'standings', players: [{ rank: 1, participantId: a.id, name: 'Ada', score: ra!.total }, { rank: 2, participantId: b.id, name: 'Bo', score: 0 }] });

    // Second question, ×2: Ada's streak continues; the late player stays silent, so time runs out.
    await toAnswering(runId, 'next');
    k.clock.advance(4_000);
    await answer(deps, k.event.id, a.id, { runId, questionId: q2!.id, answer: { kind: 'choice', picks: [1] }, displayedForMs: 3_000 }, NO_TIMING);
    k.clock.advance(20_000);
    await tickDueRuns(deps);
    expect(lastAudience()).toMatchObject({ phase: 'locked', reason: 'time' });
    await control(deps, k.event.id, runId, 'next');
    const ra2 = resultsTo(a.id).at(-1)!;
    // [QUIZ4] The second correct answer in a row at ×2 carries a 200-point streak bonus.
    expect(ra2).toMatchObject({ questionId: q2!.id, answered: true, correct: true, bonus: 200, streak: 2, rank: 1, total: ra!.total + ra2.points });
    expect(resultsTo(b.id).at(-1)).toMatchObject({ questionId: q2!.id, answered: false, rank: 2, gapToAhead: ra2.total });
    await control(deps, k.event.id, runId, 'next');
    await control(deps, k.event.id, runId, 'next');
    expect(lastAudience()).toMatchObject({ phase: 'podium', players: [{ participantId: a.id, score: ra2.total }, { participantId: b.id }] });
    await control(deps, k.event.id, runId, 'next');
    expect(lastAudience()).toEqual({ phase: 'ended' });
    // Versions only go up, so a client can drop a late copy of an older phase.
    const versions = audience().map((p) => p.version);
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(presenter().at(-1)!.version).toBe(audience().at(-1)!.version);
  });

  it('[QUIZ35] fair timing: a claim faster than the server could observe is bounded by the server elapsed time minus the round trip and the display lag', async () => {
    const { runId, a, quiz } = await setUp();
    await toAnswering(runId);
    k.clock.advance(15_000 - 10_000 + 4_000); // 9 s after opening (the question has 10 s)
    await answer(deps, k.event.id, a.id, { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 0 }, { connectedAtMs: 0, rttMs: 200 });
    const mine = (await k.store.getQuizPlayer({ eventId: k.event.id, runId }, a.id)).answers[quiz.questions[0]!.id]!;
    // E = 9000, rtt = 200: the answer took at least max(0, 9000 − 200 − 10000) = 0 ms and at most 8800 ms.
    expect(mine.responseMs).toBe(0);

    // A socket connected after the question was sent: the elapsed time runs from its connection.
    const { runId: run2, b, quiz: quiz2 } = await setUp();
    await toAnswering(run2);
    const connectedAtMs = k.clock.now() + 1_000;
    k.clock.advance(9_500);
    await answer(deps, k.event.id, b.id, { runId: run2, questionId: quiz2.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 9_400 }, { connectedAtMs, rttMs: 100 });
    const hers = (await k.store.getQuizPlayer({ eventId: k.event.id, runId: run2 }, b.id)).answers[quiz2.questions[0]!.id]!;
    expect(hers.responseMs).toBe(9_500 - 1_000 - 100);
  });

  it('[QUIZ35] a claim longer than the display lag allows is bounded from below', async () => {
    const { runId, a, quiz } = await setUp({ questionOnDevices: true });
    await control(deps, k.event.id, runId, 'start');
    k.clock.advance(3_000);
    await tickDueRuns(deps);
    // Add time so that 15 s can pass within the question.
    await control(deps, k.event.id, runId, 'addTime');
    k.clock.advance(15_000);
    await answer(deps, k.event.id, a.id, { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 1 }, { connectedAtMs: 0, rttMs: 0 });
    const mine = (await k.store.getQuizPlayer({ eventId: k.event.id, runId }, a.id)).answers[quiz.questions[0]!.id]!;
    expect(mine.responseMs).toBe(15_000 - 10_000);
  });

  it('[QUIZ36] every recorded answer is one quiz answer in the engagement log, with its question', async () => {
    const seen: { id: string; kind: string; ref?: string }[] = [];
    deps = { ...deps, engagement: { interacted: (p: { id: string }, kind: string, d?: { ref?: string }) => void seen.push({ id: p.id, kind, ref: d?.ref }), moment: () => {} } as never };
    const { runId, a, quiz } = await setUp();
    await toAnswering(runId);
    await answer(deps, k.event.id, a.id, { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 10 }, NO_TIMING);
    await answer(deps, k.event.id, a.id, { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 10 }, NO_TIMING);
    expect(seen).toEqual([{ id: a.id, kind: 'quizAnswered', ref: quiz.questions[0]!.id }]);
  });

  it('[QUIZ7] [QUIZ38] room against remote: team scores are per capita of those present when the question opened', async () => {
    const { runId, a, b, quiz } = await setUp({ teamMode: 'room-vs-remote' });
    const silent = await k.person({ name: 'Cy', mode: 'room' });
    await control(deps, k.event.id, runId, 'start');
    k.clock.advance(3_000);
    await tickDueRuns(deps);
    const q1 = quiz.questions[0]!.id;
    k.clock.advance(1_000);
    // Same answer, same time: the same points for both.
    await answer(deps, k.event.id, a.id, { runId, questionId: q1, answer: { kind: 'truefalse', value: true }, displayedForMs: 1_000 }, NO_TIMING);
    await answer(deps, k.event.id, b.id, { runId, questionId: q1, answer: { kind: 'truefalse', value: true }, displayedForMs: 1_000 }, NO_TIMING);
    await control(deps, k.event.id, runId, 'lockNow');
    await control(deps, k.event.id, runId, 'next');
    const points = resultsTo(a.id)[0]!.points;
    expect(resultsTo(b.id)[0]!.points).toBe(points);
    expect(resultsTo(silent.id)[0]).toMatchObject({ answered: false, rank: null });
    await control(deps, k.event.id, runId, 'next');
    // Room: two present, one answered (points / 2); remote: one present, who answered (points / 1).
    expect(lastAudience()).toMatchObject({ phase: 'standings', teams: [{ rank: 1, team: 'remote', score: points }, { rank: 2, team: 'room', score: points / 2 }] });
  });

  it('[QUIZ7] [QUIZ38] teams of unequal size by the team attribute: per capita of the members present when the question opened, so equal points per member tie whatever the size', async () => {
    // setUp brings Ada (EMEA) and Bo (NA). EMEA has three members, APAC two, NA one; Ivy has no team.
    const { runId, a, b, quiz } = await setUp({ teamMode: 'teams' });
    const eve = await k.person({ name: 'Eve', mode: 'remote', team: 'EMEA' });
    const fay = await k.person({ name: 'Fay', mode: 'room', team: 'EMEA' });
    const gus = await k.person({ name: 'Gus', mode: 'room', team: 'APAC' });
    const hal = await k.person({ name: 'Hal', mode: 'remote', team: 'APAC' });
    const ivy = await k.person({ name: 'Ivy', mode: 'room', team: null });
    await toAnswering(runId);
    // Kim joins NA after the question opened: not among those present then, so not in NA's divisor.
    const kim = await k.person({ name: 'Kim', mode: 'room', team: 'NA' });
    const q1 = quiz.questions[0]!.id;
    k.clock.advance(2_000);
    // The same correct answer at the same moment: the same points for everyone who gives it. Fay and Kim stay silent.
    for (const p of [a, b, eve, gus, hal, ivy]) {
      await answer(deps, k.event.id, p.id, { runId, questionId: q1, answer: { kind: 'truefalse', value: true }, displayedForMs: 1_500 }, NO_TIMING);
    }
    await control(deps, k.event.id, runId, 'lockNow');
    await control(deps, k.event.id, runId, 'next');
    const points = resultsTo(a.id)[0]!.points;
    expect(points).toBeGreaterThan(0);
    for (const p of [b, eve, gus, hal, ivy]) expect(resultsTo(p.id)[0]).toMatchObject({ correct: true, points });
    for (const p of [fay, kim]) expect(resultsTo(p.id)[0]).toMatchObject({ answered: false, points: 0 });

    await control(deps, k.event.id, runId, 'next');
    const standings = lastAudience();
    expect(standings.phase).toBe('standings');
    const teams = standings.phase === 'standings' ? standings.teams : [];
    const score = (team: string) => teams.find((t) => t.team === team)?.score;
    // NA: Bo alone (1 of 1); APAC: both answered (2 of 2); EMEA: Fay silent (2 of 3). Ivy belongs to no team.
    expect(score('NA')).toBe(points);
    expect(score('APAC')).toBe(points);
    expect(score('EMEA')).toBeCloseTo((2 * points) / 3, 6);
    expect(teams.map((t) => t.team).sort()).toEqual(['APAC', 'EMEA', 'NA']);
    // Ranked by score: the two full teams ahead of EMEA, whose silent member counted 0.
    expect(teams.map((t) => t.rank)).toEqual([1, 2, 3]);
    expect(teams[2]).toMatchObject({ team: 'EMEA' });
  });

  it('[QUIZ34] the snapshot: attendees get the audience phase and their own answers and results; staff the presenter phase; nothing for a run that ended', async () => {
    const { runId, a, quiz } = await setUp();
    const staff = await k.person({ role: 'presenter', name: 'Pat' });
    const screen = await k.person({ role: 'screen', name: 'Screen' });
    await toAnswering(runId);
    await answer(deps, k.event.id, a.id, { runId, questionId: quiz.questions[0]!.id, answer: { kind: 'truefalse', value: true }, displayedForMs: 10 }, NO_TIMING);
    await control(deps, k.event.id, runId, 'lockNow');

    const mine = (await buildSnapshot(deps, a, k.event)).quiz!;
    expect(mine.phase).toMatchObject({ runId, phase: { phase: 'locked' } });
    expect(mine.presenterPhase).toBeUndefined();
    expect(JSON.stringify(mine)).not.toMatch(/"correct"|fullQuestion/);
    expect(mine.me).toMatchObject({ answers: { [quiz.questions[0]!.id]: { kind: 'truefalse', value: true } }, results: {}, rank: 1 });
    const projector = (await buildSnapshot(deps, screen, k.event)).quiz!;
    expect(projector.me).toBeUndefined();
    expect(JSON.stringify(projector)).not.toMatch(/"correct"|fullQuestion/);
    expect((await buildSnapshot(deps, staff, k.event)).quiz!.presenterPhase!.phase).toMatchObject({ phase: 'locked', fullQuestion: { correct: true } });

    await control(deps, k.event.id, runId, 'next');
    expect((await buildSnapshot(deps, a, k.event)).quiz!.me!.results[quiz.questions[0]!.id]).toMatchObject({ answered: true, correct: true, rank: 1 });
    await control(deps, k.event.id, runId, 'end');
    await control(deps, k.event.id, runId, 'end');
    expect((await buildSnapshot(deps, a, k.event)).quiz).toBeUndefined();
  });

  /** Three questions: the middle one (×2) is the one skipped or dropped. */
  async function setUpThree() {
    const draft = twoQuestions();
    const quiz = await createQuiz(
      k.deps,
      k.event.id,
      null,
      QuizDraft.parse({ ...draft, questions: [...draft.questions, { kind: 'truefalse', text: 'The keynote is at nine.', timeLimitSec: 10, correct: false }] }),
    );
    const a = await k.person({ name: 'Ada', mode: 'room', team: 'EMEA' });
    const b = await k.person({ name: 'Bo', mode: 'remote', team: 'NA' });
    const { runId } = await openRun(deps, k.event.id, quiz.id);
    const [q1, q2, q3] = quiz.questions.map((q) => q.id) as [string, string, string];
    const say = (who: { id: string }, questionId: string, value: QuizAnswerValue) => answer(deps, k.event.id, who.id, { runId, questionId, answer: value, displayedForMs: 1_000 }, NO_TIMING);
    // q1: Ada right, Bo wrong; revealed, then the standings; q2 opens and both answer it (which locks it).
    await toAnswering(runId);
    k.clock.advance(1_000);
    await say(a, q1, { kind: 'truefalse', value: true });
    await say(b, q1, { kind: 'truefalse', value: false });
    await control(deps, k.event.id, runId, 'next');
    await control(deps, k.event.id, runId, 'next');
    await toAnswering(runId, 'next');
    k.clock.advance(1_000);
    // Ada breaks her streak, Bo scores about 2,000 points at ×2 and would pass her.
    await say(a, q2, { kind: 'choice', picks: [0] });
    await say(b, q2, { kind: 'choice', picks: [1] });
    expect(lastAudience()).toMatchObject({ phase: 'locked' });
    const ref = { eventId: k.event.id, runId };
    expect((await k.store.quizRankOf(ref, b.id))!.rank).toBe(1);
    return { a, b, runId, ref, q1, q2, q3, say, ada1: resultsTo(a.id)[0]! };
  }

  it('[QUIZ27] [QZSTORE23] a question skipped after answers counts for nothing: totals, streaks and ranks are as if it never happened, and play goes on from there', async () => {
    const { a, b, runId, ref, q2, q3, say, ada1 } = await setUpThree();
    await control(deps, k.event.id, runId, 'skip');
    expect(lastAudience()).toMatchObject({ phase: 'getReady', questionIndex: 2 });
    // Nobody hears a result for the skipped question, and the store holds nothing of it.
    expect(k.publish.of('quiz:answerScored').filter((p) => (p.payload as QuizMyResult).questionId === q2)).toEqual([]);
    expect(await k.store.getQuizPlayer(ref, a.id)).toMatchObject({ total: ada1.total, streak: 1 });
    expect((await k.store.getQuizPlayer(ref, a.id)).answers[q2]).toBeUndefined();
    expect(await k.store.getQuizPlayer(ref, b.id)).toMatchObject({ total: 0, streak: 0 });
    expect(await k.store.quizTop(ref, 10)).toEqual([
      { participantId: a.id, total: ada1.total, rank: 1 },
      { participantId: b.id, total: 0, rank: 2 },
    ]);
    expect((await k.store.quizQuestionStats(ref, q2)).answered).toBe(0);
    const snap = (await buildSnapshot(deps, b, k.event)).quiz!.me!;
    expect(snap).toMatchObject({ total: 0, streak: 0, rank: 2 });
    expect(snap.answers[q2]).toBeUndefined();
    expect(snap.results[q2]).toBeUndefined();
    // A late answer to the skipped question is refused.
    await expect(say(b, q2, { kind: 'choice', picks: [1] })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });

    // q3: Ada's streak runs on from q1 as if q2 had not been asked (+100); Bo's wrong answer keeps him at 0.
    k.clock.advance(3_000);
    await tickDueRuns(deps);
    k.clock.advance(1_000);
    await say(a, q3, { kind: 'truefalse', value: false });
    await say(b, q3, { kind: 'truefalse', value: true });
    await control(deps, k.event.id, runId, 'next');
    const ada3 = resultsTo(a.id).at(-1)!;
    expect(ada3).toMatchObject({ questionId: q3, correct: true, bonus: 100, streak: 2, rank: 1, total: ada1.total + ada3.points });
    expect(resultsTo(b.id).at(-1)).toMatchObject({ questionId: q3, correct: false, total: 0, rank: 2, gapToAhead: ada3.total });
  });

  it('[QUIZ27] [QZSTORE23] ending during a question drops it: the podium and every player\'s state leave out its answers', async () => {
    const { a, b, runId, ref, q2, ada1 } = await setUpThree();
    await control(deps, k.event.id, runId, 'end');
    expect(lastAudience()).toMatchObject({ phase: 'podium', players: [{ participantId: a.id, score: ada1.total }, { participantId: b.id, score: 0 }] });
    expect(k.publish.of('quiz:answerScored').filter((p) => (p.payload as QuizMyResult).questionId === q2)).toEqual([]);
    expect(await k.store.getQuizPlayer(ref, a.id)).toMatchObject({ total: ada1.total, streak: 1 });
    expect(await k.store.getQuizPlayer(ref, b.id)).toMatchObject({ total: 0, streak: 0, answers: expect.not.objectContaining({ [q2]: expect.anything() }) });
    expect((await buildSnapshot(deps, b, k.event)).quiz!.me).toMatchObject({ total: 0, rank: 2 });
  });

  it('[QUIZ37] a transition computed twice from one stored version is stored and published once', async () => {
    const { runId } = await setUp();
    await control(deps, k.event.id, runId, 'start');
    k.clock.advance(3_000);
    k.publish.clear();
    await Promise.all([tickDueRuns(deps), tickDueRuns(deps), tickDueRuns(deps)]);
    expect(audience().map((p) => p.phase.phase)).toEqual(['answering']);
    expect(presenter()).toHaveLength(1);
  });
  it('[PERF6] [PERF7] an answer retried with its command id is received from its record, after a ban too; a new command of a banned player is BANNED; a mode change counts the next answer in the new cohort', async () => {
    const { runId, a, b, quiz } = await setUp();
    await toAnswering(runId);
    const q1 = quiz.questions[0]!.id;
    const tf = (value: boolean) => ({ runId, questionId: q1, answer: { kind: 'truefalse' as const, value }, displayedForMs: 500 });
    expect(await answer(deps, k.event.id, a.id, tf(true), NO_TIMING, 'cmd-1')).toEqual({ runId, questionId: q1, received: true });
    expect(await k.store.quizAnswerCommand({ eventId: k.event.id, runId }, q1, a.id)).toBe('cmd-1');
    await k.store.updateParticipant(a.id, { banned: true });
    expect(await answer(deps, k.event.id, a.id, tf(true), NO_TIMING, 'cmd-1')).toEqual({ runId, questionId: q1, received: true });
    await expect(answer(deps, k.event.id, a.id, tf(true), NO_TIMING, 'cmd-2')).rejects.toMatchObject({ code: ErrorCode.BANNED });
    // Warm in the cache as room, moved to remote: the answer counts where the player is now.
    expect((await k.store.hotParticipant(b.id))?.mode).toBe('remote');
    await k.store.updateParticipant(b.id, { mode: 'room' });
    await answer(deps, k.event.id, b.id, tf(false), NO_TIMING, 'cmd-3');
    const stats = await k.store.quizQuestionStats({ eventId: k.event.id, runId }, q1);
    expect(stats.room.answered).toBe(2);
    expect(stats.remote.answered).toBe(0);
    expect(stats.answered).toBe(2);
  });
});
