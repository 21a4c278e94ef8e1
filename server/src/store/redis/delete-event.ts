/*
 * [OPS52] Deleting one event and everything of it from Redis, read from the key layout itself so
 * keys added later are covered without touching this file:
 *
 * 1. Every key in the event's slot (schema version 3: they all start with its hash tag T =
 *    P{eventId}:, store/redis/keyspace.ts) is scanned, on every master of a cluster.
 * 2. The ids the event owns are gathered from its indexes there: its participants, polls,
 *    questions, quizzes, breakout rounds, templates and help requests, and its quiz runs.
 * 3. The slot's keys are deleted, except the event hash.
 * 4. Store-wide keys, scanned under the prefix outside every event's slot: `code:{code}` and the
 *    owner entries of owned ids are deleted; so is any other key one of whose ':'-separated parts
 *    is an owned id (`cmd:{participantId}:…`). Ids are unique across the store ([ID9]), so no
 *    other event's key can match. Sets and sorted sets with no ':' in their name (`poll-deadlines`,
 *    `events-by-end`, `brk-due`, `quiz-due`, …) lose the members that are owned ids; node
 *    presence sets (`node:{nodeId}`) lose the sockets registered for the event.
 * 5. The event hash and its `events` member go last: a delete cut short leaves the event findable,
 *    so calling it again finishes the job.
 *
 * Keys that hold no data of any one event are never touched: `schema`, `schema-lock`. The scan
 * reads every key name under the prefix (SCAN, in pages): proportional to the store's size, fine
 * for an organiser's occasional delete, not for a hot path. Every command names one key or keys
 * of one slot, so it runs as it is on a Redis Cluster.
 */
import { renameInDoc } from '../erase-names.js';
import { globEscape, scanKeys, type AnyRedis, type Keyspace } from './keyspace.js';

const strings = async (p: Promise<unknown>): Promise<string[]> => [...((await p) as Iterable<unknown>)].map(String);

export function createRedisEventDeletion(client: AnyRedis, ks: Keyspace): (eventId: string) => Promise<boolean> {
  const { p } = ks;
  return async (eventId) => {
    const t = ks.ev(eventId);
    const eventKey = `${t}event:${eventId}`;
    const code = await client.hGet(eventKey, 'code');
    if (code === null || code === undefined) return false;

    // 1. and 2.
    const inSlot = (await scanKeys(client, `${globEscape(t)}*`)).filter((k) => k !== eventKey);
    const owned = new Set<string>([eventId]);
    const add = (ids: string[]) => ids.forEach((id) => owned.add(id));
    add(await strings(client.sMembers(`${t}event-participants:${eventId}`)));
    add(await strings(client.sMembers(`${t}event-polls:${eventId}`)));
    add(await strings(client.sMembers(`${t}event-questions:${eventId}`)));
    add(await strings(client.sMembers(`${t}quizzes:${eventId}`)));
    add(await strings(client.lRange(`${t}brk-tpls:${eventId}`, 0, -1)));
    const rounds = await strings(client.lRange(`${t}brk-rounds:${eventId}`, 0, -1));
    add(rounds);
    for (const r of rounds) add(await strings(client.lRange(`${t}brk-helps:${r}`, 0, -1)));
    for (const k of inSlot) if (k.startsWith(`${t}quiz-rundoc:`)) owned.add(k.slice(`${t}quiz-rundoc:`.length));

    // 3.
    for (let i = 0; i < inSlot.length; i += 500) await client.del(inSlot.slice(i, i + 500));

    // 4. Outside every event's slot: names not starting with '{'.
    const codeKey = `${p}code:${JSON.parse(String(code)) as string}`;
    const members = [...owned];
    for (const key of await scanKeys(client, `${globEscape(p)}*`)) {
      const name = key.slice(p.length);
      if (name.startsWith('{')) continue;
      const parts = name.split(':').map((part) => part.replace(/^\{(.*)\}$/, '$1'));
      if (parts.length === 1) {
        if (key === `${p}events`) continue;
        const type = await client.type(key);
        if (type === 'set') await client.sRem(key, members);
        else if (type === 'zset') await client.zRem(key, members);
      } else if (key === codeKey || parts.slice(1).some((part) => owned.has(part))) {
        await client.del(key);
      } else if (parts[0] === 'node') {
        // Members are JSON [eventId, participantId, socketId] (store/redis/presence.ts).
        const gone = (await strings(client.sMembers(key))).filter((m) => m.startsWith(`[${JSON.stringify(eventId)},`));
        if (gone.length > 0) await client.sRem(key, gone);
      }
    }

    // 5.
    await client.del(eventKey);
    await client.sRem(`${p}events`, eventId);
    ks.forgetEvent(eventId);
    return true;
  };
}

/**
 * [OPS55] eraseBreakoutNames on Redis: brk-chat:{round}:{room} and brk-takeaways:{round} hash
 * values and brk-help:{id} `doc` / `takenBy` fields of the event's rounds, read and written back.
 * Not one atomic step: it runs on finished events only, which nobody writes to any more.
 */
export function createRedisBreakoutNameErasure(client: AnyRedis, ks: Keyspace): (eventId: string, ids: readonly string[], name: string) => Promise<void> {
  return async (eventId, ids, name) => {
    const t = ks.ev(eventId);
    const set = new Set(ids);
    const rename = (json: string) => renameInDoc(JSON.parse(json) as Record<string, unknown>, set, name);
    const rewriteHash = async (key: string) => {
      for (const [field, value] of Object.entries((await client.hGetAll(key)) as Record<string, string>)) {
        const next = rename(String(value));
        if (next) await client.hSet(key, field, JSON.stringify(next));
      }
    };
    for (const round of await strings(client.lRange(`${t}brk-rounds:${eventId}`, 0, -1))) {
      for (const room of await strings(client.sMembers(`${t}brk-chat-rooms:${round}`))) await rewriteHash(`${t}brk-chat:${round}:${room}`);
      await rewriteHash(`${t}brk-takeaways:${round}`);
      for (const help of await strings(client.lRange(`${t}brk-helps:${round}`, 0, -1))) {
        const key = `${t}brk-help:${help}`;
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
