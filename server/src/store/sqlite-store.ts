import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, RallyError, type Participant, type Poll, type PollResults, type PollState } from '@rally/shared';
import {
  comparePolls,
  type CastVoteInput,
  type CastVoteOutcome,
  type EventRecord,
  type ParticipantPatch,
  type RoleKeys,
  type Store,
  type StoredAnswer,
  type StoredVote,
  VOTE_COMMAND_IDS,
} from './store.js';
import { createHotCache } from './hot-cache.js';
import { createSqliteQa } from './sqlite/qa.js';
import { commitsInProcess, installGroupCommit, noteWriteOutsideBatch } from './sqlite/group-commit.js';
import { migrateSqlite, refuseNewerSqlite } from './sqlite/migrations.js';
import { createSqliteBreakoutNameErasure, createSqliteEventDeletion } from './sqlite/delete-event.js';
import { parseCache } from './sqlite/parse-cache.js';
import { createSqlitePresence } from './sqlite/presence.js';
import { createSqliteStage } from './sqlite/stage.js';
import { createSqliteQuiz } from './sqlite/quiz.js';
import { createSqliteEngagement } from './sqlite/engagement.js';
import { createSqliteSurvey } from './sqlite/survey.js';
import { createSqliteRoster } from './sqlite/roster.js';
import { createSqliteQuizPlay, type RankCursor } from './sqlite/quiz-play.js';
import { COMMAND_WINDOW, memoryWindow } from './command-window-memory.js';
import { createSqliteBreakoutRounds } from './sqlite/breakout-rounds.js';
import { createSqliteBreakoutRooms } from './sqlite/breakout-rooms.js';

/** [PERF25] Statements that write `table` (a read cache of it is dropped around each). */
const writesTable = (table: string) => new RegExp(`^\\s*(INSERT|UPDATE|DELETE|REPLACE)\\b[\\s\\S]*\\b${table}\\b`, 'i');
/** [PERF25] Event documents kept at most (oldest first out); an event is ~2–20 KB. */
const EVENT_CACHE_MAX = 1_000;

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
CREATE TABLE IF NOT EXISTS polls (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  session_key TEXT NOT NULL,
  state TEXT NOT NULL,
  closes_at INTEGER,
  version INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS polls_by_event ON polls(event_id, state);
CREATE INDEX IF NOT EXISTS polls_due ON polls(state, closes_at);
CREATE TABLE IF NOT EXISTS poll_order (
  event_id TEXT NOT NULL,
  session_key TEXT NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (event_id, session_key)
);
CREATE TABLE IF NOT EXISTS poll_counters (
  poll_id TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (poll_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS poll_votes (
  poll_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (poll_id, participant_id)
) WITHOUT ROWID;
-- [STORE40] A snapshot reads one participant's votes in every poll at once.
CREATE INDEX IF NOT EXISTS poll_votes_by_participant ON poll_votes(participant_id);
CREATE TABLE IF NOT EXISTS poll_answers (
  id TEXT PRIMARY KEY,
  poll_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS poll_answers_by_poll ON poll_answers(poll_id);
-- A closed poll's final results ([STORE38]); its own table so databases from before it get it too.
CREATE TABLE IF NOT EXISTS poll_results (
  poll_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS command_results (
  key TEXT PRIMARY KEY,
  result TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

interface PollRow {
  state: string;
  version: number;
  doc: string;
}

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
  // [OPS43] A file written by a newer Rally is refused before anything touches it.
  // [OPS41] Then forward migrations, before group commit wraps statements (each runs its own transaction).
  try {
    refuseNewerSqlite(db, filePath);
    db.exec(SCHEMA);
    migrateSqlite(db, filePath);
  } catch (e) {
    db.close();
    throw e;
  }
  // [STORE39] Before anything prepares a statement: every write joins the turn's batch. A batch
  // rolled back may have left what it wrote in the caches below: they start afresh.
  const batch = installGroupCommit(db, () => {
    hot.clear();
    eventCache.clear();
    noRunningRound.clear();
    rankCursors.clear();
  });
  // [PERF25] Read caches of this connection, each dropped around every statement of its own that
  // writes its table (before and after it runs: a read between them sees the write), on a batch
  // rolled back (above), and, as the hot cache, when another connection has committed (fresh).
  // The event documents getEvent returns, by id: a reconnection read its event four times
  // (handshake, setup, presence, attendance), each a SQLite read of the whole document.
  const eventCache = new Map<string, EventRecord>();
  // The events known to have no running breakout round: every attendee's (re)connection asks twice.
  const noRunningRound = new Set<string>();
  // [PERF26] Where each quiz ranking walk's last page ended (sqlite/quiz-play.ts).
  const rankCursors = new Map<string, RankCursor>();
  const watched = [
    { writes: writesTable('events'), drop: () => eventCache.clear() },
    { writes: writesTable('breakout_rounds'), drop: () => noRunningRound.clear() },
    { writes: writesTable('quiz_players'), drop: () => rankCursors.clear() },
  ];
  const groupPrepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const stmt = groupPrepare(sql);
    const drops = watched.filter((w) => w.writes.test(sql)).map((w) => w.drop);
    if (drops.length === 0) return stmt;
    const dropAll = () => {
      for (const d of drops) d();
    };
    const s = stmt as unknown as Record<'run' | 'get' | 'all', (...a: unknown[]) => unknown>;
    for (const m of ['run', 'get', 'all'] as const) {
      const call = s[m]!.bind(stmt);
      s[m] = (...args: unknown[]) => {
        dropAll();
        try {
          return call(...args);
        } finally {
          dropAll();
        }
      };
    }
    return stmt;
  }) as typeof db.prepare;
  // In memory ([PRES6]): the participant read is the store's own, through its hot cache as
  // getParticipant's (defined below, called only later): a reconnection's presence add read and
  // parsed the participant document again.
  const presence = createSqlitePresence((id) => {
    fresh();
    return hot.participant(id, () => readParticipant(id));
  });

  const q = {
    insertEvent: db.prepare('INSERT INTO events (id, code, doc) VALUES (?, ?, ?)'),
    eventById: db.prepare<[string], { doc: string }>('SELECT doc FROM events WHERE id = ?'),
    eventByCode: db.prepare<[string], { doc: string }>('SELECT doc FROM events WHERE code = ?'),
    allEvents: db.prepare<[], { doc: string }>('SELECT doc FROM events ORDER BY rowid'),
    updateEvent: db.prepare('UPDATE events SET doc = ? WHERE id = ?'),
    // [OPS42] ends_at is kept from the document by the triggers of schema version 2.
    eventsEndedBefore: db.prepare<[number, number], { id: string }>('SELECT id FROM events WHERE ends_at IS NOT NULL AND ends_at <= ? ORDER BY ends_at, id LIMIT ?'),
    insertParticipant: db.prepare('INSERT INTO participants (id, event_id, doc) VALUES (?, ?, ?)'),
    participantById: db.prepare<[string], { doc: string }>('SELECT doc FROM participants WHERE id = ?'),
    participantsByEvent: db.prepare<[string], { doc: string }>('SELECT doc FROM participants WHERE event_id = ? ORDER BY rowid'),
    updateParticipant: db.prepare('UPDATE participants SET doc = ? WHERE id = ?'),
    commandGet: db.prepare<[string, number], { result: string }>('SELECT result FROM command_results WHERE key = ? AND expires_at > ?'),
    commandPut: db.prepare('INSERT INTO command_results (key, result, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET result = excluded.result, expires_at = excluded.expires_at WHERE command_results.expires_at <= ?'),
    commandPrune: db.prepare('DELETE FROM command_results WHERE expires_at <= ?'),

    insertPoll: db.prepare('INSERT INTO polls (id, event_id, session_key, state, closes_at, version, doc) VALUES (?, ?, ?, ?, ?, 0, ?)'),
    pollRow: db.prepare<[string], PollRow>('SELECT state, version, doc FROM polls WHERE id = ?'),
    pollState: db.prepare<[string], { state: string; version: number }>('SELECT state, version FROM polls WHERE id = ?'),
    // [PERF1] Bumped by SQLite when another connection commits to the file: the hot cache is then dropped.
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    pollsByEvent: db.prepare<[string], { id: string; doc: string }>('SELECT id, doc FROM polls WHERE event_id = ?'),
    pollsInSession: db.prepare<[string, string], { id: string }>('SELECT id FROM polls WHERE event_id = ? AND session_key = ?'),
    writePoll: db.prepare('UPDATE polls SET state = ?, closes_at = ?, doc = ?, version = version + 1 WHERE id = ?'),
    resultsPut: db.prepare("INSERT INTO poll_results (poll_id, doc) SELECT id, ? FROM polls WHERE id = ? AND state = 'closed' ON CONFLICT(poll_id) DO NOTHING"),
    resultsGet: db.prepare<[string], { doc: string; version: number }>('SELECT r.doc, p.version FROM poll_results r JOIN polls p ON p.id = r.poll_id WHERE r.poll_id = ?'),
    bumpPoll: db.prepare<[string], { version: number }>('UPDATE polls SET version = version + 1 WHERE id = ? RETURNING version'),
    deletePoll: db.prepare('DELETE FROM polls WHERE id = ?'),
    orderLast: db.prepare<[string, string], { last: number }>('SELECT last FROM poll_order WHERE event_id = ? AND session_key = ?'),
    orderSet: db.prepare('INSERT INTO poll_order (event_id, session_key, last) VALUES (?, ?, ?) ON CONFLICT(event_id, session_key) DO UPDATE SET last = MAX(last, excluded.last)'),
    livePolls: db.prepare<[string], { id: string; version: number }>("SELECT id, version FROM polls WHERE event_id = ? AND state = 'live'"),
    duePolls: db.prepare<[number], { doc: string }>("SELECT doc FROM polls WHERE state = 'live' AND closes_at IS NOT NULL AND closes_at <= ?"),
    counterAdd: db.prepare('INSERT INTO poll_counters (poll_id, key, n) VALUES (?, ?, ?) ON CONFLICT(poll_id, key) DO UPDATE SET n = n + excluded.n'),
    counterPrune: db.prepare('DELETE FROM poll_counters WHERE poll_id = ? AND key = ? AND n <= 0'),
    counters: db.prepare<[string], { key: string; n: number }>('SELECT key, n FROM poll_counters WHERE poll_id = ? AND n > 0'),
    voteGet: db.prepare<[string, string], { doc: string }>('SELECT doc FROM poll_votes WHERE poll_id = ? AND participant_id = ?'),
    votesByParticipant: db.prepare<[string], { poll_id: string; doc: string }>('SELECT poll_id, doc FROM poll_votes WHERE participant_id = ?'),
    votePut: db.prepare('INSERT OR REPLACE INTO poll_votes (poll_id, participant_id, doc) VALUES (?, ?, ?)'),
    votesByPoll: db.prepare<[string], { doc: string }>('SELECT doc FROM poll_votes WHERE poll_id = ?'),
    answerPut: db.prepare('INSERT OR REPLACE INTO poll_answers (id, poll_id, doc) VALUES (?, ?, ?)'),
    answerGet: db.prepare<[string, string], { doc: string }>('SELECT doc FROM poll_answers WHERE id = ? AND poll_id = ?'),
    answerDelete: db.prepare('DELETE FROM poll_answers WHERE id = ?'),
    answersByPoll: db.prepare<[string], { doc: string }>('SELECT doc FROM poll_answers WHERE poll_id = ?'),
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
    if (patch.email !== undefined) next.email = patch.email;
    q.updateParticipant.run(JSON.stringify(next), id);
    hot.dropParticipant(id);
    // [STORE36] Same transaction: an online attendee's count moves with their mode.
    presence.participantUpdated(next);
    return next;
  });

  const sessionKey = (sessionId: string | null) => sessionId ?? '';
  const deadlineMs = (p: Poll) => (p.state === 'live' && p.closesAt ? Date.parse(p.closesAt) : null);
  const byTime = <T extends { at: string }>(key: (x: T) => string) => (a: T, b: T) => a.at.localeCompare(b.at) || key(a).localeCompare(key(b));

  const insertPoll = db.transaction((poll: Poll): Poll => {
    const sk = sessionKey(poll.sessionId);
    const order = (q.orderLast.get(poll.eventId, sk)?.last ?? 0) + 1;
    const stored = { ...poll, order };
    try {
      q.insertPoll.run(stored.id, stored.eventId, sk, stored.state, deadlineMs(stored), JSON.stringify(stored));
    } catch (e) {
      if (isUniqueViolation(e)) throw new RallyError(ErrorCode.CONFLICT, 'a poll with this id exists');
      throw e;
    }
    q.orderSet.run(stored.eventId, sk, order);
    return stored;
  });

  const savePoll = (p: Poll) => {
    hot.dropPoll(p.id);
    q.writePoll.run(p.state, deadlineMs(p), JSON.stringify(p), p.id);
  };

  const draftRow = (id: string): PollRow | null => {
    const row = q.pollRow.get(id);
    if (!row) return null;
    if (row.state !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'only a draft can be changed or deleted');
    return row;
  };

  const mutateDraft = db.transaction((id: string, change: (p: Poll) => Poll): Poll | null => {
    const row = draftRow(id);
    if (!row) return null;
    const next = change(JSON.parse(row.doc) as Poll);
    savePoll(next);
    return next;
  });

  const removeDraft = db.transaction((id: string): boolean => {
    if (!draftRow(id)) return false;
    hot.dropPoll(id);
    q.deletePoll.run(id);
    return true;
  });

  const reorder = db.transaction((eventId: string, sessionId: string | null, pollIds: string[]): Poll[] | null => {
    const sk = sessionKey(sessionId);
    const current = new Set(q.pollsInSession.all(eventId, sk).map((r) => r.id));
    if (new Set(pollIds).size !== pollIds.length || pollIds.length !== current.size || !pollIds.every((id) => current.has(id))) return null;
    const polls = pollIds.map((id, i) => {
      const p = { ...(JSON.parse(q.pollRow.get(id)!.doc) as Poll), order: i + 1 };
      savePoll(p);
      return p;
    });
    q.orderSet.run(eventId, sk, pollIds.length);
    return polls;
  });

  const transition = db.transaction((id: string, from: string, to: Poll['state'], patch: object): Poll | null => {
    const row = q.pollRow.get(id);
    if (!row || row.state !== from) return null;
    const next = { ...(JSON.parse(row.doc) as Poll), ...patch, state: to } as Poll;
    savePoll(next);
    return next;
  });

  const reveal = db.transaction((id: string): Poll | null => {
    const row = q.pollRow.get(id);
    if (!row) return null;
    const next = { ...(JSON.parse(row.doc) as Poll), revealed: true };
    savePoll(next);
    return next;
  });

  const addCounters = (pollId: string, keys: readonly string[], delta: 1 | -1) => {
    for (const k of keys) {
      q.counterAdd.run(pollId, k, delta);
      if (delta < 0) q.counterPrune.run(pollId, k);
    }
  };

  // [PERF3] The hot path's one atomic step, without a savepoint of its own (two statements fewer per
  // vote): it joins the turn's batch first, so all it reads is read under the write lock, and every
  // refusal is thrown before its first write. The live poll comes from the hot cache, which this
  // connection's own transitions and any other connection's commit (data_version) drop.
  const castVote = (input: CastVoteInput): CastVoteOutcome => {
    batch.begin();
    fresh();
    const prevRow = q.voteGet.get(input.pollId, input.participantId);
    const prev = prevRow ? (JSON.parse(prevRow.doc) as StoredVote) : null;
    // [PERF2] The vote record is the command's idempotency record: a retried id changes nothing.
    if (input.commandId && prev?.commandIds?.includes(input.commandId)) return { status: 'repeat', vote: prev };
    const poll = hot.poll(input.pollId, () => readPoll(input.pollId));
    if (!poll) throw new RallyError(ErrorCode.NOT_FOUND, 'no such poll');
    if (poll.state !== 'live') throw new RallyError(ErrorCode.INVALID_STATE, poll.state === 'draft' ? 'this poll has not started yet' : 'this poll is closed');
    // [PERF1] Inside the write lock: what another connection committed has invalidated the cache.
    if (input.voter && !standsAsDecided(input.participantId, input.cohort, input.voter.team)) return { status: 'stale' };
    const commandIds = input.commandId ? [...(prev?.commandIds ?? []), input.commandId].slice(-VOTE_COMMAND_IDS) : prev?.commandIds;
    if (prev && prev.fingerprint === input.fingerprint) {
      if (input.commandId) q.votePut.run(input.pollId, input.participantId, JSON.stringify({ ...prev, commandIds }));
      return { status: 'unchanged', version: q.pollState.get(input.pollId)!.version };
    }
    if (prev && !input.allowChange) throw new RallyError(ErrorCode.CONFLICT, 'you already voted in this poll, and this poll does not allow changing a vote');
    if (prev) {
      addCounters(input.pollId, prev.counters, -1);
      if (prev.answerId) q.answerDelete.run(prev.answerId);
    }
    addCounters(input.pollId, input.counters, 1);
    const { pollId, allowChange: _a, answer, commandId: _c, voter: _v, ...vote } = input;
    const stored: StoredVote = commandIds ? { ...vote, commandIds } : vote;
    q.votePut.run(pollId, input.participantId, JSON.stringify(stored));
    if (answer) {
      const storedAnswer: StoredAnswer = { id: answer.id, pollId, participantId: input.participantId, text: answer.text, status: 'pending', flagged: answer.flagged, at: input.at };
      q.answerPut.run(answer.id, pollId, JSON.stringify(storedAnswer));
    }
    const version = q.bumpPoll.get(pollId)!.version;
    return { status: prev ? 'replaced' : 'recorded', version };
  };

  const moderate = db.transaction((pollId: string, answerId: string, status: StoredAnswer['status']): StoredAnswer | null => {
    const row = q.answerGet.get(answerId, pollId);
    if (!row) return null;
    const next: StoredAnswer = { ...(JSON.parse(row.doc) as StoredAnswer), status };
    q.answerPut.run(answerId, pollId, JSON.stringify(next));
    q.bumpPoll.get(pollId);
    return next;
  });

  const tally = db.transaction((pollId: string) => {
    const row = q.pollRow.get(pollId);
    if (!row) return null;
    const counters: Record<string, number> = {};
    for (const c of q.counters.all(pollId)) counters[c.key] = c.n;
    return { version: row.version, state: row.state as PollState, counters };
  });

  const remember = db.transaction((key: string, json: string, ttlSeconds: number): string => {
    const t = now();
    // Written (new, or over an expired one): ours is the first result, no need to read it back.
    if (q.commandPut.run(key, json, t + ttlSeconds * 1000, t).changes > 0) return json;
    return q.commandGet.get(key, t)?.result ?? json;
  });

  // [STORE38] Final results never change once stored, and every snapshot reads every closed poll's
  // (B8: a reconnect storm parsed the same few dozen documents once per attendee). Parsed once,
  // frozen (callers copy, never mutate), and re-parsed only if the stored text differs.
  const finalResults = parseCache<PollResults>(2_000);
  // Likewise the poll documents every vote (getPoll) and every snapshot (listPolls) reads: a
  // document's text changes with every write, so a changed poll is parsed afresh.
  const pollDocs = parseCache<Poll>(2_000);
  // [PERF22] And the event and participant documents every (re)connection reads several times
  // (handshake, setup, presence): a reconnect storm parsed each attendee's and the event's anew.
  const eventDocs = parseCache<EventRecord>(1_000);
  const participantDocs = parseCache<Participant>(20_000);

  // [PERF1] The hot commands' cache of participants and live polls (store/hot-cache.ts): kept
  // current by this store's own writes above, and dropped whole when another connection has
  // committed to the file (SQLite's data_version; embedded Rally has one, tests may open two).
  const hot = createHotCache();
  // [PERF9] [REL16] Reaction ids per participant: embedded Rally is one node, so memory is the window.
  const reactionWindow = memoryWindow(COMMAND_WINDOW.size, COMMAND_WINDOW.ttlMs, COMMAND_WINDOW.maxParticipants, Date.now);
  let seenVersion = q.dataVersion.get();
  // [PERF25] Asked of SQLite only when some connection of this process has committed since the
  // last look (one process per database file: group-commit.ts, commitsInProcess).
  let seenCommits = -1;
  const fresh = () => {
    const c = commitsInProcess();
    if (c === seenCommits) return;
    seenCommits = c;
    const v = q.dataVersion.get();
    if (v !== seenVersion) {
      seenVersion = v;
      hot.clear();
      eventCache.clear();
      noRunningRound.clear();
      rankCursors.clear();
    }
  };
  /** [BRK63] `SELECT … WHERE id IN (?, …)` for n ids, prepared once per n. */
  const inStatements = new Map<number, Database.Statement<string[], { doc: string; event_id: string }>>();
  const participantsIn = (n: number) => {
    let st = inStatements.get(n);
    if (!st) {
      // By primary key only (the event is checked on the rows): with `event_id = ?` too, SQLite may
      // take the index by event and read every participant of it.
      st = db.prepare<string[], { doc: string; event_id: string }>(`SELECT doc, event_id FROM participants WHERE id IN (${Array.from({ length: n }, () => '?').join(',')})`);
      if (inStatements.size < 100) inStatements.set(n, st);
    }
    return st;
  };
  // [PERF22] Parsed once per stored text (frozen); [PERF1] the hot cache holds what this gives.
  const readParticipant = (id: string): Participant | null => {
    const row = q.participantById.get(id);
    return row ? participantDocs.parse(id, row.doc) : null;
  };
  const readPoll = (id: string) => {
    const row = q.pollRow.get(id);
    return row ? pollDocs.parse(id, row.doc) : null;
  };
  const standsAsDecided = (participantId: string, cohort: Participant['mode'], team: string | null) => {
    fresh();
    const me = hot.participant(participantId, () => readParticipant(participantId));
    return !!me && !me.banned && me.mode === cohort && (me.team ?? null) === team;
  };

  let closed = false;
  // Expired command results are pruned now and then rather than per command: a cheap bounded sweep.
  const pruneTimer = setInterval(() => q.commandPrune.run(now()), 60_000);
  pruneTimer.unref();

  // Q&A tables and methods live in their own module on the same database (store/sqlite/qa.ts).
  const qa = createSqliteQa(db, {
    begin: batch.begin,
    now,
    stands: (participantId, team) => {
      fresh();
      const me = hot.participant(participantId, () => readParticipant(participantId));
      return !!me && !me.banned && (me.team ?? null) === team;
    },
    hot,
    fresh,
  });
  // Stage tables, and the stage fields of the event documents (store/sqlite/stage.ts).
  const stage = createSqliteStage(db);
  // The engagement log, its settings and the survey (store/sqlite/engagement.ts, store/sqlite/survey.ts).
  const engagement = createSqliteEngagement(db, now);
  const survey = createSqliteSurvey(db);
  // Live quiz play: answers, totals, ranks and counters of each run (store/sqlite/quiz-play.ts).
  const quizPlay = createSqliteQuizPlay(db, { begin: batch.begin, stands: standsAsDecided, fresh, rankCursors });
  // Breakout room chat, takeaways, scorecards and video presence (store/sqlite/breakout-rooms.ts);
  // deleting a round purges them too ([BSTORE1]).
  const { purgeRoomData: purgeBreakoutRoomData, ...breakoutRooms } = createSqliteBreakoutRooms(db);
  const breakoutRounds = createSqliteBreakoutRounds(db, { fresh, noRunningRound });
  const deleteEvent = createSqliteEventDeletion(db);
  const eraseBreakoutNames = createSqliteBreakoutNameErasure(db);

  // Opening wrote the schema and migrations outside any batch: other connections of this process look again.
  noteWriteOutsideBatch();

  return {
    kind: 'sqlite',
    ...qa,
    ...stage,
    ...engagement,
    ...survey,
    ...createSqliteQuiz(db),
    ...quizPlay,
    ...createSqliteRoster(db),
    ...breakoutRounds,
    ...breakoutRooms,
    async deleteRound(id) {
      const deleted = await breakoutRounds.deleteRound(id);
      if (deleted) purgeBreakoutRoomData(id);
      return deleted;
    },

    async createEvent(event) {
      try {
        q.insertEvent.run(event.id, event.code, JSON.stringify(event));
      } catch (e) {
        if (isUniqueViolation(e)) throw new RallyError(ErrorCode.CONFLICT, 'an event with this id or join code exists');
        throw e;
      }
    },
    async getEvent(id) {
      fresh();
      const known = eventCache.get(id);
      if (known) return known;
      const row = q.eventById.get(id);
      const event = row ? eventDocs.parse(id, row.doc) : null;
      if (event) {
        if (eventCache.size >= EVENT_CACHE_MAX) eventCache.delete(eventCache.keys().next().value!);
        eventCache.set(id, event);
      }
      return event;
    },
    async getEventByCode(code) {
      return parse<EventRecord>(q.eventByCode.get(code));
    },
    async listEvents() {
      return q.allEvents.all().map((r) => JSON.parse(r.doc) as EventRecord);
    },
    async markEvent(id, field, at) {
      // The triggers of schema version 2 keep ends_at and archived_at in step with the document.
      return mutateEvent(id, (e) => (e[field] ? e : { ...e, [field]: at }));
    },
    async deleteEvent(id) {
      return deleteEvent(id);
    },
    async eraseBreakoutNames(eventId, ids, name) {
      eraseBreakoutNames(eventId, ids, name);
    },
    async eventsEndedBefore(endMs, limit) {
      return q.eventsEndedBefore.all(endMs, limit).map((r) => r.id);
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
      // [PERF1] Exact here (this connection's writes drop entries, another's commit drops them all),
      // so every read goes through the cache; a copy, as callers may change what they get.
      fresh();
      const p = hot.participant(id, () => readParticipant(id));
      return p ? { ...p } : null;
    },
    async hotParticipant(id) {
      fresh();
      return hot.participant(id, () => readParticipant(id));
    },
    async claimReaction(_eventId, participantId, commandId, standing) {
      // [PERF9] One node: the window in memory, the standing from the cache, which is exact here ([PERF1]).
      if (!(await reactionWindow.claim(participantId, commandId))) return 'repeat';
      if (standsAsDecided(participantId, standing.mode, standing.team)) return 'claimed';
      await reactionWindow.release(participantId, commandId);
      return 'stale';
    },
    async releaseReaction(_eventId, participantId, commandId) {
      await reactionWindow.release(participantId, commandId);
    },
    async updateParticipant(id, patch) {
      return mutateParticipant(id, patch);
    },
    async listParticipants(eventId) {
      return q.participantsByEvent.all(eventId).map((r) => JSON.parse(r.doc) as Participant);
    },
    async getParticipants(eventId, ids) {
      // [BRK63] One query per 500 ids (well under SQLite's bound-parameter limit).
      const out: Participant[] = [];
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        for (const r of participantsIn(chunk.length).all(...chunk)) if (r.event_id === eventId) out.push(JSON.parse(r.doc) as Participant);
      }
      return out;
    },

    presenceAdd: presence.presenceAdd,
    presenceRemove: presence.presenceRemove,
    presenceOnline: presence.presenceOnline,
    presenceCounts: presence.presenceCounts,
    presenceTeamCounts: presence.presenceTeamCounts,
    presenceIsOnline: presence.presenceIsOnline,
    presenceClearNode: presence.presenceClearNode,

    async rememberCommand<T>(key: string, result: T, ttlSeconds: number) {
      return JSON.parse(remember(key, JSON.stringify(result ?? null), ttlSeconds)) as T;
    },
    async recalledCommand<T>(key: string) {
      const row = q.commandGet.get(key, now());
      return row ? (JSON.parse(row.result) as T) : undefined;
    },
    durable: () => batch.durable(),

    async createPoll(poll) {
      return insertPoll(poll);
    },
    async getPoll(id) {
      return readPoll(id);
    },
    async hotPoll(id) {
      fresh();
      return hot.poll(id, () => readPoll(id));
    },
    async listPolls(eventId) {
      return q.pollsByEvent.all(eventId).map((r) => pollDocs.parse(r.id, r.doc)).sort(comparePolls);
    },
    async updatePollDraft(id, content) {
      return mutateDraft(id, (p) => {
        // Only the authored fields are taken from the content; identity and lifecycle stay.
        const { id: _i, eventId, sessionId, order, state, createdAt, openedAt, closesAt, closedAt, revealed, presentAtClose } = p;
        return { ...content, id, eventId, sessionId, order, state, createdAt, openedAt, closesAt, closedAt, revealed, presentAtClose } as Poll;
      });
    },
    async deletePoll(id) {
      return removeDraft(id);
    },
    async reorderPolls(eventId, sessionId, pollIds) {
      return reorder(eventId, sessionId, pollIds);
    },
    async transitionPoll(id, from, to, patch) {
      return transition(id, from, to, patch);
    },
    async setRevealed(id) {
      return reveal(id);
    },
    async castVote(input) {
      return castVote(input);
    },
    async getMyVotes(participantId, pollIds) {
      const wanted = new Set(pollIds);
      const out: Record<string, StoredVote> = {};
      for (const r of q.votesByParticipant.all(participantId)) if (wanted.has(r.poll_id)) out[r.poll_id] = JSON.parse(r.doc) as StoredVote;
      return out;
    },
    async listVotes(pollId) {
      return q.votesByPoll.all(pollId).map((r) => JSON.parse(r.doc) as StoredVote).sort(byTime((v) => v.participantId));
    },
    async getTally(pollId) {
      return tally(pollId);
    },
    async putFinalResults(pollId, results) {
      q.resultsPut.run(JSON.stringify(results), pollId);
    },
    async getFinalResults(pollId) {
      const row = q.resultsGet.get(pollId);
      return row ? { results: finalResults.parse(pollId, row.doc), version: row.version } : null;
    },
    async livePollVersions(eventId) {
      return q.livePolls.all(eventId).map((r) => ({ pollId: r.id, version: r.version }));
    },
    async duePolls(nowMs) {
      return q.duePolls.all(nowMs).map((r) => JSON.parse(r.doc) as Poll);
    },
    async listAnswers(pollId) {
      return q.answersByPoll.all(pollId).map((r) => JSON.parse(r.doc) as StoredAnswer).sort(byTime((a) => a.id));
    },
    async moderateAnswer(pollId, answerId, status) {
      return moderate(pollId, answerId, status);
    },

    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruneTimer);
      batch.flush();
      db.close();
    },
  };
}

