import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { migrateRedis, redisKeys } from '../../src/store/redis/migrations.js';
import { SCHEMA_VERSION, SchemaTooNewError } from '../../src/store/schema-version.js';
import { migrateSqlite } from '../../src/store/sqlite/migrations.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { dumpRedis, restoreRedis } from '../fixtures/schema-v1/redis-dump.js';
import v1Redis from '../fixtures/schema-v1/v1-redis.json' with { type: 'json' };
import type { DumpedKey } from '../fixtures/schema-v1/redis-dump.js';
import { V1_EVENT1_END_MS, V1_EVENTS, V1_PARTICIPANTS, V1_POLL, V1_VOTES } from '../fixtures/schema-v1/v1-data.js';
import { startRedisServer } from '../helpers/redis-server.js';
import v2Redis from '../fixtures/schema-v2/v2-redis.json' with { type: 'json' };
import { V2_EVENTS } from '../fixtures/schema-v2/v2-data.js';
import { fillEvent } from './event-data.js';

const V2_KEYS = v2Redis as DumpedKey[];

const FIXTURE = join(import.meta.dirname, '../fixtures/schema-v1/v1.sqlite');
const V1_KEYS = v1Redis as DumpedKey[];

/** Everything the version-1 data held, read back through the store port. */
async function expectV1Readable(store: Store) {
  expect(await store.listEvents()).toEqual(V1_EVENTS);
  for (const e of V1_EVENTS) {
    expect(await store.getEvent(e.id)).toEqual(e);
    expect(await store.getEventByCode(e.code)).toEqual(e);
  }
  expect(await store.listParticipants('ev_v1_1')).toEqual(V1_PARTICIPANTS);
  const [poll] = await store.listPolls('ev_v1_1');
  expect(poll).toMatchObject({ id: V1_POLL.id, state: 'closed', question: V1_POLL.question });
  const votes = await store.listVotes(V1_POLL.id);
  expect(votes.map((v) => v.participantId).sort()).toEqual(V1_VOTES.map((v) => v.participantId).sort());
  const tally = await store.getTally(V1_POLL.id);
  expect(tally?.counters).toEqual({ 'opt:o1:room': 1, 'opt:o1:remote': 1, 'opt:o2:room': 1, 'voters:room': 2, 'voters:remote': 1 });
}

describe('schema migrations: SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rally-migrate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (name: string) => {
    const file = join(dir, name);
    copyFileSync(FIXTURE, file);
    return file;
  };
  const tables = (file: string) => {
    const db = new Database(file, { readonly: true });
    const out: Record<string, unknown[]> = { user_version: [db.pragma('user_version', { simple: true })] };
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]) {
      out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all();
    }
    out.schema = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all();
    db.close();
    return out;
  };

  it('[OPS44] [OPS41] [OPS42] a file written by schema 1 is upgraded to the current version at boot, every old row kept and readable; booting again changes nothing', async () => {
    const file = copy('upgrade.sqlite');
    const before = tables(file);
    expect(before.user_version).toEqual([0]);
    expect(SCHEMA_VERSION).toBe(3);

    const store = createSqliteStore(file);
    await expectV1Readable(store);
    await store.close();

    const after = tables(file);
    expect(after.user_version).toEqual([SCHEMA_VERSION]);
    // Every old table holds the same rows; events gained the version-2 columns, backfilled.
    for (const [name, rows] of Object.entries(before)) {
      if (name === 'user_version' || name === 'schema' || name === 'events') continue;
      expect(after[name], name).toEqual(rows);
    }
    const events = after.events as { id: string; code: string; doc: string; ends_at: number | null; archived_at: string | null }[];
    expect(events.map(({ id, code, doc }) => ({ id, code, doc }))).toEqual(before.events);
    expect(events.map((e) => [e.id, e.ends_at, e.archived_at])).toEqual([
      ['ev_v1_1', V1_EVENT1_END_MS, null],
      ['ev_v1_2', null, null],
    ]);

    // Again: the file is current, nothing runs and nothing changes.
    const again = createSqliteStore(file);
    await expectV1Readable(again);
    await again.close();
    expect(tables(file)).toEqual(after);
    const db = new Database(file);
    expect(migrateSqlite(db, file)).toEqual([]);
    db.close();
    expect(tables(file)).toEqual(after);
  });

  it('[OPS43] a file of a newer schema is refused with one line naming both versions, and left untouched', () => {
    const file = copy('newer.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = tables(file);
    let err: unknown;
    try {
      createSqliteStore(file).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaTooNewError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(message).toContain(`schema version ${SCHEMA_VERSION}`);
    expect(message).toContain(file);
    expect(tables(file)).toEqual(before);
  });

  it('[OPS41] a migration that fails undoes its own writes and leaves the old version; the next boot runs it again, once', () => {
    const db = new Database(':memory:');
    const failing = [{ to: 2, what: 'fails', up: (d: Database.Database) => (d.exec('CREATE TABLE half_done (x)'), assert.fail('disk full')) }];
    expect(() => migrateSqlite(db, 'mem', failing)).toThrow('disk full');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    let runs = 0;
    const working = [{ to: 2, what: 'works', up: (d: Database.Database) => void (runs++, d.exec('CREATE TABLE done (x)')) }];
    expect(migrateSqlite(db, 'mem', working)).toEqual([2]);
    expect(migrateSqlite(db, 'mem', working)).toEqual([]);
    expect(runs).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });
});

describe('schema migrations: Redis', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let n = 0;
  let admin: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = createClient({ url: server.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });
  const v1Prefix = async () => {
    const prefix = `m${++n}:`;
    await restoreRedis(server.url, prefix, V1_KEYS);
    return prefix;
  };
  const NEW_KEYS = new Set(['schema', 'events-by-end']);
  const isNew = (k: DumpedKey) => NEW_KEYS.has(k.key) || k.key.startsWith('owner:');
  /** [CLU20] The version-3 name of a version-1 key: under its event's hash tag, unless store-wide. */
  const v3Name = (key: string) => (key === 'events' || key.startsWith('code:') ? key : `{${key.includes('ev_v1_2') ? 'ev_v1_2' : 'ev_v1_1'}}:${key}`);
  const byKey = (a: DumpedKey, b: DumpedKey) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

  it('[OPS44] [OPS41] [OPS42] [CLU20] data written by schema 1 is upgraded at boot: version recorded, events indexed by end, every old key moved under its event\'s hash tag with its value unchanged, child ids indexed by owner; booting again changes nothing', async () => {
    const prefix = await v1Prefix();
    expect(await dumpRedis(server.url, prefix)).toEqual(V1_KEYS);

    const store = await createRedisStore(server.url, { keyPrefix: prefix });
    await expectV1Readable(store);
    await store.close();

    const after = await dumpRedis(server.url, prefix);
    expect(after.filter((k) => !isNew(k))).toEqual(V1_KEYS.map((k) => ({ ...k, key: v3Name(k.key) })).sort(byKey));
    const children = [...V1_PARTICIPANTS.map((x) => x.id), V1_POLL.id];
    expect(after.filter((k) => k.key.startsWith('owner:'))).toEqual(children.map((id): DumpedKey => ({ key: `owner:{${id}}`, type: 'string', value: 'ev_v1_1' })).sort(byKey));
    expect(after.find((k) => k.key === 'schema')).toEqual({ key: 'schema', type: 'string', value: String(SCHEMA_VERSION) });
    expect(after.find((k) => k.key === 'events-by-end')).toEqual({ key: 'events-by-end', type: 'zset', value: [{ value: 'ev_v1_1', score: V1_EVENT1_END_MS }] });
    expect(await admin.exists(redisKeys.lock(prefix))).toBe(0);

    const again = await createRedisStore(server.url, { keyPrefix: prefix });
    await expectV1Readable(again);
    await again.close();
    expect(await dumpRedis(server.url, prefix)).toEqual(after);
  });

  it('[CLU20] [OPS44] data written by schema 2 (every part of the store, two events) is upgraded at boot to exactly what this code writes for the same data; booting again changes nothing', async () => {
    const prefix = `m${++n}:`;
    await restoreRedis(server.url, prefix, V2_KEYS);
    const store = await createRedisStore(server.url, { keyPrefix: prefix });
    expect((await store.listEvents()).map((e) => e.id)).toEqual(V2_EVENTS.map(([tag]) => `ev_${tag}`));
    await store.close();
    const migrated = await dumpRedis(server.url, prefix);

    // The reference: the same two events written by this code.
    const fresh = await createRedisStore(server.url, { keyPrefix: `fresh${n}:` });
    for (const [tag, code] of V2_EVENTS) await fillEvent(fresh, tag, code);
    await fresh.close();
    // Stream entry ids are times of writing, and batch markers (which expire) moved into the event's
    // slot in version 3 while old ones are left to expire: both compared without them.
    const normal = (keys: DumpedKey[]) => keys.filter((k) => !k.key.includes('eng-batch:')).map((k) => (k.type === 'stream' ? { ...k, value: k.value.map((e) => e.message) } : k));
    expect(normal(migrated)).toEqual(normal(await dumpRedis(server.url, `fresh${n}:`)));
    expect(migrated.filter((k) => !k.key.startsWith('{')).map((k) => k.key.split(':')[0])).toEqual(expect.arrayContaining(['code', 'events', 'owner', 'cmd', 'node']));

    const again = await createRedisStore(server.url, { keyPrefix: prefix });
    await again.close();
    expect(await dumpRedis(server.url, prefix)).toEqual(migrated);
  });

  it('[OPS42] two nodes booting at once on old data: one migrates, the other waits for it, both start', async () => {
    const prefix = await v1Prefix();
    let runs = 0;
    const slow = [{ to: 2, what: 'slow', up: async () => void (runs++, await new Promise((r) => setTimeout(r, 300))) }];
    const a = createClient({ url: server.url });
    const b = createClient({ url: server.url });
    await Promise.all([a.connect(), b.connect()]);
    const [ra, rb] = await Promise.all([migrateRedis(a as never, prefix, 'a', slow), migrateRedis(b as never, prefix, 'b', slow)]);
    await Promise.all([a.close(), b.close()]);
    expect(runs).toBe(1);
    expect([ra, rb].sort()).toEqual([[], [2]]);
    expect(await admin.get(redisKeys.schema(prefix))).toBe('2');
    expect(await admin.exists(redisKeys.lock(prefix))).toBe(0);
  });

  it('[OPS43] data of a newer schema is refused with one line naming both versions, and left untouched', async () => {
    const prefix = await v1Prefix();
    await admin.set(redisKeys.schema(prefix), String(SCHEMA_VERSION + 1));
    const before = await dumpRedis(server.url, prefix);
    const err = await createRedisStore(server.url, { keyPrefix: prefix }).then(
      (s) => s.close(),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SchemaTooNewError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(message).toContain(`schema version ${SCHEMA_VERSION}`);
    expect(message).not.toContain(server.url);
    expect(await dumpRedis(server.url, prefix)).toEqual(before);
  });
});

describe('[OPS42] the end index follows every event written after the upgrade', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const session = (id: string, endsAt: string) => ({ id, title: id, kind: 'keynote' as const, startsAt: '2026-01-01T08:00:00.000Z', endsAt, speakers: [] });
  const adapters: [string, () => Promise<Store>][] = [
    ['sqlite', async () => createSqliteStore(':memory:')],
    ['redis', () => createRedisStore(server.url, { keyPrefix: `idx${Date.now()}:` })],
  ];
  for (const [name, make] of adapters) {
    it(`[OPS42] ${name}: created and re-planned events are found by their end, earliest first`, async () => {
      const store = await make();
      try {
        const [a, b] = V1_EVENTS;
        await store.createEvent({ ...a!, agenda: [session('x', '2026-01-10T10:00:00.000Z'), session('y', '2026-01-10T12:00:00.123Z')] });
        await store.createEvent(b!);
        const t = Date.parse('2026-01-10T12:00:00.123Z');
        expect(await store.eventsEndedBefore(t - 1, 10)).toEqual([]);
        expect(await store.eventsEndedBefore(t, 10)).toEqual([a!.id]);
        await store.setAgenda(b!.id, [session('z', '2026-01-09T10:00:00Z')], '2026-01-02T00:00:00.000Z');
        expect(await store.eventsEndedBefore(t, 10)).toEqual([b!.id, a!.id]);
        expect(await store.eventsEndedBefore(t, 1)).toEqual([b!.id]);
        await store.setAgenda(a!.id, [], '2026-01-02T00:00:00.000Z');
        expect(await store.eventsEndedBefore(Number.MAX_SAFE_INTEGER, 10)).toEqual([b!.id]);
      } finally {
        await store.close();
      }
    });
  }
});
