import { Hist } from '../lib/hist.js';
import { growthPerAttendee, snapshotTarget } from '../lib/heap.js';
import { KB, workerStats, type Check, type Figure, type Scenario } from '../lib/scenario.js';
import { round, sleep } from '../lib/util.js';
import { attendeesFor, broadcastRoundsFor } from './b0-broadcast.js';

const RSS_BUDGET_BYTES = 24 * KB;
const holdFor = (o: { quick: boolean; holdS: number | null }) => o.holdS ?? (o.quick ? 20 : 600);

/**
 * B1: the audience arrives and stays. N attendees join (tokens in bulk, before any socket), connect
 * in batches of 500, then hold their connections with Socket.IO heartbeats (a ping every 25 s)
 * while a few send an acked `snapshot:request` every few seconds, as a phone waking up would.
 * Targets (full size): 0 unexpected disconnects, at most 24 KB of server RSS per attendee.
 */
export const b1Connect: Scenario = {
  id: 'B1',
  title: 'Attendees connected and joined, holding with heartbeats',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 70_000 : 45 * 60_000) + holdFor(o) * 1000,
  // The hold, its margin, and some seconds to join and ramp.
  minMs: (o) => holdFor(o) * 1000 + 30_000,
  async run(ctx) {
    const n = attendeesFor(ctx.opts);
    const plannedHoldS = holdFor(ctx.opts);
    const probeEveryMs = ctx.opts.quick ? 2000 : 5000;
    const { audience: a, fresh } = await ctx.audience(n, { reserveMs: plannedHoldS * 1000 + 15_000 });
    const { target, workers, join, ramp, mem } = a;
    // If setting up the audience ate into the budget, hold for what is left rather than be cut off.
    const holdS = Math.max(1, Math.min(plannedHoldS, Math.floor((ctx.remainingMs() - 15_000) / 1000)));
    const before = await workerStats(workers);

    ctx.log(`holding ${ramp.connected} connections for ${holdS} s`);
    await target.eldReset();
    const h0 = target.procSample();
    const holding = workers.all('hold', () => ({ durationMs: holdS * 1000, probeEveryMs, probesPerTick: 10, probeCommand: 'snapshot:request' }), holdS * 1000 + 60_000);
    let holdDone = false;
    void holding.then(
      () => (holdDone = true),
      () => (holdDone = true),
    );
    // Server RSS over the hold, to see growth (a leak, or heartbeats that allocate); bounded by the hold.
    const series: string[] = [];
    const every = Math.max(5, Math.ceil(holdS / 12));
    for (let t = every; t < holdS && !holdDone; t += every) {
      await Promise.race([sleep(every * 1000), holding.catch(() => {})]);
      if (holdDone) break;
      const x = target.procSample();
      series.push(`${Math.round((x.at - h0.at) / 1000)} s: ${round(x.rssBytes / 2 ** 20, 1)} MB`);
    }
    const held = await holding;
    const h1 = target.procSample();
    const eld = await target.eldRead();
    const steady = await target.sample(true);
    const after = await workerStats(workers);
    const heapGrowth = a.heapEmpty && ramp.connected ? growthPerAttendee(a.heapEmpty, await snapshotTarget(target, 'loaded'), ramp.connected) : null;

    const probe = Hist.mergeAll(held.map((x) => x.probeAckMs));
    const probesFailed = held.reduce((acc, x) => acc + x.probesFailed, 0);
    const probeErrors = held.flatMap((x) => x.probeErrors).slice(0, 5);
    const c = ramp.connected;
    const per = (bytes: number) => (c ? bytes / c : null);
    const kb = (x: number | null) => round(x === null ? null : x / KB, 1);
    // Steady state: after the hold and a forced GC, against the server before anyone joined. The
    // join part is per joined participant and the socket part per connected one, so a partial
    // ramp does not charge 10,000 stored participants to the few hundred who got a socket.
    const joinedN = join.joined;
    const perJoined = (bytes: number) => (joinedN ? bytes / joinedN : null);
    const perAttendee = (joinedPart: number, socketPart: number) => (c && joinedN ? joinedPart / joinedN + socketPart / c : null);
    const rssPer = perAttendee(mem.joined.rssBytes - mem.empty.rssBytes, steady.rssBytes - mem.joined.rssBytes);
    const heapPer = perAttendee(mem.joined.heapUsedBytes - mem.empty.heapUsedBytes, steady.heapUsedBytes - mem.joined.heapUsedBytes);
    const rssPerAfterRamp = perAttendee(mem.joined.rssBytes - mem.empty.rssBytes, mem.connected.rssBytes - mem.joined.rssBytes);
    const rssPerJoined = perJoined(mem.joined.rssBytes - mem.empty.rssBytes);
    const heapPerJoined = perJoined(mem.joined.heapUsedBytes - mem.empty.heapUsedBytes);
    const holdCpuPct = ((h1.cpuMs - h0.cpuMs) / (h1.at - h0.at)) * 100;
    const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
    const pings = after.pings - before.pings;
    const heartbeatsExpected = holdS >= 25;
    const connectedNow = after.connected;

    const figures: Figure[] = [
      { key: 'connected', label: 'connected and joined / expected', value: `${c} / ${n}`, headline: true },
      { key: 'joinTime', label: `join: ${n} × POST /api/join (32 in flight per load process)`, value: round(join.ms / 1000, 1), unit: 's' },
      { key: 'rampTime', label: 'ramp: everyone connected with a snapshot (batches of 500)', value: round(ramp.rampMs / 1000, 1), unit: 's' },
      { key: 'connectP99', label: 'connect → snapshot p99 (in a batch of 500)', value: round(ramp.connectMs.percentile(99), 1), unit: 'ms', vs: 'connectP99' },
      { key: 'cpuPerConn', label: 'server CPU per connection (handshake → snapshot)', value: round(ramp.cpuPerConnMs, 2), unit: 'ms' },
      { key: 'cpuPerConnGrowth', label: 'server CPU per connection, first batch → last batch', value: `${round(ramp.cpuPerConnFirstMs, 2)} → ${round(ramp.cpuPerConnLastMs, 2)}`, unit: 'ms' },
      { key: 'eldRamp', label: 'event-loop delay during the ramp p99 / max', value: `${round(ramp.eld.worst.p99, 1)} / ${round(ramp.eld.worst.max, 1)}`, unit: 'ms' },
      { key: 'rssPerAttendee', label: 'server RSS per attendee, steady (after the hold, after GC)', value: kb(rssPer), unit: 'KB', vs: 'rssPerConnKB', headline: true },
      { key: 'heapPerAttendee', label: 'server heap per attendee, steady (after GC)', value: kb(heapPer), unit: 'KB', vs: 'heapPerConnKB' },
      { key: 'rssPerAttendeeRamp', label: 'server RSS per attendee right after the ramp (after GC)', value: kb(rssPerAfterRamp), unit: 'KB' },
      { key: 'perJoined', label: 'of which joining alone, RSS / heap (participant stored, no socket)', value: `${kb(rssPerJoined)} / ${kb(heapPerJoined)}`, unit: 'KB' },
      ...(steady.redisRssBytes !== null ? [{ key: 'redisRss', label: 'redis-server RSS with everyone connected', value: round(steady.redisRssBytes / 2 ** 20, 1), unit: 'MB' }] : []),
      { key: 'holdCpu', label: 'server CPU while holding (heartbeats + probes)', value: round(holdCpuPct, 1), unit: '% of a core' },
      { key: 'eldHold', label: 'event-loop delay while holding p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms' },
      { key: 'probeP99', label: 'snapshot:request ack round trip p99', value: round(probe.percentile(99), 1), unit: 'ms', headline: true },
      { key: 'pings', label: 'heartbeats (engine.io pings) received by clients', value: pings },
      { key: 'unexpected', label: 'unexpected disconnects', value: unexpected, headline: true },
      { key: 'clientRss', label: 'load-process RSS per client socket (informational)', value: kb(per(after.rssBytes)), unit: 'KB' },
    ];
    const checks: Check[] = [
      ...(holdS < plannedHoldS ? [{ label: 'held for the planned time', target: `${plannedHoldS} s`, actual: `${holdS} s (out of time)`, pass: false }] : []),
      { label: 'connected and joined', target: `${n} (100 %)`, actual: `${c} at the start, ${connectedNow} at the end`, pass: c === n && connectedNow === n },
      { label: 'unexpected disconnects', target: '0', actual: `${unexpected}${unexpected ? ` (${JSON.stringify(after.disconnectReasons)})` : ''}`, pass: unexpected === 0 },
      ...(a.heapEmpty ? [] : [{ label: 'server RSS per attendee', target: '≤ 24 KB', actual: `${kb(rssPer)} KB`, pass: rssPer !== null && rssPer <= RSS_BUDGET_BYTES, indicative: n < 10_000 }]),
      { label: 'probes answered', target: 'all', actual: `${probe.n} ok, ${probesFailed} failed`, pass: probesFailed === 0 && probe.n > 0 },
      ...(heartbeatsExpected ? [{ label: 'heartbeats happened', target: '> 0 pings', actual: `${pings}`, pass: pings > 0 }] : []),
    ];
    return {
      params: { attendees: n, holdS, probeEveryMs, probesPerTickPerLoadProcess: 10, loadProcesses: workers.count, batch: 500, audienceFrom: fresh ? 'this scenario' : a.createdBy },
      figures,
      latencies: {
        'connect (open → snapshot)': ramp.connectMs.summary(),
        'snapshot:request ack (probes while holding)': probe.summary(),
      },
      checks,
      notes: [
        `Server RSS during the hold: ${series.join(', ') || 'n/a (hold too short to sample)'}.`,
        ...(a.heapEmpty ? ['--heap-snapshot: writing the empty server\'s snapshot grows its RSS by tens of MB for good, so the RSS figures of this run are not meaningful; heap figures are.'] : []),
        ...(ramp.stopReason === 'time' ? [`The ramp ran out of time after ${ramp.connected} of ${n} connections (${round(ramp.cpuPerConnMs, 1)} ms of server CPU each): the figures are for the smaller audience.`] : []),
        ...(ramp.stopReason === 'failures' ? [`The ramp stopped after ${ramp.connected} of ${n} connections: more than half of a batch failed (${ramp.errors.join('; ')}). The figures are for the smaller audience.`] : []),
        `Ramp batches (connected/attempted, seconds, server CPU ms per connection): ${ramp.batches.map((x) => `${x.size}/${x.attempted} ${round(x.ms / 1000, 1)} s ${round(x.cpuMsPerConn, 1) ?? '—'}`).join('; ')}.`,
        ...(heartbeatsExpected ? [] : [`The hold (${holdS} s) is shorter than the ping interval (25 s): a client sees a heartbeat only if it was connected 25 s before the end, and at most one.`]),
        ...(join.failed ? [`${join.failed} joins failed: ${join.errors.join('; ')}`] : []),
        ...(ramp.failed ? [`${ramp.failed} connections failed: ${ramp.errors.join('; ')}`] : []),
        ...(probeErrors.length ? [`probe errors: ${probeErrors.join('; ')}`] : []),
      ],
      baseline: { clients: n, rounds: broadcastRoundsFor(ctx.opts), frames: a.frames },
      ...(heapGrowth
        ? {
            tables: [
              {
                title: 'Server heap growth per attendee by type (heap snapshots: empty server vs after the hold; self sizes)',
                columns: ['type', 'objects per attendee', 'bytes per attendee'],
                rows: heapGrowth.map((r) => [r.type, r.perAttendee, r.bytesPerAttendee]),
              },
            ],
          }
        : {}),
    };
  },
};
