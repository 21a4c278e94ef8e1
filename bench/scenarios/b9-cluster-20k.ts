import type { Check, Figure, ResultTable, Scenario, ScenarioOutput } from '../lib/scenario.js';
import { openFilesSoftLimit } from '../lib/report.js';
import { round } from '../lib/util.js';
import { attendeesFor } from './b0-broadcast.js';
import { runPollLaunch } from './b2-poll-launch.js';
import { runVoteStorm } from './b3-vote-storm.js';

const CLUSTER_CPU_RATIO = 1.25;
/** Open files a Rally node needs besides its sockets (SQLite or Redis connections, logs, the agent). */
const FD_MARGIN = 500;

/** One part's output, its keys and labels prefixed so several parts fit in one result. */
function part(tag: string, o: ScenarioOutput, keyTag = tag.toLowerCase()) {
  const key = (k: string) => `${keyTag}.${k}`;
  return {
    figures: o.figures.map((f): Figure => ({ ...f, key: key(f.key), label: `${tag}: ${f.label}` })),
    checks: o.checks.map((c): Check => ({ ...c, label: `${tag}: ${c.label}`, ...(c.ratio ? { ratio: { ...c.ratio, figure: key(c.ratio.figure) } } : {}) })),
    latencies: Object.fromEntries(Object.entries(o.latencies ?? {}).map(([k, v]) => [`${tag}: ${k}`, v])),
    notes: (o.notes ?? []).map((x) => `${tag}: ${x}`),
  };
}

const num = (o: ScenarioOutput, key: string): number | null => {
  const v = o.figures.find((f) => f.key === key)?.value;
  return typeof v === 'number' ? v : null;
};
/** B2's launch p99: the server-stamped one when facts carry the stamp (what B2 checks), else the runner's. */
const launchP99 = (o: ScenarioOutput) => num(o, 'stampedP99') ?? num(o, 'latencyP99');
const passed = (o: ScenarioOutput, prefix: string) => o.checks.filter((c) => c.label.startsWith(prefix)).every((c) => c.pass);
/** Every delivery and every vote exactly once: B2's delivered and exactly-once checks, B3's 0 lost and 0 double-counted. */
const exact = (b2: ScenarioOutput, b3: ScenarioOutput) =>
  passed(b2, 'delivered / expected') && passed(b2, 'exactly once') && passed(b3, '0 lost') && passed(b3, '0 double-counted');

/** The side-by-side rows: [label, unit, two nodes, one node]; lower is better for each. */
function compare(two: { b2: ScenarioOutput; b3: ScenarioOutput }, one: { b2: ScenarioOutput; b3: ScenarioOutput }) {
  return [
    ['B2 poll:launched one-way latency p99', 'ms', launchP99(two.b2), launchP99(one.b2)],
    ['B2 server CPU per recipient (nodes + redis-server)', 'µs', num(two.b2, 'cpuPerMsgTotal'), num(one.b2, 'cpuPerMsgTotal')],
    ['B3 vote ack p99', 'ms', num(two.b3, 'ackP99'), num(one.b3, 'ackP99')],
    // Per vote in the tally, not per vote acked ok: an overloaded node stores votes it then answers UNAVAILABLE (past the command deadline).
    ['B3 server CPU per vote stored (nodes + redis-server)', 'ms', num(two.b3, 'cpuPerStoredTotal'), num(one.b3, 'cpuPerStoredTotal')],
  ] as const;
}

/**
 * B9: the cluster at twice the single-node audience (2 × N over two nodes and a spawned
 * redis-server; 20,000 at full size), running B2 and B3 as they are. Every B2 and B3 check must
 * hold, and the cluster's total CPU per recipient (both nodes and redis-server) must stay within
 * 1.25× one node's, i.e. embedded B2 in the same run. Per recipient, because the two runs have
 * different audiences: the target is that scaling out costs at most 25 % more per delivered
 * message, not that 20,000 recipients cost what 10,000 do. The cluster-mode B2 at N (one
 * audience over two nodes) is in the report too, for the same comparison at equal size.
 *
 * Then, as a reference (issue 18 item 4: "report B9 beside a one-node run of the same total
 * size"), the same B2 and B3 on ONE Rally node in cluster mode (the Redis store, one redis-server)
 * with the same 2 × N attendees and load processes, reported side by side with the two-node run:
 * launch p99, CPU per recipient, ack p99, CPU per vote, exactness, two nodes / one node, and
 * whether two nodes did better. Its own checks are not B9's (it is the yardstick, not the system
 * under test); its B3 runs without the bare command baseline, which does not depend on Rally's
 * nodes and which the two-node run has. It runs when the budget has the time the two-node half
 * took (+20 %) left, else the report says it was skipped (a quick run, usually).
 */
export const b9Cluster20k: Scenario = {
  id: 'B9',
  title: 'Cluster: 2 × N attendees over two nodes + Redis (B2 and B3 hold), beside one node of the same size',
  modes: ['cluster'],
  budgetMs: (o) => (o.quick ? 90_000 : 240 * 60_000),
  minMs: () => 60_000,
  async run(ctx) {
    const n = 2 * attendeesFor(ctx.opts);
    const t0 = Date.now();
    // The two-node half's ramp leaves half of what is left for the one-node reference run.
    const b2out = await runPollLaunch(ctx, n, { nodes: 2, reserveMs: ctx.opts.quick ? 15_000 : 15_000 + ctx.remainingMs() / 2 });
    const b2 = part('B2', b2out);
    const b3out = await runVoteStorm(ctx, n, { nodes: 2 });
    const b3 = part('B3', b3out);
    const twoMs = Date.now() - t0;
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
    const figures: Figure[] = [...b2.figures, ...b3.figures];
    let latencies = { ...b2.latencies, ...b3.latencies };
    const notes = [...b2.notes, ...b3.notes];
    const tables: ResultTable[] = [];

    const needMs = 1.2 * twoMs + 10_000;
    // One Rally process holds every socket of the reference run, plus its own files (store, logs, redis).
    const fdLimit = openFilesSoftLimit();
    if (fdLimit !== null && n + FD_MARGIN > fdLimit) {
      notes.push(`The one-node reference run was skipped: one process may open ${fdLimit} files here, and ${n} sockets need more (it would fail connections, not measure). Run B9 with --attendees ${Math.floor((fdLimit - FD_MARGIN) / 2)} or fewer for the side-by-side.`);
      figures.push({ key: 'vsOneNode', label: 'two nodes vs one node of the same size', value: `not measured (${n} sockets exceed one process's ${fdLimit} open files)`, headline: true });
    } else if (ctx.remainingMs() < needMs) {
      notes.push(`The one-node reference run was skipped: ${round(ctx.remainingMs() / 1000, 0)} s left in the budget, the two-node half took ${round(twoMs / 1000, 0)} s.`);
      figures.push({ key: 'vsOneNode', label: 'two nodes vs one node of the same size', value: 'not measured (no time left for the one-node run)', headline: true });
    } else {
      ctx.log(`one-node reference: the same B2 and B3 on one Rally node + redis-server, ${n} attendees`);
      const r2 = await runPollLaunch(ctx, n, { nodes: 1 });
      const r3 = await runVoteStorm(ctx, n, { nodes: 1, commandBaseline: false });
      const ref2 = part('B2 (1 node)', r2, 'one.b2');
      const ref3 = part('B3 (1 node)', r3, 'one.b3');
      figures.push(...ref2.figures, ...ref3.figures);
      latencies = { ...latencies, ...ref2.latencies, ...ref3.latencies };
      notes.push(...ref2.notes, ...ref3.notes.filter((x) => !x.includes('baseline did not run')));
      const rows = compare({ b2: b2out, b3: b3out }, { b2: r2, b3: r3 });
      const ratio = (two: number | null, one: number | null) => (two !== null && one !== null && one > 0 ? round(two / one, 2) : null);
      const better: string[] = [];
      const worse: string[] = [];
      tables.push({
        title: `Two nodes beside one node, cluster mode, the same ${n} attendees (lower is better)`,
        columns: ['figure', 'two nodes', 'one node', 'two / one'],
        rows: [
          ...rows.map(([label, unit, two, one]) => {
            const r = ratio(two, one);
            if (r !== null) (r < 1 ? better : worse).push(`${label.split(' ')[0]} ${label.replace(/^B\d /, '').replace(/ \(.*\)$/, '')} ×${r}`);
            return [`${label}, ${unit}`, two, one, r];
          }),
          ['every delivery and every vote exactly once (B2 delivered, B3 tally = votes acked ok)', exact(b2out, b3out) ? 'yes' : 'no', exact(r2, r3) ? 'yes' : 'no', null],
          ['B3 votes acked ok / attendees', b3out.figures.find((f) => f.key === 'votes')?.value ?? null, r3.figures.find((f) => f.key === 'votes')?.value ?? null, null],
        ],
      });
      for (const [label, unit, two, one] of rows) {
        const r = ratio(two, one);
        figures.push({ key: `vs1.${label.split(' ')[0]!.toLowerCase()}.${label.includes('CPU') ? 'cpu' : 'p99'}`, label: `two nodes / one node: ${label} (${two ?? '—'} vs ${one ?? '—'} ${unit})`, value: r });
      }
      const verdict = better.length && !worse.length ? 'yes' : !better.length && worse.length ? 'no' : better.length ? 'mixed' : 'not measured';
      figures.push({
        key: 'vsOneNode',
        label: 'did two nodes do better than one of the same size? (same machine, same cores)',
        value: `${verdict}${better.length ? `; better: ${better.join(', ')}` : ''}${worse.length ? `; not better: ${worse.join(', ')}` : ''}`,
        headline: true,
      });
      notes.push(
        `One-node reference run (issue 18 item 4): the same B2 and B3 on one Rally node with the Redis store and one redis-server, ${n} attendees from the same number of load processes. Both runs share this machine's cores with redis-server and the load processes, so two nodes can only do better where one node's event loop was the bottleneck; see docs/PERFORMANCE.md (B9).`,
      );
    }
    return {
      params: { attendees: n, nodes: 2, perNode: n / 2, store: 'Redis (spawned redis-server)', reference: 'the same B2 + B3 on one node, same attendees' },
      figures,
      latencies,
      checks,
      notes,
      ...(tables.length ? { tables } : {}),
      // B2's frames at 2 × N clients: its ratio check is against that bare-ws run.
      ...(b2out.baseline ? { baseline: b2out.baseline } : {}),
      // B3's bare Socket.IO command baseline (its figures carry the ratios already).
      ...(b3out.commandBaseline ? { commandBaseline: b3out.commandBaseline } : {}),
    };
  },
};
