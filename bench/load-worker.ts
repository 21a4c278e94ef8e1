/**
 * A load process: holds up to ~10,000 real socket.io-client connections (websocket transport, the
 * same reconnection settings as the web client) and answers the runner's requests over IPC. It
 * measures on its own side: connect time to snapshot, ack round trips, and arrival times of facts
 * on the host's shared monotonic clock, which the runner turns into one-way latencies.
 *
 * It never outlives the runner (IPC disconnect -> exit) nor its lifetime budget, and every wait in
 * it is bounded by a timeout.
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type RallyErrorBody } from '@rally/shared';
import { handshakeError, handshakeRetryDelayMs } from '../client/src/lib/socket.js';
import { Hist } from './lib/hist.js';
import type { WorkerOp, WorkerOps, WorkerReply, WorkerRequest } from './lib/worker-protocol.js';
import { commandId, errText, hrMs, hrStampToMs, pool, setHrBase, sleep } from './lib/util.js';
import { runStorm, tickStats, watchTicks } from './lib/worker-storm.js';
import { quizAnswers, quizArm, quizResults } from './lib/worker-quiz.js';
import { brkArm, brkBack, brkOpened, brkRefresh } from './lib/worker-breakout.js';

interface Client {
  token: string;
  participantId: string;
  eventId: string;
  url: string;
  s: Socket | null;
  connected: boolean;
  /** A disconnect we caused (drop, close) is not counted as unexpected. */
  expectingDisconnect: boolean;
  /** Called with the next snapshot this client receives. */
  onSnapshot: ((snap: unknown) => void) | null;
  lastError: string | null;
  reconnectAttempts: number;
}

interface Watch {
  max: number;
  /** Arrival times, client-major: times[client * max + k]. */
  times: Float64Array;
  counts: Uint32Array;
  /** reached[k]: how many clients have seen at least k + 1 arrivals. */
  reached: Uint32Array;
  watching: number;
  extra: number;
  waiters: { count: number; resolve: () => void }[];
  /** Server-stamped one-way latency, when the fact carries an hrtime stamp (see PERFORMANCE.md). */
  stamped: Hist;
}

const clients: Client[] = [];
const wsClients: WebSocket[] = [];
/** Bare Socket.IO clients of the second baseline (bench/baseline-sio.ts). */
const sioClients: Socket[] = [];
/** Bare Socket.IO clients of the command baseline (bench/baseline-sio-commands.ts): storms with `bare` send from these. */
const cmdClients: { s: Socket; connected: boolean }[] = [];
/** Bare WebSocket clients we are closing on purpose. */
const closingWs = new WeakSet<WebSocket>();
const watches = new Map<string, Watch>();
const disconnectReasons: Record<string, number> = {};
let unexpectedDisconnects = 0;
/** Command-baseline clients that lost their connection (not Rally's, so not in unexpectedDisconnects). */
let cmdLost = 0;
let pings = 0;
let workerIndex = 0;

/**
 * Destroys the TCP connection under a client (no close frame): the server sees a transport close
 * and the client reconnects with its usual backoff, as after a venue Wi-Fi blip.
 */
function terminate(s: Socket): void {
  const transport = (s.io.engine as unknown as { transport?: { ws?: { terminate?: () => void } } }).transport;
  if (typeof transport?.ws?.terminate === 'function') transport.ws.terminate();
  else s.io.engine.close();
}

const MAX_ERRORS = 5;
const pushError = (list: string[], e: string) => {
  if (list.length < MAX_ERRORS && !list.includes(e)) list.push(e);
};

/**
 * The server's hrtime stamp of a fact, when it sends one (RALLY_BENCH_STAMPS=1, see
 * docs/PERFORMANCE.md): process.hrtime.bigint() as a decimal string, either as an extra argument
 * after the payload (the harness's original convention) or as a `_t` field of the payload.
 */
function serverStamp(payload: unknown, extra: unknown): string | null {
  // At least 10 digits: nanoseconds since boot are, and Socket.IO's recovery offset (also after the
  // payload: a 7–8 character yeast id embedded, a Redis stream id with a dash in cluster) is not.
  const ok = (x: unknown): x is string => typeof x === 'string' && /^\d{10,20}$/.test(x);
  if (ok(extra)) return extra;
  const t = payload && typeof payload === 'object' ? (payload as { _t?: unknown })._t : undefined;
  return ok(t) ? t : null;
}

function record(watch: Watch | undefined, slot: number, stamp?: string | null): void {
  if (!watch || slot < 0) return;
  if (stamp) watch.stamped.record(hrMs() - hrStampToMs(stamp));
  const c = watch.counts[slot]!;
  if (c >= watch.max) {
    watch.extra++;
    return;
  }
  watch.times[slot * watch.max + c] = hrMs();
  watch.counts[slot] = c + 1;
  const reached = ++watch.reached[c]!;
  if (reached >= watch.watching && watch.waiters.length) {
    watch.waiters = watch.waiters.filter((w) => {
      if (w.count === c + 1) {
        w.resolve();
        return false;
      }
      return true;
    });
  }
}

function newWatch(max: number, watching: number): Watch {
  return { max, times: new Float64Array(watching * max), counts: new Uint32Array(watching), reached: new Uint32Array(max + 1), watching, extra: 0, waiters: [], stamped: new Hist() };
}

/** Only what the bench needs from a snapshot: whose it is. */
function snapshotIdentity(snap: unknown): { me: string | null; event: string | null } {
  const o = snap as { me?: { id?: unknown }; event?: { id?: unknown } } | null;
  return { me: typeof o?.me?.id === 'string' ? o.me.id : null, event: typeof o?.event?.id === 'string' ? o.event.id : null };
}

function openSocket(c: Client): void {
  const s = io(c.url, {
    transports: ['websocket'],
    forceNew: true,
    // The web client's settings (client/src/lib/socket.ts), bounded so a dead server ends the run.
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    reconnectionAttempts: 30,
    timeout: 20_000,
    auth: { token: c.token, protocolVersion: PROTOCOL_VERSION },
  });
  c.s = s;
  s.on('snapshot', (snap: unknown) => {
    const cb = c.onSnapshot;
    c.onSnapshot = null;
    cb?.(snap);
  });
  s.on('connect', () => {
    c.connected = true;
  });
  // As the web client does (client/src/lib/rally.tsx): Socket.IO reconnects by itself after a
  // network drop, but not after the server refused the handshake (an UNAVAILABLE past the deadline
  // in a storm) or disconnected the socket itself (a setup past its deadline): those retries are
  // the client's, with the web client's backoff. Without them a storm's refused clients never came back.
  let manualRetries = 0;
  const retryLater = (refusal: RallyErrorBody | null) => {
    const delay = handshakeRetryDelayMs(manualRetries++, refusal);
    setTimeout(() => {
      if (c.s === s && !s.connected && !s.active) s.connect();
    }, delay).unref();
  };
  s.on('connect', () => {
    manualRetries = 0;
  });
  s.on('disconnect', (reason: string) => {
    c.connected = false;
    disconnectReasons[reason] = (disconnectReasons[reason] ?? 0) + 1;
    if (!c.expectingDisconnect) unexpectedDisconnects++;
    if (reason === 'io server disconnect') retryLater(null);
  });
  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    c.lastError = err.data?.code ? `${err.data.code}: ${err.message}` : err.message;
    if (!s.active) retryLater(handshakeError(err));
  });
  s.io.on('ping', () => pings++);
  s.io.on('reconnect_attempt', () => c.reconnectAttempts++);
}

const ops: { [K in WorkerOp]: (args: WorkerOps[K]['args']) => Promise<WorkerOps[K]['result']> } = {
  async init({ index, hrBase, lifetimeMs }) {
    workerIndex = index;
    setHrBase(hrBase);
    setTimeout(() => {
      console.error(`load worker ${index}: lifetime of ${Math.round(lifetimeMs / 1000)} s reached, exiting`);
      process.exit(3);
    }, lifetimeMs).unref();
    return { pid: process.pid };
  },

  async join({ urls, code, count, concurrency, timeoutMs }) {
    const t0 = Date.now();
    const deadline = t0 + timeoutMs;
    const errors: string[] = [];
    let failed = 0;
    const base = clients.length;
    const results = await pool(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => {
        if (Date.now() > deadline) {
          failed++;
          pushError(errors, 'join phase out of time');
          return null;
        }
        const url = urls[(base + i + workerIndex) % urls.length]!;
        try {
          const res = await fetch(`${url}/api/join`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code, name: `bench-${workerIndex}-${base + i}`, mode: i % 2 ? 'remote' : 'room' }),
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await res.json()) as { token?: string; participant?: { id?: string; eventId?: string }; error?: { code?: string } };
          if (!res.ok || !body.token || !body.participant?.id) throw new Error(`HTTP ${res.status} ${body.error?.code ?? ''}`);
          return { token: body.token, participantId: body.participant.id, eventId: body.participant.eventId ?? '' };
        } catch (e) {
          failed++;
          pushError(errors, errText(e));
          return null;
        }
      },
    );
    for (const r of results) {
      if (r) clients.push({ ...r, url: '', s: null, connected: false, expectingDisconnect: false, onSnapshot: null, lastError: null, reconnectAttempts: 0 });
    }
    return { joined: count - failed, failed, errors, ms: Date.now() - t0 };
  },

  async connect({ urls, start, count, timeoutMs }) {
    const hist = new Hist();
    const errors: string[] = [];
    let connected = 0;
    let failed = 0;
    const slice = clients.slice(start, start + count);
    await Promise.all(
      slice.map(
        (c, j) =>
          new Promise<void>((resolve) => {
            c.url = urls[(start + j + workerIndex) % urls.length]!;
            const t0 = hrMs();
            const timer = setTimeout(() => {
              failed++;
              pushError(errors, `no snapshot within ${timeoutMs} ms (${c.lastError ?? 'no error reported'})`);
              c.onSnapshot = null;
              c.expectingDisconnect = true;
              c.s?.disconnect();
              resolve();
            }, timeoutMs);
            c.onSnapshot = () => {
              clearTimeout(timer);
              hist.record(hrMs() - t0);
              connected++;
              resolve();
            };
            openSocket(c);
          }),
      ),
    );
    return { connected, failed, errors, connectMs: hist.toJSON() };
  },

  async wsConnect({ url, count, timeoutMs }) {
    const hist = new Hist();
    const errors: string[] = [];
    let connected = 0;
    let failed = 0;
    const wsUrl = url.replace(/^http/, 'ws');
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve) => {
            const t0 = hrMs();
            const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
            const slot = wsClients.length;
            wsClients.push(ws);
            const timer = setTimeout(() => {
              failed++;
              pushError(errors, `not open within ${timeoutMs} ms`);
              closingWs.add(ws);
              ws.terminate();
              resolve();
            }, timeoutMs);
            ws.on('open', () => {
              clearTimeout(timer);
              hist.record(hrMs() - t0);
              connected++;
              resolve();
            });
            ws.on('message', (data: Buffer) => {
              // Decode as a Socket.IO client would (packet type, then JSON) so both sides do the same work.
              const text = data.toString();
              JSON.parse(text.slice(text.indexOf('[')));
              record(watches.get('__ws'), slot);
            });
            ws.on('error', (e) => pushError(errors, e.message));
            ws.on('close', () => {
              if (!closingWs.has(ws)) {
                unexpectedDisconnects++;
                disconnectReasons['ws close'] = (disconnectReasons['ws close'] ?? 0) + 1;
              }
            });
          }),
      ),
    );
    return { connected, failed, errors, connectMs: hist.toJSON() };
  },

  async sioConnect({ url, count, timeoutMs, commands }) {
    const hist = new Hist();
    const errors: string[] = [];
    let connected = 0;
    let failed = 0;
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve) => {
            const t0 = hrMs();
            // The Rally clients' options (openSocket), without auth.
            const s = io(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 500, reconnectionDelayMax: 5000, reconnectionAttempts: 30, timeout: 20_000 });
            const slot = sioClients.length;
            // A command client counts its own connection state (the storm sends only from connected ones).
            const cmd = commands ? { s, connected: false } : null;
            if (cmd) cmdClients.push(cmd);
            else sioClients.push(s);
            const timer = setTimeout(() => {
              failed++;
              pushError(errors, `not connected within ${timeoutMs} ms`);
              s.disconnect();
              resolve();
            }, timeoutMs);
            s.once('connect', () => {
              clearTimeout(timer);
              hist.record(hrMs() - t0);
              connected++;
              resolve();
            });
            // One listener per client, as Rally's watch has; the frames carry an old Rally stamp, so none is read.
            if (!cmd) s.onAny(() => record(watches.get('__sio'), slot));
            s.on('connect_error', (e) => pushError(errors, e.message));
            if (cmd) s.on('connect', () => (cmd.connected = true));
            s.on('disconnect', (reason: string) => {
              if (cmd) {
                // Counted by sioCommandsClose, not as a disconnect of Rally's clients.
                cmd.connected = false;
                if (reason !== 'io client disconnect') cmdLost++;
                return;
              }
              if (reason === 'io client disconnect') return;
              unexpectedDisconnects++;
              disconnectReasons[`sio ${reason}`] = (disconnectReasons[`sio ${reason}`] ?? 0) + 1;
            });
          }),
      ),
    );
    return { connected, failed, errors, connectMs: hist.toJSON() };
  },

  async watch({ fact, max }) {
    if (fact === '__sio') {
      // As for '__ws': slots are indices in sioClients, which are all connected unless the ramp failed.
      const w = newWatch(max, sioClients.filter((s) => s.connected).length);
      watches.set(fact, w);
      return { watching: w.watching };
    }
    if (fact === '__ws') {
      const w = newWatch(max, wsClients.filter((ws) => ws.readyState === WebSocket.OPEN).length);
      watches.set(fact, w);
      return { watching: w.watching };
    }
    if (['snapshot', 'connect', 'disconnect', 'connect_error'].includes(fact)) throw new Error(`${fact} cannot be watched`);
    const live = clients.filter((c) => c.s && c.connected);
    const w = newWatch(max, live.length);
    watches.set(fact, w);
    // A new watch replaces the previous one on the same fact (watch listeners are the only ones on it).
    live.forEach((c, slot) => c.s!.off(fact).on(fact, (payload: unknown, extra?: unknown) => record(w, slot, serverStamp(payload, extra))));
    return { watching: live.length };
  },

  async waitArrivals({ fact, count, timeoutMs }) {
    const w = watches.get(fact);
    if (!w) throw new Error(`not watching ${fact}`);
    const done = () => (w.reached[count - 1] ?? 0) >= w.watching;
    if (!done()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          w.waiters = w.waiters.filter((x) => x.resolve !== finish);
          resolve();
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          resolve();
        };
        w.waiters.push({ count, resolve: finish });
      });
    }
    return { complete: done(), reached: w.reached[count - 1] ?? 0, watching: w.watching };
  },

  async collectArrivals({ fact, t0s }) {
    const w = watches.get(fact);
    if (!w) throw new Error(`not watching ${fact}`);
    const hist = new Hist();
    const rounds = Math.min(t0s.length, w.max);
    let delivered = 0;
    let extra = w.extra;
    let complete = 0;
    for (let i = 0; i < w.watching; i++) {
      const c = w.counts[i]!;
      const n = Math.min(c, rounds);
      for (let k = 0; k < n; k++) hist.record(w.times[i * w.max + k]! - t0s[k]!);
      delivered += n;
      if (c > rounds) extra += c - rounds;
      if (c === rounds) complete++;
    }
    return { latencyMs: hist.toJSON(), stampedLatencyMs: w.stamped.toJSON(), delivered, expected: w.watching * rounds, extra, clientsComplete: complete, watching: w.watching };
  },

  async hold({ durationMs, probeEveryMs, probesPerTick, probeCommand }) {
    const hist = new Hist();
    const probeErrors: string[] = [];
    let ok = 0;
    let failedProbes = 0;
    const inflight: Promise<void>[] = [];
    const ticks = Math.max(1, Math.floor(durationMs / probeEveryMs));
    const t0 = Date.now();
    for (let tick = 0; tick < ticks; tick++) {
      const live = clients.filter((c) => c.connected && c.s);
      for (let j = 0; j < Math.min(probesPerTick, live.length); j++) {
        const c = live[Math.floor(Math.random() * live.length)]!;
        const start = hrMs();
        inflight.push(
          (c.s!.timeout(10_000).emitWithAck(probeCommand, { id: commandId('p') }) as Promise<{ ok?: boolean; error?: { code?: string } }>).then(
            (ack) => {
              if (ack?.ok) {
                ok++;
                hist.record(hrMs() - start);
              } else {
                failedProbes++;
                pushError(probeErrors, `ack ${ack?.error?.code ?? 'malformed'}`);
              }
            },
            (e: unknown) => {
              failedProbes++;
              pushError(probeErrors, errText(e));
            },
          ),
        );
      }
      const next = t0 + (tick + 1) * probeEveryMs;
      await sleep(Math.max(0, next - Date.now()));
    }
    await Promise.all(inflight);
    return { probeAckMs: hist.toJSON(), probesOk: ok, probesFailed: failedProbes, probeErrors };
  },

  async drop({ timeoutMs }) {
    const hist = new Hist();
    const errors: string[] = [];
    const live = clients.filter((c) => c.connected && c.s);
    let back = 0;
    let stateOk = 0;
    let recovered = 0;
    let snapshotBytes: number | null = null;
    const attemptsBefore = live.reduce((a, c) => a + c.reconnectAttempts, 0);
    const t0 = hrMs();
    const waits = live.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.expectingDisconnect = true;
          const timer = setTimeout(() => {
            c.onSnapshot = null;
            pushError(errors, `not back within ${timeoutMs} ms (${c.lastError ?? 'no error reported'})`);
            resolve();
          }, timeoutMs);
          c.onSnapshot = (snap) => {
            clearTimeout(timer);
            hist.record(hrMs() - t0);
            back++;
            snapshotBytes ??= JSON.stringify(snap).length;
            if (c.s?.recovered) recovered++;
            const id = snapshotIdentity(snap);
            if (id.me === c.participantId && id.event === c.eventId) stateOk++;
            else pushError(errors, `snapshot for ${id.me} on ${c.participantId}'s socket`);
            c.expectingDisconnect = false;
            resolve();
          };
        }),
    );
    for (const c of live) terminate(c.s!);
    await Promise.all(waits);
    const attempts = live.reduce((a, c) => a + c.reconnectAttempts, 0) - attemptsBefore;
    return { dropped: live.length, back, stateOk, recovered, backMs: hist.toJSON(), reconnectAttempts: attempts, errors, snapshotBytes };
  },

  async sioCommandsDrop({ timeoutMs, snapshotBytes }) {
    const hist = new Hist();
    const errors: string[] = [];
    const live = cmdClients.filter((c) => c.connected);
    let back = 0;
    let attempts = 0;
    const countAttempt = () => attempts++;
    const t0 = hrMs();
    const waits = live.map(
      (c) =>
        new Promise<void>((resolve) => {
          // Sent with every (re)connection, as Rally's clients send their token: asks for the snapshot.
          c.s.auth = { snapshotBytes };
          c.s.io.on('reconnect_attempt', countAttempt);
          const done = () => {
            c.s.io.off('reconnect_attempt', countAttempt);
            c.s.off('snapshot', onSnapshot);
            resolve();
          };
          const timer = setTimeout(() => {
            pushError(errors, `not back within ${timeoutMs} ms`);
            done();
          }, timeoutMs);
          const onSnapshot = () => {
            clearTimeout(timer);
            hist.record(hrMs() - t0);
            back++;
            done();
          };
          c.s.on('snapshot', onSnapshot);
        }),
    );
    for (const c of live) terminate(c.s);
    await Promise.all(waits);
    // Back to asking for nothing: the storm scenarios' baseline connects without a snapshot.
    for (const c of live) c.s.auth = {};
    return { dropped: live.length, back, backMs: hist.toJSON(), reconnectAttempts: attempts, errors };
  },

  storm: (args) => runStorm(args.bare ? cmdClients : clients, args),

  async sioCommandsStatus() {
    const lost = cmdLost;
    cmdLost = 0;
    return { clients: cmdClients.length, connected: cmdClients.filter((c) => c.connected).length, lost };
  },

  async sioCommandsClose() {
    const closed = cmdClients.length;
    for (const c of cmdClients) c.s.disconnect();
    cmdClients.length = 0;
    const unexpected = cmdLost;
    cmdLost = 0;
    return { closed, unexpected };
  },

  async watchTicks({ fact, pollId }) {
    return watchTicks(clients, fact, pollId);
  },

  async tickStats(args) {
    return tickStats(args);
  },

  async quizArm(args) {
    return quizArm(clients, args);
  },
  quizAnswers: (args) => quizAnswers(args),
  quizResults: (args) => quizResults(args),

  async brkArm(args) {
    return brkArm(clients, args);
  },
  brkOpened: (args) => brkOpened(args),
  brkRefresh: (args) => brkRefresh(args),
  brkBack: (args) => brkBack(args),

  async stats() {
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    return {
      clients: clients.length + wsClients.length,
      connected: clients.filter((x) => x.connected).length + wsClients.filter((ws) => ws.readyState === WebSocket.OPEN).length,
      unexpectedDisconnects,
      disconnectReasons: { ...disconnectReasons },
      pings,
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      cpuMs: (c.user + c.system) / 1000,
    };
  },

  async closeAll() {
    let closed = 0;
    for (const c of clients) {
      c.expectingDisconnect = true;
      c.onSnapshot = null;
      if (c.s) {
        c.s.disconnect();
        closed++;
      }
    }
    for (const ws of wsClients) {
      closingWs.add(ws);
      ws.terminate();
      closed++;
    }
    clients.length = 0;
    wsClients.length = 0;
    watches.clear();
    return { closed };
  },
};

process.on('message', (raw: unknown) => {
  const req = raw as WorkerRequest;
  const op = ops[req.op] as ((a: unknown) => Promise<unknown>) | undefined;
  const reply = (r: WorkerReply) => process.send?.(r);
  if (!op) return reply({ id: req.id, ok: false, error: `unknown op ${String(req.op)}` });
  op(req.args).then(
    (result) => reply({ id: req.id, ok: true, result }),
    (e: unknown) => reply({ id: req.id, ok: false, error: errText(e) }),
  );
});
// The runner is gone: so is the load.
process.on('disconnect', () => process.exit(0));
