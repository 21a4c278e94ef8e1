import type { Database } from 'better-sqlite3';
import { renameInDoc } from '../erase-names.js';

/**
 * [OPS52] Every row of one event, in every table, read from the schema itself so a table added
 * later is covered without touching this file: rows whose event_id is the event, rows whose
 * poll_id or round_id is one of its polls or breakout rounds, its command results (keyed by the
 * sender's participant id, see socket-server.ts), and finally the event row. The tables that hold
 * no row of any one event are listed in STORE_WIDE; the deletion test fails on any other table
 * that has none of these columns.
 */
export const STORE_WIDE = new Set(['events', 'command_results', 'engagement_batches', 'sqlite_sequence']);

export function createSqliteEventDeletion(db: Database): (eventId: string) => boolean {
  let run: ((eventId: string) => boolean) | null = null;

  // Built at the first call: every module has created its tables by then.
  const build = () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    const cols = (t: string) => new Set((db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name));
    const byEvent: string[] = [];
    const byPoll: string[] = [];
    const byRound: string[] = [];
    for (const t of tables) {
      if (t === 'events') continue;
      const c = cols(t);
      if (c.has('event_id')) byEvent.push(t);
      else if (c.has('poll_id')) byPoll.push(t);
      else if (c.has('round_id')) byRound.push(t);
    }
    const ids = (sql: string) => db.prepare<[string], { id: string }>(sql);
    const q = {
      exists: db.prepare<[string], { id: string }>('SELECT id FROM events WHERE id = ?'),
      polls: ids('SELECT id FROM polls WHERE event_id = ?'),
      rounds: ids('SELECT id FROM breakout_rounds WHERE event_id = ?'),
      participants: ids('SELECT id FROM participants WHERE event_id = ?'),
      // Key range of one participant's command results: 'cmd:<id>:' up to (not including) 'cmd:<id>;'.
      commands: db.prepare('DELETE FROM command_results WHERE key >= ? AND key < ?'),
      event: db.prepare('DELETE FROM events WHERE id = ?'),
      byEvent: byEvent.map((t) => db.prepare(`DELETE FROM "${t}" WHERE event_id = ?`)),
      byPoll: byPoll.map((t) => db.prepare(`DELETE FROM "${t}" WHERE poll_id IN (SELECT value FROM json_each(?))`)),
      byRound: byRound.map((t) => db.prepare(`DELETE FROM "${t}" WHERE round_id IN (SELECT value FROM json_each(?))`)),
    };
    return db.transaction((eventId: string): boolean => {
      if (!q.exists.get(eventId)) return false;
      const polls = JSON.stringify(q.polls.all(eventId).map((r) => r.id));
      const rounds = JSON.stringify(q.rounds.all(eventId).map((r) => r.id));
      for (const { id } of q.participants.all(eventId)) q.commands.run(`cmd:${id}:`, `cmd:${id};`);
      for (const s of q.byPoll) s.run(polls);
      for (const s of q.byRound) s.run(rounds);
      for (const s of q.byEvent) s.run(eventId);
      q.event.run(eventId);
      return true;
    });
  };

  return (eventId) => (run ??= build())(eventId);
}

/** [OPS55] eraseBreakoutNames on SQLite: the JSON documents of the event's rounds, rewritten in one transaction. */
export function createSqliteBreakoutNameErasure(db: Database): (eventId: string, ids: readonly string[], name: string) => void {
  let run: ((eventId: string, ids: readonly string[], name: string) => void) | null = null;
  const build = () => {
    const rounds = "(SELECT id FROM breakout_rounds WHERE event_id = ?)";
    const tables = [
      { read: db.prepare<[string], { k: number | string; doc: string }>(`SELECT seq AS k, doc FROM brk_chat WHERE round_id IN ${rounds}`), write: db.prepare('UPDATE brk_chat SET doc = ? WHERE seq = ?') },
      { read: db.prepare<[string], { k: number | string; doc: string }>(`SELECT id AS k, doc FROM breakout_help WHERE round_id IN ${rounds}`), write: db.prepare('UPDATE breakout_help SET doc = ? WHERE id = ?') },
    ];
    // brk_takeaways is WITHOUT ROWID: keyed by (round_id, room_id).
    const takeaways = db.prepare<[string], { round_id: string; room_id: string; doc: string }>(`SELECT round_id, room_id, doc FROM brk_takeaways WHERE round_id IN ${rounds}`);
    const writeTakeaway = db.prepare('UPDATE brk_takeaways SET doc = ? WHERE round_id = ? AND room_id = ?');
    return db.transaction((eventId: string, ids: readonly string[], name: string) => {
      const set = new Set(ids);
      for (const t of tables) {
        for (const r of t.read.all(eventId)) {
          const next = renameInDoc(JSON.parse(r.doc) as Record<string, unknown>, set, name);
          if (next) t.write.run(JSON.stringify(next), r.k);
        }
      }
      for (const r of takeaways.all(eventId)) {
        const next = renameInDoc(JSON.parse(r.doc) as Record<string, unknown>, set, name);
        if (next) writeTakeaway.run(JSON.stringify(next), r.round_id, r.room_id);
      }
    });
  };
  return (eventId, ids, name) => (run ??= build())(eventId, ids, name);
}
