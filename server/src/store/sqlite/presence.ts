import type Database from 'better-sqlite3';
import type { CohortCounts, Mode, Participant } from '@rally/shared';
import { presenceCohort, type PresenceChange, type Store } from '../store.js';

/*
 * Presence in SQLite. `presence` has one row per open socket; `presence_online` one row per
 * participant with at least one, with the cohort and team they were counted in; `presence_counts` the
 * per-event totals of those cohorts. [STORE36] Every write that changes who is online, or an online
 * attendee's mode, adjusts the totals in the same transaction, so reading counts is one row and
 * a connection costs O(1) however large the event is.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS presence (
  socket_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  node_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS presence_by_participant ON presence(event_id, participant_id);
CREATE INDEX IF NOT EXISTS presence_by_node ON presence(node_id);
CREATE TABLE IF NOT EXISTS presence_online (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  cohort TEXT,
  team TEXT,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS presence_counts (
  event_id TEXT PRIMARY KEY,
  room INTEGER NOT NULL DEFAULT 0,
  remote INTEGER NOT NULL DEFAULT 0
);
`;

type PresenceMethods = Pick<Store, 'presenceAdd' | 'presenceRemove' | 'presenceOnline' | 'presenceCounts' | 'presenceTeamCounts' | 'presenceIsOnline' | 'presenceClearNode'>;

export interface SqlitePresence extends PresenceMethods {
  /** Call inside the transaction that stores a participant's new mode or team (see mutateParticipant). */
  participantUpdated(after: Participant): void;
  /** [PERF22] Applies the presence changes waiting for the end of the turn now (before close). */
  flush(): void;
}

export function createSqlitePresence(db: Database.Database): SqlitePresence {
  db.exec(SCHEMA);
  // [STORE37] Files from before the team column: the table is derived (rebuilt below), so adding
  // the column is the whole migration.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(presence_online)').all();
  if (!columns.some((c) => c.name === 'team')) db.exec('ALTER TABLE presence_online ADD COLUMN team TEXT');
  const q = {
    participantDoc: db.prepare<[string], { doc: string }>('SELECT doc FROM participants WHERE id = ?'),
    socketCount: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM presence WHERE event_id = ? AND participant_id = ?'),
    socketInsert: db.prepare('INSERT OR REPLACE INTO presence (socket_id, event_id, participant_id, node_id) VALUES (?, ?, ?, ?)'),
    socketDelete: db.prepare('DELETE FROM presence WHERE socket_id = ? AND event_id = ? AND participant_id = ?'),
    nodeSockets: db.prepare<[string], { event_id: string; participant_id: string }>('SELECT DISTINCT event_id, participant_id FROM presence WHERE node_id = ?'),
    nodeDelete: db.prepare('DELETE FROM presence WHERE node_id = ?'),
    onlineGet: db.prepare<[string, string], { cohort: Mode | null; team: string | null }>('SELECT cohort, team FROM presence_online WHERE event_id = ? AND participant_id = ?'),
    onlinePut: db.prepare('INSERT OR REPLACE INTO presence_online (event_id, participant_id, cohort, team) VALUES (?, ?, ?, ?)'),
    // An index range over the event's online rows, no JSON: the rows hold cohort and team.
    teamCounts: db.prepare<[string], { team: string | null; cohort: Mode; n: number }>(
      'SELECT team, cohort, COUNT(*) AS n FROM presence_online WHERE event_id = ? AND cohort IS NOT NULL GROUP BY team, cohort',
    ),
    onlineDelete: db.prepare('DELETE FROM presence_online WHERE event_id = ? AND participant_id = ?'),
    onlineOf: db.prepare<[string], { participant_id: string }>('SELECT participant_id FROM presence_online WHERE event_id = ?'),
    countsGet: db.prepare<[string], CohortCounts>('SELECT room, remote FROM presence_counts WHERE event_id = ?'),
    countsBump: db.prepare(
      'INSERT INTO presence_counts (event_id, room, remote) VALUES (?, ?, ?) ON CONFLICT(event_id) DO UPDATE SET room = room + excluded.room, remote = remote + excluded.remote',
    ),
  };

  const countsOf = (eventId: string): CohortCounts => q.countsGet.get(eventId) ?? { room: 0, remote: 0 };
  const bump = (eventId: string, cohort: Mode | null, by: 1 | -1) => {
    if (cohort !== null) q.countsBump.run(eventId, cohort === 'room' ? by : 0, cohort === 'remote' ? by : 0);
  };
  /** The cohort and team an online participant counts in, from their stored record. */
  const placeAsStored = (eventId: string, participantId: string): { cohort: Mode | null; team: string | null } => {
    const row = q.participantDoc.get(participantId);
    const p = row ? (JSON.parse(row.doc) as Participant) : null;
    return p && p.eventId === eventId ? { cohort: presenceCohort(p), team: p.team } : { cohort: null, team: null };
  };
  /** The participant's last socket in the event is gone: they leave the online list and the counts. */
  const wentOffline = (eventId: string, participantId: string) => {
    const row = q.onlineGet.get(eventId, participantId);
    if (!row) return;
    q.onlineDelete.run(eventId, participantId);
    bump(eventId, row.cohort, -1);
  };

  // The totals are derived data: rebuilt from the socket rows at open, so a file written before
  // they existed (or by a crashed process) starts exact.
  db.transaction(() => {
    db.exec('DELETE FROM presence_online; DELETE FROM presence_counts;');
    for (const r of db.prepare<[], { event_id: string; participant_id: string }>('SELECT DISTINCT event_id, participant_id FROM presence').all()) {
      const { cohort, team } = placeAsStored(r.event_id, r.participant_id);
      q.onlinePut.run(r.event_id, r.participant_id, cohort, team);
      bump(r.event_id, cohort, 1);
    }
  })();

  const add = (eventId: string, participantId: string, socketId: string, nodeId: string): PresenceChange => {
    const before = q.socketCount.get(eventId, participantId)?.n ?? 0;
    q.socketInsert.run(socketId, eventId, participantId, nodeId);
    if (before === 0) {
      const { cohort, team } = placeAsStored(eventId, participantId);
      q.onlinePut.run(eventId, participantId, cohort, team);
      bump(eventId, cohort, 1);
    }
    return { changed: before === 0, counts: countsOf(eventId) };
  };

  const remove = (eventId: string, participantId: string, socketId: string): PresenceChange => {
    const removed = q.socketDelete.run(socketId, eventId, participantId).changes;
    const last = removed > 0 && (q.socketCount.get(eventId, participantId)?.n ?? 0) === 0;
    if (last) wentOffline(eventId, participantId);
    return { changed: last, counts: countsOf(eventId) };
  };

  // [PERF22] The opens and closes of one turn apply at its end, in order, in one transaction (one
  // savepoint inside the group commit, not one each): a reconnect storm's thousands cost a few.
  type Pending = { apply: () => PresenceChange; resolve: (c: PresenceChange) => void; reject: (e: unknown) => void };
  let pending: Pending[] = [];
  const applyAll = db.transaction((ops: Pending[]) => ops.map((o) => o.apply()));
  const flush = () => {
    const ops = pending;
    pending = [];
    let results: PresenceChange[];
    try {
      results = applyAll(ops);
    } catch (e) {
      for (const o of ops) o.reject(e);
      return;
    }
    ops.forEach((o, i) => o.resolve(results[i]!));
  };
  const change = (apply: () => PresenceChange) =>
    new Promise<PresenceChange>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ apply, resolve, reject });
    });

  const clearNode = db.transaction((nodeId: string) => {
    const touched = q.nodeSockets.all(nodeId);
    q.nodeDelete.run(nodeId);
    for (const t of touched) {
      if ((q.socketCount.get(t.event_id, t.participant_id)?.n ?? 0) === 0) wentOffline(t.event_id, t.participant_id);
    }
  });

  return {
    presenceAdd(eventId, participantId, socketId, nodeId) {
      return change(() => add(eventId, participantId, socketId, nodeId));
    },
    presenceRemove(eventId, participantId, socketId) {
      return change(() => remove(eventId, participantId, socketId));
    },
    async presenceOnline(eventId) {
      return q.onlineOf.all(eventId).map((r) => r.participant_id);
    },
    async presenceCounts(eventId) {
      return countsOf(eventId);
    },
    async presenceTeamCounts(eventId) {
      const byTeam = new Map<string | null, { team: string | null; room: number; remote: number }>();
      for (const r of q.teamCounts.all(eventId)) {
        const t = byTeam.get(r.team) ?? { team: r.team, room: 0, remote: 0 };
        t[r.cohort] += r.n;
        byTeam.set(r.team, t);
      }
      return [...byTeam.values()];
    },
    async presenceIsOnline(eventId, participantId) {
      return q.onlineGet.get(eventId, participantId) !== undefined;
    },
    async presenceClearNode(nodeId) {
      clearNode(nodeId);
    },
    flush() {
      if (pending.length > 0) flush();
    },
    participantUpdated(after) {
      const row = q.onlineGet.get(after.eventId, after.id);
      const cohort = presenceCohort(after);
      if (!row || (row.cohort === cohort && row.team === after.team)) return;
      q.onlinePut.run(after.eventId, after.id, cohort, after.team);
      bump(after.eventId, row.cohort, -1);
      bump(after.eventId, cohort, 1);
    },
  };
}
