import type Database from 'better-sqlite3';
import { ErrorCode, RallyError, type EngagementEntry, type EngagementKind, type Mode, type NewEngagementEntry } from '@rally/shared';
import { BATCH_MEMORY_SECONDS, MAX_APPEND_BATCH, type EngagementStore } from '../engagement-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS engagement_log (
  cursor INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  participant_id TEXT,
  mode TEXT NOT NULL,
  team TEXT,
  session_id TEXT,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  ref TEXT,
  breakout_room_id TEXT
);
CREATE INDEX IF NOT EXISTS engagement_log_by_event ON engagement_log(event_id, cursor);
CREATE INDEX IF NOT EXISTS engagement_log_by_participant ON engagement_log(event_id, participant_id);
CREATE TABLE IF NOT EXISTS engagement_batches (
  batch_id TEXT PRIMARY KEY,
  at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS engagement_batches_by_time ON engagement_batches(at_ms);
CREATE TABLE IF NOT EXISTS engagement_tombstones (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  tombstone TEXT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engagement_config (
  event_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (event_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engagement_leaderboard (
  event_id TEXT PRIMARY KEY,
  board TEXT NOT NULL
) WITHOUT ROWID;
`;

interface Row {
  cursor: number;
  event_id: string;
  participant_id: string | null;
  mode: string;
  team: string | null;
  session_id: string | null;
  kind: string;
  at: string;
  ref: string | null;
  breakout_room_id: string | null;
}

const CURSOR = /^[0-9]{1,15}$/;

function toEntry(r: Row): EngagementEntry {
  return {
    cursor: String(r.cursor),
    eventId: r.event_id,
    participantId: r.participant_id,
    mode: r.mode as Mode,
    team: r.team,
    sessionId: r.session_id,
    kind: r.kind as EngagementKind,
    at: r.at,
    ...(r.ref !== null ? { ref: r.ref } : {}),
    ...(r.breakout_room_id !== null ? { breakoutRoomId: r.breakout_room_id } : {}),
  };
}

/**
 * The engagement log as a table on the embedded store's database. AUTOINCREMENT makes the rowid
 * the cursor and never reuses one. better-sqlite3 is synchronous and this process is the only
 * writer, so a batch commits whole and in cursor order: a reader never sees cursor n+1 before n.
 */
export function createSqliteEngagement(db: Database.Database, now: () => number = Date.now): EngagementStore {
  db.exec(SCHEMA);
  const q = {
    // A deleted participant's entries written after the deletion (a batch in flight, their socket
    // closing) get the tombstone too.
    insert: db.prepare(
      `INSERT INTO engagement_log (event_id, participant_id, mode, team, session_id, kind, at, ref, breakout_room_id)
       VALUES (@eventId, COALESCE((SELECT tombstone FROM engagement_tombstones WHERE event_id = @eventId AND participant_id = @participantId), @participantId),
               @mode, @team, @sessionId, @kind, @at, @ref, @breakoutRoomId)`,
    ),
    tombstone: db.prepare('INSERT OR REPLACE INTO engagement_tombstones (event_id, participant_id, tombstone) VALUES (?, ?, ?)'),
    claimBatch: db.prepare('INSERT OR IGNORE INTO engagement_batches (batch_id, at_ms) VALUES (?, ?)'),
    pruneBatches: db.prepare('DELETE FROM engagement_batches WHERE at_ms < ?'),
    page: db.prepare<[string, number, number], Row>('SELECT * FROM engagement_log WHERE event_id = ? AND cursor > ? ORDER BY cursor LIMIT ?'),
    count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM engagement_log WHERE event_id = ?'),
    pseudonymise: db.prepare('UPDATE engagement_log SET participant_id = ? WHERE event_id = ? AND participant_id = ?'),
    config: db.prepare<[string], { field: string; value: string }>('SELECT field, value FROM engagement_config WHERE event_id = ?'),
    configField: db.prepare<[string, string], { value: string }>('SELECT value FROM engagement_config WHERE event_id = ? AND field = ?'),
    board: db.prepare<[string], { board: string }>('SELECT board FROM engagement_leaderboard WHERE event_id = ?'),
    putBoard: db.prepare('INSERT INTO engagement_leaderboard (event_id, board) VALUES (?, ?) ON CONFLICT(event_id) DO UPDATE SET board = excluded.board'),
    clearBoard: db.prepare('DELETE FROM engagement_leaderboard WHERE event_id = ?'),
    setField: db.prepare('INSERT INTO engagement_config (event_id, field, value) VALUES (?, ?, ?) ON CONFLICT(event_id, field) DO UPDATE SET value = excluded.value'),
  };

  const append = db.transaction((batchId: string, entries: readonly NewEngagementEntry[]) => {
    const t = now();
    q.pruneBatches.run(t - BATCH_MEMORY_SECONDS * 1000);
    if (q.claimBatch.run(batchId, t).changes === 0) return;
    for (const e of entries) {
      q.insert.run({ eventId: e.eventId, participantId: e.participantId, mode: e.mode, team: e.team, sessionId: e.sessionId, kind: e.kind, at: e.at, ref: e.ref ?? null, breakoutRoomId: e.breakoutRoomId ?? null });
    }
  });

  const pseudonymise = db.transaction((eventId: string, participantId: string, tombstoneId: string) => {
    q.tombstone.run(eventId, participantId, tombstoneId);
    q.pseudonymise.run(tombstoneId, eventId, participantId);
  });

  const patch = db.transaction((eventId: string, fields: Record<string, string>) => {
    for (const [f, v] of Object.entries(fields)) q.setField.run(eventId, f, v);
  });

  const cas = db.transaction((eventId: string, field: string, expected: string | null, next: string): boolean => {
    const current = q.configField.get(eventId, field)?.value ?? null;
    if (current !== expected) return false;
    q.setField.run(eventId, field, next);
    return true;
  });

  const putBoard = db.transaction((eventId: string, board: string, whileField: { field: string; value: string }): boolean => {
    if (q.configField.get(eventId, whileField.field)?.value !== whileField.value) return false;
    q.putBoard.run(eventId, board);
    return true;
  });

  return {
    async appendEngagement(batchId, entries) {
      if (entries.length > MAX_APPEND_BATCH) throw new RangeError(`at most ${MAX_APPEND_BATCH} entries per batch`);
      append(batchId, entries);
    },
    async readEngagement(eventId, after, limit) {
      if (after !== null && !CURSOR.test(after)) throw new RallyError(ErrorCode.BAD_REQUEST, 'after: not a cursor of this log');
      const rows = q.page.all(eventId, after === null ? 0 : Number(after), limit + 1);
      const entries = rows.slice(0, limit).map(toEntry);
      return { entries, nextCursor: entries.at(-1)?.cursor ?? after, hasMore: rows.length > limit };
    },
    async countEngagement(eventId) {
      return q.count.get(eventId)?.n ?? 0;
    },
    async pseudonymiseEngagement(eventId, participantId, tombstoneId) {
      pseudonymise(eventId, participantId, tombstoneId);
    },
    async engagementConfig(eventId) {
      return Object.fromEntries(q.config.all(eventId).map((r) => [r.field, r.value]));
    },
    async patchEngagementConfig(eventId, fields) {
      patch(eventId, fields);
    },
    async casEngagementConfig(eventId, field, expected, next) {
      return cas(eventId, field, expected, next);
    },
    async putLeaderboard(eventId, board, whileField) {
      return putBoard(eventId, board, whileField);
    },
    async storedLeaderboard(eventId) {
      return q.board.get(eventId)?.board ?? null;
    },
    async clearLeaderboard(eventId) {
      q.clearBoard.run(eventId);
    },
  };
}
