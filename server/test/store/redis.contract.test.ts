import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { presenceContract } from './presence-contract.js';
import { storeContract } from './store-contract.js';

// One private redis-server for the file; each test gets its own key prefix, so no flush is needed.
let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
let n = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

const make = async () => {
  if (!server) throw new Error('redis-server did not start');
  const store = await createRedisStore(server.url, { keyPrefix: `t${++n}:${process.pid}:` });
  return { store, cleanup: () => store.close() };
};
storeContract('redis', make);
presenceContract('redis', make);
