import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { quizPlayContract } from './quiz-play-contract.js';

// The whole SQLite store, so the suite also proves the quiz-play part is composed into the adapter.
// A fresh in-memory database per test: nothing leaks between cases.
quizPlayContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});
