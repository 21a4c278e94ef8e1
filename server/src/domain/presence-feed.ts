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
  counts: CohortCounts;
  timer: ReturnType<typeof setTimeout>;
}

export const PRESENCE_INTERVAL_MS = 500;

/**
 * [PRES4] Coalesces presence changes per event: the first change after a quiet interval goes out at
 * once (a single join shows up immediately), and then at most one `presence:changed` per interval,
 * carrying every participant that changed (their latest state only) and the latest counts. A
 * reconnect storm of thousands of attendees is then a few messages to staff instead of one per socket.
 * Each node batches its own sockets' changes; the buffers live on this node only. Staff who connect
 * meanwhile get the same facts from their snapshot, and applying a batch twice changes nothing.
 */
export function createPresenceFeed(publish: Pick<Publisher, 'toRoles'>, opts: { intervalMs?: number } = {}): PresenceFeed {
  const intervalMs = opts.intervalMs ?? PRESENCE_INTERVAL_MS;
  const windows = new Map<string, Window>();

  const send = (eventId: string, changes: PresenceDelta[], counts: CohortCounts) =>
    publish.toRoles(eventId, STAFF_ROLES, 'presence:changed', { changes, counts });

  const openWindow = (eventId: string, counts: CohortCounts): Window => {
    const timer = setTimeout(() => close(eventId), intervalMs);
    timer.unref?.();
    const w: Window = { pending: new Map(), counts, timer };
    windows.set(eventId, w);
    return w;
  };

  // End of an interval: send what gathered and keep throttling, or go quiet.
  const close = (eventId: string) => {
    const w = windows.get(eventId);
    if (!w) return;
    windows.delete(eventId);
    if (w.pending.size === 0) return;
    send(eventId, [...w.pending.values()], w.counts);
    openWindow(eventId, w.counts);
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
