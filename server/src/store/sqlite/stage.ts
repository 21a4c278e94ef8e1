import type Database from 'better-sqlite3';
import { NOTHING_ON_STAGE, IDLE_SLOT, slotKey, STAGE_LIMITS, type StageSlot, type Announcement, type ChatMessage, type PresenterNote } from '@rally/shared';
import { ANNOUNCEMENTS_KEPT, NOTES_KEPT, type SetLiveOutcome, type StageStore } from '../stage-store.js';
import type { EventRecord } from '../store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stage_announcements (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stage_announcements_by_event ON stage_announcements(event_id, seq);
CREATE TABLE IF NOT EXISTS stage_notes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stage_notes_by_event ON stage_notes(event_id, seq);
CREATE TABLE IF NOT EXISTS chat_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_messages_by_event ON chat_messages(event_id, seq);
CREATE TABLE IF NOT EXISTS chat_state (
  event_id TEXT PRIMARY KEY,
  slow_mode_sec INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chat_last_post (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chat_bans (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
`;

/**
 * The stage tables on the embedded store's database, and the stage fields of the `events` table's
 * JSON documents (that table is the main adapter's; see sqlite-store.ts). better-sqlite3 is
 * synchronous, so each transaction runs alone.
 */
export function createSqliteStage(db: Database.Database): StageStore {
  db.exec(SCHEMA);

  const q = {
    eventDoc: db.prepare<[string], { doc: string }>('SELECT doc FROM events WHERE id = ?'),
    writeEvent: db.prepare('UPDATE events SET doc = ? WHERE id = ?'),
    addAnnouncement: db.prepare('INSERT INTO stage_announcements (event_id, doc) VALUES (?, ?)'),
    trimAnnouncements: db.prepare(
      'DELETE FROM stage_announcements WHERE event_id = ? AND seq NOT IN (SELECT seq FROM stage_announcements WHERE event_id = ? ORDER BY seq DESC LIMIT ?)',
    ),
    announcements: db.prepare<[string, number], { doc: string }>('SELECT doc FROM stage_announcements WHERE event_id = ? ORDER BY seq DESC LIMIT ?'),
    addNote: db.prepare('INSERT INTO stage_notes (id, event_id, doc) VALUES (?, ?, ?)'),
    trimNotes: db.prepare('DELETE FROM stage_notes WHERE event_id = ? AND seq NOT IN (SELECT seq FROM stage_notes WHERE event_id = ? ORDER BY seq DESC LIMIT ?)'),
    notes: db.prepare<[string], { doc: string }>('SELECT doc FROM stage_notes WHERE event_id = ? ORDER BY seq'),
    note: db.prepare<[string, string], { doc: string }>('SELECT doc FROM stage_notes WHERE id = ? AND event_id = ?'),
    writeNote: db.prepare('UPDATE stage_notes SET doc = ? WHERE id = ?'),
    addChat: db.prepare('INSERT INTO chat_messages (id, event_id, doc) VALUES (?, ?, ?)'),
    trimChat: db.prepare('DELETE FROM chat_messages WHERE event_id = ? AND seq NOT IN (SELECT seq FROM chat_messages WHERE event_id = ? ORDER BY seq DESC LIMIT ?)'),
    chat: db.prepare<[string, number], { doc: string }>('SELECT doc FROM (SELECT seq, doc FROM chat_messages WHERE event_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
    chatMessage: db.prepare<[string, string], { doc: string }>('SELECT doc FROM chat_messages WHERE id = ? AND event_id = ?'),
    deleteChat: db.prepare('DELETE FROM chat_messages WHERE id = ?'),
    slowMode: db.prepare<[string], { slow_mode_sec: number }>('SELECT slow_mode_sec FROM chat_state WHERE event_id = ?'),
    setSlowMode: db.prepare('INSERT INTO chat_state (event_id, slow_mode_sec) VALUES (?, ?) ON CONFLICT(event_id) DO UPDATE SET slow_mode_sec = excluded.slow_mode_sec'),
    lastPost: db.prepare<[string, string], { at_ms: number }>('SELECT at_ms FROM chat_last_post WHERE event_id = ? AND participant_id = ?'),
    setLastPost: db.prepare('INSERT OR REPLACE INTO chat_last_post (event_id, participant_id, at_ms) VALUES (?, ?, ?)'),
    banAdd: db.prepare('INSERT OR IGNORE INTO chat_bans (event_id, participant_id) VALUES (?, ?)'),
    banRemove: db.prepare('DELETE FROM chat_bans WHERE event_id = ? AND participant_id = ?'),
    banGet: db.prepare<[string, string], { participant_id: string }>('SELECT participant_id FROM chat_bans WHERE event_id = ? AND participant_id = ?'),
    eraseChatAuthor: db.prepare("UPDATE chat_messages SET doc = json_set(doc, '$.authorName', ?) WHERE event_id = ? AND json_extract(doc, '$.authorId') = ?"),
  };

  const readEvent = (id: string): EventRecord | null => {
    const row = q.eventDoc.get(id);
    return row ? (JSON.parse(row.doc) as EventRecord) : null;
  };

  /**
   * Reads the event, lets `change` decide, writes what it returns (if anything): one transaction.
   * `change` returns the next record (or null: nothing to write) and the result to hand back.
   */
  const mutateEvent = <T>(id: string, change: (e: EventRecord) => { next: EventRecord | null; result: T }): T | null =>
    db.transaction((): T | null => {
      const current = readEvent(id);
      if (!current) return null;
      const { next, result } = change(current);
      if (next) q.writeEvent.run(JSON.stringify(next), id);
      return result;
    })();

  /** [SSTORE10] The record with `slot` on stage (a new version), or null when it already shows it. */
  const withSlot = (e: EventRecord, slot: StageSlot, at: string, ifShowing?: string): EventRecord | null => {
    const current = e.onStage ?? NOTHING_ON_STAGE;
    const key = slotKey(current.slot);
    if ((ifShowing !== undefined && key !== ifShowing) || key === slotKey(slot)) return null;
    return { ...e, onStage: { slot, version: current.version + 1, at } };
  };
  /** [SSTORE10] A change of live session: idle stage, announcements cleared. */
  const sessionChanged = (e: EventRecord, at: string): { next: EventRecord; stageCleared: boolean } => {
    const idle = withSlot(e, IDLE_SLOT, at);
    return { next: { ...(idle ?? e), announcementsClearedAt: at }, stageCleared: idle !== null };
  };

  const postChat = db.transaction((eventId: string, m: ChatMessage, exempt: boolean, nowMs: number) => {
    if (q.banGet.get(eventId, m.authorId)) return { ok: false as const, reason: 'banned' as const };
    const slowMs = (q.slowMode.get(eventId)?.slow_mode_sec ?? 0) * 1000;
    const last = q.lastPost.get(eventId, m.authorId)?.at_ms;
    if (!exempt && slowMs > 0 && last !== undefined && nowMs - last < slowMs) {
      return { ok: false as const, reason: 'slow' as const, retryAfterMs: slowMs - (nowMs - last) };
    }
    q.setLastPost.run(eventId, m.authorId, nowMs);
    q.addChat.run(m.id, eventId, JSON.stringify(m));
    q.trimChat.run(eventId, eventId, STAGE_LIMITS.chatWindow);
    return { ok: true as const };
  });

  const markRead = db.transaction((eventId: string, noteId: string, by: string, at: string) => {
    const row = q.note.get(noteId, eventId);
    if (!row) return null;
    const note = JSON.parse(row.doc) as PresenterNote;
    if (note.readAt !== null) return { note, changed: false };
    const read: PresenterNote = { ...note, readAt: at, readBy: by };
    q.writeNote.run(JSON.stringify(read), noteId);
    return { note: read, changed: true };
  });

  const removeChat = db.transaction((eventId: string, messageId: string): ChatMessage | null => {
    const row = q.chatMessage.get(messageId, eventId);
    if (!row) return null;
    q.deleteChat.run(messageId);
    return JSON.parse(row.doc) as ChatMessage;
  });

  const addAnnouncement = db.transaction((eventId: string, a: Announcement) => {
    q.addAnnouncement.run(eventId, JSON.stringify(a));
    q.trimAnnouncements.run(eventId, eventId, ANNOUNCEMENTS_KEPT);
  });

  const addNote = db.transaction((eventId: string, note: PresenterNote) => {
    q.addNote.run(note.id, eventId, JSON.stringify(note));
    q.trimNotes.run(eventId, eventId, NOTES_KEPT);
  });

  return {
    async patchEventStage(eventId, patch) {
      return mutateEvent<EventRecord>(eventId, (e) => {
        const next = { ...e, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
        return { next, result: next };
      });
    },
    async setLive(eventId, sessionId, startedAt) {
      const outcome = mutateEvent<SetLiveOutcome>(eventId, (e) => {
        if (sessionId !== null && !e.agenda.some((s) => s.id === sessionId)) return { next: null, result: { ok: false, reason: 'no-session' } };
        if (e.liveSessionId === sessionId) return { next: null, result: { ok: true, event: e, previous: e.liveSessionId, changed: false, stageCleared: false } };
        const { next: cleared, stageCleared } = sessionChanged(e, startedAt);
        const next = { ...cleared, liveSessionId: sessionId, liveSessionStartedAt: sessionId === null ? null : startedAt };
        return { next, result: { ok: true, event: next, previous: e.liveSessionId, changed: true, stageCleared } };
      });
      return outcome ?? { ok: false, reason: 'no-event' };
    },
    async setAgenda(eventId, agenda, at) {
      return mutateEvent<{ event: EventRecord; clearedLive: string | null; stageCleared: boolean }>(eventId, (e) => {
        const dropped = e.liveSessionId !== null && !agenda.some((s) => s.id === e.liveSessionId);
        if (!dropped) {
          const next = { ...e, agenda };
          return { next, result: { event: next, clearedLive: null, stageCleared: false } };
        }
        const { next: cleared, stageCleared } = sessionChanged(e, at);
        const next = { ...cleared, agenda, liveSessionId: null, liveSessionStartedAt: null };
        return { next, result: { event: next, clearedLive: e.liveSessionId, stageCleared } };
      });
    },
    async setOnStage(eventId, slot, at, opts) {
      return mutateEvent(eventId, (e) => {
        const next = withSlot(e, slot, at, opts?.ifShowing);
        return { next, result: { changed: next !== null, onStage: (next ?? e).onStage ?? NOTHING_ON_STAGE } };
      });
    },
    async clearAnnouncements(eventId, at) {
      return mutateEvent(eventId, (e) => ({ next: { ...e, announcementsClearedAt: at }, result: true })) ?? false;
    },

    async addAnnouncement(eventId, a) {
      addAnnouncement(eventId, a);
    },
    async recentAnnouncements(eventId) {
      return q.announcements.all(eventId, ANNOUNCEMENTS_KEPT).map((r) => JSON.parse(r.doc) as Announcement);
    },

    async addNote(eventId, note) {
      addNote(eventId, note);
    },
    async listNotes(eventId) {
      return q.notes.all(eventId).map((r) => JSON.parse(r.doc) as PresenterNote);
    },
    async markNoteRead(eventId, noteId, by, at) {
      return markRead(eventId, noteId, by, at);
    },

    async postChat(eventId, message, opts) {
      return postChat(eventId, message, opts.slowModeExempt, opts.nowMs);
    },
    async listChat(eventId) {
      return q.chat.all(eventId, STAGE_LIMITS.chatWindow).map((r) => JSON.parse(r.doc) as ChatMessage);
    },
    async deleteChat(eventId, messageId) {
      return removeChat(eventId, messageId);
    },
    async setChatSlowMode(eventId, seconds) {
      q.setSlowMode.run(eventId, seconds);
    },
    async chatSlowMode(eventId) {
      return q.slowMode.get(eventId)?.slow_mode_sec ?? 0;
    },
    async setChatBan(eventId, participantId, banned) {
      if (banned) q.banAdd.run(eventId, participantId);
      else q.banRemove.run(eventId, participantId);
    },
    async isChatBanned(eventId, participantId) {
      return q.banGet.get(eventId, participantId) !== undefined;
    },
    async eraseChatAuthor(eventId, authorId, name) {
      q.eraseChatAuthor.run(name, eventId, authorId);
    },
  };
}
