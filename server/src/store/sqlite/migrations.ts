import type { Database } from 'better-sqlite3';
import { SCHEMA_VERSION, SchemaTooNewError } from '../schema-version.js';

/*
 * [OPS40]–[OPS44] Schema versions of the SQLite file, recorded in PRAGMA user_version (0: a file
 * from before versioning, or a new one: both hold version 1, the tables every module creates with
 * CREATE TABLE IF NOT EXISTS). Each migration takes the file from `to - 1` to `to`; they run in
 * order at boot, each in its own transaction with the version bump, so a crash leaves the file at
 * a version it fully holds. BEGIN IMMEDIATE takes the write lock first: a second process opening
 * the same file waits, then re-reads the version and finds nothing left to do.
 */

/** [OPS42] The end index's key, from the event's JSON document (`doc` names the column): see retentionIndexMs. */
const endOf = (doc: string) => `CASE WHEN json_extract(${doc}, '$.personalDataErasedAt') IS NOT NULL THEN NULL ELSE COALESCE(
  (SELECT MAX(CAST(ROUND((julianday(json_extract(s.value, '$.endsAt')) - 2440587.5) * 86400000) AS INTEGER))
     FROM json_each(${doc}, '$.agenda') AS s),
  CAST(ROUND((julianday(json_extract(${doc}, '$.archivedAt')) - 2440587.5) * 86400000) AS INTEGER)) END`;

const columns = (db: Database, table: string) => new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));

interface Migration {
  to: number;
  what: string;
  up(db: Database): void;
}

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    to: 2,
    what: 'events: ends_at and archived_at columns kept from the document by triggers, an index by end (retention)',
    up(db) {
      // Idempotent on its own too: a column or object already there is left as it is.
      const have = columns(db, 'events');
      if (!have.has('ends_at')) db.exec('ALTER TABLE events ADD COLUMN ends_at INTEGER');
      if (!have.has('archived_at')) db.exec('ALTER TABLE events ADD COLUMN archived_at TEXT');
      db.exec(`
        CREATE INDEX IF NOT EXISTS events_by_end ON events(ends_at) WHERE ends_at IS NOT NULL;
        CREATE TRIGGER IF NOT EXISTS events_end_on_insert AFTER INSERT ON events BEGIN
          UPDATE events SET ends_at = ${endOf('NEW.doc')}, archived_at = json_extract(NEW.doc, '$.archivedAt') WHERE id = NEW.id;
        END;
        CREATE TRIGGER IF NOT EXISTS events_end_on_update AFTER UPDATE OF doc ON events BEGIN
          UPDATE events SET ends_at = ${endOf('NEW.doc')}, archived_at = json_extract(NEW.doc, '$.archivedAt') WHERE id = NEW.id;
        END;
        UPDATE events SET ends_at = ${endOf('doc')}, archived_at = json_extract(doc, '$.archivedAt');
      `);
    },
  },
  {
    to: 3,
    what: 'nothing in SQLite: version 3 is the Redis key layout of one hash slot per event ([CLU20])',
    up() {},
  },
];

const versionOf = (db: Database) => Math.max(1, db.pragma('user_version', { simple: true }) as number);

/** [OPS43] Refuses a file written by a newer Rally before anything touches it. */
export function refuseNewerSqlite(db: Database, where: string): void {
  const found = versionOf(db);
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(where, found);
}

/**
 * [OPS41] Runs every migration the file has not had, one at a time, oldest first. Call after the
 * version-1 tables exist and before anything prepares statements (group commit wraps them).
 * Returns the versions it migrated to (empty when the file was current).
 */
export function migrateSqlite(db: Database, where: string, migrations: Migration[] = SQLITE_MIGRATIONS): number[] {
  const done: number[] = [];
  for (const m of migrations) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const at = versionOf(db);
      if (at > SCHEMA_VERSION) throw new SchemaTooNewError(where, at);
      if (at === m.to - 1) {
        m.up(db);
        db.pragma(`user_version = ${m.to}`);
        done.push(m.to);
      }
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }
  return done;
}
