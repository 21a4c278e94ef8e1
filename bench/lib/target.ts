import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer } from '../../server/test/helpers/redis-server.js';
import type { AgentSample, EldReading } from './agent-protocol.js';
import { finalizePid, registerPid } from './own-cpu.js';
import { findRedisPid, procSample } from './proc.js';
import type { Bundles } from './bundle.js';
import { spawnNode, waitHttpOk, type NodeProcess } from './spawn.js';
import { hrMs } from './util.js';

export type Mode = 'embedded' | 'cluster';

export const BENCH_SECRET = 'bench-secret-0123456789-0123456789-0123456789';
/**
 * B7: Rally mints breakout video tokens itself (signed with the API secret), so the servers get a
 * LiveKit configuration; nothing listens at that address and no scenario joins a call. Rally makes
 * no LiveKit call at start or for a token (see docs/PERFORMANCE.md, B7).
 */
const BENCH_LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'bench-key', LIVEKIT_API_SECRET: 'bench-livekit-secret-0123456789-0123456789' };
export const BENCH_ADMIN = 'bench-admin-token-0123456789';

export interface TargetSample {
  /** hrMs() when taken. */
  at: number;
  /** Sum over the app processes, from process.cpuUsage() (µs resolution), or /proc when the agent did not answer in time. */
  cpuMs: number;
  /** Sum over the app processes, from /proc/<pid>/stat (10 ms resolution), as a cross-check. */
  procCpuMs: number;
  /** Sum over the app processes, from /proc/<pid>/status VmRSS. */
  rssBytes: number;
  /** NaN when the agent did not answer (a plain sample of a saturated server). */
  heapUsedBytes: number;
  /** Cluster mode: the spawned redis-server, from /proc. */
  redisCpuMs: number | null;
  redisRssBytes: number | null;
  perNode: AgentSample[];
}

export interface EldByNode {
  /** The worst node for each figure (conservative when there are several). */
  worst: EldReading;
  perNode: EldReading[];
}

export interface Target {
  kind: Mode | 'bare-ws' | 'bare-sio' | 'bare-sio-commands';
  nodes: NodeProcess[];
  urls: string[];
  adminToken: string;
  redis: { url: string; pid: number | null } | null;
  /**
   * With gc: forces full GCs in each process first, so heap figures are live data only; waits as
   * long as it takes (the agent runs on the server's event loop, which a saturated server blocks
   * for tens of seconds). Without gc: asks the agent briefly and falls back to /proc.
   */
  sample(gc?: boolean): Promise<TargetSample>;
  /** /proc only (CPU in 10 ms ticks, RSS): never waits for the server's event loop. */
  procSample(): TargetSample;
  eldReset(): Promise<void>;
  eldRead(): Promise<EldByNode>;
  /**
   * Resolves once every process is old enough for its start-up memory to be gone: under tsx the
   * module loader runs in its own V8 isolate, which returns ~20 MB to the OS some 8 s after
   * start, whatever the main thread does. An "empty server" RSS read before that is inflated.
   */
  settled(): Promise<void>;
  pids(): number[];
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** Write a V8 CPU profile of each app process into this directory when it exits. */
  cpuProfDir?: string;
  tag: string;
  nodes?: number;
  /** Bundled entry points (see bundle.ts); without them the TypeScript sources run through tsx. */
  bundles?: Bundles | null;
}

const NODE_ARGS = ['--expose-gc'];
/** Under tsx, how long after start the loader isolate has returned its start-up memory (see settled()). */
const settleFor = (opts: TargetOptions) => (opts.bundles ? 0 : 9_500);

/**
 * A measured server is killed outright when its run is over: a graceful close of thousands of
 * sockets costs many seconds of presence work and measures nothing. With a CPU profile requested it
 * must exit normally to write it, so it gets SIGTERM and time.
 */
const graceFor = (opts: TargetOptions) => (opts.cpuProfDir ? 120_000 : 0);
const agentArgs = (b: Bundles | null | undefined) => ['--import', b ? b.agent : './bench/lib/server-agent.ts'];

function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Only what we set: a REDIS_URL or PORT in the caller's shell must not leak into a measured server.
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TERM']) if (process.env[k]) env[k] = process.env[k];
  // RALLY_BENCH_STAMPS=1 asks the server to stamp facts with process.hrtime.bigint() (see
  // docs/PERFORMANCE.md, "Server changes wanted"); a server without that change ignores it.
  // [SEC8] The load comes from 127.0.0.1 at thousands of joins and handshakes a second: a flood by
  // the product's abuse budgets, which are switched off here (explicitly; they are on by default).
  const noAbuseLimits = { JOIN_LIMIT_PER_ADDRESS: 'off', JOIN_LIMIT_PER_EVENT: 'off', CONNECT_LIMIT_PER_ADDRESS: 'off' };
  return { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', NO_DEMO: '1', LOG_LEVEL: 'warn', SECRET: BENCH_SECRET, ADMIN_TOKEN: BENCH_ADMIN, RALLY_BENCH_STAMPS: '1', ...noAbuseLimits, ...BENCH_LIVEKIT, ...extra };
}

/**
 * Node's default profile names carry pid and thread id (under tsx the module loader has its own
 * thread, and a fixed name would let its profile overwrite the main one). When the process has
 * exited, its main-thread profile (the largest) is renamed `<tag>.cpuprofile` and the rest removed.
 */
function profArgs(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function collectProfile(dir: string | undefined, pid: number, name: string): void {
  if (!dir) return;
  const mine = readdirSync(dir)
    .filter((f) => f.startsWith('CPU.') && f.includes(`.${pid}.`) && f.endsWith('.cpuprofile'))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => b.size - a.size);
  if (!mine.length) return;
  renameSync(join(dir, mine[0]!.f), join(dir, `${name}.cpuprofile`));
  for (const x of mine.slice(1)) rmSync(join(dir, x.f), { force: true });
}

async function startApp(label: string, env: Record<string, string>, opts: TargetOptions): Promise<{ proc: NodeProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnNode({
    label,
    script: opts.bundles ? opts.bundles.server : 'server/src/index.ts',
    tsx: !opts.bundles,
    nodeArgs: [...NODE_ARGS, ...profArgs(opts.cpuProfDir), ...agentArgs(opts.bundles)],
    env: appEnv({ PORT: String(port), PUBLIC_URL: url, ...env }),
  });
  proc.child.once('exit', () => collectProfile(opts.cpuProfDir, proc.pid, `${opts.tag}-${label}`));
  try {
    await waitHttpOk(`${url}/readyz`, proc);
  } catch (e) {
    await proc.stop(1000);
    throw e;
  }
  return { proc, url };
}

function makeTarget(kind: Target['kind'], nodes: NodeProcess[], urls: string[], redis: Target['redis'], cleanup: () => Promise<void>, graceMs: number, settleMs: number): Target {
  const assemble = (perNode: AgentSample[] | null): TargetSample => {
    const procs = nodes.map((n) => procSample(n.pid));
    const r = redis?.pid ? procSample(redis.pid) : null;
    const procCpuMs = procs.reduce((a, s) => a + s.cpuMs, 0);
    return {
      at: hrMs(),
      cpuMs: perNode ? perNode.reduce((a, s) => a + s.cpuMs, 0) : procCpuMs,
      procCpuMs,
      rssBytes: procs.reduce((a, s) => a + s.rssBytes, 0),
      heapUsedBytes: perNode ? perNode.reduce((a, s) => a + s.heapUsedBytes, 0) : NaN,
      redisCpuMs: r ? r.cpuMs : null,
      redisRssBytes: r ? r.rssBytes : null,
      perNode: perNode ?? [],
    };
  };
  const worst = (list: EldReading[]): EldReading => {
    const pick = (k: keyof EldReading) => {
      const xs = list.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
      return xs.length ? Math.max(...xs) : null;
    };
    return { n: list.reduce((a, r) => a + r.n, 0), mean: pick('mean'), p50: pick('p50'), p95: pick('p95'), p99: pick('p99'), max: pick('max') };
  };
  return {
    kind,
    nodes,
    urls,
    adminToken: BENCH_ADMIN,
    redis,
    async sample(gc = false) {
      const perNode = gc
        ? await Promise.all(nodes.map((n) => n.agent<AgentSample>('gcSample', 10 * 60_000)))
        : await Promise.all(nodes.map((n) => n.agent<AgentSample>('sample', 5_000))).catch(() => null);
      return assemble(perNode);
    },
    procSample: () => assemble(null),
    async eldReset() {
      await Promise.all(nodes.map((n) => n.agent('eldReset', 10 * 60_000)));
    },
    async eldRead() {
      const perNode = await Promise.all(nodes.map((n) => n.agent<EldReading>('eldRead', 10 * 60_000)));
      return { worst: worst(perNode), perNode };
    },
    async settled() {
      const at = Math.max(...nodes.map((n) => n.startedAt)) + settleMs;
      if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
    },
    pids: () => [...nodes.map((n) => n.pid), ...(redis?.pid ? [redis.pid] : [])],
    async stop() {
      finalizePid(redis?.pid);
      await Promise.all(nodes.map((n) => n.stop(graceMs)));
      await cleanup();
    },
  };
}

/** Embedded mode: one Rally process on a fresh SQLite file (the `npm start` shape). */
export async function startEmbedded(opts: TargetOptions): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rally-bench-'));
  try {
    const { proc, url } = await startApp('embedded', { DATA_DIR: dataDir }, opts);
    return makeTarget('embedded', [proc], [url], null, () => rm(dataDir, { recursive: true, force: true }), graceFor(opts), settleFor(opts));
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** Cluster mode's Rally nodes unless a scenario asks otherwise (B9's one-node reference run). */
export const CLUSTER_NODES = 2;

/** Cluster mode: N Rally processes (default two) on a private, spawned redis-server. */
export async function startCluster(opts: TargetOptions): Promise<Target> {
  const redis = await startRedisServer({ appendonly: false });
  const redisPid = findRedisPid(redis.port);
  registerPid(redisPid);
  const dataDir = await mkdtemp(join(tmpdir(), 'rally-bench-'));
  const started: NodeProcess[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < (opts.nodes ?? CLUSTER_NODES); i++) {
      const { proc, url } = await startApp(`node${i + 1}`, { REDIS_URL: redis.url, DATA_DIR: dataDir }, opts);
      started.push(proc);
      urls.push(url);
    }
  } catch (e) {
    await Promise.all(started.map((n) => n.stop(1000)));
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  return makeTarget('cluster', started, urls, { url: redis.url, pid: redisPid }, async () => {
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, graceFor(opts), settleFor(opts));
}

/** `opts.nodes` applies to cluster mode only (embedded is one process by definition). */
export function startTarget(mode: Mode, opts: TargetOptions): Promise<Target> {
  return mode === 'embedded' ? startEmbedded(opts) : startCluster(opts);
}

/** The bare baselines: what each runs, from the bundle or the sources. */
const BARE = {
  ws: { label: 'bare-ws', bundle: 'baselineWs', source: 'bench/baseline-ws.ts' },
  sio: { label: 'bare-sio', bundle: 'baselineSio', source: 'bench/baseline-sio.ts' },
  'sio-commands': { label: 'bare-sio-commands', bundle: 'baselineSioCommands', source: 'bench/baseline-sio-commands.ts' },
} as const;

/**
 * A bare server, measured the same way as a Rally node: the broadcasters `ws` (bench/baseline-ws.ts)
 * and Socket.IO (bench/baseline-sio.ts), and the Socket.IO command server (bench/baseline-sio-commands.ts).
 */
export async function startBare(kind: keyof typeof BARE, opts: TargetOptions): Promise<Target> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { label, bundle, source } = BARE[kind];
  const proc = spawnNode({
    label,
    script: opts.bundles ? opts.bundles[bundle] : source,
    tsx: !opts.bundles,
    nodeArgs: [...NODE_ARGS, ...profArgs(opts.cpuProfDir), ...agentArgs(opts.bundles)],
    env: { ...appEnv({}), PORT: String(port) },
  });
  proc.child.once('exit', () => collectProfile(opts.cpuProfDir, proc.pid, `${opts.tag}-${label}`));
  try {
    await waitHttpOk(`${url}/readyz`, proc);
  } catch (e) {
    await proc.stop(1000);
    throw e;
  }
  return makeTarget(label, [proc], [url], null, async () => {}, graceFor(opts), settleFor(opts));
}

export const startBareWs = (opts: TargetOptions) => startBare('ws', opts);
