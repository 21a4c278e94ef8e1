import WebSocket from 'ws';
import { Hist, type Summary } from './hist.js';
import { broadcastRounds, collect, shares, statusOf, targetOptions, workerCount, type BaselineMetric, type BaselineRequest, type RunOptions, type ScenarioResult } from './scenario.js';
import { startBareWs } from './target.js';
import { startWorkers } from './workers.js';
import { errText, round, withTimeout } from './util.js';

export interface BaselineResult {
  clients: number;
  rounds: number;
  payloadBytes: number;
  connected: number;
  delivered: number;
  expected: number;
  latencyMs: Summary;
  connectMs: Summary;
  /** The figures Rally's are compared with, in the units of the matching Rally figures. */
  metrics: Partial<Record<BaselineMetric, number | null>>;
  durationS: number;
  error?: string;
}

/**
 * The bare `ws` baseline: the same clients machine, the same number of clients, the same payload
 * bytes, the same rounds, measured the same way. Run after the Rally scenarios, with no Rally
 * process alive, once per (clients, rounds).
 */
export async function runBaseline(req: BaselineRequest, opts: RunOptions, log: (m: string) => void): Promise<BaselineResult> {
  const started = Date.now();
  const { clients, rounds, frames } = req;
  log(`[baseline] bare ws: ${clients} clients, ${rounds} broadcasts of ${Buffer.byteLength(frames[0]!)} bytes`);
  const empty: BaselineResult = {
    clients,
    rounds,
    payloadBytes: Buffer.byteLength(frames[0]!),
    connected: 0,
    delivered: 0,
    expected: 0,
    latencyMs: new Hist().summary(),
    connectMs: new Hist().summary(),
    metrics: {},
    durationS: 0,
  };
  const target = await startBareWs(targetOptions(opts, 'baseline'));
  const workers = await startWorkers(workerCount(opts, clients), 10 * 60_000).catch(async (e: unknown) => {
    await target.stop();
    throw e;
  });
  let sender: WebSocket | null = null;
  try {
    const before = await target.sample(true);
    const per = shares(clients, workers.count);
    const opened = per.map(() => 0);
    let connected = 0;
    const connectHist = new Hist();
    // The same ramp as Rally's clients: batches of 500 in total.
    for (let done = 0; done < clients; done += 500) {
      const batch = shares(Math.min(500, clients - done), workers.count);
      const r = await workers.all('wsConnect', (i) => ({ url: target.urls[0]!, count: Math.min(batch[i]!, per[i]! - opened[i]!), timeoutMs: 60_000 }), 90_000);
      r.forEach((x, i) => {
        opened[i] = opened[i]! + x.connected + x.failed;
        connected += x.connected;
        connectHist.merge(x.connectMs);
      });
    }
    const full = await target.sample(true);

    sender = new WebSocket(target.urls[0]!.replace(/^http/, 'ws'), { perMessageDeflate: false });
    const s = sender;
    await withTimeout(new Promise((resolve, reject) => s.once('open', resolve).once('error', reject)), 10_000, 'baseline sender');
    const phase = await broadcastRounds({
      workers,
      target,
      fact: '__ws',
      rounds,
      gapMs: 50,
      roundTimeoutMs: 15_000,
      trigger: async (k) => {
        s.send(frames[k % frames.length]!);
        return null;
      },
    });
    const c = await collect(workers, '__ws', phase.t0s);
    const cpu = phase.after.cpuMs - phase.before.cpuMs - (phase.idleCpuMsPerS * phase.windowMs) / 1000;
    const lat = c.latency.summary();
    const conn = connectHist.summary();
    return {
      ...empty,
      connected,
      delivered: c.delivered,
      expected: c.expected,
      latencyMs: lat,
      connectMs: conn,
      metrics: {
        latencyP50: round(lat.p50, 1),
        latencyP99: round(lat.p99, 1),
        latencyMax: round(lat.max, 1),
        connectP99: round(conn.p99, 1),
        cpuPerMessageUs: c.delivered ? round((cpu / c.delivered) * 1000, 2) : null,
        cpuPerBroadcastMs: round(cpu / rounds, 2),
        rssPerConnKB: connected ? round((full.rssBytes - before.rssBytes) / connected / 1024, 1) : null,
        heapPerConnKB: connected ? round((full.heapUsedBytes - before.heapUsedBytes) / connected / 1024, 1) : null,
      },
      durationS: round((Date.now() - started) / 1000, 1)!,
    };
  } catch (e) {
    return { ...empty, error: errText(e), durationS: round((Date.now() - started) / 1000, 1)! };
  } finally {
    sender?.terminate();
    await target.stop();
    await workers.stop();
  }
}

/** Fills each result's baseline figures, ratios and ratio checks from the matching baseline run. */
export function applyBaselines(results: ScenarioResult[], baselines: BaselineResult[]): void {
  for (const r of results) {
    if (!r.baseline) continue;
    const want = r.baseline;
    // Same clients and rounds, and the same frame size where the result says which (B0's
    // event:updated and B2's poll:launched differ in size, so each has its own bare-ws run).
    const b = baselines.find((x) => x.clients === want.clients && x.rounds === want.rounds && (want.payloadBytes === undefined || x.payloadBytes === want.payloadBytes) && !x.error);
    for (const f of r.figures) {
      if (!f.vs) continue;
      const bv = b?.metrics[f.vs] ?? null;
      f.baseline = bv;
      f.ratio = typeof f.value === 'number' && bv !== null && bv > 0 ? round(f.value / bv, 2) : null;
    }
    for (const c of r.checks) {
      if (!c.ratio) continue;
      const f = r.figures.find((x) => x.key === c.ratio!.figure);
      if (!f || f.ratio == null) {
        c.actual = 'no baseline figure';
        c.pass = false;
      } else {
        c.actual = `×${f.ratio} (${f.value} vs ${f.baseline}${f.unit ? ` ${f.unit}` : ''})`;
        c.pass = f.ratio <= c.ratio.max;
      }
    }
    if (r.status === 'pass' || r.status === 'fail') r.status = statusOf(r.checks);
  }
}
