import type { EngagementStore } from '../../store/engagement-store.js';
import { emptyFold, foldEntries, type FoldState } from './fold.js';

export interface LogFollower {
  /**
   * The fold of the event's log up to what is stored now (up to maxPages pages are read per call;
   * the rest on the next). Calls for one event are serialised, so a state is never folded twice.
   */
  stateOf(eventId: string, opts?: { maxPages?: number }): Promise<FoldState>;
  /** Drops a cached state (its next read folds the log from the start). */
  forget(eventId: string): void;
  /** Drops states not read for maxIdleMs. */
  evictIdle(maxIdleMs: number): void;
  events(): string[];
}

interface Followed {
  state: FoldState;
  lastUsed: number;
  chain: Promise<unknown>;
}

/**
 * [ENG6] Per node, per event: the fold of the log so far and the cursor it reached. Each read
 * tails the log from that cursor, so a node sees every node's entries, each once, and never
 * folds an entry twice. The state lives only as long as someone reads it (this node's ticker,
 * an export); losing it costs one re-read of the log.
 */
export function createLogFollower(store: Pick<EngagementStore, 'readEngagement'>, opts: { pageSize?: number; now?: () => number } = {}): LogFollower {
  const pageSize = opts.pageSize ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const followed = new Map<string, Followed>();

  const catchUp = async (eventId: string, f: Followed, maxPages: number) => {
    for (let page = 0; page < maxPages; page++) {
      const { entries, hasMore } = await store.readEngagement(eventId, f.state.cursor, pageSize);
      foldEntries(f.state, entries);
      if (!hasMore) return;
    }
  };

  return {
    stateOf(eventId, o = {}) {
      let f = followed.get(eventId);
      if (!f) followed.set(eventId, (f = { state: emptyFold(), lastUsed: now(), chain: Promise.resolve() }));
      const entry = f;
      entry.lastUsed = now();
      const next = entry.chain.then(() => catchUp(eventId, entry, o.maxPages ?? Number.POSITIVE_INFINITY)).then(() => entry.state);
      // A failed read must not poison the chain for the next caller.
      entry.chain = next.catch(() => undefined);
      return next;
    },
    forget(eventId) {
      followed.delete(eventId);
    },
    evictIdle(maxIdleMs) {
      const t = now();
      for (const [id, f] of followed) if (t - f.lastUsed > maxIdleMs) followed.delete(id);
    },
    events: () => [...followed.keys()],
  };
}
