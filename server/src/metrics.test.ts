import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, ErrorCode } from '@rally/shared';
import { createMetrics } from './metrics.js';

const DASHBOARD = fileURLToPath(new URL('../../ops/grafana-rally.json', import.meta.url));

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard, rows' panels included. */
function expressions(panels: Panel[]): { title: string; expr: string }[] {
  return panels.flatMap((p) => [...(p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })), ...expressions(p.panels ?? [])]);
}

/** The series names a metric is scraped as: a histogram's _bucket, _sum and _count; a summary's _sum and _count. */
async function exportedSeries(): Promise<{ series: Set<string>; ours: string[] }> {
  const metrics = createMetrics({ defaultMetrics: true });
  const series = new Set<string>();
  const ours: string[] = [];
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const name = m.name;
    const type = String(m.type);
    series.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) series.add(name + s);
    if (!/^rally_(nodejs|process)_/.test(name)) ours.push(name);
  }
  return { series, ours };
}

describe('Grafana dashboard (ops/grafana-rally.json)', () => {
  it('[OPS26] every panel expression names only metrics this server exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const exprs = expressions(dashboard.panels);
    expect(exprs.length).toBeGreaterThan(0);
    const { series } = await exportedSeries();
    for (const { title, expr } of exprs) {
      const names = expr.match(/\brally_[a-z0-9_]+/g) ?? [];
      expect(names.length, `panel "${title}" reads no Rally metric`).toBeGreaterThan(0);
      for (const n of names) expect(series.has(n), `panel "${title}" reads ${n}, which is not exported`).toBe(true);
    }
  });

  it('[OPS26] every metric Rally defines is on the dashboard', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const all = expressions(dashboard.panels).map((e) => e.expr).join('\n');
    const { ours } = await exportedSeries();
    for (const name of ours) expect(all, `${name} has no panel`).toMatch(new RegExp(`\\b${name}(_bucket|_sum|_count)?\\b`));
  });
});

describe('metrics module', () => {
  it('[OPS20] every command, error code, store operation and webhook outcome has its series from the start, at zero', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const text = await metrics.registry.metrics();
    for (const name of COMMAND_NAMES) {
      expect(text).toContain(`rally_commands_total{command="${name}",outcome="ok"} 0`);
      expect(text).toContain(`rally_command_ack_seconds_count{command="${name}"} 0`);
    }
    for (const code of Object.values(ErrorCode)) expect(text).toContain(`rally_command_errors_total{code="${code}"} 0`);
    expect(text).toContain('rally_store_seconds_count{op="durable"} 0');
    expect(text).toContain('rally_livekit_webhooks_total{outcome="applied"} 0');
  });

  it('[OPS24] a code outside the shared error codes is not made a label value (counted as INTERNAL)', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.commandAnswered('poll:vote', 'SOMETHING_ELSE', 0.002);
    metrics.commandAnswered('not:a:command' as never, 'BAD_REQUEST', 0.002);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('SOMETHING_ELSE');
    expect(text).not.toContain('not:a:command');
    expect(text).toMatch(/rally_command_errors_total\{code="INTERNAL"\} 1\b/);
    expect(text).toMatch(/rally_commands_total\{command="poll:vote",outcome="error"\} 1\b/);
  });
});
