import WebSocket from 'ws';
import { io as sioClient, type Socket } from 'socket.io-client';
import { Hist, type Summary } from './hist.js';
import { broadcastRounds, collect, shares, statusOf, targetOptions, workerCount, type BaselineMetric, type BaselineRequest, type Figure, type RunOptions, type ScenarioResult } from './scenario.js';
import { startBare } from './target.js';
import { startWorkers } from './workers.js';
import { errText, round, withTimeout } from './util.js';

export type BaselineKind = 'ws' | 'sio';
export const BASELINE_NAME: Record<BaselineKind, string> = { ws: 'bare ws', sio: 'bare Socket.IO' };

export interface BaselineResult {
  /** ws: the target's reference (ratios, checks); sio: shown beside it, to split Socket.IO's cost from Rally's. */
  kind?: BaselineKind;
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
 * The most clients one baseline process is asked to hold. A bare server is one process and the
 * machine gives each process ~20,000 open files, so 20,000 clients (B9 at full size) never finish
 * connecting; 10,000 is what the full-size runs hold (the B0/B2 audience, so those still get an
 * equal-size baseline). CPU per delivered message hardly depends on the audience size (bare ws at 1,000 and
 * 10,000 differ by a few %), so a larger audience is compared with the largest baseline, per
 * recipient, and the report says so.
 */
export const BASELINE_MAX_CLIENTS = 10_000;

/** The baseline run a request gets: at most `max` clients, the rest of it unchanged. */
export const cappedBaseline = (req: BaselineRequest, max: number): BaselineRequest => (req.clients <= max ? req : { ...req, clients: max });

/** Connecting a baseline's clients may take this long in all (every batch included), then it is an error. */
export const baselineConnectBudgetMs = (clients: number): number => 60_000 + 10 * clients;

/**
 * A baseline: the same clients machine, the same number of clients, the same payload bytes, the
 * same rounds, measured the same way. Run after the Rally scenarios, with no Rally process alive,
 * once per (clients, rounds, frame size) and kind: bare `ws` (the reference of the targets) and
 * bare Socket.IO (what Socket.IO itself costs; its clients are socket.io-client, like Rally's).
 */
export async function runBaseline(req: BaselineRequest, opts: RunOptions, log: (m: string) => void, kind: BaselineKind = 'ws'): Promise<BaselineResult> {
  const started = Date.now();
  const { clients, rounds, frames } = req;
  log(`[baseline] ${BASELINE_NAME[kind]}: ${clients} clients, ${rounds} broadcasts of ${Buffer.byteLength(frames[0]!)} bytes`);
  const fact = kind === 'ws' ? '__ws' : '__sio';
  const empty: BaselineResult = {
    kind,
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
  const target = await startBare(kind, targetOptions(opts, 'baseline'));
  const workers = await startWorkers(workerCount(opts, clients), 10 * 60_000).catch(async (e: unknown) => {
    await target.stop();
    throw e;
  });
  let sender: { send: (frame: string) => void; close: () => void } | null = null;
  try {
    const before = await target.sample(true);
    const per = shares(clients, workers.count);
    const opened = per.map(() => 0);
    let connected = 0;
    const connectHist = new Hist();
    // The same ramp as Rally's clients: batches of 500 in total. Bounded overall, not per batch
    // (20 batches × 90 s is half an hour of a hung run): past the budget the baseline is an error.
    const budgetMs = baselineConnectBudgetMs(clients);
    const connectDeadline = Date.now() + budgetMs;
    for (let done = 0; done < clients; done += 500) {
      const left = connectDeadline - Date.now();
      if (left <= 1000) throw new Error(`${connected} of ${clients} clients connected within ${round(budgetMs / 1000, 0)} s`);
      const batch = shares(Math.min(500, clients - done), workers.count);
      const timeoutMs = Math.min(60_000, left);
      const r = await workers.all(kind === 'ws' ? 'wsConnect' : 'sioConnect', (i) => ({ url: target.urls[0]!, count: Math.min(batch[i]!, per[i]! - opened[i]!), timeoutMs }), timeoutMs + 10_000);
      r.forEach((x, i) => {
        opened[i] = opened[i]! + x.connected + x.failed;
        connected += x.connected;
        connectHist.merge(x.connectMs);
      });
    }
    if (connected < clients) throw new Error(`${connected} of ${clients} clients connected (${clients - connected} failed or timed out)`);
    const full = await target.sample(true);

    const s = (sender = await openSender(kind, target.urls[0]!));
    const phase = await broadcastRounds({
      workers,
      target,
      fact,
      rounds,
      gapMs: 50,
      roundTimeoutMs: 15_000,
      trigger: async (k) => {
        s.send(frames[k % frames.length]!);
        return null;
      },
    });
    const c = await collect(workers, fact, phase.t0s);
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
    sender?.close();
    await target.stop();
    await workers.stop();
  }
}

/** The trigger: a bare ws client sends the frame as is; a Socket.IO client asks the relay to broadcast it. */
async function openSender(kind: BaselineKind, url: string): Promise<{ send: (frame: string) => void; close: () => void }> {
  if (kind === 'ws') {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), { perMessageDeflate: false });
    await withTimeout(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), 10_000, 'baseline sender');
    return { send: (f) => ws.send(f), close: () => ws.terminate() };
  }
  const s: Socket = sioClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { relay: true } });
  await withTimeout(new Promise((resolve, reject) => s.once('connect', () => resolve(null)).once('connect_error', reject)), 10_000, 'baseline sender');
  return { send: (f) => void s.emit('relay', f), close: () => void s.disconnect() };
}

/** Fills each result's baseline figures, ratios and ratio checks from the matching baseline run. */
export function applyBaselines(results: ScenarioResult[], baselines: BaselineResult[]): void {
  for (const r of results) {
    if (!r.baseline) continue;
    const want = r.baseline;
    // Same clients and rounds, and the same frame size where the result says which (B0's
    // event:updated and B2's poll:launched differ in size, so each has its own bare-ws run).
    // Above the cap (BASELINE_MAX_CLIENTS), the largest baseline of that kind, rounds and frame.
    const find = (kind: BaselineKind) => {
      const fits = baselines.filter((x) => (x.kind ?? 'ws') === kind && x.rounds === want.rounds && (want.payloadBytes === undefined || x.payloadBytes === want.payloadBytes) && !x.error);
      return fits.find((x) => x.clients === want.clients) ?? fits.filter((x) => x.clients < want.clients).sort((a, b) => b.clients - a.clients)[0];
    };
    const b = find('ws');
    const sio = find('sio');
    for (const x of [b, sio]) {
      if (x && x.clients !== want.clients)
        r.notes.push(
          `The ${BASELINE_NAME[x.kind ?? 'ws']} baseline ran with ${x.clients} clients, not ${want.clients}: one bare process cannot hold more (open files), so ratios compare per-recipient figures (CPU per message) with the largest baseline; latency and per-broadcast ratios are indicative only.`,
        );
    }
    const ratio = (v: Figure['value'], bv: number | null) => (typeof v === 'number' && bv !== null && bv > 0 ? round(v / bv, 2) : null);
    for (const f of r.figures) {
      if (!f.vs) continue;
      const bv = b?.metrics[f.vs] ?? null;
      f.baseline = bv;
      f.ratio = ratio(f.value, bv);
      // Informational: the checks stay against bare ws, as issue 8 sets them.
      if (sio) {
        f.bareSio = sio.metrics[f.vs] ?? null;
        f.sioRatio = ratio(f.value, f.bareSio);
      }
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
