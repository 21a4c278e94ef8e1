/**
 * The load process's side of command storms (B3 B4 B5) and of the coalesced facts they cause
 * (poll results, question vote counts). Kept out of load-worker.ts so that file stays about
 * connections; this one is about sending commands at a rate and reading what comes back.
 *
 * Everything is bounded: a storm sends at most clients × opsPerClient ops (+ retries) and gives
 * up scheduling at start + duration + 30 s; every ack has a timeout.
 */
import type { Socket } from 'socket.io-client';
import { Hist } from './hist.js';
import type { StormArgs, StormResult, TickFact, TickStatsArgs, TickStatsResult } from './worker-protocol.js';
import { commandId, hrMs, sleep } from './util.js';

export interface StormClient {
  s: Socket | null;
  connected: boolean;
}

type AckReply = { ok?: boolean; data?: unknown; error?: { code?: string; retryAfterMs?: number } };

/** Per client: every arrival of the watched tick fact, and the client's view after the last one. */
interface TickRec {
  at: number[];
  /** poll:resultsUpdated: the voters total of each message (for vote visibility). */
  total: number[];
  /** The client's view, as a client keeps it: per key, the value with the highest version. */
  view: Map<string, { v: number; n: number }>;
}

interface Ticks {
  fact: TickFact;
  recs: Map<StormClient, TickRec>;
}

/** What the last storm sent, kept for the visibility figures of tickStats. */
interface OpRecord {
  client: StormClient;
  sendAt: number;
  /** NaN unless acked ok. */
  okAt: number;
  /** The original's ack (or timeout) came back. */
  done: boolean;
}

let ticks: Ticks | null = null;
let lastOps: OpRecord[] = [];

/** A fixed spread in [0, 1) from an op index: which ops are retried and how late, the same every run. */
const spread = (m: number, salt: number) => (((m + 1) * 2654435761 + salt * 40503) >>> 0) / 2 ** 32;

const PLAN_COMMAND = { vote: 'poll:vote', upvote: 'question:upvote', answer: 'quiz:answer' } as const;

export async function runStorm(clients: StormClient[], a: StormArgs): Promise<StormResult> {
  const live = clients.filter((c) => c.connected && c.s);
  const C = live.length;
  const total = Math.min(C * a.opsPerClient, a.limitOps ?? Infinity);
  // An answer's "targets" are its option indices; like a vote, one per client is what counts.
  const targets = a.plan.kind === 'vote' ? a.plan.optionIds : a.plan.kind === 'answer' ? Array.from({ length: a.plan.options }, (_, i) => String(i)) : a.plan.questionIds;
  const onePerClient = a.plan.kind !== 'upvote';
  const nt = targets.length;
  const command = PLAN_COMMAND[a.plan.kind];
  const interval = a.durationMs / Math.max(1, total);

  const ack = new Hist();
  const retryAck = new Hist();
  const lag = new Hist();
  const refusals: Record<string, number> = {};
  const okAckTimes: number[] = [];
  const ops: OpRecord[] = new Array(total);
  // The outcome model per (client, target): the op index and value of the last op acked ok, and
  // the last op whose outcome is unknown (timed out). Exactness is decided from these.
  const lastOkIdx = new Int32Array(C * nt).fill(-1);
  const lastOkUp = new Uint8Array(C * nt);
  const lastLostIdx = new Int32Array(C * nt).fill(-1);
  /** upvote: what this client asked for last per question, so the next op on it toggles. */
  const asked = new Uint8Array(C * nt);
  const firstAck = new Map<number, string>();
  let sent = 0;
  let ok = 0;
  let timedOut = 0;
  let retriesSent = 0;
  let retriesOk = 0;
  let retriesSame = 0;
  let retriesRefused = 0;
  let retriesTimedOut = 0;
  /** Ops answered UNAVAILABLE, sent again under their id once the storm is over. */
  const unavailable: { m: number; c: StormClient; payload: Record<string, unknown>; modelSlot: number; value: number }[] = [];
  /** Of those, answered ok the second time. */
  let unavailableSettled = 0;
  let firstSendAt = NaN;
  let lastSendAt = NaN;
  let lastAckAt = NaN;
  const inflight: Promise<void>[] = [];

  const emit = (s: Socket, payload: unknown) => s.timeout(a.ackTimeoutMs).emitWithAck(command, payload) as Promise<AckReply>;

  const send = (m: number) => {
    const ci = m % C;
    const j = Math.floor(m / C);
    const ti = (ci + j) % nt;
    const slot = ci * nt + ti;
    const c = live[ci]!;
    const id = commandId('s');
    let payload: Record<string, unknown>;
    let up = 1;
    if (a.plan.kind === 'vote') {
      payload = { id, pollId: a.plan.pollId, vote: { kind: 'single', optionId: targets[ti]! } };
    } else if (a.plan.kind === 'answer') {
      // displayedForMs: the op's place in the schedule stands in for the time the question was shown.
      payload = { id, runId: a.plan.runId, questionId: a.plan.questionId, answer: { kind: 'choice', picks: [ti] }, displayedForMs: Math.round(m * interval) };
    } else {
      up = asked[slot] ? 0 : 1;
      asked[slot] = up;
      payload = { id, questionId: targets[ti]!, up: up === 1 };
    }
    const scheduled = a.startAtMs + m * interval;
    const t0 = hrMs();
    lag.record(t0 - scheduled);
    if (Number.isNaN(firstSendAt)) firstSendAt = t0;
    lastSendAt = t0;
    sent++;
    const rec: OpRecord = { client: c, sendAt: t0, okAt: NaN, done: false };
    ops[m] = rec;
    // For a vote the "target" of the model is the client (one vote per poll): keep the option in lastOkUp's place.
    const modelSlot = onePerClient ? ci * nt : slot;
    const attempt = () => emit(c.s!, payload);
    inflight.push(
      attempt().then(
        (r) => {
          rec.done = true;
          const t = hrMs();
          lastAckAt = Number.isNaN(lastAckAt) ? t : Math.max(lastAckAt, t);
          if (r?.ok) {
            ok++;
            ack.record(t - t0);
            rec.okAt = t;
            if (a.keepAckTimes) okAckTimes.push(t);
            if (m > lastOkIdx[modelSlot]!) {
              lastOkIdx[modelSlot] = m;
              lastOkUp[modelSlot] = onePerClient ? ti : up;
            }
            if (firstAck.has(m)) firstAck.set(m, JSON.stringify(r.data ?? null));
          } else {
            const code = r?.error?.code ?? 'malformed ack';
            refusals[code] = (refusals[code] ?? 0) + 1;
            // [REL1] Past the server's command deadline: its work may still land. Asked again
            // under the same id once the storm is over (below), as a client retries.
            if (code === 'UNAVAILABLE') unavailable.push({ m, c, payload, modelSlot, value: onePerClient ? ti : up });
          }
        },
        () => {
          rec.done = true;
          timedOut++;
          if (m > lastLostIdx[modelSlot]!) lastLostIdx[modelSlot] = m;
        },
      ),
    );
    // A retry under the same command id, as a client would send after a lost ack: it must be
    // answered from the first result and not applied again.
    if (spread(m, 1) < a.retryFraction) {
      firstAck.set(m, '');
      const [lo, hi] = a.retryDelayMs;
      // Inside the storm's window (so "N votes and their retries within 1 s" holds), but never
      // before the original: late ops are retried almost at once, racing their original.
      const end = a.startAtMs + a.durationMs;
      const delay = Math.max(5, Math.min(lo + spread(m, 2) * (hi - lo), end - t0));
      inflight.push(
        sleep(delay).then(async () => {
          if (!c.s) return;
          retriesSent++;
          const r0 = hrMs();
          try {
            const r = await emit(c.s, payload);
            if (r?.ok) {
              retriesOk++;
              retryAck.record(hrMs() - r0);
              // The original's ack may still be on its way: wait for it, bounded by its own timeout.
              for (let k = 0; k < 500 && !rec.done && hrMs() - t0 < a.ackTimeoutMs; k++) await sleep(20);
              if (firstAck.get(m) === JSON.stringify(r.data ?? null)) retriesSame++;
            } else {
              retriesRefused++;
              const code = `retry ${r?.error?.code ?? 'malformed ack'}`;
              refusals[code] = (refusals[code] ?? 0) + 1;
            }
          } catch {
            retriesTimedOut++;
          }
        }),
      );
    }
  };

  // The schedule: op m is due at start + m × interval; clients interleave, so every client sends
  // one op per durationMs / opsPerClient. Bounded by the op count and a hard deadline.
  const hardStop = a.startAtMs + a.durationMs + 30_000;
  let next = 0;
  while (next < total && hrMs() < hardStop) {
    const now = hrMs();
    const due = Math.min(total, Math.floor((now - a.startAtMs) / interval) + 1);
    for (; next < due; next++) send(next);
    if (next < total) await sleep(Math.max(1, Math.min(5, a.startAtMs + next * interval - hrMs())));
  }
  await Promise.all(inflight);
  lastOps = ops.filter(Boolean);

  // [REL1] [REL4] Each op answered UNAVAILABLE is sent again under its id after the storm, a few at
  // a time (a client's retry, without adding to the storm): answered ok, from the command's record
  // if it had landed, it counts in the model as that op. The first answers' figures stay as they were.
  for (let i = 0; i < unavailable.length; i += 100) {
    await Promise.all(
      unavailable.slice(i, i + 100).map(async (u) => {
        if (!u.c.s) return;
        try {
          const r = await emit(u.c.s, u.payload);
          if (!r?.ok) return;
          unavailableSettled++;
          if (u.m > lastOkIdx[u.modelSlot]!) {
            lastOkIdx[u.modelSlot] = u.m;
            lastOkUp[u.modelSlot] = u.value;
          }
        } catch {
          // Unanswered again: that op's outcome stays unknown.
          if (u.m > lastLostIdx[u.modelSlot]!) lastLostIdx[u.modelSlot] = u.m;
        }
      }),
    );
  }

  // Expected server state from what was acked.
  const expected: Record<string, number> = {};
  let voters = 0;
  let unknown = 0;
  if (onePerClient) {
    for (let ci = 0; ci < C; ci++) {
      const s = ci * nt;
      if (lastLostIdx[s]! > lastOkIdx[s]!) unknown++;
      if (lastOkIdx[s]! < 0) continue;
      voters++;
      const opt = targets[lastOkUp[s]!]!;
      expected[opt] = (expected[opt] ?? 0) + 1;
    }
  } else {
    for (const q of targets) expected[q] = 0;
    for (let slot = 0; slot < C * nt; slot++) {
      if (lastLostIdx[slot]! > lastOkIdx[slot]!) unknown++;
      if (lastOkIdx[slot]! >= 0 && lastOkUp[slot]) expected[targets[slot % nt]!]!++;
    }
    for (let ci = 0; ci < C; ci++) if (targets.some((_, ti) => lastOkIdx[ci * nt + ti]! >= 0)) voters++;
  }
  return {
    clients: C,
    sent,
    ok,
    refusals,
    timedOut,
    retriesSent,
    retriesOk,
    retriesSameReceipt: retriesSame,
    retriesRefused,
    retriesTimedOut,
    unavailableRetried: unavailable.length,
    unavailableSettled,
    ackMs: ack.toJSON(),
    retryAckMs: retryAck.toJSON(),
    sendLagMs: lag.toJSON(),
    firstSendAt,
    lastSendAt,
    lastAckAt,
    okAckTimes,
    voters,
    expected,
    unknown,
  };
}

/** Starts recording `fact` on every connected client (replacing an earlier tick watch). */
export function watchTicks(clients: StormClient[], fact: TickFact, pollId?: string): { watching: number } {
  if (ticks) for (const c of ticks.recs.keys()) c.s?.off(ticks.fact);
  const recs = new Map<StormClient, TickRec>();
  for (const c of clients) {
    if (!c.connected || !c.s) continue;
    const rec: TickRec = { at: [], total: [], view: new Map() };
    recs.set(c, rec);
    c.s.off(fact).on(fact, (p: unknown) => {
      const at = hrMs();
      if (fact === 'poll:resultsUpdated') {
        const r = p as { pollId?: string; version?: number; totals?: { room?: number; remote?: number } };
        if (pollId && r.pollId !== pollId) return;
        const total = (r.totals?.room ?? 0) + (r.totals?.remote ?? 0);
        rec.at.push(at);
        rec.total.push(total);
        keep(rec.view, 'total', r.version ?? 0, total);
      } else {
        const r = p as { version?: number; votes?: Record<string, number> };
        rec.at.push(at);
        for (const [q, n] of Object.entries(r.votes ?? {})) keep(rec.view, q, r.version ?? 0, n);
      }
    });
  }
  ticks = { fact, recs };
  return { watching: recs.size };
}

function keep(view: TickRec['view'], key: string, v: number, n: number): void {
  const cur = view.get(key);
  if (!cur || v >= cur.v) view.set(key, { v, n });
}

/** First index in sorted `xs` whose value is > x (the count of values ≤ x). */
function upperBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function tickStats(a: TickStatsArgs): TickStatsResult {
  const t = ticks;
  if (!t || t.fact !== a.fact) throw new Error(`not watching ${a.fact}`);
  const rate = new Hist();
  const peak = new Hist();
  const gaps = new Hist();
  let messages = 0;
  let converged = 0;
  const mismatches: string[] = [];
  for (const rec of t.recs.values()) {
    messages += rec.at.length;
    const inWin = rec.at.filter((x) => x >= a.fromMs && x <= a.toMs);
    if (inWin.length) rate.record((inWin.length - 1) / Math.max(1, (inWin[inWin.length - 1]! - inWin[0]!) / 1000));
    for (let i = 1; i < inWin.length; i++) gaps.record(inWin[i]! - inWin[i - 1]!);
    let shortest = Infinity;
    for (let i = 4; i < inWin.length; i++) shortest = Math.min(shortest, inWin[i]! - inWin[i - 4]!);
    if (Number.isFinite(shortest)) peak.record(4000 / Math.max(1, shortest));
    const keys = Object.keys(a.expect);
    const same = keys.every((k) => (rec.view.get(k)?.n ?? 0) === a.expect[k]);
    if (same) converged++;
    else if (mismatches.length < 3) mismatches.push(keys.map((k) => `${k.slice(0, 8)} ${rec.view.get(k)?.n ?? 'none'}≠${a.expect[k]}`).join(', '));
  }
  // Vote visibility (see docs/PERFORMANCE.md, B3): the k-th vote acked anywhere is taken to be in
  // every tally whose total is ≥ k. Ack order stands in for commit order across load processes.
  const visible = new Hist();
  let notVisible = 0;
  if (a.ackTimesSorted && a.fact === 'poll:resultsUpdated') {
    for (const op of lastOps) {
      if (op.okAt !== op.okAt) continue;
      const rec = t.recs.get(op.client);
      const k = upperBound(a.ackTimesSorted, op.okAt);
      let found = -1;
      if (rec) for (let i = 0; i < rec.at.length; i++) if (rec.at[i]! > op.sendAt && rec.total[i]! >= k) {
        found = i;
        break;
      }
      if (found < 0) notVisible++;
      else visible.record(rec!.at[found]! - op.sendAt);
    }
  }
  return { watching: t.recs.size, messages, ratePerClient: rate.toJSON(), peakPerClient: peak.toJSON(), gapMs: gaps.toJSON(), converged, mismatches, visibleMs: visible.toJSON(), notVisible };
}
