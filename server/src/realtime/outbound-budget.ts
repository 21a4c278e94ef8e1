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
  writeBuffer: { data?: unknown }[];
  transport?: { socket?: { _socket?: { writableLength?: number } | null; _sender?: { _bufferedBytes?: number } } };
}

interface ConnState {
  /** engine.io's write queue as last measured: it is replaced by a new array at every flush, so identity says whether `bytes` still holds. */
  buffer: unknown[];
  counted: number;
  bytes: number;
  /** When this socket was first seen over volatileBytes (cleared when it comes back under). */
  overSince: number | undefined;
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
  stats(): OutboundStats;
}

export function createOutboundBudget(limits: OutboundLimits, now: () => number = Date.now): OutboundBudget {
  // Only connections that have queued packets or went over a cap get an entry; a WeakMap, so a
  // closed connection's entry goes with it.
  const states = new WeakMap<OutboundConn, ConnState>();
  const stats: OutboundStats = { droppedVolatile: 0, disconnected: 0 };

  const state = (conn: OutboundConn): ConnState => {
    let s = states.get(conn);
    if (!s) states.set(conn, (s = { buffer: conn.writeBuffer, counted: 0, bytes: 0, overSince: undefined, closing: false }));
    return s;
  };

  /** engine.io's queue only grows between flushes, so each packet is measured once. */
  const queueBytes = (conn: OutboundConn): number => {
    const buf = conn.writeBuffer;
    if (buf.length === 0 && !states.has(conn)) return 0;
    const s = state(conn);
    if (s.buffer !== buf) {
      s.buffer = buf;
      s.counted = 0;
      s.bytes = 0;
    }
    for (; s.counted < buf.length; s.counted++) s.bytes += sizeOf(buf[s.counted]?.data);
    return s.bytes;
  };

  const queuedBytes = (conn: OutboundConn): number => {
    const ws = conn.transport?.socket;
    return queueBytes(conn) + (ws?._socket?.writableLength ?? 0) + (ws?._sender?._bufferedBytes ?? 0);
  };

  return {
    limits,
    queuedBytes,
    admit(conn, volatile) {
      const queued = queuedBytes(conn);
      const s = queued > limits.volatileBytes || states.has(conn) ? state(conn) : undefined;
      if (s?.closing) return 'drop';
      const t = now();
      if (s) s.overSince = queued > limits.volatileBytes ? (s.overSince ?? t) : undefined;
      const verdict = judge(limits, queued, volatile, s?.overSince, t);
      if (verdict === 'drop') stats.droppedVolatile++;
      if (verdict === 'disconnect') {
        s!.closing = true;
        stats.disconnected++;
      }
      return verdict;
    },
    stats: () => ({ ...stats }),
  };
}
