/*
 * The attendee list part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T roster:{eventId}        hash  email -> RosterEntry JSON (getRosterEntry)
 *   T roster-order:{eventId}  list  the emails in import order (listRoster)
 *
 * A put replaces both keys in one MULTI/EXEC, so a reader on any node sees the old list or the
 * new one, never a mix.
 */
import type { RosterEntry } from '@rally/shared';
import { duplicateRosterEmail, type RosterStore } from '../breakout-store.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


export function createRedisRoster(client: AnyRedis, ks: Keyspace): RosterStore {
  const key = {
    entries: (eventId: string) => `${ks.ev(eventId)}roster:${eventId}`,
    order: (eventId: string) => `${ks.ev(eventId)}roster-order:${eventId}`,
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
