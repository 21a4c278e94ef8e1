import type Database from 'better-sqlite3';
import { ErrorCode, RallyError, type StoredQuiz } from '@rally/shared';
import { compareQuizzes, type QuizContentPatch, type QuizStore } from '../quiz-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quizzes (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quizzes_by_event ON quizzes(event_id);
`;

/** The quiz table on the embedded store's database; each change is one transaction. */
export function createSqliteQuiz(db: Database.Database): QuizStore {
  db.exec(SCHEMA);
  const q = {
    insert: db.prepare('INSERT INTO quizzes (id, event_id, doc) VALUES (?, ?, ?)'),
    get: db.prepare<[string], { doc: string }>('SELECT doc FROM quizzes WHERE id = ?'),
    byEvent: db.prepare<[string], { doc: string }>('SELECT doc FROM quizzes WHERE event_id = ?'),
    write: db.prepare('UPDATE quizzes SET doc = ? WHERE id = ?'),
    delete: db.prepare('DELETE FROM quizzes WHERE id = ?'),
  };
  const read = (id: string): StoredQuiz | null => {
    const row = q.get.get(id);
    return row ? (JSON.parse(row.doc) as StoredQuiz) : null;
  };

  const create = db.transaction((quiz: StoredQuiz) => {
    if (q.get.get(quiz.id)) throw new RallyError(ErrorCode.CONFLICT, 'a quiz with this id exists');
    q.insert.run(quiz.id, quiz.eventId, JSON.stringify(quiz));
  });

  const update = db.transaction((id: string, expectedVersion: number, patch: QuizContentPatch): StoredQuiz | null => {
    const current = read(id);
    if (!current) return null;
    if (current.version !== expectedVersion) throw new RallyError(ErrorCode.CONFLICT, 'this quiz was changed meanwhile; reload it and edit again');
    const next: StoredQuiz = { ...current, ...patch, version: current.version + 1 };
    q.write.run(JSON.stringify(next), id);
    return next;
  });

  return {
    async createQuiz(quiz) {
      create(quiz);
      return quiz;
    },
    async getQuiz(id) {
      return read(id);
    },
    async listQuizzes(eventId) {
      return q.byEvent.all(eventId).map((r) => JSON.parse(r.doc) as StoredQuiz).sort(compareQuizzes);
    },
    async updateQuiz(id, expectedVersion, patch) {
      return update(id, expectedVersion, patch);
    },
    async deleteQuiz(id) {
      return q.delete.run(id).changes > 0;
    },
  };
}
