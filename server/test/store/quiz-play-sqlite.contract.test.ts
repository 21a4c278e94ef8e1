import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteQuizRuns } from '../../src/store/sqlite/quiz-runs.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { quizPlayContract } from './quiz-play-contract.js';

// The whole SQLite store, so the suite also proves the quiz-play part is composed into the adapter.
// A fresh in-memory database per test: nothing leaks between cases.
quizPlayContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

describe('SQLite quiz run documents from before [QZSTORE25]', () => {
  it('[QZSTORE25] a file without the kind gets it: its reinforcement runs are marked so and never current, its live runs stay current', async () => {
    const db = new Database(':memory:');
    // The table as it was before the kind.
    db.exec(`CREATE TABLE quiz_run_docs (run_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, created INTEGER NOT NULL, version INTEGER NOT NULL, due_at INTEGER, doc TEXT NOT NULL);
      CREATE INDEX quiz_run_docs_by_event ON quiz_run_docs(event_id, created);`);
    const put = db.prepare('INSERT INTO quiz_run_docs (run_id, event_id, created, version, due_at, doc) VALUES (?, ?, ?, 1, NULL, ?)');
    put.run('live1', 'ev1', 1, JSON.stringify({ run: { step: { phase: 'podium' } } }));
    put.run('rf-q1', 'ev1', 2, JSON.stringify({ kind: 'reinforcement', quizId: 'q1' }));
    const runs = createSqliteQuizRuns(db);
    expect((await runs.getQuizRun('rf-q1'))!.kind).toBe('reinforcement');
    expect(await runs.currentQuizRun('ev1')).toMatchObject({ runId: 'live1', kind: 'live' });
    await runs.createQuizRun('ev1', 'rf-q2', {}, null, 'reinforcement');
    expect((await runs.currentQuizRun('ev1'))!.runId).toBe('live1');
    // Opening the file again changes nothing.
    expect((await createSqliteQuizRuns(db).getQuizRun('rf-q1'))!.kind).toBe('reinforcement');
    db.close();
  });
});
