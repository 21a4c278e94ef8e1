import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, QuizDraft, type QuizAnswerValue, type QuizReinforcement } from '@rally/shared';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { buildSnapshot } from '../snapshot.js';
import { createQuiz } from './authoring.js';
import { answer, control, openRun, tickDueRuns, type QuizPlayDeps } from './play.js';
import { reinforcementRunId, reopenQuiz, selfAnswer, selfStart, SELF_PACED_GRACE_MS, whatStuck } from './reinforcement.js';

let k: PollKit;
let deps: QuizPlayDeps & PollKit['deps'];
beforeEach(async () => {
  k = await pollKit();
  deps = { ...k.deps, coalesceMs: 5 };
});
afterEach(() => k.close());

const NO_RTT = { connectedAtMs: 0, rttMs: 0 };
const DAY = 86_400_000;
const T = (value: boolean): QuizAnswerValue => ({ kind: 'truefalse', value });
const C = (...picks: number[]): QuizAnswerValue => ({ kind: 'choice', picks });

/** The spec's example: two "pricing" questions, one "security" question. */
const draft = QuizDraft.parse({
  title: 'Launch quiz',
  questions: [
    { kind: 'truefalse', text: 'Cloud 5 ships in March.', timeLimitSec: 10, correct: true, topic: 'Pricing', explanation: 'It was moved up.' },
    { kind: 'choice', text: 'Which plan has SSO?', timeLimitSec: 20, options: ['Starter', 'Business', 'Free'], correct: [1], topic: 'security' },
    { kind: 'truefalse', text: 'Discounts stack.', timeLimitSec: 10, correct: false, topic: 'pricing' },
  ],
});

async function setUp() {
  const quiz = await createQuiz(k.deps, k.event.id, null, draft);
  const ada = await k.person({ name: 'Ada', mode: 'room', team: 'EMEA' });
  const bo = await k.person({ name: 'Bo', mode: 'remote', team: 'NA' });
  return { quiz, ada, bo };
}

/** Plays a live run to its end: per question, each player's answer (everyone answers, so it locks at once). */
async function playLive(quizId: string, answers: [string, QuizAnswerValue[]][]): Promise<string> {
  const { runId } = await openRun(deps, k.event.id, quizId);
  for (let i = 0; i < 3; i++) {
    await control(deps, k.event.id, runId, i === 0 ? 'start' : 'next');
    k.clock.advance(3_000);
    await tickDueRuns(deps);
    const stored = await k.store.getQuizRun(runId);
    const qid = (stored!.run as { run: { questions: { id: string }[] } }).run.questions[i]!.id;
    for (const [pid, values] of answers) await answer(deps, k.event.id, pid, { runId, questionId: qid, answer: values[i]!, displayedForMs: 1_000 }, NO_RTT);
    if (answers.length === 0) await control(deps, k.event.id, runId, 'lockNow');
    await control(deps, k.event.id, runId, 'next'); // reveal
    await control(deps, k.event.id, runId, 'next'); // standings
  }
  await control(deps, k.event.id, runId, 'next'); // podium
  await control(deps, k.event.id, runId, 'next'); // ended
  return runId;
}

const closesIn = (ms: number) => new Date(k.clock.now() + ms).toISOString();

describe('reinforcement quiz (domain)', () => {
  it('[QUIZ40] [QUIZ41] reopening: a run of its own with a closing date, compared with the live run, listed to attendees, never on stage', async () => {
    const { quiz, ada } = await setUp();
    const liveRunId = await playLive(quiz.id, []);
    k.publish.clear();
    const opened = await reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(30 * DAY) });
    expect(opened).toMatchObject({ runId: reinforcementRunId(quiz.id), quizId: quiz.id, questionCount: 3, liveRunId, closesAt: closesIn(30 * DAY) });
    expect(opened.runId).not.toBe(liveRunId);
    expect(k.publish.of('quiz:reopened').map((p) => p.payload as QuizReinforcement)).toEqual([opened]);

    const snap = await buildSnapshot(deps, ada, k.event);
    expect(snap.quizRevisits).toEqual([{ ...opened, answered: 0, done: false }]);
    expect(snap.quiz).toBeUndefined();
    // Not paced: live controls do not reach it.
    await expect(control(deps, k.event.id, opened.runId, 'start')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    // Again: the same run, a new date.
    const moved = await reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(40 * DAY) });
    expect(moved).toMatchObject({ runId: opened.runId, closesAt: closesIn(40 * DAY) });
    await expect(reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(-1) })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(reopenQuiz(deps, 'another-event', quiz.id, { closesAt: closesIn(DAY) })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    // Closed: no longer listed.
    k.clock.advance(40 * DAY);
    expect((await buildSnapshot(deps, ada, k.event)).quizRevisits).toBeUndefined();
  });

  it('[QUIZ40] a quiz cannot be reopened while a live run is being played', async () => {
    const { quiz } = await setUp();
    await openRun(deps, k.event.id, quiz.id);
    await expect(reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(DAY) })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
  });

  it('[QUIZ42] [QUIZ43] each question is timed from its own send to that player, never restarted; a question left to run out is missed', async () => {
    const { quiz, ada, bo } = await setUp();
    const { runId } = await reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(DAY) });
    const first = await selfStart(deps, k.event.id, ada.id, runId);
    expect(first).toMatchObject({ done: false, index: 0, count: 3, question: { kind: 'truefalse', text: 'Cloud 5 ships in March.' } });
    expect(JSON.stringify(first)).not.toMatch(/"correct"|explanation/);
    const q1 = first.question!.id;
    k.clock.advance(4_000);
    const boFirst = await selfStart(deps, k.event.id, bo.id, runId);
    expect(Date.parse(boFirst.sentAt!) - Date.parse(first.sentAt!)).toBe(4_000);
    k.clock.advance(1_000);
    // Asking again gets the same question with the clock still running from the first send.
    expect(await selfStart(deps, k.event.id, ada.id, runId)).toMatchObject({ index: 0, sentAt: first.sentAt });

    // Both claim 9 s; Ada's send was 5 s ago, Bo's 1 s ago: the bound ([QUIZ6]) keeps each to their own.
    const a = await selfAnswer(deps, k.event.id, ada.id, { runId, questionId: q1, answer: T(true), displayedForMs: 9_000 }, NO_RTT);
    const b = await selfAnswer(deps, k.event.id, bo.id, { runId, questionId: q1, answer: T(true), displayedForMs: 9_000 }, NO_RTT);
    expect(a).toMatchObject({ correct: true, points: 750, total: 750, reveal: { kind: 'truefalse', correct: true }, explanation: 'It was moved up.' });
    expect(b).toMatchObject({ correct: true, points: 950 });
    // The same answer again is the same result; another is CONFLICT.
    expect(await selfAnswer(deps, k.event.id, ada.id, { runId, questionId: q1, answer: T(true), displayedForMs: 1 }, NO_RTT)).toEqual(a);
    await expect(selfAnswer(deps, k.event.id, ada.id, { runId, questionId: q1, answer: T(false), displayedForMs: 1 }, NO_RTT)).rejects.toMatchObject({ code: ErrorCode.CONFLICT });

    // Ada lets question 2 run out (20 s + the grace): refused, and she moves on to question 3.
    const second = await selfStart(deps, k.event.id, ada.id, runId);
    expect(second.index).toBe(1);
    await expect(selfAnswer(deps, k.event.id, ada.id, { runId, questionId: q1.replace(/.$/, 'x'), answer: C(1), displayedForMs: 1 }, NO_RTT)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    k.clock.advance(20_000 + SELF_PACED_GRACE_MS + 1);
    await expect(selfAnswer(deps, k.event.id, ada.id, { runId, questionId: second.question!.id, answer: C(1), displayedForMs: 1_000 }, NO_RTT)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    const third = await selfStart(deps, k.event.id, ada.id, runId);
    expect(third.index).toBe(2);
    // A question never sent cannot be answered: Bo has not been sent question 3.
    await expect(selfAnswer(deps, k.event.id, bo.id, { runId, questionId: third.question!.id, answer: T(false), displayedForMs: 1 }, NO_RTT)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    // Missing question 2 broke Ada's streak: no bonus on question 3.
    const r3 = await selfAnswer(deps, k.event.id, ada.id, { runId, questionId: third.question!.id, answer: T(false), displayedForMs: 0 }, NO_RTT);
    expect(r3).toMatchObject({ correct: true, bonus: 0 });
    expect(await selfStart(deps, k.event.id, ada.id, runId)).toMatchObject({ done: true, question: null, total: r3.total });
    expect((await buildSnapshot(deps, ada, k.event)).quizRevisits![0]).toMatchObject({ answered: 2, done: false });
  });

  it('[QUIZ44] after the closing date nothing is served and no answer is taken', async () => {
    const { quiz, ada } = await setUp();
    const { runId } = await reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(60_000) });
    const first = await selfStart(deps, k.event.id, ada.id, runId);
    k.clock.advance(60_000);
    await expect(selfAnswer(deps, k.event.id, ada.id, { runId, questionId: first.question!.id, answer: T(true), displayedForMs: 1 }, NO_RTT)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(selfStart(deps, k.event.id, ada.id, runId)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    expect((await k.store.getQuizPlayer({ eventId: k.event.id, runId }, ada.id)).answers).toEqual({});
  });

  it('[QUIZ45] [QUIZ46] results are kept apart from the live run and compared per topic: overall, per cohort, per team, per participant', async () => {
    const { quiz, ada, bo } = await setUp();
    // Live: Ada right, wrong, wrong; Bo right, right, wrong.
    const liveRunId = await playLive(quiz.id, [
      [ada.id, [T(true), C(0), T(true)]],
      [bo.id, [T(true), C(1), T(true)]],
    ]);
    const liveAda = await k.store.getQuizPlayer({ eventId: k.event.id, runId: liveRunId }, ada.id);
    const { runId } = await reopenQuiz(deps, k.event.id, quiz.id, { closesAt: closesIn(30 * DAY) });
    // Later: Ada right, right, right; Bo right, wrong, and lets question 3 run out.
    const play = async (pid: string, values: QuizAnswerValue[]) => {
      for (const v of values) {
        const q = await selfStart(deps, k.event.id, pid, runId);
        await selfAnswer(deps, k.event.id, pid, { runId, questionId: q.question!.id, answer: v, displayedForMs: 0 }, NO_RTT);
      }
    };
    await play(ada.id, [T(true), C(1), T(false)]);
    await play(bo.id, [T(true), C(2)]);
    await selfStart(deps, k.event.id, bo.id, runId);
    k.clock.advance(60_000);

    expect(await k.store.getQuizPlayer({ eventId: k.event.id, runId: liveRunId }, ada.id)).toEqual(liveAda);
    expect(Object.keys((await k.store.getQuizPlayer({ eventId: k.event.id, runId }, ada.id)).answers)).toHaveLength(3);

    const ws = await whatStuck(deps, k.event.id, quiz.id);
    expect(ws).toMatchObject({ quizId: quiz.id, liveRunId, reinforcementRunId: runId });
    // Pricing: live 2 of 4, later 3 of 3. Security: live 1 of 2, later 1 of 2.
    expect(ws.topics).toEqual([
      { topic: 'pricing', live: { answered: 4, correct: 2, accuracy: 0.5 }, later: { answered: 3, correct: 3, accuracy: 1 }, change: 0.5 },
      { topic: 'security', live: { answered: 2, correct: 1, accuracy: 0.5 }, later: { answered: 2, correct: 1, accuracy: 0.5 }, change: 0 },
    ]);
    const room = ws.cohorts.find((c) => c.cohort === 'room')!.topics;
    expect(room.map((t) => [t.topic, t.live.accuracy, t.later.accuracy])).toEqual([
      ['pricing', 0.5, 1],
      ['security', 0, 1],
    ]);
    expect(ws.teams.map((t) => t.team)).toEqual(['EMEA', 'NA']);
    expect(ws.teams.find((t) => t.team === 'NA')!.topics.map((t) => [t.topic, t.live.accuracy, t.later.accuracy, t.change])).toEqual([
      ['pricing', 0.5, 1, 0.5],
      ['security', 1, 0, -1],
    ]);
    expect(ws.participants.map((p) => p.name)).toEqual(['Ada', 'Bo']);
    expect(ws.participants[0]!.topics).toEqual(room);
  });
});
