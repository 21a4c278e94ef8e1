/**
 * The command baseline (issue 18): Rally's storm commands sent, in the same scenario, to a bare
 * Socket.IO server that only keeps the latest per participant in a Map and acks
 * (bench/baseline-sio-commands.ts). Same load processes, same number of clients, same packets, same
 * rate and schedule; measured the same way as Rally's storm (server CPU from the agent, the idle
 * rate subtracted; ack round trips on the load processes). Each storm scenario (B3–B6) puts Rally's
 * CPU per command and ack p99 beside it as ratios: what Rally costs above the transport it rides on.
 */
import { Hist, type Summary } from './hist.js';
import { idleCpuRate, shares, targetOptions, type Figure, type ScenarioContext } from './scenario.js';
import { fmtCounts, runStormAll } from './storm.js';
import { closeBareCommands, type Audience } from './audience.js';
import { startBare } from './target.js';
import type { LoadWorkers } from './workers.js';
import type { StormArgs } from './worker-protocol.js';
import { errText, round, withTimeout } from './util.js';

export const COMMAND_BASELINE_NAME = 'bare Socket.IO command';

/**
 * The baseline's storm runs at the scenario's rate for at most this long, so that the whole phase
 * (start, connect 10,000 clients, storm, stop) adds under ~20 s to a full-size scenario. CPU per
 * command and ack p99 at a given rate do not need B4's 60 s to settle; the note says when it is shorter.
 */
export const COMMAND_BASELINE_MAX_STORM_MS = 5_000;
/** Clients opened per step, over all load processes: a bare handshake is cheap, so larger than Rally's ramp (500). */
const CONNECT_BATCH = 5_000;
/** The unmeasured warm-up burst before the storm: this many ops (at most one per client) in this long. */
const WARMUP_OPS = 1_000;
const WARMUP_MS = 500;

export interface CommandBaselineResult {
  command: string;
  clients: number;
  connected: number;
  /** The storm as run: ops offered, over how long (ms), at what rate. */
  sent: number;
  ok: number;
  refusals: Record<string, number>;
  timedOut: number;
  stormMs: number;
  ratePerS: number | null;
  /** Server CPU over the storm minus the idle rate, ms; per acked command, ms. */
  cpuMs: number | null;
  cpuPerCommandMs: number | null;
  ackMs: Summary;
  connectMs: Summary;
  /** Bare clients that lost their connection to the bare server (since the previous storm). */
  lost: number;
  /** Wall time of the whole phase, s; of its parts (server start, connecting and warm-up when not kept from the previous storm; idle rate and storm), ms. */
  phaseS: number;
  timings?: { setUpMs: number; stormMs: number };
  error?: string;
}

/**
 * Runs the baseline phase after a scenario's storm: starts the bare command server and opens
 * `clients` bare clients from the audience's own load processes (next to Rally's, which stay
 * connected and idle), or takes them over from the previous storm scenario (a.bareCommands), then
 * runs `storm` from them (the scenario's args; at most COMMAND_BASELINE_MAX_STORM_MS at the same
 * rate). The server and clients stay for the next storm scenario; the audience pool closes them for
 * any other. Never throws: a failure is the result's `error` (the scenario still reports).
 */
export async function runCommandBaseline(ctx: ScenarioContext, a: Audience, scenarioClients: number, command: string, storm: Omit<StormArgs, 'startAtMs' | 'bare' | 'limitOps'>): Promise<CommandBaselineResult> {
  const started = Date.now();
  const { workers } = a;
  const stormMs = Math.min(storm.durationMs, COMMAND_BASELINE_MAX_STORM_MS);
  // Same rate: the ops the scenario's schedule sends in the first stormMs.
  const totalOps = Math.round((scenarioClients * storm.opsPerClient * stormMs) / storm.durationMs);
  // One bare process holds at most baselineMaxClients sockets (B9's 20,000 do not fit in its open
  // files, see baseline.ts): then fewer clients send the same ops at the same rate.
  const clients = Math.min(scenarioClients, ctx.opts.baselineMaxClients);
  const empty: CommandBaselineResult = { command, clients, connected: 0, sent: 0, ok: 0, refusals: {}, timedOut: 0, stormMs, ratePerS: null, cpuMs: null, cpuPerCommandMs: null, ackMs: new Hist().summary(), connectMs: new Hist().summary(), lost: 0, phaseS: 0 };
  const reuse = await keepBareClients(a, clients);
  // Server start, connecting (~1.5–3 ms per client on a busy machine), warm-up, idle rate, the storm
  // and its last acks; the phase is cut off at the budget's edge all the same (below).
  const needMs = 5_000 + (reuse ? 0 : 3 * clients + WARMUP_MS) + stormMs;
  if (ctx.remainingMs() < needMs) return skipBarePhase(ctx, a, empty, needMs);
  ctx.log(`${COMMAND_BASELINE_NAME} baseline: ${clients} clients${reuse ? ' (kept from the previous storm)' : ''}, ${totalOps} ${command} in ${stormMs} ms`);
  const phase = async (): Promise<CommandBaselineResult> => {
    let connectHist = new Hist();
    const t0 = Date.now();
    if (!reuse) {
      connectHist = await startBareClients(ctx, a, clients);
      // Warm-up, unmeasured: a fresh process runs its few hot functions unoptimised at first, which
      // at 1,000 clients made the bare figure half as large again (180 vs 120 µs per vote). Rally's
      // process has served the ramp (and often earlier storms) by then; the bare one gets one short burst.
      await runStormAll(workers, { ...storm, durationMs: WARMUP_MS, opsPerClient: 1, retryFraction: 0, limitOps: Math.ceil(Math.min(clients, WARMUP_OPS) / workers.count), bare: true, keepAckTimes: false });
    }
    const t1 = Date.now();
    const target = a.bareCommands!.target;
    const { msPerMs: idle, last: s0 } = await idleCpuRate(target);
    const st = await runStormAll(workers, { ...storm, durationMs: stormMs, opsPerClient: Math.max(1, Math.ceil(totalOps / clients)), limitOps: Math.ceil(totalOps / workers.count), bare: true, keepAckTimes: false });
    const s1 = await target.sample();
    const cpuMs = s1.cpuMs - s0.cpuMs - idle * (s1.at - s0.at);
    const status = await workers.all('sioCommandsStatus', () => ({}), 30_000);
    return {
      ...empty,
      connected: clients,
      sent: st.sent,
      ok: st.ok,
      refusals: st.refusals,
      timedOut: st.timedOut + st.retriesTimedOut,
      ratePerS: round(st.achievedRate, 0),
      cpuMs: round(cpuMs, 1),
      cpuPerCommandMs: st.ok ? cpuMs / st.ok : null,
      ackMs: new Hist().merge(st.ack).merge(st.retryAck).summary(),
      connectMs: connectHist.summary(),
      lost: status.reduce((acc, x) => acc + x.lost, 0),
      timings: { setUpMs: t1 - t0, stormMs: Date.now() - t1 },
    };
  };
  const result = await runBarePhase(ctx, a, phase, empty, started, 'baseline phase');
  ctx.log(`${COMMAND_BASELINE_NAME} baseline: ${result.error ?? `${result.ok} acked, CPU ${round(result.cpuPerCommandMs, 3)} ms each, ack p99 ${round(result.ackMs.p99, 1)} ms`} (${result.phaseS} s${result.timings ? `: set-up ${result.timings.setUpMs} ms, storm ${result.timings.stormMs} ms` : ''})`);
  return result;
}

/** True when the previous storm scenario's bare server and all its `clients` are still there; else closes what is left. */
async function keepBareClients(a: Audience, clients: number): Promise<boolean> {
  const kept = a.bareCommands?.clients === clients ? await a.workers.all('sioCommandsStatus', () => ({}), 30_000).catch(() => null) : null;
  const reuse = kept !== null && kept.reduce((acc, x) => acc + x.connected, 0) === clients;
  if (!reuse) await closeBareCommands(a);
  return reuse;
}

/** Starts the bare command server and opens `clients` bare clients to it (kept in `a` for the next scenario). */
async function startBareClients(ctx: ScenarioContext, a: Audience, clients: number): Promise<Hist> {
  const target = await startBare('sio-commands', targetOptions(ctx.opts, `${ctx.mode}-cmd`));
  a.bareCommands = { target, clients };
  return connectBare(a.workers, target.urls[0]!, clients);
}

export interface ReconnectBaselineResult {
  clients: number;
  dropped: number;
  back: number;
  backMs: Summary;
  reconnectAttempts: number;
  /** Server CPU over the storm minus the idle rate, ms; per reconnection, ms. */
  cpuMs: number | null;
  cpuPerReconnectMs: number | null;
  snapshotBytes: number;
  phaseS: number;
  errors: string[];
  error?: string;
}

/**
 * B8's baseline, right after Rally's reconnect storm: the same number of bare Socket.IO clients
 * (from the same load processes, with the web client's backoff) connected to the bare command
 * server lose their connection at once and come back, each getting a snapshot of Rally's size
 * (bench/baseline-sio-commands.ts). Measured as Rally's storm is: drop to the last snapshot, and
 * server CPU per reconnection (the idle rate subtracted). What it costs the transport alone to take
 * everyone back, beside what it costs Rally. Never throws: a failure is the result's `error`.
 */
export async function runReconnectBaseline(ctx: ScenarioContext, a: Audience, scenarioClients: number, opts: { timeoutMs: number; snapshotBytes: number }): Promise<ReconnectBaselineResult> {
  const started = Date.now();
  const clients = Math.min(scenarioClients, ctx.opts.baselineMaxClients);
  const empty: ReconnectBaselineResult = { clients, dropped: 0, back: 0, backMs: new Hist().summary(), reconnectAttempts: 0, cpuMs: null, cpuPerReconnectMs: null, snapshotBytes: opts.snapshotBytes, phaseS: 0, errors: [] };
  const reuse = await keepBareClients(a, clients);
  const needMs = 5_000 + (reuse ? 0 : 3 * clients) + opts.timeoutMs;
  if (ctx.remainingMs() < needMs) return skipBarePhase(ctx, a, empty, needMs);
  ctx.log(`${COMMAND_BASELINE_NAME} baseline: ${clients} clients${reuse ? ' (kept from the previous storm)' : ''} dropped at once, back with ${opts.snapshotBytes}-byte snapshots`);
  const phase = async (): Promise<ReconnectBaselineResult> => {
    if (!reuse) await startBareClients(ctx, a, clients);
    const target = a.bareCommands!.target;
    const { msPerMs: idle, last: s0 } = await idleCpuRate(target);
    const r = await a.workers.all('sioCommandsDrop', () => opts, opts.timeoutMs + 30_000);
    const s1 = await target.sample();
    const cpuMs = s1.cpuMs - s0.cpuMs - idle * (s1.at - s0.at);
    const back = r.reduce((acc, x) => acc + x.back, 0);
    return {
      ...empty,
      dropped: r.reduce((acc, x) => acc + x.dropped, 0),
      back,
      backMs: Hist.mergeAll(r.map((x) => x.backMs)).summary(),
      reconnectAttempts: r.reduce((acc, x) => acc + x.reconnectAttempts, 0),
      cpuMs: round(cpuMs, 1),
      cpuPerReconnectMs: back ? cpuMs / back : null,
      errors: r.flatMap((x) => x.errors).slice(0, 5),
    };
  };
  const result = await runBarePhase(ctx, a, phase, empty, started, 'reconnect baseline');
  ctx.log(`${COMMAND_BASELINE_NAME} reconnect baseline: ${result.error ?? `${result.back}/${result.dropped} back, last at ${round(result.backMs.max, 0)} ms, CPU ${round(result.cpuPerReconnectMs, 3)} ms each`} (${result.phaseS} s)`);
  return result;
}

/** A phase that does not fit in what is left of the scenario's budget: its bare server is closed, the result says why. */
async function skipBarePhase<R extends { error?: string }>(ctx: ScenarioContext, a: Audience, empty: R, needMs: number): Promise<R> {
  await closeBareCommands(a);
  return { ...empty, error: `skipped: ${round(ctx.remainingMs() / 1000, 0)} s left in the scenario's budget, the phase may take ${round(needMs / 1000, 0)} s` };
}

/**
 * Runs a bare phase within the scenario's budget: a hung phase must not take Rally's result with it
 * (the runner aborts a scenario past its budget), so past the budget's edge the result is `empty` with
 * the error and the bare server is closed, also later if the cut-off phase starts one after this.
 */
async function runBarePhase<R extends { error?: string; phaseS: number }>(ctx: ScenarioContext, a: Audience, phase: () => Promise<R>, empty: R, started: number, what: string): Promise<R> {
  const running = phase();
  let result: R;
  try {
    result = await withTimeout(running, ctx.remainingMs() - 3_000, `the ${COMMAND_BASELINE_NAME} ${what}, at the scenario's budget`);
  } catch (e) {
    result = { ...empty, error: errText(e) };
    await closeBareCommands(a);
    running.then(() => closeBareCommands(a), () => closeBareCommands(a)).catch(() => {});
  }
  result.phaseS = round((Date.now() - started) / 1000, 1)!;
  return result;
}

/** A baseline that did not run (B9's one-node reference run: the two-node run has it): reported as such. */
export function noCommandBaseline(command: string, clients: number, why: string): CommandBaselineResult {
  const none = new Hist().summary();
  return { command, clients, connected: 0, sent: 0, ok: 0, refusals: {}, timedOut: 0, stormMs: 0, ratePerS: null, cpuMs: null, cpuPerCommandMs: null, ackMs: none, connectMs: none, lost: 0, phaseS: 0, error: why };
}

/** Opens `clients` bare command clients over the load processes, in steps of CONNECT_BATCH; throws unless all connect. */
async function connectBare(workers: LoadWorkers, url: string, clients: number): Promise<Hist> {
  const per = shares(clients, workers.count);
  const opened = per.map(() => 0);
  const hist = new Hist();
  let connected = 0;
  for (let done = 0; done < clients; done += CONNECT_BATCH) {
    const batch = shares(Math.min(CONNECT_BATCH, clients - done), workers.count);
    const r = await workers.all('sioConnect', (i) => ({ url, count: Math.min(batch[i]!, per[i]! - opened[i]!), timeoutMs: 60_000, commands: true }), 70_000);
    r.forEach((x, i) => {
      opened[i] = opened[i]! + x.connected + x.failed;
      connected += x.connected;
      hist.merge(x.connectMs);
    });
  }
  if (connected < clients) throw new Error(`${connected} of ${clients} bare clients connected`);
  return hist;
}

/** Which Rally figure compares with which baseline figure, in the Rally figure's unit. */
export type CommandBaselineFigure = 'cpuPerCommandMs' | 'cpuPerCommandUs' | 'ackP99Ms';

const baselineValue = (b: CommandBaselineResult, which: CommandBaselineFigure): number | null => {
  if (b.error) return null;
  if (which === 'ackP99Ms') return b.ackMs.p99;
  if (b.cpuPerCommandMs === null) return null;
  return which === 'cpuPerCommandMs' ? b.cpuPerCommandMs : b.cpuPerCommandMs * 1000;
};

/**
 * Fills `bareCmd` and `cmdRatio` of the named figures from the baseline (the report's
 * "bare Socket.IO command" column), rounded as the figure is.
 */
export function compareWithCommandBaseline(figures: Figure[], b: CommandBaselineResult, pairs: Record<string, CommandBaselineFigure>): void {
  for (const f of figures) {
    const which = pairs[f.key];
    if (!which) continue;
    const v = baselineValue(b, which);
    f.bareCmd = v === null ? null : round(v, which === 'cpuPerCommandMs' ? 4 : 1);
    f.cmdRatio = typeof f.value === 'number' && v !== null && v > 0 ? round(f.value / v, 1) : null;
  }
}

/** The baseline's own lines in a scenario's report: a latency row and a note of what ran. */
export function commandBaselineReport(b: CommandBaselineResult, scenarioMs: number, scenarioClients: number): { latencies: Record<string, Summary>; notes: string[] } {
  if (b.error) return { latencies: {}, notes: [`The ${COMMAND_BASELINE_NAME} baseline did not run: ${b.error}`] };
  const shorter = b.stormMs < scenarioMs ? `, at the scenario's rate for ${b.stormMs / 1000} s instead of ${scenarioMs / 1000} s (to keep the phase short)` : '';
  const fewer = b.clients < scenarioClients ? ` (${b.clients} clients, not ${scenarioClients}: one bare process holds no more; each sends more ops so the rate is the same)` : '';
  return {
    latencies: { [`${b.command} ack on the ${COMMAND_BASELINE_NAME} baseline`]: b.ackMs },
    notes: [
      `${COMMAND_BASELINE_NAME} baseline, same run, right after Rally's storm: ${b.clients} bare Socket.IO clients from the same load processes sent the same ${b.command} packets on the same schedule${shorter}${fewer} to a Socket.IO server with Rally's engine options that keeps the latest per participant in a Map and acks (bench/baseline-sio-commands.ts): ${b.ok} of ${b.sent} acked at ${b.ratePerS ?? '—'}/s (refused ${fmtCounts(b.refusals)}; ${b.timedOut} timed out), server CPU ${b.cpuMs ?? '—'} ms in all, ${b.lost} lost connections; phase ${b.phaseS} s. Its ratios are Rally's cost over the transport's: see docs/PERFORMANCE.md.`,
    ],
  };
}
