/**
 * `npm run bench [-- options]`: load scenarios against real Rally processes with real
 * socket.io-client connections from separate load processes, compared with a bare `ws` server.
 * See docs/PERFORMANCE.md. Not part of `npm test`.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { AudiencePool } from './lib/audience.js';
import { bundleAll } from './lib/bundle.js';
import { BASELINE_MAX_CLIENTS, BASELINE_NAME, applyBaselines, cappedBaseline, runBaseline, type BaselineResult } from './lib/baseline.js';
import { markOwnCpu, ownCpuSince } from './lib/own-cpu.js';
import { loadAverage, systemBusyMs } from './lib/proc.js';
import { gitInfo, machineInfo, stdoutSummary, writeReport, type Report } from './lib/report.js';
import { applyReferences, deriveResult, runScenario, type BaselineRequest, type RunOptions, type ScenarioResult } from './lib/scenario.js';
import type { Mode } from './lib/target.js';
import { ROOT, setHrBase } from './lib/util.js';
import { SCENARIOS } from './scenarios/index.js';

const HELP = `Usage: npm run bench -- [options]

  --quick               small version (1,000 attendees, 20 s hold), under two minutes
  --only B1,B8          run only these scenarios (B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 B10; B10 brings B2 and B3)
  --mode M              embedded | cluster | both (default both)
  --attendees N         audience size for B0–B6 and B8, per node for B9 (default 1,000 quick / 10,000 full)
  --hold S              B1 hold in seconds (default 20 quick / 600 full)
  --rounds N            broadcasts in B0, poll launches in B2, and the baselines' rounds (default 20 quick / 50 full)
  --workers N           load processes, 1 or 2 (default: 1 up to 2,000 clients, else 2)
  --cpu-prof            write a V8 CPU profile of each server to bench/results/<run>-<process>.cpuprofile
  --heap-snapshot       B1: heap snapshots of the empty and the loaded server, growth per
                        attendee by type (quick sizes; the server stalls while it writes)
  --tsx                 run the servers through tsx as \`npm start\` does (default: an esbuild
                        bundle of the same sources; see docs/PERFORMANCE.md)
  --baseline-max N      most clients one baseline process holds (default 10,000: one bare server
                        process cannot hold 20,000 sockets within 20,000 open files); a larger
                        audience (B9) is compared with the largest baseline run, per recipient
  --out DIR             report directory (default bench/results)
  -h, --help`;

function parse(): { opts: RunOptions; modes: Mode[]; only: string[] | null; out: string; tsx: boolean } {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      attendees: { type: 'string' },
      hold: { type: 'string' },
      rounds: { type: 'string' },
      workers: { type: 'string' },
      'baseline-max': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      tsx: { type: 'boolean', default: false },
      'heap-snapshot': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number, max: number): number | null => {
    if (v === undefined) return null;
    const n = Number(v.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const mode = values.mode;
  if (mode !== 'embedded' && mode !== 'cluster' && mode !== 'both') throw new Error('--mode must be embedded, cluster or both');
  const only = values.only ? values.only.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : null;
  const known = new Set(SCENARIOS.map((s) => s.id));
  for (const id of only ?? []) if (!known.has(id)) throw new Error(`unknown scenario ${id} (known: ${[...known].join(', ')})`);
  // A report view needs what it reads: --only B10 runs B2 and B3 too.
  for (const id of [...(only ?? [])]) for (const r of SCENARIOS.find((s) => s.id === id)?.requires ?? []) if (!only!.includes(r)) only!.push(r);
  const out = values.out ?? join(ROOT, 'bench/results');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    opts: {
      quick: values.quick,
      attendees: int('attendees', values.attendees, 1, 20_000),
      holdS: int('hold', values.hold, 1, 3600),
      rounds: int('rounds', values.rounds, 1, 1000),
      workers: int('workers', values.workers, 1, 2),
      baselineMaxClients: int('baseline-max', values['baseline-max'], 1, 20_000) ?? BASELINE_MAX_CLIENTS,
      cpuProfDir: values['cpu-prof'] ? out : null,
      stamp,
      bundles: null,
      heapSnapshot: values['heap-snapshot'],
    },
    tsx: values.tsx,
    modes: mode === 'both' ? ['embedded', 'cluster'] : [mode],
    only,
    out,
  };
}

async function main() {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    process.exit(2);
  }
  const { opts, modes, only, out, tsx } = parsed;
  setHrBase(process.hrtime.bigint());
  if (!tsx) opts.bundles = await bundleAll({ sourcemap: Boolean(opts.cpuProfDir) });
  const startedAt = new Date();
  const t0 = Date.now();
  const loadStart = loadAverage();
  const busy0 = systemBusyMs();
  const own0 = markOwnCpu();
  const log = (m: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${m}`);
  // The quick run promises to finish in under two minutes: scenarios that would not fit are
  // skipped (and say so), and the bare-ws baseline at the end keeps its slot.
  const runDeadline = opts.quick ? t0 + 100_000 : Infinity;
  const baselineDeadline = opts.quick ? t0 + 104_000 : Infinity;

  const pool = new AudiencePool(opts, opts.quick ? 5 * 60_000 : 6 * 3600_000);
  const baselineRequests = new Map<string, BaselineRequest>();
  const requestBaseline = (want: BaselineRequest) => {
    // One bare process holds at most opts.baselineMaxClients sockets: B9's 2 × N is measured against the capped run.
    const r = cappedBaseline(want, opts.baselineMaxClients);
    const key = `${r.clients}/${r.rounds}/${Buffer.byteLength(r.frames[0]!)}`;
    if (!baselineRequests.has(key)) baselineRequests.set(key, r);
  };
  const results: ScenarioResult[] = [];
  const baselines: BaselineResult[] = [];

  let finished = false;
  /** Writes the report once: at the normal end, or from the quick run's watchdog. */
  const finish = (cutShort: boolean, why = '') => {
    if (finished) return;
    finished = true;
    applyBaselines(results, baselines);
    applyReferences(results);
    // Report views (B10) are read last, once the results they read have their ratios.
    results.forEach((r, i) => {
      const s = SCENARIOS.find((x) => x.id === r.id);
      if (s?.derive) results[i] = deriveResult(s, r.mode, results);
    });
    const finishedAt = new Date();
    const wallMs = finishedAt.getTime() - startedAt.getTime();
    const otherPct = Math.max(0, Math.round(((systemBusyMs() - busy0 - ownCpuSince(own0)) / wallMs) * 100));
    const report: Report = {
      format: 'rally-bench/1',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationS: Math.round(wallMs / 100) / 10,
      argv: process.argv.slice(2),
      options: opts,
      machine: machineInfo(loadStart, otherPct),
      git: gitInfo(),
      baselines,
      results,
    };
    const files = writeReport(report, out);
    console.log(stdoutSummary(report, files));
    if (cutShort) console.log(`  ${why}: the report holds what finished before`);
    // A missed target is a finding, not a crash; only a scenario that could not run fails the command.
    // Exiting kills every child the runner started (see spawn.ts and workers.ts).
    process.exit(cutShort || results.some((r) => r.status === 'error') ? 1 : 0);
  };
  // The quick run's promise is absolute: whatever is still running at 117 s is abandoned.
  if (opts.quick) setTimeout(() => finish(true, 'the quick run hit its two-minute watchdog'), t0 + 117_000 - Date.now()).unref();
  // Ctrl-C on a long run still leaves a report of what finished.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => finish(true, `interrupted by ${sig}`));

  const selectedEarly = SCENARIOS.filter((s) => (!only || only.includes(s.id)) && !s.pending && !s.derive);
  if (opts.quick) for (const m of modes) if (selectedEarly.some((s) => s.modes.includes(m))) pool.prestart(m);
  const selected = SCENARIOS.filter((s) => !only || only.includes(s.id));
  log(`${opts.quick ? 'quick' : 'full'} run: ${selected.map((s) => s.id).join(' ')} in ${modes.join(' + ')} mode`);

  for (const mode of modes) {
    for (const s of selected) {
      if (!s.modes.includes(mode)) continue;
      if (s.derive) {
        // Takes no time; recomputed in finish() once baselines and references are in.
        results.push(deriveResult(s, mode, results));
        continue;
      }
      const left = runDeadline - Date.now();
      if (!s.pending && left < (s.minMs?.(opts) ?? 30_000)) {
        results.push({
          id: s.id,
          title: s.title,
          mode,
          status: 'skipped',
          params: {},
          figures: [],
          latencies: {},
          checks: [],
          notes: ['skipped: the quick run is out of time (it must finish within two minutes)'],
          durationS: 0,
          environment: { otherProcessesCpuPct: null, loadavgAtEnd: loadAverage() },
        });
        continue;
      }
      if (!s.pending) log(`${s.id} ${mode}: ${s.title}`);
      const r = await runScenario(s, mode, opts, pool, log, Math.min(s.budgetMs(opts), left), requestBaseline);
      if (r.status !== 'not-implemented') log(`${s.id} ${mode}: ${r.status} (${r.durationS} s)${r.error ? `: ${r.error.split('\n')[0]}` : ''}`);
      results.push(r);
    }
    // The next mode starts on an idle machine.
    await pool.release();
  }
  await pool.close();

  // Bare ws first: the targets are ratios to it. Then bare Socket.IO, shown beside it so the report
  // splits Rally's cost into Socket.IO's (ws → Socket.IO) and Rally's own (Socket.IO → Rally).
  for (const kind of ['ws', 'sio'] as const) {
    for (const req of baselineRequests.values()) {
      if (Date.now() > baselineDeadline) {
        log(`${BASELINE_NAME[kind]} baseline for ${req.clients} clients skipped: out of time`);
        continue;
      }
      baselines.push(await runBaseline(req, opts, log, kind));
    }
  }
  finish(false);
}

main().catch((e: unknown) => {
  console.error('bench failed:', e);
  process.exit(1);
});
