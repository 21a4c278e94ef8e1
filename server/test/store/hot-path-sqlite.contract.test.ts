import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { hotPathContract } from './hot-path-contract.js';

// Two connections to one database file, each store with its own cache: a fresh directory per test.
hotPathContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rally-hot-'));
  const file = join(dir, 'rally.db');
  // Each opens with writes (its schema, its presence rows): one after the other's batch committed.
  const a = createSqliteStore(file);
  await a.durable();
  const b = createSqliteStore(file);
  await b.durable();
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
