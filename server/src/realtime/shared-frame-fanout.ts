import { Adapter } from 'socket.io-adapter';
import type { OutboundBudget, OutboundConn, Verdict } from './outbound-budget.js';
import { RawJson } from '../domain/raw-json.js';

/**
 * [PROTO12] Room broadcasts write one pre-encoded WebSocket frame straight to each idle socket.
 *
 * Socket.IO already encodes a broadcast once and frames it once (`wsPreEncodedFrame`), but then
 * hands it to every socket through engine.io's per-packet path: a packet object, four event
 * emits, a write buffer, a sent-callback queue and a completion callback per socket. At 10,000
 * recipients that path is most of a broadcast's cost (bare Socket.IO ×1.8 the CPU per recipient of
 * bare `ws`, docs/PERFORMANCE.md). Here, a socket whose WebSocket transport is idle (open, writable,
 * nothing queued in engine.io, not upgrading) gets the shared frame written to its TCP socket
 * directly, which is what engine.io itself does for that frame a few calls later; every other
 * socket (polling, upgrading, backed up, closing) takes Socket.IO's own path. Order is kept: an
 * idle socket has nothing queued ahead of the frame, and a busy one queues it behind what it has.
 *
 * It replaces `broadcast` of socket.io-adapter's in-memory Adapter, which both of our adapters
 * reach for local delivery (IndexedSessionAdapter through `super`, the Redis Streams adapter through
 * ClusterAdapter's `super.broadcast` for its own and other nodes' broadcasts). Written against
 * socket.io-adapter 2.5 / engine.io 6.6 / ws 8; `install` refuses to run if the members it relies
 * on are gone, so an upgrade that changes them fails at start-up, not silently.
 */
interface PacketOpts {
  preEncoded: true;
  volatile?: boolean;
  compress?: boolean;
  wsPreEncodedFrame?: Buffer[];
}

interface EngineConn {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; perMessageDeflate?: unknown; socket?: { readyState: number; _sender?: { sendFrame(list: Buffer[], cb?: () => void): void } } };
}

interface SioSocket {
  conn: EngineConn;
  disconnect(close: boolean): unknown;
  client: { writeToEngine(encoded: unknown[], opts: PacketOpts): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}

interface AdapterInternals {
  nsp: { name: string; server: object };
  _encode(packet: unknown, opts: PacketOpts): unknown[];
  apply(opts: unknown, cb: (socket: SioSocket) => void): void;
}

const WS_OPEN = 1;

/** True when the frame was written: the socket's WebSocket is open and engine.io has nothing queued. */
export function writeFrameIfIdle(conn: EngineConn, frame: Buffer[]): boolean {
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length !== 0) return false;
  const t = conn.transport;
  if (t.name !== 'websocket' || !t.writable || t.perMessageDeflate) return false;
  const ws = t.socket;
  if (!ws || ws.readyState !== WS_OPEN || !ws._sender) return false;
  // No callback: a write error reaches ws's own socket error handler, which closes the connection.
  ws._sender.sendFrame(frame);
  return true;
}

let installed = false;
/** A broadcast to no room in particular (every socket) has an empty set of rooms. */
const NO_ROOMS: ReadonlySet<string> = new Set();

interface Cap {
  budget: OutboundBudget;
  /** The budget's verdict for one write to this socket; on 'disconnect' the socket is cut off (after the current write loop). */
  check(socket: SioSocket, volatile: boolean): Verdict;
}

/** [REL10] Each Socket.IO server's cap on what waits to be written to one socket (app.ts sets it). */
const caps = new WeakMap<object, Cap>();

/**
 * [REL10] [REL12] Sets a server's cap. Past it a socket is disconnected by the server (no recovery
 * session is kept, so it returns to a fresh snapshot), and its TCP socket destroyed at once: a
 * graceful close would wait behind the very backlog that is the problem. `onCut` is told (a log line).
 */
export function setOutboundBudget(server: object, budget: OutboundBudget, onCut: (socket: unknown, queuedBytes: number) => void = () => {}): void {
  const cutOff = (socket: SioSocket, queuedBytes: number) => {
    onCut(socket, queuedBytes);
    socket.disconnect(true);
    const ws = socket.conn.transport.socket as { terminate?: () => void } | undefined;
    if (typeof ws?.terminate === 'function') ws.terminate();
    else (socket.conn as unknown as { close(discard: boolean): void }).close(true);
  };
  caps.set(server, {
    budget,
    check(socket, volatile) {
      const conn = socket.conn as unknown as OutboundConn;
      const verdict = budget.admit(conn, volatile);
      if (verdict === 'disconnect') {
        const queued = budget.queuedBytes(conn);
        // Not inside a room iteration: the disconnect leaves rooms.
        setImmediate(() => cutOff(socket, queued));
      }
      return verdict;
    },
  });
}

/**
 * [REL10] For writes that are not room broadcasts (command acks): true if the socket may be written
 * to; false if it is over its cap (and then it is being disconnected). A client that sends commands
 * without reading the answers (snapshot:request, say) reaches the cap like any other.
 */
export function mayWriteTo(server: object, socket: unknown): boolean {
  const cap = caps.get(server);
  return !cap || cap.check(socket as SioSocket, false) === 'write';
}

/** [OPS22] Each Socket.IO server's count of facts written by broadcasts (app.ts sets it to the metrics). */
const fanoutCounters = new WeakMap<object, (written: number) => void>();

/** [OPS22] Tells `count` how many sockets each of this server's broadcasts was written to (once per broadcast). */
export function countFanout(server: object, count: (written: number) => void): void {
  fanoutCounters.set(server, count);
}

/** [PERF21] Each Socket.IO server's watcher of the rooms every broadcast it delivers goes to (socket-server.ts sets it). */
const roomWatchers = new WeakMap<object, (rooms: ReadonlySet<string>) => void>();

/**
 * [PERF21] Tells `watch` the rooms of every broadcast this server delivers to its own sockets, its
 * own facts and (cluster) the other nodes' alike, just before they are written: what a node's
 * sockets are told passes here. An empty set is a broadcast to every socket.
 */
export function watchBroadcastRooms(server: object, watch: (rooms: ReadonlySet<string>) => void): void {
  roomWatchers.set(server, watch);
}

/**
 * [PERF23] Tells `watch` of a change to the sockets' rooms that no broadcast carries: a move of
 * breakout places (the places go out as personal facts, which reach no room of the event), so that
 * what a node shares between attendee snapshots is read again after it.
 */
export function tellRoomWatcher(server: object, rooms: ReadonlySet<string>): void {
  roomWatchers.get(server)?.(rooms);
}

/**
 * [PERF20] A packet whose single argument is JSON text encoded elsewhere (domain/raw-json.ts):
 * written as Socket.IO's encoder would write that value, without encoding it again.
 */
function encodeRaw(this: AdapterInternals, packet: { nsp?: string; data?: unknown[] }, packetOpts: PacketOpts): unknown[] | undefined {
  const data = packet.data;
  // The fact's name and its payload, and with bench stamps on a trailing stamp string (publisher.ts).
  if (!data || (data.length !== 2 && !(data.length === 3 && typeof data[2] === 'string')) || typeof data[0] !== 'string' || !(data[1] instanceof RawJson)) return undefined;
  const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
  const stamp = data.length === 3 ? `,${JSON.stringify(data[2])}` : '';
  const text = `2${nsp}[${JSON.stringify(data[0])},${data[1].text}${stamp}]`;
  // The adapter's own _encode, with an encoder that returns the text: it frames it once as usual.
  return this._encode.call({ encoder: { encode: () => [text] } }, packet, packetOpts);
}

export function installSharedFrameFanout(): void {
  if (installed) return;
  const proto = Adapter.prototype as unknown as AdapterInternals & { broadcast(packet: unknown, opts: unknown): void };
  if (typeof proto._encode !== 'function' || typeof proto.apply !== 'function') {
    throw new Error('socket.io-adapter: no _encode/apply on Adapter; shared-frame-fanout.ts needs updating');
  }
  installed = true;
  const original = proto.broadcast;
  const broadcast = function broadcast(this: AdapterInternals, packet: { nsp?: string }, opts: { flags?: { volatile?: boolean; compress?: boolean } }) {
    // As socket.io-adapter's own broadcast, except the per-socket write.
    const flags = opts.flags ?? {};
    const packetOpts: PacketOpts = { preEncoded: true, volatile: flags.volatile, compress: flags.compress };
    packet.nsp = this.nsp.name;
    roomWatchers.get(this.nsp.server)?.((opts as { rooms?: ReadonlySet<string> }).rooms ?? NO_ROOMS);
    const encoded = encodeRaw.call(this, packet, packetOpts) ?? this._encode(packet, packetOpts);
    const frame = packetOpts.wsPreEncodedFrame;
    const cap = caps.get(this.nsp.server);
    // [REL12] A connection's first snapshot is the one fact sent to a lone socket by that name (socket-server.ts).
    const snapshot = (packet as { data?: unknown[] }).data?.[0] === 'snapshot';
    let written = 0;
    this.apply(opts, (socket) => {
      // [REL10] [REL11] [REL12] Checked before every write: a socket over its cap gets no more.
      if (cap && cap.check(socket, packetOpts.volatile === true) !== 'write') return;
      written++;
      socket.notifyOutgoingListeners?.(packet);
      if (frame === undefined || !writeFrameIfIdle(socket.conn, frame)) socket.client.writeToEngine(encoded, packetOpts);
      if (snapshot) cap?.budget.noteSnapshot(socket.conn as unknown as OutboundConn);
    });
    fanoutCounters.get(this.nsp.server)?.(written);
  };
  // Socket.IO's Server.close() writes socket.io-adapter's own broadcast back onto the prototype
  // (restoreAdapter, meant for uWebSockets.js servers), which would silently turn the shared frame
  // and the per-socket cap off for every server left in the process. That one write is ignored.
  let current = broadcast as typeof proto.broadcast;
  Object.defineProperty(proto, 'broadcast', {
    configurable: true,
    get: () => current,
    set: (v: typeof proto.broadcast) => {
      if (v !== original) current = v;
    },
  });
}
