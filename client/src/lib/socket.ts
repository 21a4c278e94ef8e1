import { io, type Socket } from 'socket.io-client';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type CommandName,
  type CommandPayload,
  type CommandResults,
  type HandshakeAuth,
  type RallyErrorBody,
  type ServerToClientEvents,
} from '@rally/shared';
import { newCommandId } from './ids';

/** The one socket type of the client: both directions typed from the shared protocol. */
export type RallySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A command's fields without the `id`, which `send` adds. */
export type CommandFields<N extends CommandName> = Omit<CommandPayload<N>, 'id'>;

export const ACK_TIMEOUT_MS = 8000;
/** [REL7] Enough for a Redis restart (a few seconds) with the backoff below: about 30 s in all. */
export const SEND_ATTEMPTS = 6;

export function createRallySocket(token: string): RallySocket {
  const auth: HandshakeAuth = { token, protocolVersion: PROTOCOL_VERSION };
  return io({
    path: '/socket.io',
    auth,
    transports: ['websocket', 'polling'],
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

/** The typed reason a handshake was refused, when the server gave one (`err.data`). */
export function handshakeError(err: unknown): RallyErrorBody | null {
  if (typeof err !== 'object' || err === null || !('data' in err)) return null;
  const data = (err as { data: unknown }).data;
  if (typeof data !== 'object' || data === null) return null;
  const { code, message, retryAfterMs } = data as Partial<RallyErrorBody>;
  if (typeof code !== 'string' || !(code in ErrorCode)) return null;
  const body: RallyErrorBody = { code: code as ErrorCode, message: typeof message === 'string' ? message : code };
  return typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? { ...body, retryAfterMs } : body;
}

/**
 * [SEC9] When to try a refused handshake again: a capped exponential backoff, and never before
 * the server's retryAfterMs. Past that wait each client adds a random share of it (up to half,
 * at most 5 s), so a venue refused together does not come back in the same instant.
 */
export function handshakeRetryDelayMs(attempt: number, refusal: RallyErrorBody | null, random: () => number = Math.random): number {
  const backoff = Math.min(1000 * 2 ** attempt, 15_000);
  const wait = refusal?.retryAfterMs;
  if (wait === undefined) return backoff;
  return Math.max(backoff, wait + Math.round(random() * Math.min(wait / 2, 5_000)));
}

type AnyEmitWithAck = (name: string, payload: unknown) => Promise<unknown>;

/** [OPS35] The attempts written to each socket whose ack has not come back yet (a drain waits for them). */
const awaitingAck = new WeakMap<RallySocket, Set<object>>();
const awaiting = (socket: RallySocket): Set<object> => {
  let set = awaitingAck.get(socket);
  if (!set) awaitingAck.set(socket, (set = new Set()));
  return set;
};

/**
 * [OPS35] A node shutting down says `server:drainStarted`: after its `reconnectInMs` (each client
 * its own share of the window, so the other nodes are not hit by one storm), and once no command
 * awaits its ack (at most ACK_TIMEOUT_MS more), the connection is dropped; Socket.IO reconnects by
 * itself and the load balancer sends it to a node that is ready. A command cut off all the same is
 * sent again there by `send`, with the same id ([REL7]). Returns a function that stops following.
 */
export function followDrain(socket: RallySocket): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Only the attempts already waiting when the delay is up: a screen sending on would never let it go.
  const leave = (waitedMs: number, before: object[] = [...awaiting(socket)]) => {
    if (!socket.connected) return;
    const mine = awaiting(socket);
    if (before.some((a) => mine.has(a)) && waitedMs < ACK_TIMEOUT_MS) {
      timer = setTimeout(() => leave(waitedMs + 50, before), 50);
      return;
    }
    // The engine, not socket.disconnect(): the manager then reconnects on its own, as after a network drop.
    socket.io.engine?.close();
  };
  const onDrain = ({ reconnectInMs }: { reconnectInMs: number }) => {
    clearTimeout(timer);
    timer = setTimeout(() => leave(0), Math.max(0, reconnectInMs));
  };
  socket.on('server:drainStarted', onDrain);
  return () => {
    clearTimeout(timer);
    socket.off('server:drainStarted', onDrain);
  };
}

export interface SendCommandOptions {
  attempts?: number;
  timeoutMs?: number;
  /** [REL7] Called with true when the command starts waiting to be tried again, false when it settles. */
  onRetrying?: (retrying: boolean) => void;
  /** For tests: the randomness of the jitter. */
  random?: () => number;
}

/**
 * [REL7] When to try an UNAVAILABLE command again: never before the server's retryAfterMs, with a
 * capped exponential backoff, plus a random share of up to a quarter so a venue's phones do not all
 * come back in the same instant after an outage.
 */
export function commandRetryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const base = Math.max(Math.min(500 * 2 ** attempt, 8000), retryAfterMs ?? 0);
  return base + Math.round(random() * base * 0.25);
}

/**
 * Sends one command and resolves with its ack. A timeout, and [REL7] an UNAVAILABLE answer carrying
 * retryAfterMs (the store was unreachable), are retried with the SAME command id, so the server
 * answers the retry from the first result instead of applying it twice; after the last attempt
 * the caller gets an UNAVAILABLE error ack rather than an exception.
 */
export async function send<N extends CommandName>(
  socket: RallySocket,
  name: N,
  fields: CommandFields<N>,
  opts: SendCommandOptions = {},
): Promise<Ack<CommandResults[N]>> {
  const attempts = opts.attempts ?? SEND_ATTEMPTS;
  const timeoutMs = opts.timeoutMs ?? ACK_TIMEOUT_MS;
  const payload = { ...fields, id: newCommandId() };
  let retrying = false;
  const setRetrying = (on: boolean) => {
    if (on !== retrying) opts.onRetrying?.(on);
    retrying = on;
  };
  try {
    // Socket.IO's mapped emit types cannot follow a generic event name; the public signature above
    // keeps callers typed against the protocol.
    for (let attempt = 1; ; attempt++) {
      let ack: Ack<CommandResults[N]> | undefined;
      const attemptMark = {};
      awaiting(socket).add(attemptMark);
      try {
        // timeout() flags the next emit only, so it is set again on every attempt.
        const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck: AnyEmitWithAck };
        ack = (await timed.emitWithAck(name, payload)) as Ack<CommandResults[N]>;
      } catch {
        ack = undefined;
      } finally {
        awaiting(socket).delete(attemptMark);
      }
      const retryable = ack === undefined || (!ack.ok && ack.error.code === ErrorCode.UNAVAILABLE && ack.error.retryAfterMs !== undefined);
      if (ack && !retryable) return ack;
      if (attempt >= attempts) {
        return ack ?? { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: 'Rally did not answer in time. Check your connection and try again.' } };
      }
      setRetrying(true);
      if (ack && !ack.ok) await new Promise((r) => setTimeout(r, commandRetryDelayMs(attempt - 1, ack.error.retryAfterMs, opts.random)));
    }
  } finally {
    setRetrying(false);
  }
}
