import type Database from 'better-sqlite3';
import type { RosterEntry } from '@rally/shared';
import { duplicateRosterEmail, type RosterStore } from '../breakout-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS roster_entries (
  event_id TEXT NOT NULL,
  email TEXT NOT NULL,
  position INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (event_id, email)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS roster_entries_order ON roster_entries (event_id, position);
`;

/** [BSTORE10] The attendee lists on the embedded store's database; a put is one transaction. */
export function createSqliteRoster(db: Database.Database): RosterStore {
  db.exec(SCHEMA);
  const q = {
    clear: db.prepare('DELETE FROM roster_entries WHERE event_id = ?'),
    insert: db.prepare('INSERT INTO roster_entries (event_id, email, position, doc) VALUES (?, ?, ?, ?)'),
    get: db.prepare<[string, string], { doc: string }>('SELECT doc FROM roster_entries WHERE event_id = ? AND email = ?'),
    list: db.prepare<[string], { doc: string }>('SELECT doc FROM roster_entries WHERE event_id = ? ORDER BY position'),
  };
  // The whole list at once: a reader sees the old list or the new one, never a mix.
  const put = db.transaction((eventId: string, entries: RosterEntry[]) => {
    q.clear.run(eventId);
    entries.forEach((e, i) => q.insert.run(eventId, e.email, i, JSON.stringify(e)));
  });
  return {
    async putRoster(eventId, entries) {
      duplicateRosterEmail(entries);
      put(eventId, entries);
    },
    async getRosterEntry(eventId, email) {
      const row = q.get.get(eventId, email.trim().toLowerCase());
      return row ? (JSON.parse(row.doc) as RosterEntry) : null;
    },
    async listRoster(eventId) {
      return q.list.all(eventId).map((r) => JSON.parse(r.doc) as RosterEntry);
    },
  };
}
