import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, RallyError, type Participant } from '@rally/shared';
import type { EventRecord, ParticipantPatch, PresenceChange, RoleKeys, Store } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS participants_by_event ON participants(event_id);
CREATE TABLE IF NOT EXISTS presence (
  socket_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  node_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS presence_by_participant ON presence(event_id, participant_id);
CREATE INDEX IF NOT EXISTS presence_by_node ON presence(node_id);
CREATE TABLE IF NOT EXISTS command_results (
  key TEXT PRIMARY KEY,
  result TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/**
 * Embedded store: one SQLite file in WAL mode. Records are JSON documents keyed by id, with the
 * columns we query on pulled out. better-sqlite3 is synchronous, so each method is one
 * transaction and nothing can interleave with it inside this process.
 */
export function createSqliteStore(filePath: string, now: () => number = Date.now): Store {
  if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  // NORMAL keeps WAL durable across a process crash (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const q = {
    insertEvent: db.prepare('INSERT INTO events (id, code, doc) VALUES (?, ?, ?)'),
    eventById: db.prepare<[string], { doc: string }>('SELECT doc FROM events WHERE id = ?'),
    eventByCode: db.prepare<[string], { doc: string }>('SELECT doc FROM events WHERE code = ?'),
    allEvents: db.prepare<[], { doc: string }>('SELECT doc FROM events ORDER BY rowid'),
    updateEvent: db.prepare('UPDATE events SET doc = ? WHERE id = ?'),
    insertParticipant: db.prepare('INSERT INTO participants (id, event_id, doc) VALUES (?, ?, ?)'),
    participantById: db.prepare<[string], { doc: string }>('SELECT doc FROM participants WHERE id = ?'),
    participantsByEvent: db.prepare<[string], { doc: string }>('SELECT doc FROM participants WHERE event_id = ? ORDER BY rowid'),
    updateParticipant: db.prepare('UPDATE participants SET doc = ? WHERE id = ?'),
    presenceCount: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM presence WHERE event_id = ? AND participant_id = ?'),
    presenceInsert: db.prepare('INSERT OR REPLACE INTO presence (socket_id, event_id, participant_id, node_id) VALUES (?, ?, ?, ?)'),
    presenceDelete: db.prepare('DELETE FROM presence WHERE socket_id = ? AND event_id = ? AND participant_id = ?'),
    presenceOnline: db.prepare<[string], { participant_id: string }>('SELECT DISTINCT participant_id FROM presence WHERE event_id = ?'),
    presenceClearNode: db.prepare('DELETE FROM presence WHERE node_id = ?'),
    commandGet: db.prepare<[string, number], { result: string }>('SELECT result FROM command_results WHERE key = ? AND expires_at > ?'),
    commandPut: db.prepare('INSERT INTO command_results (key, result, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET result = excluded.result, expires_at = excluded.expires_at WHERE command_results.expires_at <= ?'),
    commandPrune: db.prepare('DELETE FROM command_results WHERE expires_at <= ?'),
  };

  const parse = <T>(row: { doc: string } | undefined): T | null => (row ? (JSON.parse(row.doc) as T) : null);

  const isUniqueViolation = (e: unknown) =>
    typeof e === 'object' && e !== null && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT');

  const mutateEvent = db.transaction((id: string, change: (e: EventRecord) => EventRecord): EventRecord | null => {
    const current = parse<EventRecord>(q.eventById.get(id));
    if (!current) return null;
    const next = change(current);
    q.updateEvent.run(JSON.stringify(next), id);
    return next;
  });

  const mutateParticipant = db.transaction((id: string, patch: ParticipantPatch): Participant | null => {
    const current = parse<Participant>(q.participantById.get(id));
    if (!current) return null;
    const next: Participant = { ...current };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.team !== undefined) next.team = patch.team;
    if (patch.mode !== undefined) next.mode = patch.mode;
    if (patch.banned !== undefined) next.banned = patch.banned;
    q.updateParticipant.run(JSON.stringify(next), id);
    return next;
  });

  const addPresence = db.transaction((eventId: string, participantId: string, socketId: string, nodeId: string): PresenceChange => {
    const before = q.presenceCount.get(eventId, participantId)?.n ?? 0;
    q.presenceInsert.run(socketId, eventId, participantId, nodeId);
    return { changed: before === 0 };
  });

  const removePresence = db.transaction((eventId: string, participantId: string, socketId: string): PresenceChange => {
    const removed = q.presenceDelete.run(socketId, eventId, participantId).changes;
    const after = q.presenceCount.get(eventId, participantId)?.n ?? 0;
    return { changed: removed > 0 && after === 0 };
  });

  const remember = db.transaction((key: string, json: string, ttlSeconds: number): string => {
    const t = now();
    q.commandPut.run(key, json, t + ttlSeconds * 1000, t);
    return q.commandGet.get(key, t)?.result ?? json;
  });

  let closed = false;
  // Expired command results are pruned now and then rather than per command: a cheap bounded sweep.
  const pruneTimer = setInterval(() => q.commandPrune.run(now()), 60_000);
  pruneTimer.unref();

  return {
    kind: 'sqlite',

    async createEvent(event) {
      try {
        q.insertEvent.run(event.id, event.code, JSON.stringify(event));
      } catch (e) {
        if (isUniqueViolation(e)) throw new RallyError(ErrorCode.CONFLICT, 'an event with this id or join code exists');
        throw e;
      }
    },
    async getEvent(id) {
      return parse<EventRecord>(q.eventById.get(id));
    },
    async getEventByCode(code) {
      return parse<EventRecord>(q.eventByCode.get(code));
    },
    async listEvents() {
      return q.allEvents.all().map((r) => JSON.parse(r.doc) as EventRecord);
    },
    async setLiveSession(eventId, sessionId) {
      return mutateEvent(eventId, (e) => ({ ...e, liveSessionId: sessionId }));
    },
    async rotateKeys(eventId, keys: RoleKeys) {
      return mutateEvent(eventId, (e) => ({ ...e, keys, keyGeneration: e.keyGeneration + 1 }));
    },

    async createParticipant(p) {
      try {
        q.insertParticipant.run(p.id, p.eventId, JSON.stringify(p));
      } catch (e) {
        if (isUniqueViolation(e)) throw new RallyError(ErrorCode.CONFLICT, 'a participant with this id exists');
        throw e;
      }
    },
    async getParticipant(id) {
      return parse<Participant>(q.participantById.get(id));
    },
    async updateParticipant(id, patch) {
      return mutateParticipant(id, patch);
    },
    async listParticipants(eventId) {
      return q.participantsByEvent.all(eventId).map((r) => JSON.parse(r.doc) as Participant);
    },

    async presenceAdd(eventId, participantId, socketId, nodeId) {
      return addPresence(eventId, participantId, socketId, nodeId);
    },
    async presenceRemove(eventId, participantId, socketId) {
      return removePresence(eventId, participantId, socketId);
    },
    async presenceOnline(eventId) {
      return q.presenceOnline.all(eventId).map((r) => r.participant_id);
    },
    async presenceClearNode(nodeId) {
      q.presenceClearNode.run(nodeId);
    },

    async rememberCommand<T>(key: string, result: T, ttlSeconds: number) {
      return JSON.parse(remember(key, JSON.stringify(result ?? null), ttlSeconds)) as T;
    },
    async recalledCommand<T>(key: string) {
      const row = q.commandGet.get(key, now());
      return row ? (JSON.parse(row.result) as T) : undefined;
    },

    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruneTimer);
      db.close();
    },
  };
}
