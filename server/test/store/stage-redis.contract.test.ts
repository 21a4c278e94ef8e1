import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { stageContract } from './stage-contract.js';

// One private redis-server for the file; each test gets its own key prefix, so no flush is needed.
let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
let n = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

stageContract('redis', async () => {
  if (!server) throw new Error('redis-server did not start');
  const store = await createRedisStore(server.url, { keyPrefix: `stage${++n}:${process.pid}:` });
  return { store, cleanup: () => store.close() };
});
