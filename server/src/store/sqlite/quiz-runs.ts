import type Database from 'better-sqlite3';
import { ErrorCode, RallyError } from '@rally/shared';
import { parseCache } from './parse-cache.js';
import { checkRunKind, type QuizPlayStore, type QuizRunKind, type StoredQuizRun } from '../quiz-play-store.js';

type QuizRunDocs = Pick<QuizPlayStore, 'createQuizRun' | 'getQuizRun' | 'saveQuizRun' | 'currentQuizRun' | 'dueQuizRuns'>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quiz_run_docs (
  run_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  -- Creation order within the store: the event's current run is its last.
  created INTEGER NOT NULL,
  -- [QZSTORE25] 'live' or 'reinforcement': only live runs are ever an event's current run.
  kind TEXT NOT NULL DEFAULT 'live',
  version INTEGER NOT NULL,
  due_at INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quiz_run_docs_by_event_kind ON quiz_run_docs(event_id, kind, created);
CREATE INDEX IF NOT EXISTS quiz_run_docs_due ON quiz_run_docs(due_at) WHERE due_at IS NOT NULL;
`;

interface Row {
  run_id: string;
  event_id: string;
  kind: QuizRunKind;
  version: number;
  due_at: number | null;
  doc: string;
}

/** [PERF11] Every answer reads its run: its document is parsed once per stored text (frozen), not per read. */
const runDocs = parseCache<unknown>(500);
const toRun = (r: Row): StoredQuizRun => ({ eventId: r.event_id, runId: r.run_id, kind: r.kind, run: runDocs.parse(r.run_id, r.doc), version: r.version, dueAtMs: r.due_at });

/** [QZSTORE20]–[QZSTORE22] Quiz run documents on the embedded store's database. */
export function createSqliteQuizRuns(db: Database.Database): QuizRunDocs {
  // Files from before [QZSTORE25]: add the kind, marking the reinforcement runs already stored by their document.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(quiz_run_docs)').all();
  if (columns.length > 0 && !columns.some((c) => c.name === 'kind')) {
    db.exec(`ALTER TABLE quiz_run_docs ADD COLUMN kind TEXT NOT NULL DEFAULT 'live';
      UPDATE quiz_run_docs SET kind = 'reinforcement' WHERE json_extract(doc, '$.kind') = 'reinforcement';
      DROP INDEX IF EXISTS quiz_run_docs_by_event;`);
  }
  db.exec(SCHEMA);
  const COLS = 'run_id, event_id, kind, version, due_at, doc';
  const q = {
    get: db.prepare<[string], Row>(`SELECT ${COLS} FROM quiz_run_docs WHERE run_id = ?`),
    insert: db.prepare(
      'INSERT INTO quiz_run_docs (run_id, event_id, kind, created, version, due_at, doc) VALUES (?, ?, ?, (SELECT COALESCE(MAX(created), 0) + 1 FROM quiz_run_docs), 1, ?, ?) ON CONFLICT(run_id) DO NOTHING',
    ),
    save: db.prepare<[string, number | null, string, number]>('UPDATE quiz_run_docs SET doc = ?, due_at = ?, version = version + 1 WHERE run_id = ? AND version = ?'),
    current: db.prepare<[string], Row>(`SELECT ${COLS} FROM quiz_run_docs WHERE event_id = ? AND kind = 'live' ORDER BY created DESC LIMIT 1`),
    due: db.prepare<[number, number], { run_id: string }>('SELECT run_id FROM quiz_run_docs WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?'),
  };
  return {
    async createQuizRun(eventId, runId, run, dueAtMs, kind = 'live') {
      checkRunKind(kind);
      const doc = JSON.stringify(run);
      if (q.insert.run(runId, eventId, kind, dueAtMs, doc).changes === 0) throw new RallyError(ErrorCode.CONFLICT, 'a quiz run with this id exists');
      return { eventId, runId, kind, run: JSON.parse(doc) as unknown, version: 1, dueAtMs };
    },
    async getQuizRun(runId) {
      const row = q.get.get(runId);
      return row ? toRun(row) : null;
    },
    async saveQuizRun(runId, run, expectedVersion, dueAtMs) {
      // One statement: the version check and the write cannot interleave with another writer.
      if (q.save.run(JSON.stringify(run), dueAtMs, runId, expectedVersion).changes === 0) return null;
      const row = q.get.get(runId);
      return row ? toRun(row) : null;
    },
    async currentQuizRun(eventId) {
      const row = q.current.get(eventId);
      return row ? toRun(row) : null;
    },
    async dueQuizRuns(nowMs, limit) {
      return q.due.all(nowMs, limit).map((r) => r.run_id);
    },
  };
}
