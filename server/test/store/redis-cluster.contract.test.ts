import { ErrorCode } from '@rally/shared';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { createRedisConnection } from '../../src/store/redis/connect.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-server.js';
import { breakoutRoomsContract } from './breakout-rooms-contract.js';
import { breakoutRoundsContract } from './breakout-rounds-contract.js';
import { engagementContract } from './engagement-contract.js';
import { fillEvent } from './event-data.js';
import { hotPathContract } from './hot-path-contract.js';
import { dumpRedis, type DumpedKey } from '../fixtures/schema-v1/redis-dump.js';
import v2Redis from '../fixtures/schema-v2/v2-redis.json' with { type: 'json' };
import { V2_EVENTS } from '../fixtures/schema-v2/v2-data.js';
import { presenceContract } from './presence-contract.js';
import { qaContract } from './qa-contract.js';
import { quizContract } from './quiz-contract.js';
import { quizPlayContract } from './quiz-play-contract.js';
import { rosterContract } from './roster-contract.js';
import { stageContract } from './stage-contract.js';
import { storeContract } from './store-contract.js';
import { surveyContract } from './survey-contract.js';

// [CLU30] Every store contract suite again, on a three-master Redis Cluster the file spawns. A Lua
// script or MULTI naming keys of two slots fails there (CROSSSLOT), and one touching a key it was
// not given fails when that key lives on another master, so these suites passing is the proof that
// each event's atomic steps stay within its slot ([CLU21]). Each test gets its own key prefix.
let cluster: RedisClusterHandle | undefined;
let n = 0;

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const open = (tag: string) => {
  if (!cluster) throw new Error('the Redis Cluster did not start');
  return createRedisStore(cluster.url, { keyPrefix: `${tag}${++n}:${process.pid}:` });
};
const single = (tag: string) => async () => {
  const store = await open(tag);
  return { store, cleanup: () => store.close() };
};
/** Two stores on the same keys: two nodes racing. */
const pair = async (tag: string) => {
  if (!cluster) throw new Error('the Redis Cluster did not start');
  const keyPrefix = `${tag}${++n}:${process.pid}:`;
  const [store, peer] = await Promise.all([createRedisStore(cluster.url, { keyPrefix }), createRedisStore(cluster.url, { keyPrefix })]);
  return { store, peer, cleanup: async () => void (await Promise.all([store.close(), peer.close()])) };
};

storeContract('redis-cluster', single('st'));
presenceContract('redis-cluster', single('pr'));
qaContract('redis-cluster', async () => {
  const { store, cleanup } = await single('qa')();
  return { qa: store, cleanup };
});
stageContract('redis-cluster', single('sg'));
engagementContract('redis-cluster', single('en'));
surveyContract('redis-cluster', single('sv'));
quizContract('redis-cluster', async () => {
  const { store, cleanup } = await single('qz')();
  return { quiz: store, cleanup };
});
quizPlayContract('redis-cluster', single('qp'));
rosterContract('redis-cluster', async () => {
  const { store, cleanup } = await single('ro')();
  return { roster: store, cleanup };
});
breakoutRoundsContract('redis-cluster', () => pair('br'));
// Named 'redis' (the contract's kinds); this file's suites all run on the cluster.
hotPathContract('redis', async () => {
  const { store: a, peer: b, cleanup } = await pair('hp');
  return { a, b, cleanup };
});
breakoutRoomsContract('redis-cluster', async () => {
  const { store, peer, cleanup } = await pair('bm');
  return { rooms: store, peer, cleanup };
});

describe('[CLU30] [CLU20] [CLU21] one hash slot per event, on a Redis Cluster', () => {
  /** Every key under the prefix, on every master, with its slot. */
  const keysOf = async (prefix: string) => {
    const out: { key: string; slot: number }[] = [];
    for (const url of cluster!.nodeUrls) {
      const c = createClient({ url });
      await c.connect();
      for await (const batch of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        for (const key of batch) out.push({ key, slot: Number(await c.clusterKeySlot(key)) });
      }
      await c.close();
    }
    return out;
  };

  it('[CLU20] [CLU23] every key of a filled event is in its slot, except the store-wide ones; deleting it removes them all on every master ([OPS52])', async () => {
    const prefix = `slots${++n}:${process.pid}:`;
    const store = await createRedisStore(cluster!.url, { keyPrefix: prefix });
    await fillEvent(store, 'kept', 'KXMHRT');
    await fillEvent(store, 'gone', 'QWTYPD');
    const keys = await keysOf(prefix);
    for (const ev of ['ev_kept', 'ev_gone']) {
      const tagged = keys.filter((k) => k.key.startsWith(`${prefix}{${ev}}:`));
      expect(tagged.length).toBeGreaterThan(40);
      expect(new Set(tagged.map((k) => k.slot)).size).toBe(1);
    }
    // Outside the events' slots: only the store-wide kinds.
    const kinds = new Set(keys.filter((k) => !k.key.slice(prefix.length).startsWith('{')).map((k) => k.key.slice(prefix.length).split(':')[0]));
    const storeWide = ['brk-due', 'cmd', 'code', 'events', 'events-by-end', 'node', 'owner', 'poll-deadlines', 'quiz-due', 'schema'];
    expect([...kinds].filter((k) => !storeWide.includes(k ?? ''))).toEqual([]);
    expect(kinds.has('owner')).toBe(true);
    // The two events landed on different slots (so, with three masters, usually different nodes).
    expect(keys.find((k) => k.key.startsWith(`${prefix}{ev_kept}:`))!.slot).not.toBe(keys.find((k) => k.key.startsWith(`${prefix}{ev_gone}:`))!.slot);

    expect(await store.deleteEvent('ev_gone')).toBe(true);
    expect(await store.getEventByCode('QWTYPD')).toBeNull();
    const left = await keysOf(prefix);
    expect(left.filter((k) => k.key.includes('gone'))).toEqual([]);
    expect(left.filter((k) => k.key.startsWith(`${prefix}{ev_kept}:`)).length).toBe(keys.filter((k) => k.key.startsWith(`${prefix}{ev_kept}:`)).length);
    await store.close();
  });

  it('[CLU22] a child id owned by one event is a conflict in another; once its event is deleted, no node finds it, even one that had its event cached', async () => {
    const keyPrefix = `own${++n}:${process.pid}:`;
    const [a, b] = await Promise.all([createRedisStore(cluster!.url, { keyPrefix }), createRedisStore(cluster!.url, { keyPrefix })]);
    try {
      const { people } = await fillEvent(a, 'one', 'KXMHRT');
      await fillEvent(a, 'two', 'QWTYPD');
      const poll = (await b.getPoll('poll_one_1'))!;
      expect(poll.eventId).toBe('ev_one');
      const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
      expect(await code(b.createParticipant({ ...people[0]!, eventId: 'ev_two' }))).toBe(ErrorCode.CONFLICT);
      expect(await code(b.createPoll({ ...poll, eventId: 'ev_two', state: 'draft' }))).toBe(ErrorCode.CONFLICT);
      expect((await a.getParticipant(people[0]!.id))?.eventId).toBe('ev_one');
      expect((await b.listParticipants('ev_two')).map((x) => x.id)).not.toContain(people[0]!.id);
      // Node b has the poll's event cached; node a deletes the event.
      expect(await a.deleteEvent('ev_one')).toBe(true);
      expect(await b.getPoll('poll_one_1')).toBeNull();
      expect(await b.getTally('poll_one_1')).toBeNull();
      expect(await b.getParticipant(people[0]!.id)).toBeNull();
      expect((await b.getPoll('poll_two_1'))?.eventId).toBe('ev_two');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('[CLU24] an engagement batch spanning events lands once in each event, however often it is retried', async () => {
    const store = await open('eb');
    try {
      const e = (eventId: string, i: number) => ({ eventId, participantId: `pt_${i}`, mode: 'room' as const, team: null, sessionId: null, kind: 'voted' as const, at: new Date(Date.UTC(2027, 0, 20, 9, 0, i)).toISOString() });
      const batch = [e('ev_x', 1), e('ev_y', 2), e('ev_x', 3)];
      for (let i = 0; i < 3; i++) await store.appendEngagement('batch_xy', batch);
      expect((await store.readEngagement('ev_x', null, 10)).entries.map((x) => x.participantId)).toEqual(['pt_1', 'pt_3']);
      expect((await store.readEngagement('ev_y', null, 10)).entries.map((x) => x.participantId)).toEqual(['pt_2']);
    } finally {
      await store.close();
    }
  });

  it('[CLU25] [OPS22] a redis+cluster:// URL gives a cluster client, and rally_redis_up follows it', async () => {
    const client = createRedisConnection(cluster!.url);
    client.on('error', () => {});
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchRedis(client, 'adapter');
    const up = async () => (await metrics.registry.getSingleMetric('rally_redis_up')!.get()).values.find((v) => v.labels.client === 'adapter')?.value;
    expect(await up()).toBe(0);
    await client.connect();
    try {
      expect(await up()).toBe(1);
      expect(Array.isArray((client as unknown as { masters: unknown[] }).masters)).toBe(true);
      await client.set('clu25:{a}', '1');
      await client.set('clu25:{b}', '2');
      expect([await client.get('clu25:{a}'), await client.get('clu25:{b}')]).toEqual(['1', '2']);
    } finally {
      await client.close();
    }
  });

  it('[CLU20] [OPS44] schema-2 data on a Redis Cluster is upgraded at boot (keys moved across slots with DUMP/RESTORE) to exactly what this code writes for the same data', async () => {
    const prefix = `mig${++n}:${process.pid}:`;
    const admin = createRedisConnection(cluster!.url);
    admin.on('error', () => {});
    await admin.connect();
    try {
      // The version-2 keys as they were, each written by its own command (routed to its slot's master).
      for (const k of v2Redis as DumpedKey[]) {
        const full = prefix + k.key;
        if (k.type === 'string') await admin.set(full, k.value);
        else if (k.type === 'hash') await admin.hSet(full, k.value);
        else if (k.type === 'set') await admin.sAdd(full, k.value);
        else if (k.type === 'list') await admin.rPush(full, k.value);
        else if (k.type === 'zset') await admin.zAdd(full, k.value);
        else for (const e of k.value) await admin.xAdd(full, e.id, e.message);
      }
    } finally {
      await admin.close();
    }
    const byKey = (a: DumpedKey, b: DumpedKey) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    const dumpAll = async (p: string) => (await Promise.all(cluster!.nodeUrls.map((u) => dumpRedis(u, p)))).flat().sort(byKey);
    const normal = (keys: DumpedKey[]) => keys.filter((k) => !k.key.includes('eng-batch:')).map((k) => (k.type === 'stream' ? { ...k, value: k.value.map((e) => e.message) } : k));

    const store = await createRedisStore(cluster!.url, { keyPrefix: prefix });
    expect((await store.listEvents()).map((e) => e.id)).toEqual(V2_EVENTS.map(([tag]) => `ev_${tag}`));
    await store.close();
    const fresh = await createRedisStore(cluster!.url, { keyPrefix: `fresh-${prefix}` });
    for (const [tag, code] of V2_EVENTS) await fillEvent(fresh, tag, code);
    await fresh.close();
    expect(normal(await dumpAll(prefix))).toEqual(normal(await dumpAll(`fresh-${prefix}`)));
  });
});
