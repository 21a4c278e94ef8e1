import type { Check, Figure, Scenario, ScenarioOutput } from '../lib/scenario.js';
import { attendeesFor } from './b0-broadcast.js';
import { runPollLaunch } from './b2-poll-launch.js';
import { runVoteStorm } from './b3-vote-storm.js';

const CLUSTER_CPU_RATIO = 1.25;

/** One part's output, its keys and labels prefixed so two parts fit in one result. */
function part(tag: string, o: ScenarioOutput) {
  const key = (k: string) => `${tag.toLowerCase()}.${k}`;
  return {
    figures: o.figures.map((f): Figure => ({ ...f, key: key(f.key), label: `${tag}: ${f.label}` })),
    checks: o.checks.map((c): Check => ({ ...c, label: `${tag}: ${c.label}`, ...(c.ratio ? { ratio: { ...c.ratio, figure: key(c.ratio.figure) } } : {}) })),
    latencies: Object.fromEntries(Object.entries(o.latencies ?? {}).map(([k, v]) => [`${tag}: ${k}`, v])),
    notes: (o.notes ?? []).map((x) => `${tag}: ${x}`),
  };
}

/**
 * B9: the cluster at twice the single-node audience (2 × N over two nodes and a spawned
 * redis-server; 20,000 at full size), running B2 and B3 as they are. Every B2 and B3 check must
 * hold, and the cluster's total CPU per recipient (both nodes and redis-server) must stay within
 * 1.25× one node's, i.e. embedded B2 in the same run. Per recipient, because the two runs have
 * different audiences: the target is that scaling out costs at most 25 % more per delivered
 * message, not that 20,000 recipients cost what 10,000 do. The cluster-mode B2 at N (one
 * audience over two nodes) is in the report too, for the same comparison at equal size.
 */
export const b9Cluster20k: Scenario = {
  id: 'B9',
  title: 'Cluster: 2 × N attendees over two nodes + Redis (B2 and B3 hold)',
  modes: ['cluster'],
  budgetMs: (o) => (o.quick ? 90_000 : 120 * 60_000),
  minMs: () => 60_000,
  async run(ctx) {
    const n = 2 * attendeesFor(ctx.opts);
    const b2out = await runPollLaunch(ctx, n);
    const b2 = part('B2', b2out);
    const b3out = await runVoteStorm(ctx, n);
    const b3 = part('B3', b3out);
    const checks: Check[] = [
      ...b2.checks,
      {
        label: 'total CPU per recipient (both nodes + redis-server) vs one node (embedded B2, this run)',
        target: `≤ ×${CLUSTER_CPU_RATIO}`,
        actual: '',
        pass: false,
        ref: { figure: 'b2.cpuPerMsgTotal', id: 'B2', mode: 'embedded', refFigure: 'cpuPerMsg', max: CLUSTER_CPU_RATIO },
        indicative: n < 20_000,
      },
      ...b3.checks,
    ];
    return {
      params: { attendees: n, nodes: 2, perNode: n / 2, store: 'Redis (spawned redis-server)' },
      figures: [...b2.figures, ...b3.figures],
      latencies: { ...b2.latencies, ...b3.latencies },
      checks,
      notes: [...b2.notes, ...b3.notes],
      // B2's frames at 2 × N clients: its ratio check is against that bare-ws run.
      ...(b2out.baseline ? { baseline: b2out.baseline } : {}),
      // B3's bare Socket.IO command baseline (its figures carry the ratios already).
      ...(b3out.commandBaseline ? { commandBaseline: b3out.commandBaseline } : {}),
    };
  },
};
