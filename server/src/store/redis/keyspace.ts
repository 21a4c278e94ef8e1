/*
 * [CLU20]–[CLU24] The Redis key layout (schema version 3): one hash slot per event.
 *
 * Every key of an event starts with the event's hash tag, `P{<eventId>}:`, followed by the key's
 * name of version 2 (`P{ev_1}:poll:pl_9`, `P{ev_1}:event:ev_1`, `P{ev_1}:sockets:ev_1:pt_3`), so
 * Redis Cluster puts all of them in one slot and every Lua script or MULTI of the event is atomic
 * on a sharded Redis exactly as on one server. Every key a script touches is passed in KEYS.
 *
 * Store methods that get only a child id (a poll, question, participant, quiz, quiz run, breakout
 * round, help request or template id) find its event through the store-wide owner index,
 * `P owner:{<childId>}` -> eventId, written (SET NX) before the child is created and never changed
 * while it exists; each node caches that mapping ([CLU22]). An owner key whose child was never
 * created (a refused create) is removed again; one left by a crash between the two steps points at
 * the right event and only costs a key until the event is deleted.
 *
 * Store-wide keys (events, code:{code}, events-by-end, poll-deadlines, quiz-due, brk-due,
 * node:{nodeId}, cmd:{key}, owner:{id}, schema, schema-lock) live outside every event's slot and
 * are touched by their own single-key commands, never inside an event's script ([CLU23]).
 */
import type { RedisClientType } from 'redis';

export type AnyRedis = RedisClientType<any, any, any, any, any>;

/** A node-redis cluster client (createCluster) seen through the client type: it has `masters`. */
interface ClusterLike {
  masters: unknown[];
  nodeClient(node: unknown): Promise<AnyRedis>;
}
export const isCluster = (client: AnyRedis): boolean => Array.isArray((client as unknown as Partial<ClusterLike>).masters);

/** Every key matching a SCAN pattern, on one Redis or on every master of a cluster. */
export async function scanKeys(client: AnyRedis, match: string): Promise<string[]> {
  const nodes: AnyRedis[] = isCluster(client)
    ? await Promise.all((client as unknown as ClusterLike).masters.map((m) => (client as unknown as ClusterLike).nodeClient(m)))
    : [client];
  const out: string[] = [];
  for (const node of nodes) {
    for await (const batch of node.scanIterator({ MATCH: match, COUNT: 1000 })) out.push(...(batch as unknown[]).map(String));
  }
  return out;
}

/** Escapes SCAN glob characters, so an id is matched literally. */
export const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Beyond this many cached child -> event entries a node starts its cache afresh. */
const CACHE_MAX = 200_000;

export interface Keyspace {
  /** The adapter's key prefix. */
  p: string;
  /** `P{<eventId>}:` — every key of the event starts with it. */
  ev(eventId: string): string;
  /** `P owner:{<childId>}`. */
  ownerKey(childId: string): string;
  /** The event a child record belongs to, or null when the store knows no such child. */
  eventOf(childId: string): Promise<string | null>;
  /**
   * Records that a child about to be created belongs to eventId. 'new' when this call wrote the
   * mapping (call release() if the create is then refused), 'same' when it was there already,
   * 'other' when the id belongs to another event (the create must be refused: ids are unique).
   */
  claim(childId: string, eventId: string): Promise<'new' | 'same' | 'other'>;
  /** Removes a mapping this node wrote for a child whose create was refused. */
  release(childId: string): Promise<void>;
  /** Drops every cached mapping to a deleted event. */
  forgetEvent(eventId: string): void;
}

export function createKeyspace(client: AnyRedis, p: string): Keyspace {
  const cache = new Map<string, string>();
  const ownerKey = (id: string) => `${p}owner:{${id}}`;
  const remember = (id: string, eventId: string) => {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(id, eventId);
  };
  return {
    p,
    ev: (eventId) => eventTag(p, eventId),
    ownerKey,
    async eventOf(id) {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      const found = await client.get(ownerKey(id));
      if (found === null || found === undefined) return null;
      remember(id, String(found));
      return String(found);
    },
    async claim(id, eventId) {
      if (await client.set(ownerKey(id), eventId, { condition: 'NX' })) {
        remember(id, eventId);
        return 'new';
      }
      const owner = await client.get(ownerKey(id));
      if (owner !== null && String(owner) !== eventId) return 'other';
      // A concurrent release() between the two reads: write it again.
      if (owner === null) await client.set(ownerKey(id), eventId, { condition: 'NX' });
      remember(id, eventId);
      return 'same';
    },
    async release(id) {
      cache.delete(id);
      await client.del(ownerKey(id));
    },
    forgetEvent(eventId) {
      for (const [id, e] of cache) if (e === eventId) cache.delete(id);
    },
  };
}

/** `P{<eventId>}:` — the start of every key of the event (its hash tag). */
export const eventTag = (p: string, eventId: string) => `${p}{${eventId}}:`;
