import { createRequire } from 'node:module';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { RedisClientType } from 'redis';
import { RecoveryWindow, type RawEntry, type Replayable, type RecoveryWindowOptions } from './recovery-window.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

/** The adapter's defaults, passed explicitly because the restore below reads the same keys. */
const STREAM = 'socket.io';
const SESSION_PREFIX = 'sio:session:';
/** socket.io-adapter's MessageType.BROADCAST, as the adapter writes it in the entry's `type` field. */
const BROADCAST = '3';

// Sessions are msgpack-encoded by the adapter with its own copy of @msgpack/msgpack: decode them
// with that same copy (resolved from the adapter's package, not from ours).
const adapterRequire = createRequire(createRequire(import.meta.url).resolve('@socket.io/redis-streams-adapter'));
const msgpack = adapterRequire('@msgpack/msgpack') as { decode(data: Uint8Array): unknown };

interface Session {
  sid: string;
  pid: string;
  rooms: string[];
  data: unknown;
  missedPackets: unknown[][];
}

type Decode = (raw: Record<string, string>) => { data?: { packet?: { data?: unknown; id?: unknown }; opts?: { rooms?: string[]; except?: string[]; flags?: { volatile?: boolean } } } };

/**
 * What recovery may replay from one stream entry: broadcasts of this namespace only. Volatile
 * broadcasts are left out, as Socket.IO's own session-aware adapter does (embedded mode) and as
 * the cluster adapter does when it stamps offsets: a volatile packet may be dropped, and replaying
 * stale reaction bursts or vote ticks after a drop is what volatile exists to avoid. (The streams
 * adapter itself replays them; that is the one place this differs from it.)
 */
export function broadcastDecoder(decode: Decode, nsp: string): (e: RawEntry) => Replayable | null {
  return (e) => {
    const m = e.message;
    // Heartbeats, joins and other namespaces are skipped by two string compares, without a parse.
    if (m.nsp !== nsp || m.type !== BROADCAST) return null;
    let decoded: ReturnType<Decode>;
    try {
      decoded = decode(m);
    } catch {
      return null; // the adapter skips undecodable entries too
    }
    const packet = decoded.data?.packet;
    const opts = decoded.data?.opts;
    if (!packet || !Array.isArray(packet.data) || !opts) return null;
    if (opts.flags?.volatile || packet.id !== undefined) return null;
    return { id: e.id, data: packet.data, rooms: new Set(opts.rooms ?? []), except: new Set(opts.except ?? []), size: m.data?.length ?? 0 };
  };
}

/** The adapter's rule: in one of the packet's rooms (or a broadcast to all), and in none of its exceptions. */
export function shouldReplay(sessionRooms: readonly string[], r: Replayable): boolean {
  if (r.rooms.size > 0 && !sessionRooms.some((room) => r.rooms.has(room))) return false;
  return !sessionRooms.some((room) => r.except.has(room));
}

/**
 * [CLU4] Socket.IO's Redis Streams adapter with a restoreSession that shares its reads and decodes
 * among all the sockets recovering at the same time (recovery-window.ts).
 *
 * The adapter's class is not exported, so this wraps the instances its factory makes and replaces
 * restoreSession; its static `decode` is taken from the instance so the entry format stays the
 * adapter's. Written against @socket.io/redis-streams-adapter 0.3.1: restoreSession below keeps its
 * contract (reject on a malformed or trimmed offset or a missing session, so the socket gets a fresh
 * connection and snapshot; otherwise the session with every missed packet for its rooms, in stream
 * order, each with its stream id appended as the client's next offset). A newer adapter that
 * renames `decode` fails at start-up here, and the multinode recovery tests pin the behaviour.
 */
export function createRecoveringAdapter(redis: AnyRedis, opts: { window?: RecoveryWindowOptions } = {}) {
  const factory = createAdapter(redis, { streamName: STREAM, sessionKeyPrefix: SESSION_PREFIX });
  // Socket.IO calls the factory with `new`: a plain function (not an arrow) returning the instance.
  return function recoveringAdapter(nsp: { name: string }) {
    const adapter = factory(nsp);
    const decode = (adapter.constructor as unknown as { decode?: Decode }).decode;
    if (typeof decode !== 'function') throw new Error('@socket.io/redis-streams-adapter: no static decode; recovery-window.ts needs updating');
    const window = new RecoveryWindow(
      {
        range: (start, end, count) => redis.xRange(STREAM, start, end, { COUNT: count }) as Promise<RawEntry[]>,
        replayable: broadcastDecoder(decode.bind(adapter.constructor), nsp.name),
      },
      opts.window,
    );
    adapter.restoreSession = async (pid: string, offset: string): Promise<Session> => {
      if (!/^[0-9]+-[0-9]+$/.test(offset)) throw new Error('invalid offset');
      const key = SESSION_PREFIX + pid;
      const [[raw], atOffset, missed] = await Promise.all([
        redis.multi().get(key).del(key).exec() as Promise<unknown[]>,
        redis.xRange(STREAM, offset, offset) as Promise<RawEntry[]>,
        // Started at once and shared with every concurrent restore; unused if the checks fail.
        window.after(offset),
      ]);
      // An offset trimmed from the stream means packets may be gone: no recovery, a fresh snapshot.
      if (typeof raw !== 'string' || atOffset.length === 0) throw new Error('session or offset not found');
      const session = msgpack.decode(Buffer.from(raw, 'base64')) as Session;
      session.missedPackets = [];
      // Copy before appending the id: the decoded packet is shared with the other sockets.
      for (const r of missed) if (shouldReplay(session.rooms, r)) session.missedPackets.push([...r.data, r.id]);
      return session;
    };
    const close = adapter.close.bind(adapter);
    adapter.close = () => {
      window.dispose();
      return close();
    };
    return adapter;
  };
}
