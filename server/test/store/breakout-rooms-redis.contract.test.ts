import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { breakoutRoomsContract } from './breakout-rooms-contract.js';

// One private redis-server for the file; each test gets its own key prefix, so no flush is needed.
// The whole Redis store, so the suite also proves the room part is composed into the adapter.
let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
let n = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

breakoutRoomsContract('redis', async () => {
  if (!server) throw new Error('redis-server did not start');
  const store = await createRedisStore(server.url, { keyPrefix: `brm${++n}:${process.pid}:` });
  return { rooms: store, cleanup: () => store.close() };
});
