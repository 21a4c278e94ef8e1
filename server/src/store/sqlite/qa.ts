import { parseCache } from './parse-cache.js';
import type { HotCache } from '../hot-cache.js';
import type Database from 'better-sqlite3';
import { ErrorCode, type QuestionState, RallyError } from '@rally/shared';
import { compareQuestions, type NewQuestion, type QaStore, type RecordedUpvote, type StoredQuestion, type TransitionOutcome, type UpvoteRecord, type UpvoteResult } from '../qa-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  normalised TEXT NOT NULL,
  state TEXT NOT NULL,
  votes INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS questions_by_author_text ON questions(event_id, author_id, normalised);
CREATE INDEX IF NOT EXISTS questions_by_event ON questions(event_id);
CREATE TABLE IF NOT EXISTS question_upvotes (
  question_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (question_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS question_upvotes_by_participant ON question_upvotes(event_id, participant_id);
CREATE TABLE IF NOT EXISTS qa_events (
  event_id TEXT PRIMARY KEY,
  highlighted TEXT,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS qa_asker_bans (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
`;

interface Row {
  id: string;
  doc: string;
  votes: number;
  highlighted: number;
}

const isUniqueViolation = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT');

/**
 * The Q&A tables on the embedded store's database. The record is a JSON document with the
 * columns we query or guard on pulled out: `normalised` under a unique index is the duplicate
 * check, `votes` is the count kept in the same transaction as the voter rows, `state` is what the
 * compare-and-set compares. better-sqlite3 is synchronous, so each transaction runs alone.
 */
/** What the Q&A module borrows from the store around it: the group commit, the clock, [PERF1] the voter check. */
export interface SqliteQaHooks {
  begin(): void;
  now(): number;
  /** The participant exists, is not banned, and is in this team (read through the hot cache). */
  stands(participantId: string, team: string | null): boolean;
  /** [PERF1] The store's hot cache, current as of `fresh()` (another connection's commit drops it). */
  hot: HotCache;
  fresh(): void;
}

export function createSqliteQa(db: Database.Database, batch: SqliteQaHooks): QaStore {
  db.exec(SCHEMA);

  // `highlighted` is derived from the per-event pointer, so un-highlighting the previous question
  // is a single write and two questions can never both be highlighted.
  const SELECT = `SELECT q.id, q.doc, q.votes, (e.highlighted IS NOT NULL AND e.highlighted = q.id) AS highlighted
                  FROM questions q LEFT JOIN qa_events e ON e.event_id = q.event_id`;
  const q = {
    insert: db.prepare('INSERT INTO questions (id, event_id, author_id, normalised, state, votes, doc) VALUES (?, ?, ?, ?, ?, 0, ?)'),
    byId: db.prepare<[string], Row>(`${SELECT} WHERE q.id = ?`),
    byEvent: db.prepare<[string], Row>(`${SELECT} WHERE q.event_id = ?`),
    write: db.prepare('UPDATE questions SET state = ?, doc = ? WHERE id = ?'),
    sameText: db.prepare<[string, string, string], { id: string }>('SELECT id FROM questions WHERE event_id = ? AND author_id = ? AND normalised = ?'),
    idTaken: db.prepare<[string], { id: string }>('SELECT id FROM questions WHERE id = ?'),
    ensureEvent: db.prepare('INSERT OR IGNORE INTO qa_events (event_id, highlighted, version) VALUES (?, NULL, 0)'),
    eventRow: db.prepare<[string], { highlighted: string | null; version: number }>('SELECT highlighted, version FROM qa_events WHERE event_id = ?'),
    setHighlight: db.prepare('UPDATE qa_events SET highlighted = ? WHERE event_id = ?'),
    clearHighlightOf: db.prepare('UPDATE qa_events SET highlighted = NULL WHERE event_id = ? AND highlighted = ?'),
    bumpVersion: db.prepare<[string], { version: number }>('UPDATE qa_events SET version = version + 1 WHERE event_id = ? RETURNING version'),
    // [PERF3] An upvote's reads and its version bump, one statement each.
    upvoteTarget: db.prepare<[string], { state: string; event_id: string; votes: number }>('SELECT state, event_id, votes FROM questions WHERE id = ?'),
    // [PERF2] The command results table of the store (sqlite-store.ts), for recordUpvote's step.
    commandGet: db.prepare<[string, number], { result: string }>('SELECT result FROM command_results WHERE key = ? AND expires_at > ?'),
    commandPut: db.prepare('INSERT INTO command_results (key, result, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET result = excluded.result, expires_at = excluded.expires_at'),
    bumpEventVersion: db.prepare<[string], { version: number }>(
      'INSERT INTO qa_events (event_id, highlighted, version) VALUES (?, NULL, 1) ON CONFLICT(event_id) DO UPDATE SET version = version + 1 RETURNING version',
    ),
    upvoteAdd: db.prepare('INSERT OR IGNORE INTO question_upvotes (question_id, participant_id, event_id) VALUES (?, ?, ?)'),
    upvoteRemove: db.prepare('DELETE FROM question_upvotes WHERE question_id = ? AND participant_id = ?'),
    addVotes: db.prepare<[number, string], { votes: number }>('UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes'),
    myUpvotes: db.prepare<[string, string], { question_id: string }>('SELECT question_id FROM question_upvotes WHERE event_id = ? AND participant_id = ? ORDER BY question_id'),
    counts: db.prepare<[string], { id: string; votes: number }>('SELECT id, votes FROM questions WHERE event_id = ? AND votes > 0'),
    banAdd: db.prepare('INSERT OR IGNORE INTO qa_asker_bans (event_id, participant_id) VALUES (?, ?)'),
    banRemove: db.prepare('DELETE FROM qa_asker_bans WHERE event_id = ? AND participant_id = ?'),
    banGet: db.prepare<[string, string], { participant_id: string }>('SELECT participant_id FROM qa_asker_bans WHERE event_id = ? AND participant_id = ?'),
    bans: db.prepare<[string], { participant_id: string }>('SELECT participant_id FROM qa_asker_bans WHERE event_id = ? ORDER BY participant_id'),
    eraseAuthor: db.prepare("UPDATE questions SET doc = json_set(doc, '$.authorName', ?) WHERE event_id = ? AND author_id = ? AND json_extract(doc, '$.authorName') IS NOT NULL"),
  };

  const docs = parseCache<NewQuestion>(5_000);
  const toQuestion = (row: Row | undefined): StoredQuestion | null =>
    row ? { ...docs.parse(row.id, row.doc), votes: row.votes, highlighted: row.highlighted === 1 } : null;
  const read = (id: string) => toQuestion(q.byId.get(id));
  /** Writes a changed record, bumping its rev (see Question.rev). */
  const save = (next: NewQuestion) => {
    batch.hot.dropQuestion(next.id);
    q.write.run(next.state, JSON.stringify({ ...next, rev: next.rev + 1 }), next.id);
  };
  /** The stored record without what the store derives. */
  const recordOf = ({ votes: _v, highlighted: _h, ...record }: StoredQuestion): NewQuestion => record;

  const create = db.transaction((nq: NewQuestion): StoredQuestion => {
    if (q.banGet.get(nq.eventId, nq.authorId)) throw new RallyError(ErrorCode.BANNED, 'a moderator has stopped you from asking questions in this event');
    if (q.sameText.get(nq.eventId, nq.authorId, nq.normalised)) throw new RallyError(ErrorCode.CONFLICT, 'you already asked this question');
    if (q.idTaken.get(nq.id)) throw new RallyError(ErrorCode.CONFLICT, 'a question with this id exists');
    try {
      q.insert.run(nq.id, nq.eventId, nq.authorId, nq.normalised, nq.state, JSON.stringify(nq));
    } catch (e) {
      // Only reachable if the checks above missed a row, which one transaction rules out; kept
      // so a constraint can never surface as INTERNAL.
      if (isUniqueViolation(e)) throw new RallyError(ErrorCode.CONFLICT, 'you already asked this question');
      throw e;
    }
    q.ensureEvent.run(nq.eventId);
    return read(nq.id)!;
  });

  const transition = db.transaction((id: string, from: QuestionState, to: QuestionState, patch: { answeredAt?: string | null }): TransitionOutcome => {
    const current = read(id);
    if (!current || current.state !== from) return { ok: false, current };
    save({ ...recordOf(current), ...patch, state: to });
    const unhighlighted = current.highlighted && to !== 'approved' && q.clearHighlightOf.run(current.eventId, id).changes > 0;
    return { ok: true, question: read(id)!, unhighlighted };
  });

  const patchRecord = db.transaction((id: string, change: (r: NewQuestion) => NewQuestion): StoredQuestion | null => {
    const current = read(id);
    if (!current) return null;
    save(change(recordOf(current)));
    return read(id);
  });

  const highlight = db.transaction((eventId: string, questionId: string | null) => {
    q.ensureEvent.run(eventId);
    const previous = q.eventRow.get(eventId)?.highlighted ?? null;
    let question: StoredQuestion | null = null;
    if (questionId !== null) {
      question = read(questionId);
      if (!question || question.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question in this event');
      if (question.state !== 'approved') throw new RallyError(ErrorCode.INVALID_STATE, `only an approved question can be highlighted; this one is ${question.state}`);
    }
    q.setHighlight.run(questionId, eventId);
    return { previous, question: questionId === null ? null : read(questionId) };
  });

  // [PERF3] An upvote storm's step: it joins the turn's group commit first (what it reads is read
  // under the write lock) and throws only before its first write, so it needs no savepoint of its
  // own; it reads the three columns it needs, not the question's document.
  const toggle = (questionId: string, participantId: string, up: boolean) => {
    batch.begin();
    const current = q.upvoteTarget.get(questionId);
    if (!current) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
    if (current.state !== 'approved') throw new RallyError(ErrorCode.INVALID_STATE, `only approved questions can be upvoted; this one is ${current.state}`);
    return flip(questionId, participantId, up, current);
  };
  const flip = (questionId: string, participantId: string, up: boolean, current: { event_id: string; votes: number }) => {
    const changed = (up ? q.upvoteAdd.run(questionId, participantId, current.event_id) : q.upvoteRemove.run(questionId, participantId)).changes > 0;
    if (!changed) return { votes: current.votes, changed: false };
    const votes = q.addVotes.get(up ? 1 : -1, questionId)!.votes;
    q.bumpEventVersion.get(current.event_id);
    return { votes, changed: true };
  };

  // [PERF2] The toggle with its idempotency record in the same step (no savepoint: every refusal
  // comes before the first write).
  const recordUpvote = (questionId: string, participantId: string, up: boolean, record: UpvoteRecord): RecordedUpvote => {
    batch.begin();
    const t = batch.now();
    const prior = q.commandGet.get(record.commandKey, t);
    if (prior) return { status: 'repeat', result: JSON.parse(prior.result) as UpvoteResult };
    const target = q.upvoteTarget.get(questionId);
    if (!target) throw new RallyError(ErrorCode.NOT_FOUND, 'no such question');
    if (target.state !== 'approved') {
      batch.hot.dropQuestion(questionId);
      throw new RallyError(ErrorCode.INVALID_STATE, `only approved questions can be upvoted; this one is ${target.state}`);
    }
    if (!batch.stands(participantId, record.voter.team)) return { status: 'stale' };
    const { votes, changed } = flip(questionId, participantId, up, target);
    const result: UpvoteResult = { questionId, up, votes };
    q.commandPut.run(record.commandKey, JSON.stringify(result), t + record.ttlSeconds * 1000);
    return { status: 'done', changed, result };
  };

  const votesOf = db.transaction((eventId: string) => {
    const votes: Record<string, number> = {};
    for (const r of q.counts.all(eventId)) votes[r.id] = r.votes;
    return { version: q.eventRow.get(eventId)?.version ?? 0, votes };
  });

  return {
    async createQuestion(nq) {
      return create(nq);
    },
    async getQuestion(id) {
      return read(id);
    },
    async listQuestions(eventId) {
      return q.byEvent.all(eventId).map((r) => toQuestion(r)!).sort(compareQuestions);
    },
    async transitionQuestion(id, from, to, patch = {}) {
      return transition(id, from, to, patch);
    },
    async editQuestion(id, text) {
      return patchRecord(id, (r) => ({ ...r, text, edited: true }));
    },
    async setReply(id, reply) {
      return patchRecord(id, (r) => ({ ...r, reply }));
    },
    async setHighlighted(eventId, questionId) {
      return highlight(eventId, questionId);
    },
    async hotQuestion(id) {
      batch.fresh();
      return batch.hot.question(id, () => read(id));
    },
    async recordUpvote(questionId, participantId, up, record) {
      return recordUpvote(questionId, participantId, up, record);
    },
    async toggleUpvote(questionId, participantId, up) {
      return toggle(questionId, participantId, up);
    },
    async myUpvotes(eventId, participantId) {
      return q.myUpvotes.all(eventId, participantId).map((r) => r.question_id);
    },
    async qaVersion(eventId) {
      return q.eventRow.get(eventId)?.version ?? 0;
    },
    async questionVotes(eventId) {
      return votesOf(eventId);
    },
    async setAskerBan(eventId, participantId, banned) {
      if (banned) q.banAdd.run(eventId, participantId);
      else q.banRemove.run(eventId, participantId);
    },
    async isAskerBanned(eventId, participantId) {
      return q.banGet.get(eventId, participantId) !== undefined;
    },
    async askerBans(eventId) {
      return q.bans.all(eventId).map((r) => r.participant_id);
    },
    async eraseAuthorName(eventId, authorId, name) {
      batch.hot.clear();
      q.eraseAuthor.run(name, eventId, authorId);
    },
  };
}
