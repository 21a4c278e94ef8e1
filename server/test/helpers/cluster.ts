import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisCluster, startRedisServer, type RedisServerHandle } from './redis-server.js';
import { systemClock } from '../../src/clock.js';
import { createRoomCodes } from '../../src/domain/stage/room-code.js';
import { NO_ABUSE_LIMITS, TEST_ADMIN, TEST_SECRET } from './test-server.js';

/**
 * [STAGE12] The room code the cluster's stage screens show now: every node derives it from the
 * shared SECRET, and so can the test. Tests joining attendees `room` send it, as a QR scan would.
 */
export const clusterRoomCode = (eventId: string): string => createRoomCodes(TEST_SECRET, systemClock).current(eventId).code;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX_LOADER = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface ClusterNode {
  url: string;
  process: ChildProcess;
  /** Everything the node printed, for diagnosing a failed test. */
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface Cluster {
  nodes: ClusterNode[];
  urls: string[];
  redis: RedisServerHandle;
  redisUrl: string;
  adminToken: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node exited early (${child.exitCode}):\n${output()}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`node at ${url} not ready in ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts one real Rally process (the same entry point as `npm start`) against a Redis URL, or in
 * embedded mode (SQLite in env.DATA_DIR) when redisUrl is null. env.PORT pins the port, so a node
 * restarted after a crash comes back where its clients reconnect.
 */
export async function startNode(redisUrl: string | null, env: Record<string, string> = {}): Promise<ClusterNode> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.REDIS_URL;
  // tsx as a loader in this very process, not its CLI: the CLI runs the server in a child process,
  // so a SIGKILL meant to crash the server would kill only the wrapper and orphan the server.
  const child = spawn(process.execPath, ['--import', TSX_LOADER, 'server/src/index.ts'], {
    cwd: ROOT,
    env: { ...base, PORT: String(port), HOST: '127.0.0.1', ...(redisUrl ? { REDIS_URL: redisUrl } : {}), SECRET: TEST_SECRET, ADMIN_TOKEN: TEST_ADMIN, PUBLIC_URL: url, NO_DEMO: '1', LOG_LEVEL: 'warn', ...NO_ABUSE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const output = () => out;
  await waitReady(url, child, output);
  return {
    url,
    process: child,
    output,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

/**
 * [CLU31] MULTINODE_REDIS=cluster: startCluster backs the Rally nodes with a spawned three-master
 * Redis Cluster (REDIS_URL=redis+cluster://…) instead of one redis-server. Fault injection on the
 * Redis itself (pause, down, kill) is for one server only, and throws there.
 */
export const onRedisCluster = process.env.MULTINODE_REDIS === 'cluster';

async function startBackingRedis(appendonly: boolean): Promise<RedisServerHandle> {
  if (!onRedisCluster) return startRedisServer({ appendonly });
  const rc = await startRedisCluster();
  const unsupported = () => {
    throw new Error('Redis fault injection needs one redis-server: this test cannot run with MULTINODE_REDIS=cluster');
  };
  return { url: rc.url, port: 0, stop: rc.stop, pause: unsupported, resume: unsupported, down: unsupported, up: unsupported, kill: unsupported, restart: unsupported };
}

/** N Rally processes sharing one spawned redis-server (or Redis Cluster, [CLU31]): the cluster mode of the product. */
export async function startCluster(opts: { nodes?: number; appendonly?: boolean; env?: Record<string, string> } = {}): Promise<Cluster> {
  const redis = await startBackingRedis(opts.appendonly ?? false);
  const nodes: ClusterNode[] = [];
  try {
    for (let i = 0; i < (opts.nodes ?? 2); i++) nodes.push(await startNode(redis.url, opts.env));
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
    throw e;
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    redis,
    redisUrl: redis.url,
    adminToken: TEST_ADMIN,
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      await redis.stop();
    },
  };
}

/** POST a JSON body to one node; throws with the status and body on anything but 2xx. */
export async function postJson<T>(url: string, path: string, body: unknown, admin = false): Promise<T> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${TEST_ADMIN}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
