import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { engagementContract } from './engagement-contract.js';
import { surveyContract } from './survey-contract.js';

// The whole SQLite store, so the suites also prove the engagement and survey parts are composed
// into the adapter. A fresh in-memory database per test: nothing leaks between cases.
engagementContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

surveyContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});
