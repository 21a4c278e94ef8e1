import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BASELINE_NAME, type BaselineResult } from './baseline.js';
import { COMMAND_BASELINE_NAME } from './command-baseline.js';
import type { Summary } from './hist.js';
import type { RunOptions, ScenarioResult } from './scenario.js';
import { ROOT, round } from './util.js';

export interface Report {
  format: 'rally-bench/1';
  startedAt: string;
  finishedAt: string;
  durationS: number;
  argv: string[];
  options: RunOptions;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    openFilesLimit: string | null;
    loadavgAtStart: number[];
    /** CPU used by processes the bench did not start, % of one core, averaged over the run. */
    otherProcessesCpuPct: number | null;
  };
  git: { commit: string | null; uncommittedFiles: number | null };
  baselines: BaselineResult[];
  results: ScenarioResult[];
}

/** This process's soft limit on open files (children inherit it), or null where /proc is not there. */
export function openFilesSoftLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line ? /(\d+)/.exec(line.slice('Max open files'.length)) : null;
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function machineInfo(loadavgAtStart: number[], otherProcessesCpuPct: number | null): Report['machine'] {
  let limit: string | null = null;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line ? /(\d+)\s+(\d+)/.exec(line) : null;
    limit = m ? `soft ${m[1]}, hard ${m[2]}` : null;
  } catch {
    // not Linux
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1)!,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    openFilesLimit: limit,
    loadavgAtStart,
    otherProcessesCpuPct,
  };
}

export function gitInfo(): Report['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, uncommittedFiles: dirty };
  } catch {
    return { commit: null, uncommittedFiles: null };
  }
}

const STATUS: Record<ScenarioResult['status'], string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', 'not-implemented': 'TODO', skipped: 'SKIP' };
const cell = (v: unknown) => (v === null || v === undefined ? '—' : String(v).replace(/\|/g, '\\|'));
const ms = (x: number | null) => (x === null ? '—' : `${round(x, x < 10 ? 2 : 1)}`);

export function headline(r: ScenarioResult): string {
  if (r.status === 'not-implemented' || r.status === 'skipped') return r.notes[0] ?? '';
  if (r.status === 'error') return r.error ?? 'error';
  return r.figures
    .filter((f) => f.headline)
    .map((f) => `${f.label} ${f.value ?? '—'}${f.unit && f.value !== null ? ` ${f.unit}` : ''}${f.ratio != null ? ` (×${f.ratio} bare ws)` : ''}${f.cmdRatio != null ? ` (×${f.cmdRatio} ${COMMAND_BASELINE_NAME})` : ''}`)
    .join(' · ');
}

function latencyTable(lat: Record<string, Summary>): string[] {
  const rows = Object.entries(lat).filter(([, s]) => s && s.n > 0);
  if (!rows.length) return [];
  return [
    '| series (ms) | n | p50 | p95 | p99 | max |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows.map(([k, s]) => `| ${cell(k)} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`),
    '',
  ];
}

export function toMarkdown(rep: Report): string {
  const L: string[] = [];
  L.push(`# Rally bench — ${rep.startedAt.slice(0, 19).replace('T', ' ')} UTC (${rep.options.quick ? 'quick' : 'full'})`, '');
  L.push(
    `${rep.machine.cpus} × ${rep.machine.cpuModel}, ${rep.machine.memoryGiB} GiB, Node ${rep.machine.node}, open files ${rep.machine.openFilesLimit ?? '?'}; ` +
      `git ${rep.git.commit ?? '?'}${rep.git.uncommittedFiles ? ` + ${rep.git.uncommittedFiles} uncommitted files` : ''}; ` +
      `load average at start ${rep.machine.loadavgAtStart.join(' ')}; ran ${rep.durationS} s: \`npm run bench -- ${rep.argv.join(' ')}\``,
    '',
  );
  const noise = rep.machine.otherProcessesCpuPct;
  if (noise !== null && noise > 20) {
    L.push(`> **Noisy machine:** processes the bench did not start used ${noise} % of one core on average during this run (of ${rep.machine.cpus * 100} %). Latencies, ramp times and CPU figures are inflated accordingly; memory figures and delivery counts are not.`, '');
  }
  L.push('## Summary', '', '| scenario | mode | status | headline | other CPU load |', '|---|---|---|---|--:|');
  for (const r of rep.results) {
    if (r.status === 'not-implemented') continue;
    const other = r.environment.otherProcessesCpuPct;
    L.push(`| ${r.id} ${cell(r.title)} | ${r.mode} | ${STATUS[r.status]} | ${cell(headline(r))} | ${other === null ? '—' : `${other} %`} |`);
  }
  const pending = pendingOnce(rep.results);
  if (pending.length) {
    L.push('', 'Not yet implemented:', '');
    for (const r of pending) L.push(`- ${r.id} ${r.title}: ${r.notes[0]?.replace(/^not yet implemented: /, '') ?? ''}`);
  }
  L.push('', `"other CPU load": CPU used by processes the bench did not start, in % of one core, averaged over the scenario (2 cores = 200 %). Ratios are Rally / bare ws (storm scenarios: Rally / ${COMMAND_BASELINE_NAME}, measured in the same scenario): lower is better.`, '');

  for (const r of rep.results) {
    if (r.status === 'not-implemented' || r.status === 'skipped') continue;
    L.push(`## ${r.id} — ${r.title} (${r.mode})`, '');
    L.push(`${STATUS[r.status]} in ${r.durationS} s. Parameters: ${Object.entries(r.params).map(([k, v]) => `${k} ${v}`).join(', ') || '—'}.`, '');
    if (r.error) L.push('```', r.error.slice(0, 3000), '```', '');
    if (r.figures.length) {
      // ws → Socket.IO → Rally: the bare Socket.IO columns, when that baseline ran, split Rally's
      // ratio; the command baseline's columns (storm scenarios) put Rally's commands beside bare ones.
      const withBase = r.figures.some((f) => f.baseline !== undefined);
      const withSio = withBase && r.figures.some((f) => f.bareSio !== undefined);
      const withCmd = r.figures.some((f) => f.bareCmd !== undefined);
      const x = (ratio: number | null | undefined) => (ratio == null ? '' : `×${ratio}`);
      const pair = (v: number | null | undefined, ratio: number | null | undefined) => `${v === undefined ? '' : cell(v)} | ${x(ratio)}`;
      const heads = ['figure', 'value', ...(withBase ? ['bare ws', 'ratio'] : []), ...(withSio ? ['bare Socket.IO', 'ratio'] : []), ...(withCmd ? [COMMAND_BASELINE_NAME, 'ratio'] : [])];
      L.push(`| ${heads.join(' | ')} |`, `|---|${heads.slice(1).map(() => '--:').join('|')}|`);
      for (const f of r.figures) {
        const v = `${cell(f.value)}${f.unit && f.value !== null ? ` ${f.unit}` : ''}`;
        const cols = [cell(f.label), v, ...(withBase ? [pair(f.baseline, f.ratio)] : []), ...(withSio ? [pair(f.bareSio, f.sioRatio)] : []), ...(withCmd ? [pair(f.bareCmd, f.cmdRatio)] : [])];
        L.push(`| ${cols.join(' | ')} |`);
      }
      L.push('');
    }
    L.push(...latencyTable(r.latencies));
    if (r.checks.length) {
      L.push('| check | target | actual | |', '|---|---|---|---|');
      for (const c of r.checks) L.push(`| ${cell(c.label)} | ${cell(c.target)} | ${cell(c.actual)} | ${c.pass ? 'pass' : 'FAIL'}${c.indicative ? ' (indicative at this size)' : ''} |`);
      L.push('');
    }
    for (const n of r.notes) L.push(`- ${n}`);
    if (r.notes.length) L.push('');
    for (const t of r.tables ?? []) {
      L.push(`${t.title}:`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map((_, i) => (i ? '--:' : '---')).join('|')}|`);
      for (const row of t.rows) L.push(`| ${row.map(cell).join(' | ')} |`);
      L.push('');
    }
  }

  if (rep.baselines.length) {
    L.push('## Baselines: bare ws, bare Socket.IO', '');
    L.push('| server | clients | rounds | payload | delivered | one-way p50 | p99 | max | CPU/message | CPU/broadcast | RSS/conn | heap/conn |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const b of rep.baselines) {
      const name = BASELINE_NAME[b.kind ?? 'ws'];
      if (b.error) {
        L.push(`| ${name} | error: ${cell(b.error)} |`);
        continue;
      }
      const m = b.metrics;
      L.push(
        `| ${name} | ${b.clients} | ${b.rounds} | ${b.payloadBytes} B | ${b.delivered}/${b.expected} | ${ms(b.latencyMs.p50)} ms | ${ms(b.latencyMs.p99)} ms | ${ms(b.latencyMs.max)} ms | ${m.cpuPerMessageUs ?? '—'} µs | ${m.cpuPerBroadcastMs ?? '—'} ms | ${m.rssPerConnKB ?? '—'} KB | ${m.heapPerConnKB ?? '—'} KB |`,
      );
    }
    L.push('');
  }
  const cmd = rep.results.filter((r) => r.commandBaseline);
  if (cmd.length) {
    L.push(`## Baselines: ${COMMAND_BASELINE_NAME} (run inside each storm scenario)`, '');
    L.push('| scenario | mode | command | clients | acked / sent | rate | window | CPU/command | ack p50 | ack p99 | lost | phase |', '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const r of cmd) {
      const b = r.commandBaseline!;
      if (b.error) {
        L.push(`| ${r.id} | ${r.mode} | ${b.command} | error: ${cell(b.error)} |`);
        continue;
      }
      L.push(`| ${r.id} | ${r.mode} | ${b.command} | ${b.clients} | ${b.ok} / ${b.sent} | ${b.ratePerS ?? '—'}/s | ${b.stormMs / 1000} s | ${b.cpuPerCommandMs === null ? '—' : round(b.cpuPerCommandMs * 1000, 1)} µs | ${ms(b.ackMs.p50)} ms | ${ms(b.ackMs.p99)} ms | ${b.lost} | ${b.phaseS} s |`);
    }
    L.push('');
  }
  return L.join('\n');
}

export function writeReport(rep: Report, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const name = rep.startedAt.replace(/[:.]/g, '-').replace(/Z$/, 'Z');
  const json = join(dir, `${name}${rep.options.quick ? '-quick' : ''}.json`);
  const md = json.replace(/\.json$/, '.md');
  writeFileSync(json, JSON.stringify(rep, null, 2) + '\n');
  writeFileSync(md, toMarkdown(rep) + '\n');
  copyFileSync(json, join(dir, 'latest.json'));
  copyFileSync(md, join(dir, 'latest.md'));
  return { json, md };
}

/** Scenarios waiting for server features, once each (they are listed per mode in results). */
function pendingOnce(results: ScenarioResult[]): ScenarioResult[] {
  const seen = new Set<string>();
  return results.filter((r) => r.status === 'not-implemented' && !seen.has(r.id) && seen.add(r.id));
}

/** The short stdout summary: one line per scenario and mode, failed checks under it. */
export function stdoutSummary(rep: Report, files: { json: string; md: string }): string {
  const noise = rep.machine.otherProcessesCpuPct;
  const L: string[] = ['', `Rally bench (${rep.options.quick ? 'quick' : 'full'}) — ${rep.durationS} s${noise !== null && noise > 20 ? ` — other processes used ${noise}% of a core meanwhile` : ''}`];
  for (const r of rep.results) {
    if (r.status === 'not-implemented') continue;
    L.push(`  ${r.id.padEnd(4)} ${r.mode.padEnd(9)} ${STATUS[r.status].padEnd(5)} ${headline(r)}`);
    for (const c of r.checks.filter((c) => !c.pass)) L.push(`         ✗ ${c.label}: ${c.actual} (target ${c.target})${c.indicative ? ' [indicative]' : ''}`);
    if ((r.environment.otherProcessesCpuPct ?? 0) > 20) L.push(`         ! other processes used ${r.environment.otherProcessesCpuPct}% of a core meanwhile`);
  }
  for (const r of pendingOnce(rep.results)) L.push(`  ${r.id.padEnd(4)} ${'—'.padEnd(9)} TODO  ${r.notes[0] ?? ''}`);
  for (const b of rep.baselines) {
    const name = BASELINE_NAME[b.kind ?? 'ws'];
    if (b.error) L.push(`  ${name}  ${b.clients} clients: ${b.error}`);
    else L.push(`  ${name}  ${b.clients} clients: delivered ${b.delivered}/${b.expected}, one-way p99 ${ms(b.latencyMs.p99)} ms, CPU ${b.metrics.cpuPerMessageUs} µs/message, RSS ${b.metrics.rssPerConnKB} KB/conn`);
  }
  L.push(`  report: ${files.md}`, `          ${files.json}`, '');
  return L.join('\n');
}
