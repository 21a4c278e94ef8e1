import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { presenceContract } from './presence-contract.js';
import { storeContract } from './store-contract.js';

// A fresh in-memory database per test: nothing leaks between cases.
storeContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

presenceContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});
