import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { quizContract } from './quiz-contract.js';

// The whole SQLite store, so the suite also proves the quiz part is composed into the adapter.
quizContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { quiz: store, cleanup: () => store.close() };
});
