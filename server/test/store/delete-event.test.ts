import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { STORE_WIDE } from '../../src/store/sqlite/delete-event.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { dumpRedis, type DumpedKey } from '../fixtures/schema-v1/redis-dump.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { fillEvent } from './event-data.js';

// [OPS52] Deleting an event leaves the store exactly as if the event had never been written: the
// same store filled with the kept event alone is the reference, compared key by key, row by row.
// Both stores hold event "kept" first, then event "gone"; "gone" is deleted.

const KEPT = 'kept';
const GONE = 'gone';
/** Batch markers hold "1" and expire after 10 minutes ([OPS52]): kept, named by the batch id only. */
const isGoneBatch = (s: string) => s.includes(`batch_${GONE}`);

async function fillBoth(store: Store) {
  await fillEvent(store, KEPT, 'KXMHRT');
  await fillEvent(store, GONE, 'QWTYPD');
}

describe('[OPS52] deleting an event: SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rally-delete-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every row of every table; columns that hold the time a row was written are left out. */
  const rows = (file: string) => {
    const db = new Database(file, { readonly: true });
    const out: Record<string, unknown[]> = {};
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name").all() as { name: string }[]) {
      out[name] = (db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
        .map(({ expires_at: _e, at_ms: _a, ...r }) => r)
        .filter((r) => !(name === 'engagement_batches' && isGoneBatch(String(r.batch_id))))
        .map((r) => JSON.stringify(r))
        .sort();
    }
    db.close();
    return out;
  };

  it('[OPS52] every row of the deleted event is gone from every table, nothing of another event changes, and its join code is free', async () => {
    const both = join(dir, 'both.sqlite');
    const store = createSqliteStore(both);
    await fillBoth(store);
    expect(await store.deleteEvent(`ev_${GONE}`)).toBe(true);
    expect(await store.deleteEvent(`ev_${GONE}`)).toBe(false);
    expect(await store.getEventByCode('QWTYPD')).toBeNull();
    expect((await store.listEvents()).map((e) => e.id)).toEqual([`ev_${KEPT}`]);
    await store.close();

    const alone = join(dir, 'alone.sqlite');
    const reference = createSqliteStore(alone);
    await fillEvent(reference, KEPT, 'KXMHRT');
    await reference.close();

    const after = rows(both);
    expect(after).toEqual(rows(alone));
    const text = JSON.stringify(after);
    expect(text).not.toContain(GONE);
    // The fill wrote to every table, so the comparison above saw each of them with data.
    const empty = Object.entries(after).filter(([t, r]) => r.length === 0 && !STORE_WIDE.has(t)).map(([t]) => t);
    expect(empty).toEqual([]);

    // Every table holds rows of one event by event_id, poll_id or round_id, or is one of the few
    // store-wide ones: a table added later without them fails here instead of keeping data.
    const db = new Database(both, { readonly: true });
    const orphans = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => {
        const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name);
        return !['event_id', 'poll_id', 'round_id'].some((c) => cols.includes(c));
      });
    db.close();
    expect(orphans.sort()).toEqual([...STORE_WIDE].sort());
  });

});

describe('[OPS52] deleting an event: Redis', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  /** Stream entry ids are times of writing: compared by content. */
  const normal = (keys: DumpedKey[]) =>
    keys.filter((k) => !isGoneBatch(k.key)).map((k) => (k.type === 'stream' ? { ...k, value: k.value.map((e) => e.message) } : k));

  it('[OPS52] every key of the deleted event is gone (scanned), no other event loses anything, and its join code is free', async () => {
    const store = await createRedisStore(server.url, { keyPrefix: 'both:' });
    await fillBoth(store);
    // The event to delete has keys of every kind the fill writes.
    const before = await dumpRedis(server.url, 'both:');
    expect(before.filter((k) => JSON.stringify(k).includes(GONE)).length).toBeGreaterThan(40);
    expect(await store.deleteEvent(`ev_${GONE}`)).toBe(true);
    expect(await store.deleteEvent(`ev_${GONE}`)).toBe(false);
    expect(await store.getEventByCode('QWTYPD')).toBeNull();
    expect((await store.listEvents()).map((e) => e.id)).toEqual([`ev_${KEPT}`]);
    await store.close();

    const reference = await createRedisStore(server.url, { keyPrefix: 'alone:' });
    await fillEvent(reference, KEPT, 'KXMHRT');
    await reference.close();

    const after = normal(await dumpRedis(server.url, 'both:'));
    expect(after).toEqual(normal(await dumpRedis(server.url, 'alone:')));
    expect(JSON.stringify(after)).not.toContain(GONE);
  });
});
