/**
 * The load process's side of B6 (quiz close): each client answers the open question once, at a
 * random moment after it reached the client, as a phone would; then waits for its own result
 * (quiz:answerScored) and checks it against what it sent. Scoring is checked with the protocol's
 * own scoreAnswer, at the time the client itself claimed ([QUIZ6] bounds it on the server).
 *
 * Bounded: one answer per client, every ack has a timeout, every wait has a deadline.
 */
import type { Socket } from 'socket.io-client';
import { scoreAnswer } from '@rally/shared';
import { Hist } from './hist.js';
import type { QuizAnswersResult, QuizArmArgs, QuizResultsArgs, QuizResultsResult } from './worker-protocol.js';
import { commandId, hrMs, hrStampToMs, sleep } from './util.js';

export interface QuizClient {
  s: Socket | null;
  connected: boolean;
}

type AckReply = { ok?: boolean; error?: { code?: string } };

interface Rec {
  c: QuizClient;
  pick: number;
  shownAt: number;
  sendAt: number;
  claimedMs: number;
  ackMs: number;
  /** 'ok', an error code, 'timeout', or '' while pending / never sent. */
  outcome: string;
  resultAt: number;
  stampAt: number;
  results: number;
  result: Record<string, unknown> | null;
  frame: string | null;
}

let recs: Rec[] = [];
let questionId = '';
let cleanup: (() => void)[] = [];

const isStamp = (x: unknown): x is string => typeof x === 'string' && /^\d{10,20}$/.test(x);

export function quizArm(clients: QuizClient[], a: QuizArmArgs): { armed: number } {
  for (const f of cleanup) f();
  cleanup = [];
  questionId = a.questionId;
  recs = [];
  clients.forEach((c, i) => {
    if (!c.connected || !c.s) return;
    const s = c.s;
    const r: Rec = { c, pick: i % a.options, shownAt: NaN, sendAt: NaN, claimedMs: NaN, ackMs: NaN, outcome: '', resultAt: NaN, stampAt: NaN, results: 0, result: null, frame: null };
    recs.push(r);
    const onPhase = (p: { runId?: string; phase?: { phase?: string; question?: { id?: string } } }) => {
      if (p?.runId !== a.runId || p.phase?.phase !== 'answering' || p.phase.question?.id !== a.questionId || !Number.isNaN(r.shownAt)) return;
      r.shownAt = hrMs();
      setTimeout(() => {
        r.sendAt = hrMs();
        r.claimedMs = r.sendAt - r.shownAt;
        s.timeout(a.ackTimeoutMs)
          .emitWithAck('quiz:answer', { id: commandId('qa'), runId: a.runId, questionId: a.questionId, answer: { kind: 'choice', picks: [r.pick] }, displayedForMs: Math.round(r.claimedMs) })
          .then(
            (ack: AckReply) => {
              r.ackMs = hrMs() - r.sendAt;
              r.outcome = ack?.ok ? 'ok' : (ack?.error?.code ?? 'refused');
            },
            () => {
              r.outcome = 'timeout';
            },
          );
      }, Math.random() * a.spreadMs);
    };
    const onScored = (p: Record<string, unknown>, extra?: unknown) => {
      if (p?.questionId !== a.questionId) return;
      r.results++;
      if (r.results > 1) return;
      r.resultAt = hrMs();
      if (isStamp(extra)) r.stampAt = hrStampToMs(extra);
      r.result = p;
      r.frame = `42${JSON.stringify(['quiz:answerScored', p, ...(extra === undefined ? [] : [extra])])}`;
    };
    s.on('quiz:phaseChanged', onPhase);
    s.on('quiz:answerScored', onScored);
    cleanup.push(() => {
      s.off('quiz:phaseChanged', onPhase);
      s.off('quiz:answerScored', onScored);
    });
  });
  return { armed: recs.length };
}

export async function quizAnswers({ timeoutMs }: { timeoutMs: number }): Promise<QuizAnswersResult> {
  const deadline = hrMs() + timeoutMs;
  while (hrMs() < deadline && recs.some((r) => r.outcome === '' && r.c.connected)) await sleep(50);
  const ack = new Hist();
  const refusals: Record<string, number> = {};
  const okByOption: number[] = [];
  let ok = 0;
  let timedOut = 0;
  for (const r of recs) {
    if (r.outcome === 'ok') {
      ok++;
      ack.record(r.ackMs);
      okByOption[r.pick] = (okByOption[r.pick] ?? 0) + 1;
    } else if (r.outcome === 'timeout') timedOut++;
    else if (r.outcome) refusals[r.outcome] = (refusals[r.outcome] ?? 0) + 1;
  }
  const sent = recs.filter((r) => !Number.isNaN(r.sendAt));
  const fin = (xs: number[]) => xs.filter(Number.isFinite);
  return {
    clients: recs.length,
    shown: recs.filter((r) => !Number.isNaN(r.shownAt)).length,
    sent: sent.length,
    ok,
    refusals,
    timedOut,
    ackMs: ack.toJSON(),
    firstSendAt: Math.min(...fin(sent.map((r) => r.sendAt))),
    lastSendAt: Math.max(...fin(sent.map((r) => r.sendAt))),
    lastAckAt: Math.max(...fin(sent.map((r) => r.sendAt + r.ackMs))),
    okByOption: Array.from(okByOption, (x) => x ?? 0),
  };
}

export async function quizResults(a: QuizResultsArgs): Promise<QuizResultsResult> {
  const answered = recs.filter((r) => r.outcome === 'ok');
  const deadline = hrMs() + a.timeoutMs;
  while (hrMs() < deadline && answered.some((r) => r.results === 0 && r.c.connected)) await sleep(20);
  const fromLock = new Hist();
  const fromReveal = new Hist();
  const stamped = new Hist();
  const out: QuizResultsResult = { expected: answered.length, received: 0, extra: 0, fromLockMs: fromLock.toJSON(), fromRevealMs: fromReveal.toJSON(), stampedMs: stamped.toJSON(), correctSeen: 0, correctnessOk: 0, pointsExact: 0, pointsFavoured: 0, pointsInBound: 0, totalOk: 0, pointsSum: 0, mismatches: [], ranks: [], players: [], frame: null };
  const score = (responseMs: number, correct: boolean) =>
    scoreAnswer({ multiplier: 1, accuracy: correct ? 1 : 0, responseMs: Math.round(responseMs), timeLimitMs: a.timeLimitMs, streakBefore: 0, graded: false }).points;
  for (const r of answered) {
    out.extra += Math.max(0, r.results - 1);
    const res = r.result;
    if (!res) continue;
    out.received++;
    fromLock.record(r.resultAt - a.lockAtMs);
    fromReveal.record(r.resultAt - a.revealAtMs);
    if (Number.isFinite(r.stampAt)) stamped.record(r.resultAt - r.stampAt);
    out.frame ??= r.frame;
    const shouldBeCorrect = a.correct.includes(r.pick);
    const points = Number(res.points);
    if (res.correct === true) out.correctSeen++;
    if (res.correct === shouldBeCorrect && res.answered === true) out.correctnessOk++;
    const exact = score(r.claimedMs, shouldBeCorrect);
    // [QUIZ6] [QUIZ35] The server clamps the claim into [E − rtt − lag, E − rtt], rtt being the
    // socket's last heartbeat round trip. E (send → answer on the server) exceeds the claim by the
    // transit both ways, so the clamp never makes an answer slower than claimed: it scores at least
    // what the claim earns. It can make it faster (more points) when the last heartbeat's round trip
    // was longer than this answer's transit (a heartbeat taken while the server was busy).
    const hi = score(0, shouldBeCorrect);
    if (points === exact) out.pointsExact++;
    else if (points > exact && points <= hi) out.pointsFavoured++;
    if (points >= exact && points <= hi) out.pointsInBound++;
    else if (out.mismatches.length < 3) out.mismatches.push(`pick ${r.pick} claimed ${Math.round(r.claimedMs)} ms: ${points} points, expected ${exact}–${hi}`);
    if (res.total === points) out.totalOk++;
    out.pointsSum += points;
    out.ranks.push([Number(res.total), typeof res.rank === 'number' ? res.rank : null]);
    out.players.push(Number(res.players));
  }
  out.fromLockMs = fromLock.toJSON();
  out.fromRevealMs = fromReveal.toJSON();
  out.stampedMs = stamped.toJSON();
  return out;
}
