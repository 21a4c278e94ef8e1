import type { Socket } from 'socket.io-client';
import { Hist } from '../lib/hist.js';
import { staffOf } from '../lib/audience.js';
import { idleCpuRate, nobodyConnected, workerStats, type Check, type Figure, type Scenario, type ScenarioContext, type ScenarioOutput } from '../lib/scenario.js';
import { fmtCounts } from '../lib/storm.js';
import type { QuizAnswersResult, QuizResultsResult } from '../lib/worker-protocol.js';
import { connectStaff, joinAs } from '../lib/rally.js';
import { hrMs, round, sleep, withTimeout } from '../lib/util.js';
import { commandBaselineReport, compareWithCommandBaseline, runCommandBaseline } from '../lib/command-baseline.js';
import { attendeesFor } from './b0-broadcast.js';

const TIME_LIMIT_S = 20;
const ACK_P99_MS = 300;
const RESULT_P99_MS = 750;
const OPTIONS = ['Alpha', 'Bravo', 'Charlie', 'Delta'];
const CORRECT = [0];
const ACK_TIMEOUT_MS = 10_000;

/** Answers spread over most of the 20 s window at full size; a quick run spreads them over 5 s. */
const spreadMsFor = (quick: boolean) => (quick ? 5_000 : 15_000);

interface PresenterPhase {
  runId: string;
  phase: { phase: string; answered?: number; present?: number; reason?: string; distribution?: { answered: { room: number; remote: number }; correct: { room: number; remote: number }; options: { room: number; remote: number }[] } };
}

/**
 * B6: every attendee plays one quiz question. A moderator authors a one-question quiz (choice,
 * 20 s, option 0 correct), a presenter opens and starts it; when answering opens each attendee's
 * phone answers once at a random moment of the spread (client i picks option i mod 4, so a quarter
 * are right). Measured: the answer acks; the answers counted once (the presenter's live count and
 * the reveal's distribution against the acks); then the presenter locks and reveals at once, and
 * every player must hold its own quiz:answerScored (lock → own result), with correctness, points
 * (scoreAnswer at the client's own claimed time, within the [QUIZ6] bound), total and rank
 * checked against what it sent. Server CPU per answer (answering window, the coalesced count
 * fan-outs included) and per personal result (lock → last result: grading walks the ranking and
 * sends one message per player), the latter beside bare ws / Socket.IO sending frames of the
 * same size to the same clients (a comparison, not a target: the issue sets none).
 */
export async function runQuizClose(ctx: ScenarioContext, n: number): Promise<ScenarioOutput> {
  const spreadMs = spreadMsFor(ctx.opts.quick);
  const { audience: a } = await ctx.audience(n, { reserveMs: spreadMs + 15_000, keepBareCommands: true });
  if (a.ramp.connected === 0) return nobodyConnected(n, a.ramp.stopReason === 'time' ? 'the ramp ran out of time' : 'no connection succeeded');
  const { target, workers } = a;
  const staff = staffOf(a);
  const before = await workerStats(workers);

  // The presenter's view: the live count and distribution, and when the question locked.
  const presenter: Socket = await staff.first('presenter');
  // One attendee of the runner's own, present but silent: with every other attendee answering,
  // Rally would lock the question by itself at the last answer ([QUIZ24]); with this one present
  // the presenter locks it, as the scenario wants (lock → own result).
  const silent = await joinAs(target.urls[0]!, a.event.code, 'bench silent attendee');
  const spectator = await connectStaff(target.urls[0]!, silent.token);
  let last: PresenterPhase | null = null;
  let lockedAt = NaN;
  const onPresenter = (p: PresenterPhase) => {
    last = p;
    if (p.phase.phase === 'locked' && Number.isNaN(lockedAt)) lockedAt = hrMs();
  };
  presenter.on('quiz:presenterPhaseChanged', onPresenter);

  const { data: quiz } = await staff.command<{ id: string; questions: { id: string }[] }>('moderator', 'quiz:create', {
    sessionId: null,
    draft: { title: 'Bench quiz', questions: [{ kind: 'choice', text: 'Which option is right?', timeLimitSec: TIME_LIMIT_S, options: OPTIONS, correct: CORRECT }] },
  });
  const questionId = quiz.questions[0]!.id;
  const { data: opened } = await staff.command<{ runId: string }>('presenter', 'quiz:open', { quizId: quiz.id });
  const runId = opened.runId;
  await workers.all('quizArm', () => ({ runId, questionId, options: OPTIONS.length, spreadMs, ackTimeoutMs: ACK_TIMEOUT_MS }), 30_000);
  const idleMsPerMs = (await idleCpuRate(target)).msPerMs;

  ctx.log(`quiz started: ${a.ramp.connected} players answer within ${spreadMs / 1000} s of the question`);
  await target.eldReset();
  await staff.command('presenter', 'quiz:control', { runId, action: 'start' });
  // get ready (3 s), then answering opens on the server's timer.
  for (let i = 0; i < 200 && (last as PresenterPhase | null)?.phase.phase !== 'answering'; i++) await sleep(25);
  const s0 = await target.sample();
  const answers = await workers.all('quizAnswers', () => ({ timeoutMs: spreadMs + ACK_TIMEOUT_MS + 5_000 }), spreadMs + ACK_TIMEOUT_MS + 30_000);
  const s1 = await target.sample();
  const eldAnswering = await target.eldRead();
  // The coalesced count (500 ms) settles.
  await sleep(800);
  const live = last as PresenterPhase | null;

  // Lock and reveal at once; or, when everyone present answered, the server locked by itself.
  await target.eldReset();
  const s2 = await target.sample();
  let lockAtMs = lockedAt;
  let lockedBy = 'everyone (the server)';
  if (Number.isNaN(lockAtMs)) {
    lockAtMs = hrMs();
    lockedBy = 'presenter (lockNow)';
    await staff.command('presenter', 'quiz:control', { runId, action: 'lockNow' });
  }
  const revealAtMs = hrMs();
  const revealAck = staff.command('presenter', 'quiz:control', { runId, action: 'next' });
  const results: QuizResultsResult[] = await workers.all('quizResults', () => ({ lockAtMs, revealAtMs, correct: CORRECT, timeLimitMs: TIME_LIMIT_S * 1000, timeoutMs: 30_000 }), 60_000);
  const s3 = await target.sample();
  const eldReveal = await target.eldRead();
  const revealMs = (await withTimeout(revealAck, 30_000, 'reveal ack')).ms;
  for (let i = 0; i < 40 && (last as PresenterPhase | null)?.phase.phase !== 'reveal' && (last as PresenterPhase | null)?.phase.phase !== 'standings'; i++) await sleep(25);
  const revealed = last as PresenterPhase | null;
  // Off the stage, so later scenarios see no quiz: reveal → podium → ended.
  for (let i = 0; i < 3; i++) await staff.command('presenter', 'quiz:control', { runId, action: 'end' }).catch(() => {});
  presenter.off('quiz:presenterPhaseChanged', onPresenter);
  spectator.disconnect();
  const after = await workerStats(workers);
  // The same answers at the same rate (the players over the spread) on a bare Socket.IO server, right after (issue 18).
  const answering = answers.reduce((acc, x) => acc + x.clients, 0);
  const bare = await runCommandBaseline(ctx, a, answering, 'quiz:answer', {
    plan: { kind: 'answer', runId, questionId, options: OPTIONS.length },
    opsPerClient: 1,
    durationMs: spreadMs,
    retryFraction: 0,
    retryDelayMs: [0, 0],
    ackTimeoutMs: ACK_TIMEOUT_MS,
  });
  const bareReport = commandBaselineReport(bare, spreadMs, answering);

  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((acc, x) => acc + f(x), 0);
  const ack = Hist.mergeAll(answers.map((x: QuizAnswersResult) => x.ackMs));
  const ok = sum(answers, (x) => x.ok);
  const sent = sum(answers, (x) => x.sent);
  const shown = sum(answers, (x) => x.shown);
  const clients = sum(answers, (x) => x.clients);
  const refusals: Record<string, number> = {};
  for (const x of answers) for (const [k, v] of Object.entries(x.refusals)) refusals[k] = (refusals[k] ?? 0) + v;
  const okByOption = OPTIONS.map((_, i) => sum(answers, (x) => x.okByOption[i] ?? 0));
  const okCorrect = sum(CORRECT, (i) => okByOption[i]!);
  const firstSend = Math.min(...answers.map((x) => x.firstSendAt));
  const lastSend = Math.max(...answers.map((x) => x.lastSendAt));

  const rr = {
    expected: sum(results, (x) => x.expected),
    received: sum(results, (x) => x.received),
    extra: sum(results, (x) => x.extra),
    correctSeen: sum(results, (x) => x.correctSeen),
    correctnessOk: sum(results, (x) => x.correctnessOk),
    pointsExact: sum(results, (x) => x.pointsExact),
    pointsFavoured: sum(results, (x) => x.pointsFavoured),
    pointsInBound: sum(results, (x) => x.pointsInBound),
    totalOk: sum(results, (x) => x.totalOk),
    pointsSum: sum(results, (x) => x.pointsSum),
    mismatches: results.flatMap((x) => x.mismatches).slice(0, 3),
  };
  const fromLock = Hist.mergeAll(results.map((x) => x.fromLockMs));
  const fromReveal = Hist.mergeAll(results.map((x) => x.fromRevealMs));
  const stamped = Hist.mergeAll(results.map((x) => x.stampedMs));
  // [QZSTORE3] Ranks are strict and 1-based: sorted by rank they are 1..k, with totals never rising.
  const ranks = results.flatMap((x) => x.ranks).sort((p, q) => (p[1] ?? Infinity) - (q[1] ?? Infinity));
  let rankErrors = 0;
  ranks.forEach(([total, rank], i) => {
    if (rank !== i + 1 || (i > 0 && total > ranks[i - 1]![0])) rankErrors++;
  });
  const playersSeen = new Set(results.flatMap((x) => x.players));

  const liveAnswered = live?.phase.answered ?? null;
  const dist = revealed?.phase.distribution;
  const distAnswered = dist ? dist.answered.room + dist.answered.remote : null;
  const distCorrect = dist ? dist.correct.room + dist.correct.remote : null;
  const distOptions = dist ? dist.options.map((o) => o.room + o.remote) : null;

  const answerCpuMs = s1.cpuMs - s0.cpuMs - idleMsPerMs * (s1.at - s0.at);
  const resultCpuMs = s3.cpuMs - s2.cpuMs - idleMsPerMs * (s3.at - s2.at);
  const redisAnswer = s1.redisCpuMs !== null && s0.redisCpuMs !== null ? s1.redisCpuMs - s0.redisCpuMs : null;
  const redisResult = s3.redisCpuMs !== null && s2.redisCpuMs !== null ? s3.redisCpuMs - s2.redisCpuMs : null;
  const perResultUs = rr.received ? (resultCpuMs / rr.received) * 1000 : null;
  const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
  const full = n >= 10_000;
  const frame = results.find((x) => x.frame)?.frame ?? null;

  const figures: Figure[] = [
    { key: 'answered', label: 'answers acked ok / players connected', value: `${ok} / ${a.ramp.connected}`, headline: true },
    { key: 'ackP50', label: 'quiz:answer ack p50', value: round(ack.percentile(50), 1), unit: 'ms' },
    { key: 'ackP95', label: 'quiz:answer ack p95', value: round(ack.percentile(95), 1), unit: 'ms' },
    { key: 'ackP99', label: 'quiz:answer ack p99', value: round(ack.percentile(99), 1), unit: 'ms', headline: true },
    { key: 'resultP50', label: 'lock → own result p50', value: round(fromLock.percentile(50), 1), unit: 'ms' },
    { key: 'resultP99', label: 'lock → own result p99', value: round(fromLock.percentile(99), 1), unit: 'ms', headline: true },
    { key: 'resultMax', label: 'lock → own result max', value: round(fromLock.max, 1), unit: 'ms' },
    { key: 'revealP99', label: 'reveal (“next” sent) → own result p99', value: round(fromReveal.percentile(99), 1), unit: 'ms' },
    ...(stamped.n ? [{ key: 'stampedP99', label: 'server stamp → own result p99', value: round(stamped.percentile(99), 1), unit: 'ms' }] : []),
    { key: 'cpuPerAnswer', label: 'server CPU per answer (answering window, count fan-outs included)', value: round(ok ? (answerCpuMs / ok) * 1000 : null, 1), unit: 'µs', headline: true },
    { key: 'cpuPerMsg', label: 'server CPU per personal result (lock → last result)', value: round(perResultUs, 1), unit: 'µs', vs: 'cpuPerMessageUs', headline: true },
    ...(redisAnswer !== null ? [{ key: 'redisPerAnswer', label: 'redis-server CPU per answer / per result (/proc, 10 ms ticks)', value: `${round(ok ? (redisAnswer / ok) * 1000 : null, 1)} / ${round(rr.received && redisResult !== null ? (redisResult / rr.received) * 1000 : null, 1)}`, unit: 'µs' }] : []),
    { key: 'revealAck', label: 'reveal (“next”) ack round trip (grading included)', value: round(revealMs, 1), unit: 'ms' },
    { key: 'eldAnswer', label: 'server event-loop delay while answering p99 / max', value: `${round(eldAnswering.worst.p99, 1)} / ${round(eldAnswering.worst.max, 1)}`, unit: 'ms' },
    { key: 'eldReveal', label: 'server event-loop delay lock → results p99 / max', value: `${round(eldReveal.worst.p99, 1)} / ${round(eldReveal.worst.max, 1)}`, unit: 'ms' },
    { key: 'spread', label: 'answers sent over', value: round(lastSend - firstSend, 0), unit: 'ms' },
    { key: 'payload', label: 'quiz:answerScored frame', value: frame ? Buffer.byteLength(frame) : null, unit: 'bytes' },
    { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
  ];
  compareWithCommandBaseline(figures, bare, { cpuPerAnswer: 'cpuPerCommandUs', ackP99: 'ackP99Ms' });
  const checks: Check[] = [
    { label: 'every player saw the question and answered once, acked', target: `${n} acked ok`, actual: `${ok} ok of ${sent} sent (${shown} saw the question, ${clients} connected); refused: ${fmtCounts(refusals)}`, pass: ok === n && clients === n },
    { label: 'answers sent within the 20 s window', target: `≤ ${TIME_LIMIT_S * 1000} ms`, actual: `${round(lastSend - firstSend, 0)} ms`, pass: lastSend - firstSend <= TIME_LIMIT_S * 1000 },
    { label: 'answer ack p99', target: `≤ ${ACK_P99_MS} ms`, actual: `${round(ack.percentile(99), 1)} ms`, pass: (ack.percentile(99) ?? Infinity) <= ACK_P99_MS, indicative: !full },
    { label: 'counted once: the presenter’s live count', target: `${ok}`, actual: `${liveAnswered ?? '—'} (phase ${live?.phase.phase ?? '—'})`, pass: liveAnswered === ok },
    { label: 'counted once: the reveal’s distribution (answered, correct, per option)', target: `${ok}, ${okCorrect}, [${okByOption.join(', ')}]`, actual: dist ? `${distAnswered}, ${distCorrect}, [${distOptions!.join(', ')}]` : 'no reveal seen', pass: distAnswered === ok && distCorrect === okCorrect && JSON.stringify(distOptions) === JSON.stringify(okByOption) },
    { label: 'every player holds its own result, once', target: `${rr.expected}, 0 extra`, actual: `${rr.received}, ${rr.extra} extra`, pass: rr.expected === ok && rr.received === rr.expected && rr.extra === 0 },
    { label: 'lock → every player holding its own result p99', target: `≤ ${RESULT_P99_MS} ms`, actual: `${round(fromLock.percentile(99), 1)} ms (locked by ${lockedBy})`, pass: (fromLock.percentile(99) ?? Infinity) <= RESULT_P99_MS, indicative: !full },
    { label: 'correct / incorrect as sent', target: `${okCorrect} correct, all ${rr.received} as sent`, actual: `${rr.correctSeen} correct, ${rr.correctnessOk} as sent`, pass: rr.correctSeen === okCorrect && rr.correctnessOk === rr.received },
    { label: 'points = scoreAnswer at the claimed time, or more where [QUIZ6] takes the heartbeat rtt off', target: `${rr.received}`, actual: `${rr.pointsInBound} (${rr.pointsExact} exactly at the claim, ${rr.pointsFavoured} above it)${rr.mismatches.length ? `; e.g. ${rr.mismatches.join('; ')}` : ''}`, pass: rr.received > 0 && rr.pointsInBound === rr.received },
    { label: 'totals = points received; ranks strict, ordered by total ([QZSTORE3]); player count', target: `${rr.received}, ranks 1..${rr.received} strict by total, players ${ok}`, actual: `${rr.totalOk}, ${rankErrors} rank errors, players ${[...playersSeen].join('/')}`, pass: rr.totalOk === rr.received && ranks.length === rr.received && rankErrors === 0 && playersSeen.size === 1 && playersSeen.has(ok) },
    { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
  ];
  return {
    params: { attendees: n, timeLimitS: TIME_LIMIT_S, spreadMs, options: OPTIONS.length, correct: CORRECT, loadProcesses: workers.count, audienceFrom: a.createdBy },
    figures,
    latencies: {
      'quiz:answer ack': ack.summary(),
      'lock → own quiz:answerScored': fromLock.summary(),
      'reveal sent → own quiz:answerScored': fromReveal.summary(),
      ...(stamped.n ? { 'server stamp → own quiz:answerScored': stamped.summary() } : {}),
      ...bareReport.latencies,
    },
    checks,
    notes: [
      `Locked by ${lockedBy}. Rally locks a question by itself once every attendee present has answered ([QUIZ24]), so the runner keeps one attendee of its own present and silent (it gets an "answered: false" result, not counted here) and the presenter locks with lockNow, then sends "next" (the reveal, which grades and sends each player's result) right after the lock's ack. Lock → own result is from the lockNow send.`,
      `Points: each client claims the time from the question's arrival on it to its answer (displayedForMs). The server clamps the claim into [E − rtt − ${QUIZ_LIMITS_LAG_S} s, E − rtt] ([QUIZ6]), E being send → answer on its own clock and rtt the socket's last Engine.IO heartbeat round trip ([QUIZ35]). E exceeds the claim by the transit both ways, so an answer never scores less than scoreAnswer at its claim; it scores more when the last heartbeat's round trip was longer than this answer's transit (a heartbeat taken while the server was busy, e.g. during an earlier storm). "Exactly at the claim" and "above it" are counted apart.`,
      'CPU per answer covers the answering window (answers, their store writes and the coalesced count fan-outs to everyone); CPU per personal result covers lock → last result (grading walks the ranking and sends one message per player). The bare-ws comparison broadcasts a frame of the same size to the same clients: the cheapest possible way to put that many bytes on the wire, not the same work.',
      ...(ctx.opts.quick ? [`Quick run: answers spread over ${spreadMs / 1000} s, not the 20 s window.`] : []),
      'The bare Socket.IO command baseline sends its answers evenly over the window at the players’ rate; Rally’s phones answer at uniform random moments of it (the same rate on average).',
      ...bareReport.notes,
    ],
    commandBaseline: bare,
    ...(frame ? { baseline: { clients: n, rounds: 20, frames: [frame] } } : {}),
  };
}

const QUIZ_LIMITS_LAG_S = 10;

export const b6QuizClose: Scenario = {
  id: 'B6',
  title: 'Quiz close: every attendee answers one question, then each gets its own result',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 60_000 : 30 * 60_000),
  minMs: (o) => spreadMsFor(o.quick) + 15_000,
  run: (ctx) => runQuizClose(ctx, attendeesFor(ctx.opts)),
};
