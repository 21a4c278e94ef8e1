/*
 * The attendee list part of the Redis adapter (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P roster:{eventId}        hash  email -> RosterEntry JSON (getRosterEntry)
 *   P roster-order:{eventId}  list  the emails in import order (listRoster)
 *
 * A put replaces both keys in one MULTI/EXEC, so a reader on any node sees the old list or the
 * new one, never a mix.
 */
import type { RedisClientType } from 'redis';
import type { RosterEntry } from '@rally/shared';
import { duplicateRosterEmail, type RosterStore } from '../breakout-store.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

export function createRedisRoster(client: AnyRedis, prefix: string): RosterStore {
  const key = {
    entries: (eventId: string) => `${prefix}roster:${eventId}`,
    order: (eventId: string) => `${prefix}roster-order:${eventId}`,
  };
  return {
    async putRoster(eventId, entries) {
      duplicateRosterEmail(entries);
      const tx = client.multi().del(key.entries(eventId)).del(key.order(eventId));
      if (entries.length > 0) {
        tx.hSet(key.entries(eventId), Object.fromEntries(entries.map((e) => [e.email, JSON.stringify(e)])));
        tx.rPush(key.order(eventId), entries.map((e) => e.email));
      }
      await tx.exec();
    },
    async getRosterEntry(eventId, email) {
      const doc = await client.hGet(key.entries(eventId), email.trim().toLowerCase());
      return doc ? (JSON.parse(String(doc)) as RosterEntry) : null;
    },
    async listRoster(eventId) {
      // One snapshot of both keys, so a put in between cannot mix two lists.
      const [emails, all] = (await client.multi().lRange(key.order(eventId), 0, -1).hGetAll(key.entries(eventId)).exec()) as unknown as [string[], Record<string, string>];
      return emails.map((e) => all[String(e)]).filter((d): d is string => d !== undefined).map((d) => JSON.parse(String(d)) as RosterEntry);
    },
  };
}
