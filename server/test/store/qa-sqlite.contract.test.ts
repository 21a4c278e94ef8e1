import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { qaContract } from './qa-contract.js';

// The whole SQLite store, so the suite also proves the Q&A part is composed into the adapter.
// A fresh in-memory database per test: nothing leaks between cases.
qaContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { qa: store, cleanup: () => store.close() };
});
