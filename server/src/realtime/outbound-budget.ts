/**
 * [REL10] [REL11] [REL12] What waits to be written to one socket is capped.
 *
 * A client that stops reading (a frozen tab, a proxy that buffers, a dead link that still looks
 * open) leaves every fact sent to it in this process: first in engine.io's write queue, then in
 * the WebSocket's TCP socket once the kernel's buffer is full. Nothing else bounds that memory (seen:
 * 10–15 MB per socket, growing 1.2 MB/s with 100 such clients). So every fact written to a socket
 * goes through `admit` first (shared-frame-fanout.ts, the one place room broadcasts reach sockets):
 *
 *  - under `volatileBytes` queued, everything is written;
 *  - over it, volatile facts (sent with Socket.IO's volatile flag: reaction bursts, and poll results
 *    and Q&A vote counts while they change, each of which is followed by a reliable copy when the
 *    changes stop) are dropped for that socket; must-arrive facts are still queued;
 *  - over `limitBytes`, or over `volatileBytes` for longer than `stallMs`, the socket is disconnected
 *    without a recovery session: on return it gets a fresh snapshot ([REL13]) instead of a replay of
 *    the backlog that made it fall behind.
 *
 * Only the process's own buffers are counted: the kernel's socket buffers are bounded by the OS.
 */
export interface OutboundLimits {
  /** Past this many bytes queued for a socket, volatile facts are dropped for it. */
  volatileBytes: number;
  /** Past this many, the socket is disconnected. */
  limitBytes: number;
  /** Over volatileBytes this long (at a write) and the socket is disconnected too. */
  stallMs: number;
}

export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = { volatileBytes: 512 * 1024, limitBytes: 2 * 1024 * 1024, stallMs: 30_000 };

export type Verdict = 'write' | 'drop' | 'disconnect';

/** The rule on numbers alone: what to do with one fact for a socket with `queued` bytes waiting. */
export function judge(limits: OutboundLimits, queued: number, volatile: boolean, overSinceMs: number | undefined, nowMs: number): Verdict {
  if (queued > limits.limitBytes) return 'disconnect';
  if (queued <= limits.volatileBytes) return 'write';
  if (overSinceMs !== undefined && nowMs - overSinceMs >= limits.stallMs) return 'disconnect';
  return volatile ? 'drop' : 'write';
}

/** The members of an engine.io connection this reads (engine.io 6.6 / ws 8, as shared-frame-fanout.ts). */
export interface OutboundConn {
  writeBuffer: unknown[];
  transport?: { socket?: { _socket?: { writableLength?: number } | null; _sender?: { _bufferedBytes?: number } } };
}

interface ConnState {
  /** engine.io's write queue as last measured: it is replaced by a new array at every flush, so identity says whether `bytes` still holds. */
  buffer: unknown[];
  counted: number;
  bytes: number;
  /** When this socket was first seen over volatileBytes (cleared when it comes back under). */
  overSince: number | undefined;
  /** [REL12] Bytes of the connection's own first snapshot not counted against it, until it catches up. */
  allowance: number;
  snapshotNoted: boolean;
  closing: boolean;
}

const sizeOf = (data: unknown): number => (typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0);

export interface OutboundStats {
  /** Volatile facts not written to a socket because it was over volatileBytes. */
  droppedVolatile: number;
  /** Sockets disconnected for being over their cap. */
  disconnected: number;
}

export interface OutboundBudget {
  readonly limits: OutboundLimits;
  /** Bytes this process holds for the connection: engine.io's queue plus the WebSocket's unsent bytes. */
  queuedBytes(conn: OutboundConn): number;
  /** The verdict for one fact to one connection; 'disconnect' is returned once per connection, then 'drop'. */
  admit(conn: OutboundConn, volatile: boolean): Verdict;
  /**
   * The connection's first snapshot was just queued: what is queued now is not counted against it
   * until it has caught up once. A staff snapshot of a large event is megabytes (everyone online)
   * and can sit in the buffer of a slow link for a while; without this, the facts that follow it
   * would cut the socket off, and the snapshot of its reconnection again, and so on. Once per
   * connection: replies to snapshot:request get no allowance, so asking for snapshots without
   * reading them still reaches the cap.
   */
  noteSnapshot(conn: OutboundConn): void;
  stats(): OutboundStats;
}

export function createOutboundBudget(limits: OutboundLimits, now: () => number = Date.now): OutboundBudget {
  // Only connections that have queued packets or went over a cap get an entry; a WeakMap, so a
  // closed connection's entry goes with it.
  const states = new WeakMap<OutboundConn, ConnState>();
  const stats: OutboundStats = { droppedVolatile: 0, disconnected: 0 };

  const fresh = (conn: OutboundConn): ConnState => {
    const s: ConnState = { buffer: conn.writeBuffer, counted: 0, bytes: 0, overSince: undefined, allowance: 0, snapshotNoted: false, closing: false };
    states.set(conn, s);
    return s;
  };

  /** engine.io's queue only grows between flushes, so each packet is measured once. */
  const queueBytes = (conn: OutboundConn, known: ConnState | undefined): number => {
    const buf = conn.writeBuffer;
    if (buf.length === 0 && !known) return 0;
    const s = known ?? fresh(conn);
    if (s.buffer !== buf) {
      s.buffer = buf;
      s.counted = 0;
      s.bytes = 0;
    }
    for (; s.counted < buf.length; s.counted++) s.bytes += sizeOf((buf[s.counted] as { data?: unknown } | undefined)?.data);
    return s.bytes;
  };

  const measure = (conn: OutboundConn, s: ConnState | undefined): number => {
    const ws = conn.transport?.socket;
    return queueBytes(conn, s) + (ws?._socket?.writableLength ?? 0) + (ws?._sender?._bufferedBytes ?? 0);
  };

  return {
    limits,
    queuedBytes: (conn) => measure(conn, states.get(conn)),
    admit(conn, volatile) {
      let s = states.get(conn);
      const queued = measure(conn, s);
      s ??= states.get(conn);
      if (s?.closing) return 'drop';
      if (!s && queued <= limits.volatileBytes) return 'write';
      s ??= fresh(conn);
      const t = now();
      // Caught up: the snapshot's allowance is spent.
      if (queued <= limits.volatileBytes) s.allowance = 0;
      const counted = Math.max(0, queued - s.allowance);
      s.overSince = counted > limits.volatileBytes ? (s.overSince ?? t) : undefined;
      const verdict = judge(limits, counted, volatile, s.overSince, t);
      if (verdict === 'drop') stats.droppedVolatile++;
      if (verdict === 'disconnect') {
        s.closing = true;
        stats.disconnected++;
      }
      return verdict;
    },
    noteSnapshot(conn) {
      let s = states.get(conn);
      const queued = measure(conn, s);
      // A snapshot that fits under the volatile cap needs no allowance (and the connection no entry).
      if (queued <= limits.volatileBytes) return;
      s ??= states.get(conn) ?? fresh(conn);
      if (s.snapshotNoted) return;
      s.snapshotNoted = true;
      s.allowance = queued;
    },
    stats: () => ({ ...stats }),
  };
}
