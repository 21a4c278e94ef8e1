import type { RallyServer } from './publisher.js';

/**
 * What the node's periodic work shares: the loop that never stacks ticks (every ticker, the room-code
 * check and the poll deadline sweep), and the list of events this node serves (the coalescing
 * tickers: poll results, Q&A votes, engagement). Each keeps its own per-event logic.
 */
export interface Loop {
  /** Stops the timer and waits for a tick in progress, so nothing reads a store being closed. */
  stop(): Promise<void>;
}

/** Runs `tick` every `intervalMs`. A slow store must not stack ticks up: one in progress skips the next. */
export function startLoop(intervalMs: number, tick: () => Promise<void>): Loop {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = tick().finally(() => {
      running = null;
    });
  }, intervalMs);
  // Timers never keep the process alive: shutdown is app.close()'s job.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

const EVENT_ROOM = /^ev:([^:]+)$/;

/** Events with at least one socket on this node (its local `ev:<id>` rooms). */
export function localEvents(io: RallyServer): Set<string> {
  const events = new Set<string>();
  for (const room of io.of('/').adapter.rooms.keys()) {
    const m = EVENT_ROOM.exec(room);
    if (m) events.add(m[1]!);
  }
  return events;
}

/** Runs `each` for every local event at once; a failing event is logged and does not stop the others. */
export async function forEachLocalEvent(events: Iterable<string>, each: (eventId: string) => Promise<void>, onError: (err: unknown, eventId: string) => void): Promise<void> {
  await Promise.all([...events].map((eventId) => each(eventId).catch((err: unknown) => onError(err, eventId))));
}
