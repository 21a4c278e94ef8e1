import type { NewEngagementEntry } from '@rally/shared';
import type { Log } from '../../log.js';
import { MAX_APPEND_BATCH, type EngagementStore } from '../../store/engagement-store.js';

export interface EngagementRecorder {
  /** Accepts the entry into this node's buffer and resolves at once: a caller never waits for storage. */
  append(entry: NewEngagementEntry): Promise<void>;
  /**
   * Like append, for an entry still being worked out (the live session is being read): it counts
   * as accepted now, for `written()`, and is buffered once known (null: nothing to log).
   */
  hold(entry: Promise<NewEngagementEntry | null>): void;
  /**
   * [REL22] Resolves once every entry accepted before the call is stored (rejects if their write
   * failed; they stay buffered and are retried). An ack awaits it: nothing acked loses its entry.
   */
  written(): Promise<void>;
  /** Writes what is buffered now (and any batch a failed write left); resolves when stored. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. Appends after close are dropped. */
  close(): Promise<void>;
  /** Entries buffered or waiting for a retry. */
  pending(): number;
}

export interface RecorderOptions {
  /** [ENG4] How often a write that failed is retried. */
  intervalMs?: number;
  /** Entries kept while the store is unreachable; beyond, the oldest are dropped (and logged). */
  maxBuffered?: number;
  newBatchId: () => string;
}

interface Batch {
  id: string;
  entries: NewEngagementEntry[];
}

/** The entries accepted in one event-loop turn, written together when the turn's I/O is done. */
interface Turn {
  holds: Promise<unknown>[];
  seal: () => void;
  done: Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * [ENG4] [REL22] The per-node writer of the engagement log. The entries accepted in one turn of the
 * event loop are written together once the turn's I/O callbacks are done (setImmediate), in
 * batches of at most MAX_APPEND_BATCH (one SQLite transaction, one Redis script each); turns are
 * written in order. `written()` lets the command pipeline hold an ack until the entries accepted
 * before it are stored, so a crash cannot keep an acked vote and lose its entry. In SQLite the
 * write joins the store's group commit ([STORE39]), which the ack awaits next; in Redis it is one
 * script per turn. A batch keeps its id across retries and the store applies an id once, so a
 * write whose reply was lost is not stored twice; a failed write is retried every intervalMs.
 */
export function createEngagementRecorder(store: Pick<EngagementStore, 'appendEngagement'>, log: Log, opts: RecorderOptions): EngagementRecorder {
  const maxBuffered = opts.maxBuffered ?? 100_000;
  let buffer: NewEngagementEntry[] = [];
  /** Batches cut from the buffer but not stored yet, oldest first: they keep their ids on retry. */
  const batches: Batch[] = [];
  let running: Promise<void> | null = null;
  /** The turn accepting entries now, and the write of the latest sealed one. */
  let turn: Turn | null = null;
  let last: Promise<void> = DONE;
  let lastSettled = true;
  let closed = false;
  let dropped = 0;

  const cut = () => {
    while (buffer.length > 0) batches.push({ id: opts.newBatchId(), entries: buffer.splice(0, MAX_APPEND_BATCH) });
  };

  const writeAll = async () => {
    cut();
    while (batches.length > 0) {
      const batch = batches[0]!;
      await store.appendEngagement(batch.id, batch.entries);
      batches.shift();
    }
  };

  const flushOnce = (): Promise<void> => {
    if (running) return running.then(() => flushOnce());
    running = writeAll()
      .catch((err: unknown) => {
        log.warn({ err, pending: pendingCount() }, 'engagement log write failed; retrying');
        throw err;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const pendingCount = () => buffer.length + batches.reduce((n, b) => n + b.entries.length, 0);

  const openTurn = (): Turn => {
    if (turn) return turn;
    let seal!: () => void;
    const sealed = new Promise<void>((r) => (seal = r));
    const prev = last;
    const t: Turn = { holds: [], seal, done: DONE };
    // In order: a turn is written after the one before it (whose failure leaves its entries in the
    // batches this write retries first), once its held entries are known.
    t.done = sealed
      .then(() => prev.catch(() => undefined))
      .then(() => Promise.all(t.holds))
      .then(() => flushOnce());
    t.done.catch(() => undefined);
    last = t.done;
    lastSettled = false;
    void t.done.then(
      () => last === t.done && (lastSettled = true),
      () => last === t.done && (lastSettled = true),
    );
    turn = t;
    setImmediate(() => sealTurn(t));
    return t;
  };
  const sealTurn = (t: Turn) => {
    if (turn === t) turn = null;
    t.seal();
  };

  const push = (entry: NewEngagementEntry) => {
    buffer.push(entry);
    const over = pendingCount() - maxBuffered;
    if (over > 0) {
      // The store has been unreachable for a long time: keep the newest, say what was lost.
      buffer = buffer.slice(Math.min(over, buffer.length));
      dropped += over;
      log.error({ dropped }, 'engagement log buffer full; oldest entries dropped');
    }
  };

  const timer = setInterval(() => {
    if (running || (buffer.length === 0 && batches.length === 0)) return;
    flushOnce().catch(() => undefined);
  }, opts.intervalMs ?? 100);
  timer.unref();

  return {
    async append(entry) {
      if (closed) return;
      openTurn();
      push(entry);
    },
    hold(entry) {
      if (closed) return;
      openTurn().holds.push(entry.then((e) => e && push(e), () => undefined));
    },
    written() {
      if (turn) return turn.done;
      // A failed turn whose entries a retry has since stored no longer fails later acks.
      return lastSettled && pendingCount() === 0 ? DONE : last;
    },
    flush: flushOnce,
    pending: pendingCount,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (turn) sealTurn(turn);
      await last.catch(() => undefined);
      await flushOnce().catch((err: unknown) => log.error({ err, lost: pendingCount() }, 'engagement log entries could not be written at close'));
    },
  };
}
