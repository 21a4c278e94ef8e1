import { Adapter, type BroadcastOptions, type PrivateSessionId, type Room, type Session } from 'socket.io-adapter';

type SessionToPersist = Omit<Session, 'missedPackets'>;

interface Stored {
  seq: number;
  id: string;
  opts: BroadcastOptions;
  data: unknown[];
  emittedAt: number;
}

interface Persisted extends SessionToPersist {
  disconnectedAt: number;
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/**
 * [CLU4, PROTO5] Embedded mode's connection-state recovery: Socket.IO's in-memory SessionAwareAdapter
 * with the same contract (broadcast event packets without ack and not volatile are kept for
 * maxDisconnectionDuration; a restore returns, in order, every kept packet after the client's offset
 * for the session's rooms, minus its exceptions; an unknown or expired session or offset gives null,
 * so a fresh connection and snapshot), but with indexes, so a restore costs what it replays:
 *
 * - the offset is found through a Map (the stock adapter's `packets.findIndex` scans every packet of
 *   the last 2–3 minutes, per restoring socket);
 * - the candidates are read from per-room lists of the session's rooms plus the list of broadcasts
 *   to everyone, instead of testing every packet emitted since the offset against the session (in a
 *   reconnect storm that is every presence packet for staff and every personal packet of every other
 *   attendee: N sockets × O(N) packets).
 *
 * The bench's 10,000-attendee reconnect storm spent 24 of its 53 s of server CPU in the stock
 * restoreSession (docs/PERFORMANCE.md).
 */
export class IndexedSessionAdapter extends Adapter {
  private readonly maxDisconnectionDuration: number;
  private readonly sessions = new Map<PrivateSessionId, Persisted>();
  /** Kept packets in emission order; packets[i].seq === base + i. */
  private packets: Stored[] = [];
  private base = 0;
  private nextSeq = 0;
  private readonly seqById = new Map<string, number>();
  /** Seqs (ascending) of kept packets addressed to each room, and to no room (everyone). */
  private readonly byRoom = new Map<Room, number[]>();
  private toAll: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(nsp: any) {
    super(nsp);
    this.maxDisconnectionDuration = nsp.server.opts.connectionStateRecovery.maxDisconnectionDuration;
    this.timer = setInterval(() => this.expire(Date.now()), 60_000);
    this.timer.unref();
  }

  /** Drops sessions and packets older than maxDisconnectionDuration (the stock adapter's sweep). */
  expire(now: number): void {
    const threshold = now - this.maxDisconnectionDuration;
    for (const [pid, s] of this.sessions) if (s.disconnectedAt < threshold) this.sessions.delete(pid);
    let drop = 0;
    while (drop < this.packets.length && this.packets[drop]!.emittedAt < threshold) drop++;
    if (drop === 0) return;
    for (let i = 0; i < drop; i++) this.seqById.delete(this.packets[i]!.id);
    this.packets = this.packets.slice(drop);
    this.base += drop;
    const trim = (seqs: number[]) => seqs.slice(lowerBound(seqs, this.base));
    this.toAll = trim(this.toAll);
    for (const [room, seqs] of this.byRoom) {
      const kept = trim(seqs);
      if (kept.length === 0) this.byRoom.delete(room);
      else this.byRoom.set(room, kept);
    }
  }

  override close(): void {
    clearInterval(this.timer);
    return super.close() as void;
  }

  override persistSession(session: SessionToPersist): void {
    this.sessions.set(session.pid, { ...session, disconnectedAt: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
    const session = this.sessions.get(pid);
    if (!session) return null as unknown as Promise<Session>;
    if (session.disconnectedAt + this.maxDisconnectionDuration < Date.now()) {
      this.sessions.delete(pid);
      return null as unknown as Promise<Session>;
    }
    const from = this.seqById.get(offset);
    if (from === undefined) return null as unknown as Promise<Session>;
    // Candidates: broadcasts to everyone and to any of the session's rooms, after the offset.
    const seqs: number[] = [];
    const collect = (list: number[] | undefined) => {
      if (!list) return;
      for (let i = lowerBound(list, from + 1); i < list.length; i++) seqs.push(list[i]!);
    };
    collect(this.toAll);
    for (const room of session.rooms) collect(this.byRoom.get(room));
    seqs.sort((a, b) => a - b);
    const missedPackets: unknown[][] = [];
    let last = -1;
    for (const seq of seqs) {
      if (seq === last) continue; // in two of the session's rooms
      last = seq;
      const p = this.packets[seq - this.base]!;
      const except = p.opts.except;
      if (except && except.size > 0 && session.rooms.some((room) => except.has(room))) continue;
      missedPackets.push(p.data);
    }
    const { disconnectedAt: _, ...rest } = session;
    return Promise.resolve({ ...rest, missedPackets });
  }

  override broadcast(packet: any, opts: BroadcastOptions): void {
    const isEvent = packet.type === EVENT;
    // Packets with an ack are not kept (the callback cannot be restored), nor volatile ones, nor
    // node-local ones: in cluster mode those never reach the stream, so recovery cannot replay
    // them there either ([PROTO13]; every node computes them for its own sockets, or they are
    // the connection's snapshot, which a recovery sends afresh).
    if (isEvent && packet.id === undefined && opts.flags?.volatile === undefined && !opts.flags?.local) {
      const seq = this.nextSeq++;
      // Never all digits: the bench tells a recovery offset from its hrtime stamp that way [PROTO11].
      const id = `r${seq.toString(36)}`;
      // The offset goes last, so the client knows the last packet it processed.
      packet.data.push(id);
      this.packets.push({ seq, id, opts, data: packet.data, emittedAt: Date.now() });
      this.seqById.set(id, seq);
      if (opts.rooms.size === 0) this.toAll.push(seq);
      else
        for (const room of opts.rooms) {
          const list = this.byRoom.get(room);
          if (list) list.push(seq);
          else this.byRoom.set(room, [seq]);
        }
    }
    super.broadcast(packet, opts);
  }
}

/** First index whose value is ≥ x in an ascending array. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
