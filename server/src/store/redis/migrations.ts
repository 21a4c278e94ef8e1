/*
 * [OPS40]–[OPS44] Schema versions of the Redis data, under the adapter's prefix P:
 *   P schema         string  the schema version the data holds (absent: version 1, the layout from
 *                            before versioning, or an empty Redis)
 *   P schema-lock    string  the token of the node migrating now (SET NX PX): two nodes booting at
 *                            once never both migrate; the other waits for the version to move
 *   P events-by-end  zset    (version 2) event id -> its end in ms while its personal data is held
 *                            (retentionIndexMs), for retention
 *
 * Version 3 ([CLU20]) moves every key of an event under the event's hash tag, `P{eventId}:` +
 * its version-2 name, and writes the owner index of child ids (store/redis/keyspace.ts).
 *
 * Each migration takes the data from `to - 1` to `to` and bumps `schema` when it is done; a node
 * that dies half-way leaves the old version and its lock expires, so the next boot redoes it, and
 * every migration is idempotent (re-running one writes the same values).
 */
import { randomBytes } from 'node:crypto';
import { RESP_TYPES } from 'redis';
import { SCHEMA_VERSION, SchemaTooNewError, retentionIndexMs } from '../schema-version.js';

import { isCluster, scanKeys, type AnyRedis } from './keyspace.js';

export interface RedisMigration {
  to: number;
  what: string;
  up(client: AnyRedis, prefix: string): Promise<void>;
}

/** How long a migrating node holds the lock unless it renews it; a dead node's lock frees itself. */
const LOCK_MS = 30_000;
/** A node waiting for another's migration looks again this often, and gives up after WAIT_MS. */
const POLL_MS = 100;
const WAIT_MS = 120_000;

export const redisKeys = {
  schema: (p: string) => `${p}schema`,
  lock: (p: string) => `${p}schema-lock`,
  eventsByEnd: (p: string) => `${p}events-by-end`,
};

/** [OPS50] Keeps one event's entry in events-by-end in step with its record. */
export async function indexEventEnd(client: AnyRedis, prefix: string, id: string, end: number | null): Promise<void> {
  if (end === null) await client.zRem(redisKeys.eventsByEnd(prefix), id);
  else await client.zAdd(redisKeys.eventsByEnd(prefix), { score: end, value: id });
}

export const REDIS_MIGRATIONS: RedisMigration[] = [
  {
    to: 2,
    what: 'events-by-end: every event by its end, backfilled from the event hashes (retention)',
    async up(client, p) {
      for (const id of [...(await client.sMembers(`${p}events`))].map(String)) {
        const fields = ['agenda', 'archivedAt', 'personalDataErasedAt'];
        const values = (await client.hmGet(`${p}event:${id}`, fields)).map((v: unknown) => (v === null || v === undefined ? undefined : JSON.parse(String(v))));
        await indexEventEnd(client, p, id, retentionIndexMs(Object.fromEntries(fields.map((f, i) => [f, values[i]]))));
      }
    },
  },
  {
    to: 3,
    what: 'one hash slot per event (Redis Cluster): every key of an event renamed under its hash tag P{eventId}:, and the owner index of child ids',
    async up(client, p) {
      // Which event owns which id, from the version-2 indexes (or, on a re-run after a partial one,
      // from where they were moved to).
      const owner = new Map<string, string>();
      const read = async (name: string, e: string, list: boolean) => {
        const out: string[] = [];
        for (const k of [`${p}${name}`, `${p}{${e}}:${name}`]) {
          out.push(...[...((await (list ? client.lRange(k, 0, -1) : client.sMembers(k))) as Iterable<unknown>)].map(String));
        }
        return out;
      };
      for (const e of [...(await client.sMembers(`${p}events`))].map(String)) {
        owner.set(e, e);
        const own = (ids: string[]) => ids.forEach((id) => owner.set(id, e));
        for (const index of ['event-participants', 'event-polls', 'event-questions', 'quizzes']) own(await read(`${index}:${e}`, e, false));
        own(await read(`brk-tpls:${e}`, e, true));
        const rounds = await read(`brk-rounds:${e}`, e, true);
        own(rounds);
        for (const r of rounds) own(await read(`brk-helps:${r}`, e, true));
      }
      const keys = await scanKeys(client, `${p}*`);
      for (const k of keys) {
        if (!k.startsWith(`${p}quiz-rundoc:`)) continue;
        const e = await client.hGet(k, 'eventId');
        if (e !== null && e !== undefined && owner.has(String(e))) owner.set(k.slice(`${p}quiz-rundoc:`.length), String(e));
      }
      // Store-wide keys keep their names; every other key goes to the event one of its id parts names.
      const STORE_WIDE = new Set(['code', 'node', 'cmd', 'owner', 'eng-batch']);
      for (const k of keys) {
        const name = k.slice(p.length);
        const parts = name.split(':');
        if (name.startsWith('{') || parts.length === 1 || STORE_WIDE.has(parts[0]!)) continue;
        const e = parts.slice(1).map((part) => owner.get(part)).find((x) => x !== undefined);
        if (e !== undefined) await moveKey(client, k, `${p}{${e}}:${name}`);
      }
      for (const [id, e] of owner) if (id !== e) await client.set(`${p}owner:{${id}}`, e);
    },
  },
];

/** RENAME on one Redis; on a cluster (the two names in different slots) DUMP, RESTORE with its TTL, DEL. */
async function moveKey(client: AnyRedis, from: string, to: string): Promise<void> {
  if (!isCluster(client)) {
    await client.rename(from, to);
    return;
  }
  const dump = await client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).dump(from);
  if (dump === null) return;
  const ttl = Number(await client.pTTL(from));
  await client.restore(to, ttl > 0 ? ttl : 0, dump as unknown as Buffer, { REPLACE: true });
  await client.del(from);
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

async function versionOf(client: AnyRedis, p: string): Promise<number> {
  const v = await client.get(redisKeys.schema(p));
  return v === null ? 1 : Number(v);
}

/**
 * [OPS41] [OPS42] Brings the data to SCHEMA_VERSION: refuses data newer than the code ([OPS43]),
 * returns at once when it is current, otherwise takes the lock, re-reads the version, and runs the
 * missing migrations one at a time. A node that finds the lock taken waits until the version is
 * current (or the lock is free again, and then tries to take it). Returns the versions it ran.
 */
export async function migrateRedis(client: AnyRedis, p: string, where: string, migrations: RedisMigration[] = REDIS_MIGRATIONS): Promise<number[]> {
  const target = migrations.reduce((v, m) => Math.max(v, m.to), 1);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await versionOf(client, p);
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(where, found);
    if (found >= target) return [];
    const token = randomBytes(12).toString('base64url');
    if (await client.set(redisKeys.lock(p), token, { condition: 'NX', expiration: { type: 'PX', value: LOCK_MS } })) {
      try {
        const done: number[] = [];
        for (const m of migrations) {
          const at = await versionOf(client, p);
          if (at > SCHEMA_VERSION) throw new SchemaTooNewError(where, at);
          if (at !== m.to - 1) continue;
          // A long migration (version 3 renames every key) keeps renewing the lock while it runs.
          const renewing = setInterval(() => void client.eval(RENEW, { keys: [redisKeys.lock(p)], arguments: [token, String(LOCK_MS)] }).catch(() => undefined), LOCK_MS / 3);
          try {
            await m.up(client, p);
          } finally {
            clearInterval(renewing);
          }
          // Still ours? A migration slower than the lock must not be bumped by a node that lost it.
          if (Number(await client.eval(RENEW, { keys: [redisKeys.lock(p)], arguments: [token, String(LOCK_MS)] })) !== 1) {
            throw new Error(`schema migration to version ${m.to} outlived its lock; restart to run it again`);
          }
          await client.set(redisKeys.schema(p), String(m.to));
          done.push(m.to);
        }
        return done;
      } finally {
        await client.eval(RELEASE, { keys: [redisKeys.lock(p)], arguments: [token] }).catch(() => undefined);
      }
    }
    if (Date.now() > deadline) throw new Error(`another node has been migrating the Redis schema for over ${WAIT_MS / 1000} s (key ${redisKeys.lock(p)})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
