import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { rosterContract } from './roster-contract.js';

// The whole SQLite store, so the suite also proves the attendee list part is composed into the adapter.
rosterContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { roster: store, cleanup: () => store.close() };
});
