import type { NewEngagementEntry } from '@rally/shared';
import type { Log } from '../../log.js';
import { MAX_APPEND_BATCH, type EngagementStore } from '../../store/engagement-store.js';

export interface EngagementRecorder {
  /** Accepts the entry into this node's buffer and resolves at once: a caller never waits for storage. */
  append(entry: NewEngagementEntry): Promise<void>;
  /** Writes what is buffered now (and any batch a failed write left); resolves when stored. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. Appends after close are dropped. */
  close(): Promise<void>;
  /** Entries buffered or waiting for a retry. */
  pending(): number;
}

export interface RecorderOptions {
  /** [ENG4] How often the buffer is written. */
  intervalMs?: number;
  /** Entries kept while the store is unreachable; beyond, the oldest are dropped (and logged). */
  maxBuffered?: number;
  newBatchId: () => string;
}

interface Batch {
  id: string;
  entries: NewEngagementEntry[];
}

/**
 * [ENG4] The per-node writer of the engagement log. Interactions append to a memory buffer and
 * return at once, so a vote's ack never waits for the log; every intervalMs the buffer goes to
 * the store in batches of at most MAX_APPEND_BATCH (one SQLite transaction, one Redis script
 * each). A batch keeps its id across retries and the store applies an id once, so a write whose
 * reply was lost is not stored twice. The trade-off, written down in [ENG4]: entries still in the
 * buffer when the process dies hard are lost (the interaction itself is already durable in its
 * own store); a graceful close flushes them.
 */
export function createEngagementRecorder(store: Pick<EngagementStore, 'appendEngagement'>, log: Log, opts: RecorderOptions): EngagementRecorder {
  const maxBuffered = opts.maxBuffered ?? 100_000;
  let buffer: NewEngagementEntry[] = [];
  /** Batches cut from the buffer but not stored yet, oldest first: they keep their ids on retry. */
  const batches: Batch[] = [];
  let running: Promise<void> | null = null;
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

  const timer = setInterval(() => {
    if (running || (buffer.length === 0 && batches.length === 0)) return;
    flushOnce().catch(() => undefined);
  }, opts.intervalMs ?? 100);
  timer.unref();

  return {
    async append(entry) {
      if (closed) return;
      buffer.push(entry);
      const over = pendingCount() - maxBuffered;
      if (over > 0) {
        // The store has been unreachable for a long time: keep the newest, say what was lost.
        buffer = buffer.slice(Math.min(over, buffer.length));
        dropped += over;
        log.error({ dropped }, 'engagement log buffer full; oldest entries dropped');
      }
    },
    flush: flushOnce,
    pending: pendingCount,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flushOnce().catch((err: unknown) => log.error({ err, lost: pendingCount() }, 'engagement log entries could not be written at close'));
    },
  };
}
