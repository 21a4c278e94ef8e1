import type { Mode } from '@rally/shared';

/*
 * The engagement log port: one entry per interaction, with who, cohort, team, session and time.
 * TODO(issue 7, engagement): give it a store (a Redis stream in cluster mode, a table in SQLite),
 * the live dashboard, parity and exports. Until then the app keeps a bounded in-memory log, so
 * capabilities can already record what they must and tests can check it.
 */

export type EngagementKind =
  | 'joined'
  | 'left'
  | 'sessionEntered'
  | 'sessionLeft'
  | 'voted'
  | 'asked'
  | 'upvoted'
  | 'answered'
  | 'reacted'
  | 'chatted'
  | 'roomEntered'
  | 'roomLeft';

export interface EngagementEntry {
  eventId: string;
  participantId: string;
  /** The participant's cohort at that moment. */
  mode: Mode;
  team: string | null;
  /** The live agenda session at that moment (the one entered or left for session entries). */
  sessionId: string | null;
  kind: EngagementKind;
  at: string;
  /** What the interaction was about: an emoji, a message id, a poll id. */
  ref?: string;
}

export interface EngagementLog {
  append(entry: EngagementEntry): Promise<void>;
}

export interface MemoryEngagementLog extends EngagementLog {
  /** Oldest first, at most `limit` of them. */
  entries(): readonly EngagementEntry[];
}

/** Keeps the latest `limit` entries of this process in memory (see the TODO above). */
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
