import type { HistJSON } from './hist.js';

/**
 * Runner <-> bench/load-worker.ts. Every request has an id and gets exactly one reply; each op is
 * bounded by its own timeout inside the worker and by the runner's timeout around it.
 */
export interface WorkerOps {
  init: { args: { index: number; hrBase: string; lifetimeMs: number }; result: { pid: number } };
  /** POST /api/join `count` times (names bench-<worker>-<i>), `concurrency` in flight. */
  join: {
    args: { urls: string[]; code: string; count: number; concurrency: number; timeoutMs: number };
    result: { joined: number; failed: number; errors: string[]; ms: number };
  };
  /** Opens Socket.IO clients [start, start+count) of the joined list; each counts once it has its snapshot. */
  connect: {
    args: { urls: string[]; start: number; count: number; timeoutMs: number };
    result: { connected: number; failed: number; errors: string[]; connectMs: HistJSON };
  };
  /** Opens `count` bare WebSocket clients to the baseline server. */
  wsConnect: {
    args: { url: string; count: number; timeoutMs: number };
    result: { connected: number; failed: number; errors: string[]; connectMs: HistJSON };
  };
  /** Start recording arrival times of `fact` on every connected client (max `max` per client). */
  watch: { args: { fact: string; max: number }; result: { watching: number } };
  /** Resolves once every watched client has seen `count` arrivals of `fact`, or at the timeout. */
  waitArrivals: {
    args: { fact: string; count: number; timeoutMs: number };
    result: { complete: boolean; reached: number; watching: number };
  };
  /** One-way latencies: arrival k on each client minus t0s[k] (both on the shared hr clock). */
  collectArrivals: {
    args: { fact: string; t0s: number[] };
    result: {
      latencyMs: HistJSON;
      /** Arrival minus the server's own hrtime stamp (empty while the server does not stamp facts). */
      stampedLatencyMs: HistJSON;
      delivered: number;
      expected: number;
      extra: number;
      clientsComplete: number;
      watching: number;
    };
  };
  /**
   * Stay connected for `durationMs`; every `probeEveryMs`, `probesPerTick` random clients send the
   * acked `probeCommand` and the round trip is recorded.
   */
  hold: {
    args: { durationMs: number; probeEveryMs: number; probesPerTick: number; probeCommand: string };
    result: { probeAckMs: HistJSON; probesOk: number; probesFailed: number; probeErrors: string[] };
  };
  /**
   * Drops every client's connection at once (the TCP socket is destroyed, no close handshake, as a
   * venue Wi-Fi blip would) and waits until each is back with a snapshot of its own identity.
   */
  drop: {
    args: { timeoutMs: number };
    result: {
      dropped: number;
      back: number;
      stateOk: number;
      recovered: number;
      backMs: HistJSON;
      reconnectAttempts: number;
      errors: string[];
    };
  };
  stats: {
    args: Record<string, never>;
    result: {
      clients: number;
      connected: number;
      unexpectedDisconnects: number;
      disconnectReasons: Record<string, number>;
      pings: number;
      rssBytes: number;
      heapUsedBytes: number;
      cpuMs: number;
    };
  };
  /** Closes every client (an expected disconnect) and forgets them. */
  closeAll: { args: Record<string, never>; result: { closed: number } };
}

export type WorkerOp = keyof WorkerOps;

export interface WorkerRequest<K extends WorkerOp = WorkerOp> {
  id: number;
  op: K;
  args: WorkerOps[K]['args'];
}

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
