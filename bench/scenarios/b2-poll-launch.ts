import { Hist } from '../lib/hist.js';
import { staffOf } from '../lib/audience.js';
import { idleCpuRate, nobodyConnected, collect, workerStats, type Check, type Figure, type Scenario, type ScenarioContext, type ScenarioOutput } from '../lib/scenario.js';
import { createPoll } from '../lib/storm.js';
import { hrMs, round, sleep, withTimeout } from '../lib/util.js';
import { attendeesFor, broadcastRoundsFor } from './b0-broadcast.js';

const P99_MS = 250;
const CPU_RATIO = 1.3;
const ROUND_TIMEOUT_MS = 15_000;

/** Same length for every round (padded to `len`), so every poll:launched frame has the same size. */
const questionFor = (k: number, len = 0) => `Bench poll ${String(k).padStart(3, '0')}: which option do you pick?`.padEnd(len, '.');
const MAX_QUESTION = 200;

/**
 * B2 (and B9's first half): a presenter launches a poll; every attendee must receive
 * `poll:launched`. Per round: a draft made beforehand (staff-only facts, not measured) is launched
 * by a presenter; the round ends when every watched client has it; then the poll is closed (and
 * the close's fan-out waited for) outside the measured window, so one poll is live at a time as
 * on a real stage. Server CPU is sampled around each launch only, minus the idle rate. One-way
 * latency: from the runner's send of poll:launch (trigger-stamped) and, when the server stamps
 * facts, from the server's stamp (the fan-out alone). The bare-ws baseline broadcasts the very
 * frames the presenter's socket received, to the same number of clients.
 */
export async function runPollLaunch(ctx: ScenarioContext, n: number, opts: { nodes?: number; reserveMs?: number } = {}): Promise<ScenarioOutput> {
  const rounds = broadcastRoundsFor(ctx.opts);
  const { audience: a } = await ctx.audience(n, { reserveMs: opts.reserveMs ?? 15_000, ...(opts.nodes ? { nodes: opts.nodes } : {}) });
  if (a.ramp.connected === 0) return nobodyConnected(n, a.ramp.stopReason === 'time' ? 'the ramp ran out of time' : 'no connection succeeded');
  const { target, workers } = a;
  const staff = staffOf(a);
  const before = await workerStats(workers);

  // The exact frames on the wire (with whatever follows the payload: the server's stamp, the
  // connection-state-recovery offset), for the baseline.
  const frames: string[] = [];
  const presenter = await staff.first('presenter');
  const onLaunched = (payload: unknown, ...extra: unknown[]) => {
    if (frames.length < 2) frames.push(`42${JSON.stringify(['poll:launched', payload, ...extra])}`);
  };
  presenter.on('poll:launched', onLaunched);

  // An unmeasured warm-up launch shows how long poll:launched is on the wire; the rounds' questions
  // are then padded so their frame is exactly as long as B0's event:updated frame, and B2 shares
  // B0's bare-ws run (baselines are keyed by clients, rounds and frame size). A quick run has time
  // for one baseline run, not two.
  const warm = await createPoll(staff, questionFor(0), true);
  await staff.command('presenter', 'poll:launch', { pollId: warm.id });
  for (let i = 0; i < 100 && frames.length === 0; i++) await sleep(20);
  await staff.command('presenter', 'poll:close', { pollId: warm.id });
  const want = Buffer.byteLength(a.frames[0]!);
  const padTo = frames[0] ? questionFor(0).length + want - Buffer.byteLength(frames[0]) : 0;
  const len = padTo >= questionFor(0).length && padTo <= MAX_QUESTION ? padTo : 0;
  frames.length = 0;
  await sleep(300);

  ctx.log(`${rounds} poll drafts`);
  const polls = [];
  for (let k = 0; k < rounds; k++) polls.push(await createPoll(staff, questionFor(k + 1, len), true));

  await workers.all('watch', () => ({ fact: 'poll:launched', max: rounds }), 30_000);
  await workers.all('watch', () => ({ fact: 'poll:closed', max: rounds }), 30_000);
  const idleMsPerMs = (await idleCpuRate(target)).msPerMs;

  ctx.log(`${rounds} launches to ${a.ramp.connected}`);
  await target.eldReset();
  const t0s: number[] = [];
  const launchAck = new Hist();
  let cpuMs = 0;
  let redisMs: number | null = a.target.redis ? 0 : null;
  let incomplete = 0;
  let closeFailures = 0;
  for (let k = 0; k < rounds; k++) {
    const s0 = await target.sample();
    t0s.push(hrMs());
    const launched = staff.command('presenter', 'poll:launch', { pollId: polls[k]!.id }).then((r) => launchAck.record(r.ms));
    const r = await workers.all('waitArrivals', () => ({ fact: 'poll:launched', count: k + 1, timeoutMs: ROUND_TIMEOUT_MS }), ROUND_TIMEOUT_MS + 10_000);
    await withTimeout(launched, ROUND_TIMEOUT_MS, 'poll:launch ack');
    const s1 = await target.sample();
    cpuMs += s1.cpuMs - s0.cpuMs - idleMsPerMs * (s1.at - s0.at);
    if (redisMs !== null && s1.redisCpuMs !== null && s0.redisCpuMs !== null) redisMs += s1.redisCpuMs - s0.redisCpuMs;
    if (r.some((x) => !x.complete)) incomplete++;
    // Unmeasured: close it (poll:closed and the final results go to everyone) and let that settle.
    try {
      await staff.command('presenter', 'poll:close', { pollId: polls[k]!.id });
      await workers.all('waitArrivals', () => ({ fact: 'poll:closed', count: k + 1, timeoutMs: ROUND_TIMEOUT_MS }), ROUND_TIMEOUT_MS + 10_000);
    } catch {
      closeFailures++;
    }
    await sleep(100);
  }
  presenter.off('poll:launched', onLaunched);
  const eld = await target.eldRead();
  const c = await collect(workers, 'poll:launched', t0s);
  const after = await workerStats(workers);

  const stamped = c.stampedLatency.n > 0;
  const lat = c.latency.summary();
  const st = c.stampedLatency.summary();
  const checked = stamped ? st : lat;
  const cpuPerMsgUs = c.delivered ? (cpuMs / c.delivered) * 1000 : null;
  const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
  const full = n >= 10_000;

  const figures: Figure[] = [
    { key: 'delivered', label: 'delivered / expected', value: `${c.delivered} / ${c.expected}`, headline: true },
    { key: 'latencyP50', label: 'one-way latency p50 (presenter send → attendee receive)', value: round(lat.p50, 1), unit: 'ms', vs: 'latencyP50' },
    { key: 'latencyP95', label: 'one-way latency p95', value: round(lat.p95, 1), unit: 'ms' },
    { key: 'latencyP99', label: 'one-way latency p99', value: round(lat.p99, 1), unit: 'ms', vs: 'latencyP99', headline: !stamped },
    { key: 'latencyMax', label: 'one-way latency max', value: round(lat.max, 1), unit: 'ms', vs: 'latencyMax' },
    ...(stamped
      ? [
          { key: 'stampedP50', label: 'one-way latency p50 (server stamp → attendee receive)', value: round(st.p50, 1), unit: 'ms' },
          { key: 'stampedP99', label: 'one-way latency p99 (server stamp → attendee receive)', value: round(st.p99, 1), unit: 'ms', headline: true },
          { key: 'stampedMax', label: 'one-way latency max (server stamp → attendee receive)', value: round(st.max, 1), unit: 'ms' },
        ]
      : []),
    { key: 'cpuPerMsg', label: 'server CPU per recipient (delivered message)', value: round(cpuPerMsgUs, 2), unit: 'µs', vs: 'cpuPerMessageUs', headline: true },
    { key: 'cpuPerBroadcast', label: 'server CPU per launch (the command included)', value: round(cpuMs / rounds, 2), unit: 'ms', ...(c.watching === n ? { vs: 'cpuPerBroadcastMs' as const } : {}) },
    ...(redisMs !== null
      ? [
          { key: 'redisCpuPerBroadcast', label: 'redis-server CPU per launch (/proc, 10 ms ticks)', value: round(redisMs / rounds, 2), unit: 'ms' },
          { key: 'cpuPerMsgTotal', label: 'all server CPU per recipient (nodes + redis-server)', value: round(c.delivered ? ((cpuMs + redisMs) / c.delivered) * 1000 : null, 2), unit: 'µs' },
        ]
      : []),
    { key: 'ackP99', label: 'poll:launch ack round trip p99 (presenter)', value: round(launchAck.percentile(99), 1), unit: 'ms' },
    { key: 'eld', label: 'server event-loop delay during the launches p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms' },
    { key: 'payload', label: 'poll:launched frame', value: frames[0] ? Buffer.byteLength(frames[0]) : null, unit: 'bytes' },
    { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
  ];
  const checks: Check[] = [
    { label: 'delivered / expected, to every attendee', target: `100 % of ${n} × ${rounds}`, actual: `${c.delivered} of ${c.expected} to ${c.watching} connected of ${n}`, pass: c.expected > 0 && c.delivered === c.expected && c.watching === n },
    { label: 'exactly once (no duplicates; every client saw every launch)', target: '0 extra', actual: `${c.extra} extra, ${c.clientsComplete}/${c.watching} complete`, pass: c.extra === 0 && c.clientsComplete === c.watching },
    {
      label: `one-way latency p99 (${stamped ? 'server-stamped' : 'trigger-stamped: the server sends no stamp'})`,
      target: `≤ ${P99_MS} ms`,
      actual: `${round(checked.p99, 1)} ms`,
      pass: checked.p99 !== null && checked.p99 <= P99_MS,
      indicative: !full,
    },
    { label: 'server CPU per recipient vs bare ws (same frames, same clients)', target: `≤ ×${CPU_RATIO}`, actual: '', pass: false, ratio: { figure: 'cpuPerMsg', max: CPU_RATIO }, indicative: !full },
    { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
  ];
  return {
    params: { attendees: n, nodes: a.nodes, rounds, loadProcesses: workers.count, payloadBytes: frames[0] ? Buffer.byteLength(frames[0]) : null, audienceFrom: a.createdBy },
    figures,
    latencies: {
      'one-way (presenter send → attendee receive)': lat,
      ...(stamped ? { 'one-way (server stamp → attendee receive)': st } : {}),
      'poll:launch ack (presenter)': launchAck.summary(),
    },
    checks,
    notes: [
      stamped
        ? 'Facts carried the server’s hrtime stamp (RALLY_BENCH_STAMPS=1): the checked p99 is the fan-out alone; the presenter-send figures add the command path.'
        : 'Facts carried no server stamp, so one-way latency is stamped by the runner as poll:launch leaves: it includes the command path (validation, idempotency record, store write) before the fan-out.',
      'Each poll is closed after its round, outside the measured window; server CPU is sampled around each launch only, minus the idle rate.',
      ...(incomplete ? [`${incomplete} of ${rounds} rounds timed out before every client had the poll.`] : []),
      ...(closeFailures ? [`${closeFailures} polls could not be closed (or their close did not reach everyone in time).`] : []),
      ...(frames.length === 0 ? ['The presenter socket saw no poll:launched, so there are no frames for the baseline.'] : []),
    ],
    ...(frames.length ? { baseline: { clients: n, rounds, frames } } : {}),
  };
}

export const b2PollLaunch: Scenario = {
  id: 'B2',
  title: 'Poll launch to every attendee vs bare ws',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 40_000 : 45 * 60_000),
  minMs: () => 15_000,
  run: (ctx) => runPollLaunch(ctx, attendeesFor(ctx.opts)),
};
