import type { EngagementKind as Kind, NewEngagementEntry } from '@rally/shared';

/*
 * The engagement log port: one entry per interaction, with who, cohort, team, session and time.
 * The kinds and the entry are the protocol's (shared/src/engagement.ts, [ENG1] [ENG2]). The app
 * implements the port with the per-node recorder (./service.ts, ./recorder.ts: written to the
 * store's log once per event-loop turn, before the ack); tests of other capabilities may use the memory log below to
 * check what they record.
 */

export type EngagementKind = Kind;
export type EngagementEntry = NewEngagementEntry;

export interface EngagementLog {
  append(entry: EngagementEntry): Promise<void>;
}

export interface MemoryEngagementLog extends EngagementLog {
  /** Oldest first, at most `limit` of them. */
  entries(): readonly EngagementEntry[];
}

/** Keeps the latest `limit` entries of this process in memory: for tests. */
export function memoryEngagementLog(limit = 10_000): MemoryEngagementLog {
  const kept: EngagementEntry[] = [];
  return {
    async append(entry) {
      kept.push(entry);
      if (kept.length > limit) kept.splice(0, kept.length - limit);
    },
    entries: () => kept,
  };
}
