import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { breakoutRoomsContract } from './breakout-rooms-contract.js';

// The whole SQLite store, so the suite also proves the room part is composed into the adapter.
breakoutRoomsContract('sqlite', async () => {
  const store = createSqliteStore(':memory:');
  return { rooms: store, cleanup: () => store.close() };
});
