import { RallyError, unavailable } from '@rally/shared';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';

/**
 * [REL1] How long a client waits before trying an UNAVAILABLE command, join or handshake again.
 * Short: a Redis restart takes a second or two, and the client backs off further on its own.
 */
export const UNAVAILABLE_RETRY_AFTER_MS = 1000;

/** [REL1] The one refusal every deadline and every unreachable store turns into. */
export const storeUnavailable = (): RallyError =>
  unavailable('Rally cannot reach its data store right now: please try again in a moment', UNAVAILABLE_RETRY_AFTER_MS);

// Redis answers these while it cannot serve yet (loading its AOF after a restart, a busy script,
// a replica without its primary): the command did nothing and a retry will work.
const NOT_YET = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN']);

/**
 * [REL2] True for the failures of a store that is unreachable or not serving yet, as node-redis
 * reports them: offline (no offline queue), closed, the socket cut mid-command, a connect timeout,
 * its own command queue full. These are UNAVAILABLE, never INTERNAL: nothing about the command was wrong.
 */
export function isStoreUnreachable(e: unknown): boolean {
  if (
    e instanceof ClientOfflineError ||
    e instanceof ClientClosedError ||
    e instanceof SocketClosedUnexpectedlyError ||
    e instanceof ConnectionTimeoutError ||
    e instanceof SocketTimeoutError ||
    e instanceof TimeoutError ||
    e instanceof DisconnectsClientError ||
    e instanceof ReconnectStrategyError
  )
    return true;
  if (e instanceof ErrorReply) return NOT_YET.test(e.message);
  if (!(e instanceof Error)) return false;
  // commandsQueueMaxLength reached: node-redis rejects with a plain Error.
  if (e.message === 'The queue is full') return true;
  const code = (e as NodeJS.ErrnoException).code;
  return code !== undefined && NETWORK_CODES.has(code);
}

/**
 * [REL1] Settles with `work`, or rejects with UNAVAILABLE once `ms` have passed. The work itself is
 * not cancelled (a command already written to Redis may still apply): callers that can be retried
 * rely on the idempotency record and the in-flight table to apply it once.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0)) return work;
  // One promise and one timer: every command and every (re)connection passes here twice or more,
  // and Promise.race with a second promise and a finally cost a reconnect storm ~1 % of its CPU.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(storeUnavailable()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
