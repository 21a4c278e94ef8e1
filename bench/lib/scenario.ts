import type { Socket } from 'socket.io-client';
import { Hist, type HistJSON, type Summary } from './hist.js';
import { systemBusyMs, loadAverage } from './proc.js';
import { markOwnCpu, ownCpuSince } from './own-cpu.js';
import type { Audience, AudiencePool } from './audience.js';
import type { EldByNode, Mode, Target, TargetSample } from './target.js';
import { startTarget } from './target.js';
import type { Bundles } from './bundle.js';
import type { CommandBaselineResult } from './command-baseline.js';
import type { LoadWorkers } from './workers.js';
import { startWorkers } from './workers.js';
import { commandId, hrMs, round, sleep, withTimeout } from './util.js';

export type Status = 'pass' | 'fail' | 'error' | 'not-implemented' | 'skipped';

export interface RunOptions {
  quick: boolean;
  /** Overrides the scenario's attendee count (B0, B1, B8). */
  attendees: number | null;
  /** Overrides B1's hold, seconds. */
  holdS: number | null;
  /** Overrides the number of load processes (1 or 2). */
  workers: number | null;
  /** Most clients one baseline process is given (BASELINE_MAX_CLIENTS unless --baseline-max). */
  baselineMaxClients: number;
  /** Broadcast rounds for B0 and the baseline. */
  rounds: number | null;
  cpuProfDir: string | null;
  stamp: string;
  /** Bundled entry points for the measured processes; null runs them through tsx (`--tsx`). */
  bundles: Bundles | null;
  /** B1: heap snapshots of the empty and the loaded server, diffed by constructor (quick sizes). */
  heapSnapshot: boolean;
}

/** A small extra table in a result (the heap growth by type, for instance). */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** One number of a result, optionally with the bare-ws figure it is compared to. */
export interface Figure {
  key: string;
  label: string;
  value: number | string | null;
  unit?: string;
  baseline?: number | null;
  /** value / baseline (lower is better for costs and latencies). */
  ratio?: number | null;
  /** Shown in the one-line summary. */
  headline?: boolean;
  /** The same figure on bare Socket.IO and value / it (informational; filled when that baseline ran). */
  bareSio?: number | null;
  sioRatio?: number | null;
  /** The bare-ws figure this one is compared with; the runner fills baseline and ratio. */
  vs?: BaselineMetric;
  /** The same figure on the bare Socket.IO command baseline, run in the same scenario, and value / it (lib/command-baseline.ts). */
  bareCmd?: number | null;
  cmdRatio?: number | null;
}

/** Figures of the bare-ws baseline a Rally figure can be compared with (same units as the figure). */
export type BaselineMetric = 'latencyP50' | 'latencyP99' | 'latencyMax' | 'cpuPerMessageUs' | 'cpuPerBroadcastMs' | 'rssPerConnKB' | 'heapPerConnKB' | 'connectP99';

export interface Check {
  label: string;
  target: string;
  actual: string;
  pass: boolean;
  /** The target is stated for the full-size run; a quick run only indicates. */
  indicative?: boolean;
  /** A target relative to the baseline: figure / bare ws ≤ max. Evaluated once the baseline ran. */
  ratio?: { figure: string; max: number };
  /**
   * A target relative to another scenario of the same run: figure / that result's `refFigure` ≤
   * max (B9: cluster CPU per recipient against one node's). Evaluated at the end of the run.
   */
  ref?: { figure: string; id: string; mode: Mode; refFigure: string; max: number };
}

export interface ScenarioResult {
  id: string;
  title: string;
  mode: Mode;
  status: Status;
  params: Record<string, unknown>;
  figures: Figure[];
  latencies: Record<string, Summary>;
  checks: Check[];
  notes: string[];
  tables?: ResultTable[];
  error?: string;
  durationS: number;
  environment: { otherProcessesCpuPct: number | null; loadavgAtEnd: number[] };
  /** The bare-ws run this result is compared with: same clients, rounds and frame size. */
  baseline?: { clients: number; rounds: number; payloadBytes?: number };
  /** Storm scenarios: the bare Socket.IO command baseline run in the same scenario. */
  commandBaseline?: CommandBaselineResult;
}

export interface ScenarioOutput {
  params: Record<string, unknown>;
  figures: Figure[];
  latencies?: Record<string, Summary>;
  checks: Check[];
  notes?: string[];
  tables?: ResultTable[];
  /** The baseline run this result is compared with: same client count, rounds and frames. */
  baseline?: BaselineRequest;
  commandBaseline?: CommandBaselineResult;
}

export interface BaselineRequest {
  clients: number;
  rounds: number;
  frames: string[];
}

export interface AudienceOptions {
  reserveMs?: number;
  keepBareCommands?: boolean;
  /** Cluster mode: Rally nodes behind the one redis-server (default two; B9's reference run: one). */
  nodes?: number;
}

export interface ScenarioContext {
  mode: Mode;
  opts: RunOptions;
  log(msg: string): void;
  /**
   * N attendees joined and connected to this mode's system under test, shared with the other
   * scenarios of the mode; `fresh` when it was set up for this scenario.
   */
  audience(n: number, opts?: AudienceOptions): Promise<{ audience: Audience; fresh: boolean }>;
  /** Starts the system under test for this mode; stopped by the runner when the scenario ends. */
  startTarget(): Promise<Target>;
  /** Forks load processes; stopped by the runner when the scenario ends. */
  startWorkers(count: number): Promise<LoadWorkers>;
  /** Stops the workers and servers started so far (the bare-ws baseline must not share the CPU with them). */
  releaseAll(): Promise<void>;
  /** Milliseconds left in this scenario's time budget. */
  remainingMs(): number;
}

export interface Scenario {
  id: string;
  title: string;
  modes: readonly Mode[];
  /** Set while the server lacks what the scenario drives: it is reported as not implemented. */
  pending?: string;
  /** An upper bound on the scenario's wall time; the runner aborts it past this. */
  budgetMs(opts: RunOptions): number;
  /** The least time in which it can produce anything useful; with less left the runner skips it. */
  minMs?(opts: RunOptions): number;
  /** Scenarios `--only` must also run for this one to mean anything (B10 reads B2 and B3). */
  requires?: readonly string[];
  /**
   * A report view over other results of the run instead of a run of its own (B10). Called at the
   * end, after the baselines, with every result; takes no time and starts nothing.
   */
  derive?(results: readonly ScenarioResult[], mode: Mode): ScenarioOutput;
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
}

/** A derived scenario's result, from the results so far (recomputed when the run ends). */
export function deriveResult(s: Scenario, mode: Mode, results: readonly ScenarioResult[]): ScenarioResult {
  const out = s.derive!(results, mode);
  return { id: s.id, title: s.title, mode, status: statusOf(out.checks), params: out.params, figures: out.figures, latencies: out.latencies ?? {}, checks: out.checks, notes: out.notes ?? [], durationS: 0, environment: { otherProcessesCpuPct: null, loadavgAtEnd: loadAverage() } };
}

/** Evaluates `ref` checks against the other results of the run (after applyBaselines). */
export function applyReferences(results: ScenarioResult[]): void {
  for (const r of results) {
    let touched = false;
    for (const c of r.checks) {
      if (!c.ref) continue;
      touched = true;
      const ref = c.ref;
      const own = r.figures.find((f) => f.key === ref.figure)?.value;
      const other = results.find((x) => x.id === ref.id && x.mode === ref.mode && (x.status === 'pass' || x.status === 'fail'));
      const theirs = other?.figures.find((f) => f.key === ref.refFigure)?.value;
      if (typeof own !== 'number' || typeof theirs !== 'number' || theirs <= 0) {
        c.actual = other ? `no figure to compare (${own ?? '—'} vs ${theirs ?? '—'})` : `${ref.id} ${ref.mode} did not run in this run`;
        c.pass = false;
        continue;
      }
      const ratio = Math.round((own / theirs) * 100) / 100;
      c.actual = `×${ratio} (${own} vs ${theirs} in ${ref.id} ${ref.mode})`;
      c.pass = ratio <= ref.max;
    }
    if (touched && (r.status === 'pass' || r.status === 'fail')) r.status = statusOf(r.checks);
  }
}

/* ---------- helpers shared by scenarios ---------- */

/** How every measured process of this run is started (bundle or tsx, CPU profile or not). */
export function targetOptions(opts: RunOptions, tag: string) {
  return { tag: `${opts.stamp}-${tag}`, bundles: opts.bundles, ...(opts.cpuProfDir ? { cpuProfDir: opts.cpuProfDir } : {}) };
}

export const KB = 1024;

/** Load processes for n clients: one up to 2,000, else two (never more on two cores). */
export function workerCount(opts: RunOptions, n: number): number {
  return Math.min(2, Math.max(1, opts.workers ?? (n <= 2000 ? 1 : 2)));
}

/** Splits n into `parts` near-equal shares. */
export function shares(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/**
 * The server's background CPU rate (ms of CPU per ms) before a measured phase, subtracted from
 * it: the lowest of a few short windows, because one window can catch a GC or a checkpoint left
 * over from the previous phase, and subtracting that from every round made B2's per-recipient
 * figure fall to nearly zero in one run. Resolves with the last sample, the phase's start.
 */
export async function idleCpuRate(target: Target, windows = 4, windowMs = 300): Promise<{ msPerMs: number; last: TargetSample }> {
  let prev = await target.sample();
  let msPerMs = Infinity;
  for (let i = 0; i < windows; i++) {
    await sleep(windowMs);
    const next = await target.sample();
    msPerMs = Math.min(msPerMs, Math.max(0, (next.cpuMs - prev.cpuMs) / (next.at - prev.at)));
    prev = next;
  }
  return { msPerMs, last: prev };
}

export interface JoinPhase {
  joined: number;
  failed: number;
  ms: number;
  errors: string[];
}

/** Tokens in bulk before any socket opens: n POST /api/join spread over the workers, 32 in flight each. */
export async function joinAll(workers: LoadWorkers, target: Target, code: string, n: number): Promise<JoinPhase> {
  const per = shares(n, workers.count);
  const t0 = Date.now();
  const r = await workers.all('join', (i) => ({ urls: target.urls, code, count: per[i]!, concurrency: 32, timeoutMs: 300_000 }), 330_000);
  return { joined: r.reduce((a, x) => a + x.joined, 0), failed: r.reduce((a, x) => a + x.failed, 0), ms: Date.now() - t0, errors: r.flatMap((x) => x.errors).slice(0, 5) };
}

export interface RampPhase {
  connected: number;
  failed: number;
  /** The ramp stopped before every client had its turn (connected + failed < n). */
  stoppedEarly: boolean;
  /** Why: out of time, or a batch lost more than half its connections (the server is not keeping up). */
  stopReason: 'time' | 'failures' | null;
  errors: string[];
  rampMs: number;
  connectMs: Hist;
  /** Server CPU per new connection (handshake, presence, snapshot), first and last batch, ms. */
  cpuPerConnFirstMs: number | null;
  cpuPerConnLastMs: number | null;
  cpuPerConnMs: number | null;
  batches: { size: number; attempted: number; ms: number; cpuMsPerConn: number | null }[];
  eld: EldByNode;
}

/**
 * Opens every joined client in batches of `batch` (split across workers); the next batch starts
 * when every socket of the previous one has its snapshot or gave up. Samples server CPU per batch,
 * which shows whether a connection costs more as the audience grows.
 */
export async function rampConnect(
  workers: LoadWorkers,
  target: Target,
  n: number,
  opts: { batch?: number; timeoutMs?: number; deadline?: number; log?: (m: string) => void } = {},
): Promise<RampPhase> {
  const batch = opts.batch ?? 500;
  const deadline = opts.deadline ?? Infinity;
  const per = shares(n, workers.count);
  const offsets = per.map(() => 0);
  const hist = new Hist();
  const errors: string[] = [];
  const batches: RampPhase['batches'] = [];
  let connected = 0;
  let failed = 0;
  const t0 = Date.now();
  await target.eldReset();
  // /proc only during the ramp: the agent answers on the server's event loop, which a batch of
  // handshakes can block for longer than any sensible timeout.
  const first = target.procSample();
  let stopReason: RampPhase['stopReason'] = null;
  let started = 0;
  // Bounded: every batch starts at least 10 clients, or the loop stops.
  for (let b = 0; started < n && b < n; b++) {
    // A slow server must not eat the whole run. With a deadline the first batch is small, to learn
    // how long a connection takes; later ones are as large as fits in the time left (at most `batch`).
    const left = deadline - Date.now();
    let size = Math.min(batch, n - started);
    if (Number.isFinite(deadline)) {
      const done = batches.reduce((acc, x) => acc + x.attempted, 0);
      const spent = batches.reduce((acc, x) => acc + x.ms, 0);
      size = done > 0 ? Math.min(size, Math.floor((0.7 * left) / (spent / done))) : Math.min(size, 100);
    }
    if (size < 10 || left < 2000) {
      stopReason = 'time';
      break;
    }
    started += size;
    const timeoutMs = Math.max(1000, Math.min(opts.timeoutMs ?? 60_000, left));
    const perBatch = shares(size, workers.count);
    const before = target.procSample();
    const tb = Date.now();
    const r = await workers.all(
      'connect',
      (i) => {
        const count = Math.min(perBatch[i]!, per[i]! - offsets[i]!);
        return { urls: target.urls, start: offsets[i]!, count, timeoutMs };
      },
      timeoutMs + 30_000,
    );
    r.forEach((x, i) => {
      offsets[i] = offsets[i]! + x.connected + x.failed;
      connected += x.connected;
      failed += x.failed;
      hist.merge(x.connectMs);
      for (const e of x.errors) if (errors.length < 5) errors.push(e);
    });
    const after = target.procSample();
    const ok = r.reduce((a, x) => a + x.connected, 0);
    const lost = size - ok;
    batches.push({ size: ok, attempted: size, ms: Date.now() - tb, cpuMsPerConn: ok ? (after.cpuMs - before.cpuMs) / ok : null });
    opts.log?.(
      `ramp: ${connected}/${n} connected (+${ok}${lost ? `, ${lost} failed` : ''} in ${((Date.now() - tb) / 1000).toFixed(1)} s, ` +
        `${ok ? ((after.cpuMs - before.cpuMs) / ok).toFixed(1) : '—'} ms server CPU each)`,
    );
    // More connections will not succeed where half of a batch just failed: stop and report.
    if (lost > size / 2) {
      stopReason = 'failures';
      break;
    }
  }
  const last = target.procSample();
  const eld = await target.eldRead();
  const usable = batches.filter((x) => x.cpuMsPerConn !== null);
  return {
    connected,
    failed,
    stoppedEarly: stopReason !== null,
    stopReason,
    errors,
    rampMs: Date.now() - t0,
    connectMs: hist,
    cpuPerConnFirstMs: usable[0]?.cpuMsPerConn ?? null,
    cpuPerConnLastMs: usable[usable.length - 1]?.cpuMsPerConn ?? null,
    cpuPerConnMs: connected ? (last.cpuMs - first.cpuMs) / connected : null,
    batches,
    eld,
  };
}

export interface RoundsPhase {
  rounds: number;
  t0s: number[];
  windowMs: number;
  before: TargetSample;
  after: TargetSample;
  /** Server CPU while idle, ms per second, measured just before the rounds. */
  idleCpuMsPerS: number;
  incompleteRounds: number;
  triggerAckMs: Hist;
}

/**
 * Broadcast rounds: stamp t0 on the shared clock, trigger one broadcast, wait until every watched
 * client has it (bounded), pause, repeat. Sequential rounds keep each broadcast's cost separate.
 */
export async function broadcastRounds(opts: {
  workers: LoadWorkers;
  target: Target;
  fact: string;
  rounds: number;
  gapMs: number;
  roundTimeoutMs: number;
  /** Sends broadcast k; resolves with the trigger's ack round trip (ms) if it has one. */
  trigger: (k: number) => Promise<number | null>;
}): Promise<RoundsPhase> {
  const { workers, target, fact, rounds } = opts;
  await workers.all('watch', () => ({ fact, max: rounds }), 30_000);
  const idleCpuMsPerS = (await idleCpuRate(target)).msPerMs * 1000;
  const t0s: number[] = [];
  const ackHist = new Hist();
  let incomplete = 0;
  const before = await target.sample();
  const start = hrMs();
  for (let k = 0; k < rounds; k++) {
    t0s.push(hrMs());
    const ack = opts.trigger(k).then((ms) => {
      if (ms !== null) ackHist.record(ms);
    });
    const r = await workers.all('waitArrivals', () => ({ fact, count: k + 1, timeoutMs: opts.roundTimeoutMs }), opts.roundTimeoutMs + 10_000);
    await withTimeout(ack, opts.roundTimeoutMs, 'broadcast trigger ack');
    if (r.some((x) => !x.complete)) incomplete++;
    if (opts.gapMs) await sleep(opts.gapMs);
  }
  const after = await target.sample();
  return { rounds, t0s, windowMs: hrMs() - start, before, after, idleCpuMsPerS, incompleteRounds: incomplete, triggerAckMs: ackHist };
}

export async function collect(workers: LoadWorkers, fact: string, t0s: number[]) {
  const r = await workers.all('collectArrivals', () => ({ fact, t0s }), 60_000);
  return {
    latency: Hist.mergeAll(r.map((x) => x.latencyMs)),
    stampedLatency: Hist.mergeAll(r.map((x) => x.stampedLatencyMs)),
    delivered: r.reduce((a, x) => a + x.delivered, 0),
    expected: r.reduce((a, x) => a + x.expected, 0),
    extra: r.reduce((a, x) => a + x.extra, 0),
    clientsComplete: r.reduce((a, x) => a + x.clientsComplete, 0),
    watching: r.reduce((a, x) => a + x.watching, 0),
  };
}

export async function workerStats(workers: LoadWorkers) {
  const r = await workers.all('stats', () => ({}), 30_000);
  const reasons: Record<string, number> = {};
  for (const x of r) for (const [k, v] of Object.entries(x.disconnectReasons)) reasons[k] = (reasons[k] ?? 0) + v;
  return {
    clients: r.reduce((a, x) => a + x.clients, 0),
    connected: r.reduce((a, x) => a + x.connected, 0),
    unexpectedDisconnects: r.reduce((a, x) => a + x.unexpectedDisconnects, 0),
    disconnectReasons: reasons,
    pings: r.reduce((a, x) => a + x.pings, 0),
    rssBytes: r.reduce((a, x) => a + x.rssBytes, 0),
  };
}

/**
 * The result of a scenario whose shared audience has nobody connected (its ramp ran out of time in
 * a quick run, or the server refused everyone): a failed check saying so, instead of commands
 * sent to no one.
 */
export function nobodyConnected(n: number, why: string): ScenarioOutput {
  return {
    params: { attendees: n },
    figures: [{ key: 'connected', label: 'attendees connected', value: `0 / ${n}`, headline: true }],
    checks: [{ label: 'attendees connected', target: `${n}`, actual: `0 (${why})`, pass: false }],
    notes: [`Nobody was connected, so nothing was measured: ${why}.`],
  };
}

/** A Rally command's ack round trip from a staff socket, ms; rejects on a refused ack. */
export async function ackedCommand(s: Socket, name: string, payload: Record<string, unknown>, timeoutMs = 10_000): Promise<number> {
  const t0 = hrMs();
  const ack = (await s.timeout(timeoutMs).emitWithAck(name, { id: commandId('c'), ...payload })) as { ok?: boolean; error?: { code?: string; message?: string } };
  if (!ack?.ok) throw new Error(`${name} refused: ${ack?.error?.code ?? '?'} ${ack?.error?.message ?? ''}`);
  return hrMs() - t0;
}

/* ---------- running one scenario ---------- */

const fmtMs = (x: number | null) => (x === null ? 'n/a' : `${round(x, 1)} ms`);
export { fmtMs };

export function statusOf(checks: Check[]): Status {
  return checks.every((c) => c.pass) ? 'pass' : 'fail';
}

/**
 * Runs a scenario within its budget, always stopping what it started itself (the shared audience
 * is the pool's), and measures how much CPU other processes on the machine used meanwhile: other
 * engineers' tests on the same two cores skew every figure, and the report says by how much.
 */
export async function runScenario(
  s: Scenario,
  mode: Mode,
  opts: RunOptions,
  pool: AudiencePool,
  log: (m: string) => void,
  budgetCapMs = Infinity,
  onBaselineRequest: (req: BaselineRequest) => void = () => {},
): Promise<ScenarioResult> {
  const started = Date.now();
  const base: Omit<ScenarioResult, 'status' | 'durationS' | 'environment'> = { id: s.id, title: s.title, mode, params: {}, figures: [], latencies: {}, checks: [], notes: [] };
  if (s.pending) {
    return { ...base, status: 'not-implemented', notes: [s.pending], durationS: 0, environment: { otherProcessesCpuPct: null, loadavgAtEnd: loadAverage() } };
  }
  const budget = Math.min(s.budgetMs(opts), budgetCapMs);
  const deadline = started + budget;
  const cleanups: (() => Promise<void>)[] = [];
  const busy0 = systemBusyMs();
  const own0 = markOwnCpu();
  const scopedLog = (m: string) => log(`[${s.id} ${mode}] ${m}`);

  const ctx: ScenarioContext = {
    mode,
    opts,
    log: scopedLog,
    // A new audience's ramp stops in time to leave the scenario `reserveMs` for its own work.
    // The storm scenarios keep the command baseline's clients connected for the next one (command-baseline.ts).
    audience: (n, o) => pool.get(mode, n, s.id, scopedLog, deadline - (o?.reserveMs ?? 0), o?.keepBareCommands ?? false, o?.nodes),
    async startTarget() {
      const t = await startTarget(mode, targetOptions(opts, `${s.id}-${mode}`));
      cleanups.push(() => t.stop());
      return t;
    },
    async startWorkers(count) {
      const w = await startWorkers(count, Math.max(60_000, deadline - Date.now() + 60_000));
      cleanups.push(() => w.stop());
      return w;
    },
    async releaseAll() {
      // Reverse order of start: servers were started before the workers that load them.
      const list = cleanups.splice(0).reverse();
      for (const c of list) await c().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
    },
    remainingMs: () => deadline - Date.now(),
  };

  let result: ScenarioResult;
  const env = { otherProcessesCpuPct: null, loadavgAtEnd: [] as number[] };
  try {
    const out = await withTimeout(s.run(ctx), budget, `${s.id} (${mode}) time budget`);
    const { baseline, ...rest } = out;
    if (baseline) onBaselineRequest(baseline);
    result = { ...base, ...rest, latencies: out.latencies ?? {}, notes: out.notes ?? [], status: statusOf(out.checks), durationS: 0, environment: env, ...(baseline ? { baseline: { clients: baseline.clients, rounds: baseline.rounds, payloadBytes: Buffer.byteLength(baseline.frames[0]!) } } : {}) };
  } catch (e) {
    result = { ...base, status: 'error', error: e instanceof Error ? e.message : String(e), durationS: 0, environment: env };
    // Whatever state the shared audience is in now, the next scenario must not inherit it.
    await pool.release().catch(() => {});
  }
  await ctx.releaseAll();
  const wallMs = Date.now() - started;
  const other = systemBusyMs() - busy0 - ownCpuSince(own0);
  result.durationS = Math.round(wallMs / 100) / 10;
  result.environment = { otherProcessesCpuPct: round(Math.max(0, (other / wallMs) * 100), 0), loadavgAtEnd: loadAverage() };
  if ((result.environment.otherProcessesCpuPct ?? 0) > 20) {
    result.notes.push(`Other processes on the machine used ${result.environment.otherProcessesCpuPct}% of one core on average during this scenario: latencies and CPU figures are inflated by that contention.`);
  }
  return result;
}

export type { HistJSON };
