/**
 * Runner-side building blocks of the poll and Q&A scenarios (B2–B5, B9): polls made and run by
 * the staff pool, storms of attendee commands from the load processes, and the final state read
 * back from the server.
 */
import { Hist } from './hist.js';
import type { StaffPool } from './staff.js';
import type { LoadWorkers } from './workers.js';
import type { StormArgs, StormResult, TickFact, TickStatsResult } from './worker-protocol.js';
import { hrMs } from './util.js';

export const OPTION_LABELS = ['Alpha', 'Bravo', 'Charlie', 'Delta'];

/** A single-choice poll, results live to the audience (so every attendee gets the result ticks). */
export function pollDraft(question: string, allowChange: boolean) {
  return {
    kind: 'single',
    question,
    options: OPTION_LABELS,
    settings: { anonymous: true, resultsVisibility: 'live', allowChange, durationSec: null },
  };
}

export interface BenchPoll {
  id: string;
  optionIds: string[];
}

export async function createPoll(staff: StaffPool, question: string, allowChange: boolean): Promise<BenchPoll> {
  const { data } = await staff.command<{ id: string; options: { id: string }[] }>('moderator', 'poll:create', { sessionId: null, draft: pollDraft(question, allowChange) });
  return { id: data.id, optionIds: data.options.map((o) => o.id) };
}

interface SnapshotPolls {
  polls: { poll: { id: string }; results: { totals: { room: number; remote: number }; options?: { optionId: string; room: number; remote: number }[] } | null }[];
  qa?: { questions: { id: string; votes: number }[] };
}

/** The server's own tally of a poll, read through a moderator's snapshot (straight from the store). */
export async function serverTally(staff: StaffPool, pollId: string): Promise<{ total: number; options: Record<string, number> } | null> {
  const { data } = await staff.command<SnapshotPolls>('moderator', 'snapshot:request', {}, 60_000);
  const r = data.polls.find((p) => p.poll.id === pollId)?.results;
  if (!r) return null;
  const options: Record<string, number> = {};
  for (const o of r.options ?? []) options[o.optionId] = o.room + o.remote;
  return { total: r.totals.room + r.totals.remote, options };
}

/** The server's upvote count per question, through a moderator's snapshot. */
export async function serverUpvotes(staff: StaffPool, questionIds: string[]): Promise<Record<string, number>> {
  const { data } = await staff.command<SnapshotPolls>('moderator', 'snapshot:request', {}, 60_000);
  const out: Record<string, number> = {};
  for (const id of questionIds) out[id] = data.qa?.questions.find((q) => q.id === id)?.votes ?? -1;
  return out;
}

export interface StormSummary {
  clients: number;
  sent: number;
  ok: number;
  refusals: Record<string, number>;
  timedOut: number;
  retriesSent: number;
  retriesOk: number;
  retriesSameReceipt: number;
  retriesRefused: number;
  retriesTimedOut: number;
  unavailableRetried: number;
  unavailableSettled: number;
  ack: Hist;
  retryAck: Hist;
  sendLag: Hist;
  /** Sent ops / (last send − first send): the rate the generator really offered. */
  achievedRate: number | null;
  firstSendAt: number;
  lastSendAt: number;
  lastAckAt: number;
  okAckTimesSorted: number[];
  voters: number;
  expected: Record<string, number>;
  unknown: number;
}

/**
 * One storm from every load process at once: they share a start instant on the host clock, and
 * each sends its own clients' ops (so the offered rate adds up across processes).
 */
export async function runStormAll(workers: LoadWorkers, args: Omit<StormArgs, 'startAtMs'>, leadMs = 300): Promise<StormSummary> {
  const startAtMs = hrMs() + leadMs;
  const r: StormResult[] = await workers.all('storm', () => ({ ...args, startAtMs }), args.durationMs + args.ackTimeoutMs + 60_000);
  const sum = (f: (x: StormResult) => number) => r.reduce((a, x) => a + f(x), 0);
  const refusals: Record<string, number> = {};
  const expected: Record<string, number> = {};
  for (const x of r) {
    for (const [k, v] of Object.entries(x.refusals)) refusals[k] = (refusals[k] ?? 0) + v;
    for (const [k, v] of Object.entries(x.expected)) expected[k] = (expected[k] ?? 0) + v;
  }
  const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  const firstSendAt = Math.min(...finite(r.map((x) => x.firstSendAt)));
  const lastSendAt = Math.max(...finite(r.map((x) => x.lastSendAt)));
  const lastAckAt = Math.max(...finite(r.map((x) => x.lastAckAt)), lastSendAt);
  const sent = sum((x) => x.sent);
  const span = (lastSendAt - firstSendAt) / 1000;
  return {
    clients: sum((x) => x.clients),
    sent,
    ok: sum((x) => x.ok),
    refusals,
    timedOut: sum((x) => x.timedOut),
    retriesSent: sum((x) => x.retriesSent),
    retriesOk: sum((x) => x.retriesOk),
    retriesSameReceipt: sum((x) => x.retriesSameReceipt),
    retriesRefused: sum((x) => x.retriesRefused),
    retriesTimedOut: sum((x) => x.retriesTimedOut),
    unavailableRetried: sum((x) => x.unavailableRetried),
    unavailableSettled: sum((x) => x.unavailableSettled),
    ack: Hist.mergeAll(r.map((x) => x.ackMs)),
    retryAck: Hist.mergeAll(r.map((x) => x.retryAckMs)),
    sendLag: Hist.mergeAll(r.map((x) => x.sendLagMs)),
    achievedRate: span > 0 ? sent / span : null,
    firstSendAt,
    lastSendAt,
    lastAckAt,
    okAckTimesSorted: r.flatMap((x) => x.okAckTimes).sort((a, b) => a - b),
    voters: sum((x) => x.voters),
    expected,
    unknown: sum((x) => x.unknown),
  };
}

export interface TickSummary {
  watching: number;
  messages: number;
  rate: Hist;
  peak: Hist;
  gap: Hist;
  converged: number;
  mismatches: string[];
  visible: Hist;
  notVisible: number;
}

export async function tickStatsAll(workers: LoadWorkers, fact: TickFact, fromMs: number, toMs: number, expect: Record<string, number>, ackTimesSorted?: number[]): Promise<TickSummary> {
  const r: TickStatsResult[] = await workers.all('tickStats', () => ({ fact, fromMs, toMs, expect, ...(ackTimesSorted ? { ackTimesSorted } : {}) }), 60_000);
  return {
    watching: r.reduce((a, x) => a + x.watching, 0),
    messages: r.reduce((a, x) => a + x.messages, 0),
    rate: Hist.mergeAll(r.map((x) => x.ratePerClient)),
    peak: Hist.mergeAll(r.map((x) => x.peakPerClient)),
    gap: Hist.mergeAll(r.map((x) => x.gapMs)),
    converged: r.reduce((a, x) => a + x.converged, 0),
    mismatches: r.flatMap((x) => x.mismatches).slice(0, 3),
    visible: Hist.mergeAll(r.map((x) => x.visibleMs)),
    notVisible: r.reduce((a, x) => a + x.notVisible, 0),
  };
}

/** "12 RATE_LIMITED, 3 CONFLICT", or "none". */
export const fmtCounts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ') || 'none';

/** Splits a total op count across the workers' clients as ops per client (at least one). */
export const opsPerClientFor = (total: number, clients: number) => Math.max(1, Math.round(total / Math.max(1, clients)));
