import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { stageContract } from './stage-contract.js';

// The whole SQLite store, so the suite also proves the stage part is composed into the adapter.
stageContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});
