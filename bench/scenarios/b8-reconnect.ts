import { Hist } from '../lib/hist.js';
import { workerStats, type Check, type Figure, type Scenario } from '../lib/scenario.js';
import { round, sleep } from '../lib/util.js';
import { attendeesFor } from './b0-broadcast.js';
import { COMMAND_BASELINE_NAME, runReconnectBaseline, type ReconnectBaselineResult } from '../lib/command-baseline.js';

const BACK_WITHIN_MS = 10_000;
const ELD_P99_MS = 250;
/** Issue 18: server CPU per reconnection (disconnect, handshake, snapshot). */
const CPU_PER_RECONNECT_MS = 0.8;

/**
 * B8: the venue Wi-Fi blinks. Every attendee's TCP connection is destroyed at the same instant
 * (no close handshake); each client reconnects with the web client's backoff (500 ms to 5 s,
 * jittered) and must get a snapshot of its own identity back. Targets: 100 % back within 10 s with
 * their state; server event-loop delay p99 ≤ 250 ms during the storm; 0.8 ms of server CPU per
 * reconnection (issue 18). Then the same storm on the bare Socket.IO command server (same clients,
 * backoff and snapshot size: lib/command-baseline.ts), so the report puts what the transport alone
 * needs beside Rally's figures.
 */
export const b8Reconnect: Scenario = {
  id: 'B8',
  title: 'Reconnect storm: everyone drops and comes back',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 60_000 : 45 * 60_000),
  minMs: () => BACK_WITHIN_MS + 10_000,
  async run(ctx) {
    const n = attendeesFor(ctx.opts);
    // Quick runs stop waiting just past the target (a miss is a miss); full runs wait to see how long it takes.
    const waitMs = ctx.opts.quick ? BACK_WITHIN_MS + 1000 : 180_000;
    // The bare clients of an earlier storm's baseline stay: B8's own baseline reuses them (60 s at most, below).
    const { audience: a, fresh } = await ctx.audience(n, { reserveMs: waitMs + 6000 + 65_000, keepBareCommands: true });
    const { target, workers } = a;
    const waitFor = Math.max(BACK_WITHIN_MS, Math.min(waitMs, ctx.remainingMs() - 8000));
    const before = await workerStats(workers);
    // Let whatever ran before (ramp tail, broadcasts) settle so the storm is measured alone.
    await sleep(500);

    ctx.log(`dropping ${before.connected} connections at once`);
    await target.eldReset();
    const s0 = target.procSample();
    const r = await workers.all('drop', () => ({ timeoutMs: waitFor }), waitFor + 30_000);
    const s1 = target.procSample();
    const eld = await target.eldRead();
    await sleep(1000);
    const after = await workerStats(workers);
    const snapshotBytes = Math.max(0, ...r.map((x) => x.snapshotBytes ?? 0));
    const bare: ReconnectBaselineResult | null = snapshotBytes > 0 ? await runReconnectBaseline(ctx, a, n, { timeoutMs: Math.min(waitFor, 60_000), snapshotBytes }) : null;
    const bareOk = bare && !bare.error && bare.back === bare.dropped && bare.dropped > 0 ? bare : null;

    const backMs = Hist.mergeAll(r.map((x) => x.backMs));
    const dropped = r.reduce((a, x) => a + x.dropped, 0);
    const back = r.reduce((a, x) => a + x.back, 0);
    const stateOk = r.reduce((a, x) => a + x.stateOk, 0);
    const recovered = r.reduce((a, x) => a + x.recovered, 0);
    const attempts = r.reduce((a, x) => a + x.reconnectAttempts, 0);
    const errors = r.flatMap((x) => x.errors).slice(0, 5);
    const withinTarget = backMs.max <= BACK_WITHIN_MS && back === dropped;
    const cpuMs = s1.cpuMs - s0.cpuMs;
    const stormS = (s1.at - s0.at) / 1000;
    const unexpectedAfter = after.unexpectedDisconnects - before.unexpectedDisconnects;
    // Clients still away (or reconnecting) must not be handed to a later scenario.
    if (back !== dropped || after.connected !== n) a.spoiled = `B8 left ${n - after.connected} of ${n} clients disconnected`;

    const cpuPerReconnect = back ? cpuMs / back : null;
    const beside = (f: Figure, v: number | null | undefined, digits: number): Figure => {
      const bareV = bareOk && v !== null && v !== undefined ? round(v, digits) : null;
      return { ...f, bareCmd: bareV, cmdRatio: typeof f.value === 'number' && bareV ? round(f.value / bareV, 1) : null };
    };
    const bareText = (v: number | null | undefined, unit: string, digits: number) => (bareOk && v !== null && v !== undefined ? ` (${COMMAND_BASELINE_NAME}: ${round(v, digits)} ${unit})` : '');
    const figures: Figure[] = [
      { key: 'back', label: 'back with their own snapshot / dropped', value: `${back} / ${dropped}`, headline: true },
      { key: 'backP50', label: 'drop → snapshot p50', value: round(backMs.percentile(50), 0), unit: 'ms' },
      beside({ key: 'backP99', label: 'drop → snapshot p99', value: round(backMs.percentile(99), 0), unit: 'ms' }, bare?.backMs.p99, 0),
      beside({ key: 'backMax', label: 'drop → snapshot max (everyone back)', value: round(backMs.n ? backMs.max : null, 0), unit: 'ms', headline: true }, bare?.backMs.max, 0),
      { key: 'stateOk', label: 'snapshot names the same participant and event', value: `${stateOk} / ${back}` },
      { key: 'recovered', label: 'Socket.IO connection-state recovered (rooms and missed packets kept)', value: `${recovered} / ${back}` },
      { key: 'attempts', label: 'reconnection attempts (1 per client is ideal)', value: attempts },
      { key: 'eld', label: 'server event-loop delay during the storm p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms', headline: true },
      beside({ key: 'cpuPerReconnect', label: 'server CPU per reconnection (disconnect + handshake + snapshot)', value: round(cpuPerReconnect, 2), unit: 'ms', headline: true }, bare?.cpuPerReconnectMs, 3),
      { key: 'snapshotBytes', label: 'snapshot size (JSON, one sample per load process)', value: snapshotBytes || null, unit: 'B' },
      { key: 'cpuStorm', label: 'server CPU during the storm', value: `${round(cpuMs / 1000, 1)} s over ${round(stormS, 1)} s` },
      { key: 'unexpected', label: 'unexpected disconnects after everyone was back', value: unexpectedAfter },
    ];
    const checks: Check[] = [
      { label: 'connected before the drop', target: `${n}`, actual: `${before.connected}`, pass: before.connected === n },
      { label: 'back with their state', target: '100 %', actual: `${dropped ? round((100 * stateOk) / dropped, 2) : 0} %`, pass: dropped > 0 && stateOk === dropped },
      { label: 'everyone back within 10 s', target: '≤ 10,000 ms', actual: `${round(backMs.n ? backMs.max : null, 0)} ms (${back}/${dropped})${bareText(bare?.backMs.max, 'ms', 0)}`, pass: withinTarget },
      { label: 'server CPU per reconnection', target: `≤ ${CPU_PER_RECONNECT_MS} ms`, actual: `${round(cpuPerReconnect, 2)} ms${bareText(bare?.cpuPerReconnectMs, 'ms', 3)}`, pass: cpuPerReconnect !== null && cpuPerReconnect <= CPU_PER_RECONNECT_MS },
      { label: 'event-loop delay p99 during the storm', target: `≤ ${ELD_P99_MS} ms`, actual: `${round(eld.worst.p99, 1)} ms`, pass: eld.worst.p99 !== null && eld.worst.p99 <= ELD_P99_MS },
      { label: 'no disconnects after the storm', target: '0', actual: `${unexpectedAfter}`, pass: unexpectedAfter === 0 },
    ];
    return {
      params: { attendees: n, loadProcesses: workers.count, reconnectionDelay: '500 ms → 5 s, jitter 0.5', waitMs: waitFor, audienceFrom: fresh ? 'this scenario' : a.createdBy },
      figures,
      latencies: { 'drop → snapshot': backMs.summary(), ...(bareOk ? { [`drop → snapshot on the ${COMMAND_BASELINE_NAME} baseline`]: bareOk.backMs } : {}) },
      checks,
      notes: [
        ...(errors.length ? [`errors: ${errors.join('; ')}`] : []),
        bare === null
          ? `The ${COMMAND_BASELINE_NAME} reconnect baseline did not run: no snapshot size measured.`
          : bare.error
            ? `The ${COMMAND_BASELINE_NAME} reconnect baseline did not run: ${bare.error}`
            : `${COMMAND_BASELINE_NAME} baseline, same run, right after Rally's storm: ${bare.dropped} bare Socket.IO clients from the same load processes, with the same backoff, lost their connection at once and came back to a Socket.IO server with Rally's engine options that sends each a ${bare.snapshotBytes}-byte snapshot on connecting and does nothing else (bench/baseline-sio-commands.ts): ${bare.back} of ${bare.dropped} back, the last at ${round(bare.backMs.max, 0)} ms (p99 ${round(bare.backMs.p99, 0)} ms), ${bare.reconnectAttempts} attempts, server CPU ${bare.cpuMs ?? '—'} ms in all (${round(bare.cpuPerReconnectMs, 3)} ms per reconnection); phase ${bare.phaseS} s${bare.errors.length ? `; errors: ${bare.errors.join('; ')}` : ''}.`,
      ],
    };
  },
};
