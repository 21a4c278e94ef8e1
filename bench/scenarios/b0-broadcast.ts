import { BROADCAST_NAMES, renameEvent } from '../lib/rally.js';
import { KB, broadcastRounds, collect, workerStats, type Check, type Figure, type Scenario } from '../lib/scenario.js';
import { round } from '../lib/util.js';

/** Broadcast rounds per run; B1 asks for the same so both share one baseline run. */
export const broadcastRoundsFor = (o: { quick: boolean; rounds: number | null }) => o.rounds ?? (o.quick ? 20 : 50);
export const attendeesFor = (o: { quick: boolean; attendees: number | null }) => o.attendees ?? (o.quick ? 1000 : 10_000);

/**
 * B0: a plain event-wide broadcast, measured against the bare `ws` baseline. The organiser renames
 * the event (`PATCH /api/events/:id`); every attendee receives `event:updated`. This trigger does
 * nothing per participant, so the cost is the fan-out (`session:setLive` would add two attendance
 * records per online participant). One-way latency = arrival in the attendee's load process minus
 * the moment the request left the runner, both on the host's monotonic clock. B2 (poll launch) is
 * this shape with `poll:launch` and `poll:launched`.
 */
export const b0Broadcast: Scenario = {
  id: 'B0',
  title: 'Broadcast fan-out (event:updated to every attendee) vs bare ws',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 60_000 : 45 * 60_000),
  minMs: () => 25_000,
  async run(ctx) {
    const n = attendeesFor(ctx.opts);
    const rounds = broadcastRoundsFor(ctx.opts);
    const { audience: a } = await ctx.audience(n, { reserveMs: 12_000 });
    const { target, workers, event: ev } = a;
    const url = target.urls[0]!;
    const before = await workerStats(workers);
    ctx.log(`${rounds} broadcasts to ${a.ramp.connected}`);
    await target.eldReset();
    const phase = await broadcastRounds({
      workers,
      target,
      fact: 'event:updated',
      rounds,
      gapMs: 50,
      roundTimeoutMs: 15_000,
      trigger: (k) => renameEvent(url, target.adminToken, ev.eventId, BROADCAST_NAMES[k % BROADCAST_NAMES.length]!),
    });
    const eld = await target.eldRead();
    const c = await collect(workers, 'event:updated', phase.t0s);
    const after = await workerStats(workers);

    const idleMs = (phase.idleCpuMsPerS * phase.windowMs) / 1000;
    const cpuMs = phase.after.cpuMs - phase.before.cpuMs - idleMs;
    const cpuPerMsgUs = c.delivered ? (cpuMs / c.delivered) * 1000 : null;
    const redisMs = phase.after.redisCpuMs !== null && phase.before.redisCpuMs !== null ? phase.after.redisCpuMs - phase.before.redisCpuMs : null;
    const connected = a.ramp.connected;
    const rssPerConn = connected ? (a.mem.connected.rssBytes - a.mem.joined.rssBytes) / connected : null;
    const heapPerConn = connected ? (a.mem.connected.heapUsedBytes - a.mem.joined.heapUsedBytes) / connected : null;
    const lat = c.latency.summary();
    const ack = phase.triggerAckMs.summary();
    const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;

    const figures: Figure[] = [
      { key: 'delivered', label: 'delivered / expected', value: `${c.delivered} / ${c.expected}`, headline: true },
      { key: 'latencyP50', label: 'one-way latency p50', value: round(lat.p50, 1), unit: 'ms', vs: 'latencyP50' },
      { key: 'latencyP99', label: 'one-way latency p99', value: round(lat.p99, 1), unit: 'ms', vs: 'latencyP99', headline: true },
      { key: 'latencyMax', label: 'one-way latency max', value: round(lat.max, 1), unit: 'ms', vs: 'latencyMax' },
      { key: 'cpuPerMsg', label: 'server CPU per delivered message', value: round(cpuPerMsgUs, 2), unit: 'µs', vs: 'cpuPerMessageUs', headline: true },
      // Per broadcast is only comparable with the baseline at the same audience size; per message always is.
      { key: 'cpuPerBroadcast', label: 'server CPU per broadcast (the request included)', value: round(cpuMs / rounds, 2), unit: 'ms', ...(c.watching === n ? { vs: 'cpuPerBroadcastMs' as const } : {}) },
      ...(redisMs !== null ? [{ key: 'redisCpuPerBroadcast', label: 'redis-server CPU per broadcast (/proc, 10 ms ticks)', value: round(redisMs / rounds, 2), unit: 'ms' }] : []),
      { key: 'ackP99', label: 'rename request round trip p99 (organiser API)', value: round(ack.p99, 1), unit: 'ms' },
      { key: 'eld', label: 'server event-loop delay during the broadcasts p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms' },
      { key: 'rssPerConn', label: 'server RSS per connection, socket only (after GC)', value: round(rssPerConn !== null ? rssPerConn / KB : null, 1), unit: 'KB', vs: 'rssPerConnKB' },
      { key: 'heapPerConn', label: 'server heap per connection, socket only (after GC)', value: round(heapPerConn !== null ? heapPerConn / KB : null, 1), unit: 'KB', vs: 'heapPerConnKB' },
      { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
    ];
    const checks: Check[] = [
      { label: 'delivered / expected, to every attendee', target: `100 % of ${n} × ${rounds}`, actual: `${c.delivered} of ${c.expected} to ${c.watching} connected of ${n}`, pass: c.expected > 0 && c.delivered === c.expected && c.watching === n },
      { label: 'exactly once (no duplicates; every client saw every round)', target: '0 extra', actual: `${c.extra} extra, ${c.clientsComplete}/${c.watching} complete`, pass: c.extra === 0 && c.clientsComplete === c.watching },
      { label: 'server CPU per recipient vs bare ws (B2 target, applied to today’s broadcast)', target: '≤ ×1.3', actual: '', pass: false, ratio: { figure: 'cpuPerMsg', max: 1.3 }, indicative: true },
      { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
    ];
    return {
      params: { attendees: n, rounds, gapMs: 50, loadProcesses: workers.count, payloadBytes: Buffer.byteLength(a.frames[0]!), audienceFrom: a.createdBy },
      figures,
      latencies: {
        'one-way (moderator send → attendee receive)': lat,
        ...(c.stampedLatency.n ? { 'one-way (server stamp → attendee receive)': c.stampedLatency.summary() } : {}),
        'rename request round trip (PATCH /api/events/:id)': ack,
      },
      checks,
      notes: [
        'One-way latency is stamped by the runner as the request leaves (facts carry no server hrtime stamp yet), so it includes the request path (HTTP, validation, store write) before the fan-out.',
        ...(phase.incompleteRounds ? [`${phase.incompleteRounds} rounds timed out before every client had them`] : []),
        ...(connected < n ? [`Only ${connected} of ${n} attendees were connected: the audience's ramp stopped (${a.ramp.stopReason === 'failures' ? 'more than half of a batch failed' : 'out of time'}; ${round(a.ramp.cpuPerConnMs, 1)} ms of server CPU per connection).`] : []),
      ],
      baseline: { clients: n, rounds, frames: a.frames },
    };
  },
};
