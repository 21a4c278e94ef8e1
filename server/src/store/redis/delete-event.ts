/*
 * [OPS52] Deleting one event and everything of it from Redis, read from the key layout itself so
 * keys added later are covered without touching this file:
 *
 * 1. The ids the event owns are gathered from its indexes: the event, its participants, polls,
 *    questions, quizzes, breakout rounds, templates and help requests, and its quiz runs (run
 *    documents name their event).
 * 2. Every key under the prefix is scanned; a key one of whose ':'-separated parts (after the
 *    prefix and the key kind) is an owned id is the event's, and is deleted; so is `code:{code}`.
 *    Ids are unique across the store ([ID9]), so no other event's key can match.
 * 3. Store-wide keys (no ':' in the name: `events`, `poll-deadlines`, `events-by-end`, `brk-due`,
 *    `quiz-due`, …) lose the members that are owned ids; node presence sets (`node:{nodeId}`) lose
 *    the sockets registered for the event.
 * 4. The event hash and its `events` member go last: a delete cut short leaves the event findable,
 *    so calling it again finishes the job.
 *
 * Keys that hold no data of any one event are never touched: `eng-batch:*` (a batch marker, "1",
 * expiring after 10 minutes), `schema`, `schema-lock`. The scan reads every key name under the
 * prefix (SCAN, in pages): proportional to the store's size, fine for an organiser's occasional
 * delete, not for a hot path.
 */
import type { RedisClientType } from 'redis';
import { renameInDoc } from '../erase-names.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

const strings = async (p: Promise<unknown>): Promise<string[]> => [...((await p) as Iterable<unknown>)].map(String);

export function createRedisEventDeletion(client: AnyRedis, p: string): (eventId: string) => Promise<boolean> {
  const scan = async (match: string): Promise<string[]> => {
    const out: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: match, COUNT: 1000 })) out.push(...(batch as unknown[]).map(String));
    return out;
  };

  return async (eventId) => {
    const eventKey = `${p}event:${eventId}`;
    const code = await client.hGet(eventKey, 'code');
    if (code === null || code === undefined) return false;

    // 1. Owned ids.
    const owned = new Set<string>([eventId]);
    const add = (ids: string[]) => ids.forEach((id) => owned.add(id));
    add(await strings(client.sMembers(`${p}event-participants:${eventId}`)));
    add(await strings(client.sMembers(`${p}event-polls:${eventId}`)));
    add(await strings(client.sMembers(`${p}event-questions:${eventId}`)));
    add(await strings(client.sMembers(`${p}quizzes:${eventId}`)));
    add(await strings(client.lRange(`${p}brk-tpls:${eventId}`, 0, -1)));
    const rounds = await strings(client.lRange(`${p}brk-rounds:${eventId}`, 0, -1));
    add(rounds);
    for (const r of rounds) add(await strings(client.lRange(`${p}brk-helps:${r}`, 0, -1)));
    for (const k of await scan(`${p}quiz-rundoc:*`)) {
      if ((await client.hGet(k, 'eventId')) === eventId) owned.add(k.slice(`${p}quiz-rundoc:`.length));
    }

    // 2. and 3.
    const codeKey = `${p}code:${JSON.parse(String(code)) as string}`;
    const doomed: string[] = [];
    const storeWide: string[] = [];
    const nodes: string[] = [];
    for (const key of await scan(`${p}*`)) {
      if (key === eventKey) continue;
      const name = key.slice(p.length);
      const parts = name.split(':');
      if (parts.length === 1) storeWide.push(key);
      else if (key === codeKey || parts.slice(1).some((part) => owned.has(part))) doomed.push(key);
      else if (parts[0] === 'node') nodes.push(key);
    }
    for (let i = 0; i < doomed.length; i += 500) await client.del(doomed.slice(i, i + 500));
    const members = [...owned];
    for (const key of storeWide) {
      if (key === `${p}events`) continue;
      const type = await client.type(key);
      if (type === 'set') await client.sRem(key, members);
      else if (type === 'zset') await client.zRem(key, members);
    }
    for (const key of nodes) {
      // Members are JSON [eventId, participantId, socketId] (store/redis/presence.ts).
      const gone = (await strings(client.sMembers(key))).filter((m) => m.startsWith(`[${JSON.stringify(eventId)},`));
      if (gone.length > 0) await client.sRem(key, gone);
    }

    // 4.
    await client.del(eventKey);
    await client.sRem(`${p}events`, eventId);
    return true;
  };
}

/**
 * [OPS55] eraseBreakoutNames on Redis: brk-chat:{round}:{room} and brk-takeaways:{round} hash
 * values and brk-help:{id} `doc` / `takenBy` fields of the event's rounds, read and written back.
 * Not one atomic step: it runs on finished events only, which nobody writes to any more.
 */
export function createRedisBreakoutNameErasure(client: AnyRedis, p: string): (eventId: string, ids: readonly string[], name: string) => Promise<void> {
  return async (eventId, ids, name) => {
    const set = new Set(ids);
    const rename = (json: string) => renameInDoc(JSON.parse(json) as Record<string, unknown>, set, name);
    const rewriteHash = async (key: string) => {
      for (const [field, value] of Object.entries((await client.hGetAll(key)) as Record<string, string>)) {
        const next = rename(String(value));
        if (next) await client.hSet(key, field, JSON.stringify(next));
      }
    };
    for (const round of await strings(client.lRange(`${p}brk-rounds:${eventId}`, 0, -1))) {
      for (const room of await strings(client.sMembers(`${p}brk-chat-rooms:${round}`))) await rewriteHash(`${p}brk-chat:${round}:${room}`);
      await rewriteHash(`${p}brk-takeaways:${round}`);
      for (const help of await strings(client.lRange(`${p}brk-helps:${round}`, 0, -1))) {
        const key = `${p}brk-help:${help}`;
        const [doc, takenBy] = ((await client.hmGet(key, ['doc', 'takenBy'])) as unknown[]).map((v) => (v == null ? '' : String(v)));
        const nextDoc = doc ? rename(doc) : null;
        if (nextDoc) await client.hSet(key, 'doc', JSON.stringify(nextDoc));
        if (takenBy) {
          const t = JSON.parse(takenBy) as { id?: string; name?: string };
          if (typeof t.id === 'string' && set.has(t.id) && t.name !== name) await client.hSet(key, 'takenBy', JSON.stringify({ ...t, name }));
        }
      }
    }
  };
}
