/*
 * [CLU25] How Rally connects to Redis: one server (`redis://`, `rediss://`) or a Redis Cluster
 * (`redis+cluster://`, `rediss+cluster://`, naming any one node; node-redis discovers the others
 * and follows slot moves). The same URL serves the store and the Socket.IO adapter.
 */
import { createClient, createCluster, type RedisClientOptions } from 'redis';
import type { AnyRedis } from './keyspace.js';

const CLUSTER_SCHEME = /^(rediss?)\+cluster:/;

/** `redis+cluster://…` -> { cluster: true, url: 'redis://…' }; a plain URL is returned as it is. */
export function parseRedisUrl(url: string): { cluster: boolean; url: string } {
  const m = CLUSTER_SCHEME.exec(url);
  return m ? { cluster: true, url: url.replace(CLUSTER_SCHEME, `${m[1]}:`) } : { cluster: false, url };
}

/**
 * A connected-to-be client for the URL: createClient, or createCluster seeded with the URL's node.
 * A cluster client is typed as a client (the commands Rally uses have the same signatures); code
 * that must tell them apart uses isCluster() (keyspace.ts). Credentials and TLS of the URL apply to
 * every node of the cluster.
 */
export function createRedisConnection(url: string, options: Omit<RedisClientOptions, 'url'> = {}): AnyRedis {
  const { cluster, url: plain } = parseRedisUrl(url);
  if (!cluster) return createClient({ ...options, url: plain }) as unknown as AnyRedis;
  const u = new URL(plain);
  const { scripts, ...defaults } = options as RedisClientOptions & { scripts?: Record<string, unknown> };
  const socket = { ...(defaults.socket ?? {}), ...(u.protocol === 'rediss:' ? { tls: true } : {}) };
  return createCluster({
    rootNodes: [{ url: plain }],
    defaults: {
      ...defaults,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      socket,
    } as never,
    ...(scripts ? { scripts: scripts as never } : {}),
  }) as unknown as AnyRedis;
}
