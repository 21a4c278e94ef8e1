import type Database from 'better-sqlite3';
import { ErrorCode, RallyError, type BreakoutRound, type BreakoutTemplate, type HelpRequest } from '@rally/shared';
import { numbered, roundDueAtMs, type BreakoutRoundStore, type PlaceKind, type PlaceOutcome } from '../breakout-store.js';
import { parseCache } from './parse-cache.js';

/*
 * [BSTORE1]–[BSTORE9] Breakout rounds, who is in which room, help requests and templates on the
 * embedded store's database. Every method is one statement or one transaction: better-sqlite3 runs
 * them to the end before anything else touches the connection.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS breakout_rounds (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  version INTEGER NOT NULL,
  -- 'open' or 'closing' marks the event's running round ([BSTORE7]).
  status TEXT NOT NULL,
  -- [BSTORE8] endsAt while open, closesAt while closing, else null: every node's timer sweep reads it.
  due_at INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breakout_rounds_by_event ON breakout_rounds(event_id, created);
CREATE INDEX IF NOT EXISTS breakout_rounds_due ON breakout_rounds(due_at) WHERE due_at IS NOT NULL;
-- [BSTORE7] The event's running round in one index probe: the index holds running rounds only, and
-- is kept by the same transaction that changes a round's status.
CREATE INDEX IF NOT EXISTS breakout_rounds_running ON breakout_rounds(event_id) WHERE status IN ('open', 'closing');
CREATE TABLE IF NOT EXISTS breakout_assignments (
  round_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  -- [BSTORE3] The room's member order: placement order (a swap trades places).
  seq INTEGER NOT NULL,
  PRIMARY KEY (round_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS breakout_assignments_by_room ON breakout_assignments(round_id, room_id);
-- [BRK63] A placement's next place in the member order (MAX(seq)) in one probe, not a scan of the round.
CREATE INDEX IF NOT EXISTS breakout_assignments_by_seq ON breakout_assignments(round_id, seq);
-- [BSTORE11] Each round's placement number: raised by every assignment write, in its transaction.
CREATE TABLE IF NOT EXISTS breakout_place_seq (
  round_id TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
-- [BSTORE9] People a moderator moved out of every room: late joining skips them for the round.
CREATE TABLE IF NOT EXISTS breakout_excluded (
  round_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (round_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS breakout_help (
  id TEXT PRIMARY KEY,
  round_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breakout_help_by_round ON breakout_help(round_id, created);
CREATE TABLE IF NOT EXISTS breakout_templates (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breakout_templates_by_event ON breakout_templates(event_id, created);
`;

const RUNNING = new Set(['open', 'closing']);

/**
 * [PERF25] The store's memo of events with no running round (kept current by the store: dropped
 * around its writes of breakout_rounds and on another connection's commit, which `fresh` notices).
 */
export interface NoRunningRoundMemo {
  fresh(): void;
  noRunningRound: Set<string>;
}

/** Events remembered at most; past it the memo starts afresh. */
const NO_RUNNING_MAX = 10_000;

export function createSqliteBreakoutRounds(db: Database.Database, memo?: NoRunningRoundMemo): BreakoutRoundStore {
  db.exec(SCHEMA);
  // [PERF22] Between rounds every attendee's snapshot lists the event's rounds (the latest is theirs
  // to see): parsed once per stored text, frozen, as polls are (a round of 500 rooms is a big document).
  const roundDocs = parseCache<BreakoutRound>(1_000);
  const q = {
    insertRound: db.prepare(
      `INSERT INTO breakout_rounds (id, event_id, created, version, status, due_at, doc)
       VALUES (?, ?, (SELECT COALESCE(MAX(created), 0) + 1 FROM breakout_rounds), ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ),
    round: db.prepare<[string], { doc: string; status: string; event_id: string; version: number }>('SELECT doc, status, event_id, version FROM breakout_rounds WHERE id = ?'),
    roundState: db.prepare<[string], { status: string; event_id: string }>('SELECT status, event_id FROM breakout_rounds WHERE id = ?'),
    rounds: db.prepare<[string], { id: string; doc: string }>('SELECT id, doc FROM breakout_rounds WHERE event_id = ? ORDER BY created'),
    running: db.prepare<[string, string], { id: string }>(`SELECT id FROM breakout_rounds WHERE event_id = ? AND status IN ('open', 'closing') AND id <> ? LIMIT 1`),
    runningDoc: db.prepare<[string], { doc: string }>(`SELECT doc FROM breakout_rounds WHERE event_id = ? AND status IN ('open', 'closing') LIMIT 1`),
    replace: db.prepare<[number, string, number | null, string, string, number]>(
      'UPDATE breakout_rounds SET version = ?, status = ?, due_at = ?, doc = ? WHERE id = ? AND version = ?',
    ),
    deleteRound: db.prepare<[string]>('DELETE FROM breakout_rounds WHERE id = ?'),
    due: db.prepare<[number, number], { id: string }>('SELECT id FROM breakout_rounds WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?'),
    clearAssignments: db.prepare<[string]>('DELETE FROM breakout_assignments WHERE round_id = ?'),
    bumpPlaceSeq: db.prepare<[string]>('INSERT INTO breakout_place_seq (round_id, n) VALUES (?, 1) ON CONFLICT(round_id) DO UPDATE SET n = n + 1'),
    placeSeq: db.prepare<[string], { n: number }>('SELECT n FROM breakout_place_seq WHERE round_id = ?'),
    clearPlaceSeq: db.prepare<[string]>('DELETE FROM breakout_place_seq WHERE round_id = ?'),
    nextSeq: db.prepare<[string], { n: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM breakout_assignments WHERE round_id = ?'),
    putAssignment: db.prepare<[string, string, string, number]>(
      'INSERT INTO breakout_assignments (round_id, participant_id, room_id, seq) VALUES (?, ?, ?, ?) ON CONFLICT(round_id, participant_id) DO UPDATE SET room_id = excluded.room_id, seq = excluded.seq',
    ),
    removeAssignment: db.prepare<[string, string]>('DELETE FROM breakout_assignments WHERE round_id = ? AND participant_id = ?'),
    exclude: db.prepare<[string, string]>('INSERT OR IGNORE INTO breakout_excluded (round_id, participant_id) VALUES (?, ?)'),
    include: db.prepare<[string, string]>('DELETE FROM breakout_excluded WHERE round_id = ? AND participant_id = ?'),
    excluded: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM breakout_excluded WHERE round_id = ? AND participant_id = ?'),
    clearExcluded: db.prepare<[string]>('DELETE FROM breakout_excluded WHERE round_id = ?'),
    assignment: db.prepare<[string, string], { room_id: string; seq: number }>('SELECT room_id, seq FROM breakout_assignments WHERE round_id = ? AND participant_id = ?'),
    roomCount: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM breakout_assignments WHERE round_id = ? AND room_id = ?'),
    assignments: db.prepare<[string], { participant_id: string; room_id: string }>('SELECT participant_id, room_id FROM breakout_assignments WHERE round_id = ? ORDER BY seq'),
    roomCounts: db.prepare<[string], { room_id: string; n: number }>('SELECT room_id, COUNT(*) AS n FROM breakout_assignments WHERE round_id = ? GROUP BY room_id'),
    // The room's rows by the index by room (a room is at most 100), not the round's in member order.
    roomMembers: db.prepare<[string, string], { participant_id: string }>('SELECT participant_id FROM breakout_assignments INDEXED BY breakout_assignments_by_room WHERE round_id = ? AND room_id = ? ORDER BY seq'),
    insertHelp: db.prepare('INSERT INTO breakout_help (id, round_id, created, doc) VALUES (?, ?, (SELECT COALESCE(MAX(created), 0) + 1 FROM breakout_help), ?)'),
    help: db.prepare<[string], { doc: string }>('SELECT doc FROM breakout_help WHERE id = ?'),
    helpOfRound: db.prepare<[string], { doc: string }>('SELECT doc FROM breakout_help WHERE round_id = ? ORDER BY created'),
    setHelp: db.prepare<[string, string]>('UPDATE breakout_help SET doc = ? WHERE id = ?'),
    deleteHelp: db.prepare<[string]>('DELETE FROM breakout_help WHERE round_id = ?'),
    putTemplate: db.prepare(
      `INSERT INTO breakout_templates (id, event_id, created, doc) VALUES (?, ?, (SELECT COALESCE(MAX(created), 0) + 1 FROM breakout_templates), ?)
       ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`,
    ),
    template: db.prepare<[string], { doc: string }>('SELECT doc FROM breakout_templates WHERE id = ?'),
    templates: db.prepare<[string], { doc: string }>('SELECT doc FROM breakout_templates WHERE event_id = ? ORDER BY created'),
    deleteTemplate: db.prepare<[string]>('DELETE FROM breakout_templates WHERE id = ?'),
  };

  const replace = db.transaction((next: BreakoutRound): boolean => {
    const row = q.round.get(next.id);
    if (!row || row.version !== next.version - 1) return false;
    // [BSTORE7] One running round per event: entering open (or closing) while another runs fails.
    if (RUNNING.has(next.status) && q.running.get(row.event_id, next.id)) return false;
    return q.replace.run(next.version, next.status, roundDueAtMs(next), JSON.stringify(next), next.id, next.version - 1).changes === 1;
  });

  const placeSeq = (roundId: string) => q.placeSeq.get(roundId)?.n ?? 0;
  // [BSTORE11] One read transaction: the assignments and their number together.
  const listAll = db.transaction((roundId: string) => numbered(new Map(q.assignments.all(roundId).map((r) => [r.participant_id, r.room_id])), placeSeq(roundId)));

  const setAll = db.transaction((roundId: string, assignments: ReadonlyMap<string, string>) => {
    q.clearAssignments.run(roundId);
    q.bumpPlaceSeq.run(roundId);
    let seq = 0;
    for (const [participantId, roomId] of assignments) {
      q.putAssignment.run(roundId, participantId, roomId, ++seq);
      q.include.run(roundId, participantId);
    }
  });

  const place = db.transaction((roundId: string, participantId: string, roomId: string | null, capacity: number, kind: PlaceKind): PlaceOutcome => {
    const round = q.round.get(roundId);
    if (!round) return { ok: false, reason: 'unknownRound' };
    if (round.status === 'closed') return { ok: false, reason: 'closed' };
    // [BSTORE9] A moderator's out sticks: the server never places them again on its own.
    if (kind === 'lateJoin' && q.excluded.get(roundId, participantId)) return { ok: false, reason: 'excluded' };
    const before = q.assignment.get(roundId, participantId);
    const previousRoomId = before?.room_id ?? null;
    if (roomId === null) {
      if (before) q.bumpPlaceSeq.run(roundId);
      q.removeAssignment.run(roundId, participantId);
      if (kind === 'move') q.exclude.run(roundId, participantId);
      return { ok: true, previousRoomId };
    }
    if (previousRoomId === roomId) return { ok: true, previousRoomId };
    if (q.roomCount.get(roundId, roomId)!.n >= capacity) return { ok: false, reason: 'full' };
    q.putAssignment.run(roundId, participantId, roomId, q.nextSeq.get(roundId)!.n);
    q.include.run(roundId, participantId);
    q.bumpPlaceSeq.run(roundId);
    return { ok: true, previousRoomId };
  });

  const swap = db.transaction((roundId: string, a: string, b: string) => {
    const ra = q.assignment.get(roundId, a);
    const rb = q.assignment.get(roundId, b);
    q.bumpPlaceSeq.run(roundId);
    // Each takes the other's room and place in its order; someone in no room leaves the other in none.
    if (rb) q.putAssignment.run(roundId, a, rb.room_id, rb.seq);
    else q.removeAssignment.run(roundId, a);
    if (ra) q.putAssignment.run(roundId, b, ra.room_id, ra.seq);
    else q.removeAssignment.run(roundId, b);
  });

  const remove = db.transaction((id: string): boolean => {
    q.clearAssignments.run(id);
    q.clearExcluded.run(id);
    q.clearPlaceSeq.run(id);
    q.deleteHelp.run(id);
    return q.deleteRound.run(id).changes === 1;
  });

  const take = db.transaction((helpId: string, takenBy: NonNullable<HelpRequest['takenBy']>): HelpRequest | null => {
    const row = q.help.get(helpId);
    if (!row) return null;
    const help = JSON.parse(row.doc) as HelpRequest;
    if (help.takenBy) return help;
    const next = { ...help, takenBy };
    q.setHelp.run(JSON.stringify(next), helpId);
    return next;
  });

  return {
    async createRound(round) {
      const changes = q.insertRound.run(round.id, round.eventId, round.version, round.status, roundDueAtMs(round), JSON.stringify(round)).changes;
      if (changes === 0) throw new RallyError(ErrorCode.CONFLICT, 'a breakout round with this id exists');
    },
    async getRound(id) {
      const row = q.round.get(id);
      return row ? (JSON.parse(row.doc) as BreakoutRound) : null;
    },
    async roundState(id) {
      const row = q.roundState.get(id);
      return row ? { eventId: row.event_id, status: row.status as BreakoutRound['status'] } : null;
    },
    async listRounds(eventId) {
      return q.rounds.all(eventId).map((r) => roundDocs.parse(r.id, r.doc));
    },
    async runningRound(eventId) {
      memo?.fresh();
      if (memo?.noRunningRound.has(eventId)) return null;
      const row = q.runningDoc.get(eventId);
      if (row) return JSON.parse(row.doc) as BreakoutRound;
      if (memo) {
        if (memo.noRunningRound.size >= NO_RUNNING_MAX) memo.noRunningRound.clear();
        memo.noRunningRound.add(eventId);
      }
      return null;
    },
    async replaceRound(next) {
      return replace(next);
    },
    async deleteRound(id) {
      return remove(id);
    },
    async dueRounds(nowMs, limit) {
      return q.due.all(nowMs, limit).map((r) => r.id);
    },
    async setAssignments(roundId, assignments) {
      setAll(roundId, assignments);
    },
    async place(roundId, participantId, roomId, capacity, kind = 'move') {
      return place(roundId, participantId, roomId, capacity, kind);
    },
    async swap(roundId, a, b) {
      swap(roundId, a, b);
    },
    async placeSeq(roundId) {
      return placeSeq(roundId);
    },
    async roomOf(roundId, participantId) {
      return q.assignment.get(roundId, participantId)?.room_id ?? null;
    },
    async listAssignments(roundId) {
      return listAll(roundId);
    },
    async roomCounts(roundId) {
      // [BRK63] Counted on the index by room: no row of the table is read.
      return new Map(q.roomCounts.all(roundId).map((r) => [r.room_id, r.n]));
    },
    async roomMembers(roundId, roomIds) {
      // One read transaction: the rooms as they stand together.
      return db.transaction(() => numbered(new Map(roomIds.map((room) => [room, q.roomMembers.all(roundId, room).map((r) => r.participant_id)])), placeSeq(roundId)))();
    },
    async addHelp(req) {
      try {
        q.insertHelp.run(req.id, req.roundId, JSON.stringify(req));
      } catch {
        throw new RallyError(ErrorCode.CONFLICT, 'a help request with this id exists');
      }
    },
    async takeHelp(helpId, takenBy) {
      return take(helpId, takenBy);
    },
    async getHelp(helpId) {
      const row = q.help.get(helpId);
      return row ? (JSON.parse(row.doc) as HelpRequest) : null;
    },
    async listHelp(roundId) {
      return q.helpOfRound.all(roundId).map((r) => JSON.parse(r.doc) as HelpRequest);
    },
    async saveTemplate(t) {
      q.putTemplate.run(t.id, t.eventId, JSON.stringify(t));
    },
    async getTemplate(id) {
      const row = q.template.get(id);
      return row ? (JSON.parse(row.doc) as BreakoutTemplate) : null;
    },
    async listTemplates(eventId) {
      return q.templates.all(eventId).map((r) => JSON.parse(r.doc) as BreakoutTemplate);
    },
    async deleteTemplate(id) {
      return q.deleteTemplate.run(id).changes === 1;
    },
  };
}
