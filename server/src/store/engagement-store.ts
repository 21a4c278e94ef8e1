import type { EngagementPage, NewEngagementEntry } from '@rally/shared';

/** Most entries one appendEngagement call may carry (the recorder splits bigger batches). */
export const MAX_APPEND_BATCH = 500;
/** How long a batch id is remembered, so a retried batch is stored once. */
export const BATCH_MEMORY_SECONDS = 600;

/**
 * The engagement part of the storage port: the append-only log, per event, and a small per-event
 * key-value record for settings and shared flags. Both adapters implement it
 * (store/sqlite/engagement.ts: a table with an AUTOINCREMENT cursor; store/redis/engagement.ts: one
 * stream per event, cursor = stream id) and pass one contract suite
 * (server/test/store/engagement-contract.ts). Rules [ESTOREn] in docs/SPEC.md.
 */
export interface EngagementStore {
  /**
   * [ESTORE1] [ESTORE2] Appends the entries (of any events) in order, atomically: all or none.
   * A batch id already applied in the last BATCH_MEMORY_SECONDS changes nothing, so a batch
   * retried after a lost reply is stored once. At most MAX_APPEND_BATCH entries.
   */
  appendEngagement(batchId: string, entries: readonly NewEngagementEntry[]): Promise<void>;
  /**
   * [ESTORE3] [ESTORE4] The event's entries after `after` (null: from the start), in log order, at
   * most `limit`. An entry becomes readable only after every entry before it in the log, so a
   * reader following nextCursor sees each entry exactly once, whatever is being appended
   * meanwhile. A malformed cursor is BAD_REQUEST.
   */
  readEngagement(eventId: string, after: string | null, limit: number): Promise<EngagementPage>;
  countEngagement(eventId: string): Promise<number>;
  /**
   * [ESTORE5] Every entry of this participant in the event, stored or appended later, reads from
   * now on with `tombstoneId` as its participant; nothing else of the entries changes, nor their
   * cursors.
   */
  pseudonymiseEngagement(eventId: string, participantId: string, tombstoneId: string): Promise<void>;
  /** [ESTORE6] The event's engagement record: field -> JSON text; {} when nothing was set. */
  engagementConfig(eventId: string): Promise<Record<string, string>>;
  /** [ESTORE6] Sets the fields given (JSON text); other fields are kept. */
  patchEngagementConfig(eventId: string, fields: Record<string, string>): Promise<void>;
  /**
   * [ESTORE7] Compare-and-set of one field: sets it to `next` only if it is `expected` now (null:
   * absent). True when this call changed it: of racing nodes exactly one wins.
   */
  casEngagementConfig(eventId: string, field: string, expected: string | null, next: string): Promise<boolean>;
  /**
   * [ESTORE8] Stores the event's latest leaderboard (opaque text), replacing the previous one,
   * only if the record's field `whileField.field` holds `whileField.value` at that moment (checked
   * in the same atomic step): a board computed just before the setting changed is not kept.
   * True when stored.
   */
  putLeaderboard(eventId: string, board: string, whileField: { field: string; value: string }): Promise<boolean>;
  /** [ESTORE8] The stored leaderboard; null when none. One read, whatever the event's size. */
  storedLeaderboard(eventId: string): Promise<string | null>;
  /** [ESTORE8] Removes the stored leaderboard (nothing to do when there is none). */
  clearLeaderboard(eventId: string): Promise<void>;
}
