import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { hotPathContract } from './hot-path-contract.js';

// One private redis-server for the file; each test's two nodes share a fresh key prefix.
let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
let n = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

hotPathContract('redis', async () => {
  if (!server) throw new Error('redis-server did not start');
  const keyPrefix = `hot${++n}:${process.pid}:`;
  const a = await createRedisStore(server.url, { keyPrefix });
  const b = await createRedisStore(server.url, { keyPrefix });
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
    },
  };
});
