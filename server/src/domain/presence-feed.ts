import type { CohortCounts, Participant } from '@rally/shared';
import { STAFF_ROLES, type Publisher } from './ports.js';

export interface PresenceDelta {
  participant: Participant;
  online: boolean;
}

/** [PRES4] Where presence changes go to be coalesced into `presence:changed` batches (per node). */
export interface PresenceFeed {
  /** counts: the event's cohort counts as the store returned them with this change. */
  changed(eventId: string, delta: PresenceDelta, counts: CohortCounts): void;
  /** Drops pending batches and their timers (shutdown). */
  stop(): void;
}

interface Window {
  /** Latest change per participant since the last send; insertion order is arrival order. */
  pending: Map<string, PresenceDelta>;
  /** The counts that came with this node's latest change: what a batch carries when no fresher read is at hand. */
  counts: CohortCounts;
  timer?: ReturnType<typeof setTimeout>;
}

export interface PresenceFeedOptions {
  intervalMs?: number;
  /**
   * The event's counts now (the store's presenceCounts, O(1)), read once per batch as it leaves.
   * The counts that came with this node's last change miss whatever other nodes changed since, and
   * a batch leaves up to an interval later, after their own messages: sending those would put staff
   * back on older counts until the next change. Without it (unit tests), the last change's counts.
   */
  countsNow?: (eventId: string) => Promise<CohortCounts>;
  /** Called with the event of every batch sent: others who follow who is here (a quiz lobby) hook on. */
  onSent?: (eventId: string) => void;
}

export const PRESENCE_INTERVAL_MS = 500;

/**
 * [PRES4] Coalesces presence changes per event: the first change after a quiet interval goes out at
 * once (a single join shows up immediately), and then at most one `presence:changed` per interval,
 * carrying every participant that changed (their latest state only) and the counts as they are
 * when it leaves. A reconnect storm of thousands of attendees is then a few messages to staff
 * instead of one per socket.
 * Each node batches its own sockets' changes; the buffers live on this node only. Staff who connect
 * meanwhile get the same facts from their snapshot, and applying a batch twice changes nothing.
 */
export function createPresenceFeed(publish: Pick<Publisher, 'toRoles'>, opts: PresenceFeedOptions = {}): PresenceFeed {
  const intervalMs = opts.intervalMs ?? PRESENCE_INTERVAL_MS;
  const windows = new Map<string, Window>();

  const send = (eventId: string, changes: PresenceDelta[], counts: CohortCounts) => {
    publish.toRoles(eventId, STAFF_ROLES, 'presence:changed', { changes, counts });
    opts.onSent?.(eventId);
  };

  const schedule = (eventId: string, w: Window) => {
    w.timer = setTimeout(() => flush(eventId, w), intervalMs);
    w.timer.unref?.();
  };

  const openWindow = (eventId: string, counts: CohortCounts) => {
    const w: Window = { pending: new Map(), counts };
    windows.set(eventId, w);
    schedule(eventId, w);
  };

  // End of an interval: send what gathered and keep throttling, or go quiet. The window stays open
  // while the counts are read, so changes meanwhile wait for the next batch and batches leave in order.
  const flush = (eventId: string, w: Window) => {
    if (windows.get(eventId) !== w) return;
    if (w.pending.size === 0) {
      windows.delete(eventId);
      return;
    }
    const changes = [...w.pending.values()];
    w.pending = new Map();
    const go = (counts: CohortCounts) => {
      if (windows.get(eventId) !== w) return; // stopped meanwhile
      send(eventId, changes, counts);
      schedule(eventId, w);
    };
    if (!opts.countsNow) return go(w.counts);
    opts.countsNow(eventId).then(go, () => go(w.counts));
  };

  return {
    changed(eventId, delta, counts) {
      const w = windows.get(eventId);
      if (!w) {
        send(eventId, [delta], counts);
        openWindow(eventId, counts);
        return;
      }
      w.pending.delete(delta.participant.id);
      w.pending.set(delta.participant.id, delta);
      w.counts = counts;
    },
    stop() {
      for (const w of windows.values()) clearTimeout(w.timer);
      windows.clear();
    },
  };
}
