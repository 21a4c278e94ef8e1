import { unavailable, type RallyError } from '@rally/shared';
import type { Log } from '../log.js';
import type { RallyServer } from './publisher.js';

/**
 * [OPS31] How long a join, handshake or command refused by a draining node waits before trying
 * again: by then the load balancer has taken the node out (its /readyz answers 503).
 */
export const DRAIN_RETRY_AFTER_MS = 1000;

/** [OPS31] [OPS33] The one refusal of a draining node: retryable, with the same command id. */
export const drainingRefusal = (): RallyError => unavailable('this Rally server is restarting: connecting you to another one', DRAIN_RETRY_AFTER_MS);

/** How often the drain looks whether its clients have left and its work is done. */
const POLL_MS = 20;

/** What the command pipeline and the HTTP edge ask of the drain. */
export interface DrainGate {
  /** [OPS30] True from the drain's start: /readyz 503, joins and handshakes refused. */
  draining(): boolean;
  /** [OPS33] False once the clients' window has passed: a command arriving later is refused (its retry goes elsewhere). */
  acceptingCommands(): boolean;
  /** [OPS33] Counts one piece of work (a command, a request, a presence write) in flight until `done` is called. */
  begin(): () => void;
  /** [OPS33] Counts `work` in flight until it settles. */
  track(work: Promise<unknown>): void;
}

export interface DrainOptions {
  /** [OPS32] Each client is told to reconnect after a random delay within this window (DRAIN_WINDOW_MS). */
  windowMs: number;
  /** [OPS34] The whole drain ends by this deadline, cut if it must be (DRAIN_TIMEOUT_MS). */
  timeoutMs: number;
  /** For tests: the randomness of each socket's delay. */
  random?: () => number;
}

export interface DrainOutcome {
  /** True when the deadline cut the drain: sockets still connected or work still in flight. */
  cut: boolean;
  /** Sockets told to reconnect elsewhere. */
  told: number;
  elapsedMs: number;
}

export interface Drain extends DrainGate {
  /** Marks the node draining without telling anyone (close() without a drain: tests, SIGINT twice). */
  markDraining(): void;
  /** Runs the drain once (later calls get the same run). */
  run(): Promise<DrainOutcome>;
  /** Resolves once nothing is in flight, or after `ms`. */
  idle(ms: number): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * [OPS30]–[OPS34] A node's graceful drain: refuse newcomers at once, tell every connected client to
 * reconnect elsewhere after its own random delay within the window (so the other nodes take them
 * over gradually, not in one storm), keep serving them until they go, then refuse new commands and
 * wait for the ones in flight to be written and acked. Closing the sockets and flushing is the
 * app's close(), after this.
 */
export function createDrain(io: RallyServer, log: Log, opts: DrainOptions): Drain {
  const random = opts.random ?? Math.random;
  let draining = false;
  let accepting = true;
  let inFlight = 0;
  let running: Promise<DrainOutcome> | undefined;

  const settle = () => {
    inFlight--;
  };
  const begin = () => {
    inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      inFlight--;
    };
  };

  /** Waits until `settled()` or the deadline; true if it settled. */
  const until = async (settled: () => boolean, deadline: number) => {
    while (!settled()) {
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
    return true;
  };

  const local = () => io.of('/').sockets;

  return {
    draining: () => draining,
    acceptingCommands: () => accepting,
    begin,
    track(work) {
      // Once per command: a shared settle, not a closure per call.
      inFlight++;
      work.then(settle, settle);
    },
    markDraining() {
      draining = true;
    },
    idle: (ms) => until(() => inFlight === 0, Date.now() + ms),
    run() {
      running ??= (async () => {
        const startedAt = Date.now();
        const deadline = startedAt + opts.timeoutMs;
        draining = true;
        // [OPS32] Each socket its own delay. Sent node-locally ([PROTO13]): a socket.emit would be
        // kept for connection-state recovery and replayed to the client on the node it moves to.
        let told = 0;
        for (const socket of local().values()) {
          const reconnectInMs = Math.round(random() * opts.windowMs);
          io.local.to(socket.id).emit('server:drainStarted', { reconnectInMs, message: 'this Rally server is restarting: reconnecting you to another one' });
          told++;
        }
        // [OPS33] Clients still here are served until their delay is up; the window ends early
        // once every one of them has gone.
        const windowEnd = Math.min(deadline, startedAt + opts.windowMs);
        await until(() => local().size === 0, windowEnd);
        accepting = false;
        const finished = await until(() => inFlight === 0, deadline);
        const cut = !finished;
        const elapsedMs = Date.now() - startedAt;
        // [OPS34] One line when the deadline cut it short, saying what was left.
        if (cut) log.warn({ inFlight, sockets: local().size, elapsedMs }, 'drain cut at DRAIN_TIMEOUT_MS: work still in flight is abandoned');
        else log.info({ told, elapsedMs }, 'drained');
        return { cut, told, elapsedMs };
      })();
      return running;
    },
  };
}
