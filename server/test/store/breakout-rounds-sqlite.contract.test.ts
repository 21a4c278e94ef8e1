import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { breakoutRoundsContract } from './breakout-rounds-contract.js';

// The whole SQLite store, so the suite also proves the breakout part is composed into the adapter.
// A fresh in-memory database per test: nothing leaks between cases.
breakoutRoundsContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});
