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
export const SEND_ATTEMPTS = 3;

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

/**
 * Sends one command and resolves with its ack. A timeout is retried with the SAME command id, so
 * the server answers the retry from the first result instead of applying it twice; after the last
 * attempt the caller gets an UNAVAILABLE error ack rather than an exception.
 */
export async function send<N extends CommandName>(
  socket: RallySocket,
  name: N,
  fields: CommandFields<N>,
  opts: { attempts?: number; timeoutMs?: number } = {},
): Promise<Ack<CommandResults[N]>> {
  const attempts = opts.attempts ?? SEND_ATTEMPTS;
  const timeoutMs = opts.timeoutMs ?? ACK_TIMEOUT_MS;
  const payload = { ...fields, id: newCommandId() };
  // Socket.IO's mapped emit types cannot follow a generic event name; the public signature above
  // keeps callers typed against the protocol.
  for (let attempt = 1; ; attempt++) {
    try {
      // timeout() flags the next emit only, so it is set again on every attempt.
      const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck: AnyEmitWithAck };
      const ack = await timed.emitWithAck(name, payload);
      return ack as Ack<CommandResults[N]>;
    } catch {
      if (attempt >= attempts) {
        return {
          ok: false,
          error: { code: ErrorCode.UNAVAILABLE, message: 'Rally did not answer in time. Check your connection and try again.' },
        };
      }
    }
  }
}
