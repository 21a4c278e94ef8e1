import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** [REL] Freezes the server (SIGSTOP): connections stay open and nothing is answered, as a hung Redis. */
  pause(): void;
  /** [REL] Thaws a paused server (SIGCONT). */
  resume(): void;
  /** [REL] Stops the server (SIGTERM, as `systemctl stop`; with appendonly its data is kept): an outage. */
  down(): Promise<void>;
  /** [REL] Starts it again on the same port and directory (AOF replayed when appendonly). */
  up(): Promise<void>;
  /**
   * Fault tests: stops the server now (SIGTERM: a clean shutdown; SIGKILL: a crash) and keeps its
   * port and directory, so restart() brings the same data back (from the AOF with appendonly).
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and directory, after kill(). */
  restart(): Promise<void>;
}

/** The port of the shared/dev Redis; tests must never talk to it. */
const SHARED_PORT = 6379;

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
      });
    });
    if (port !== SHARED_PORT) return port;
  }
}

/** True once the server answers PING with +PONG on a raw socket (no client library involved). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function startOnce(port: number, dir: string, appendonly: boolean, extra: string[] = []): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', appendonly ? 'yes' : 'no', '--dir', dir, ...extra];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d.toString()));
  child.stderr?.on('data', (d) => (output += d.toString()));

  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error('redis-server is not on PATH: install the Debian package `redis-server` (apt-get install redis-server)')
          : e,
      ),
    ),
  );

  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exited(child)) throw new Error(`redis-server exited during startup:\n${output}`);
      if (await answersPing(port)) return child;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on port ${port} within 10s:\n${output}`);
  })();
  // Both are raced below; whichever loses must not surface as an unhandled rejection.
  spawnError.catch(() => {});
  ready.catch(() => {});
  return Promise.race([ready, spawnError]);
}

/**
 * Spawns a private redis-server on a free loopback port (never the shared 6379), without RDB
 * snapshots and, unless asked, without AOF. stop() kills it and removes its temp directory.
 */
export async function startRedisServer(opts: { appendonly?: boolean } = {}): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'rally-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // Another process can grab the port between our probe and redis binding it: retry a few times.
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await startOnce(port, dir, opts.appendonly ?? false);
    } catch (e) {
      if (attempt >= 3 || (e instanceof Error && e.message.includes('not on PATH'))) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }

  let proc = child;
  // If the test process dies without calling stop(), do not leave the server running.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const terminate = async () => {
    if (exited(proc)) return;
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    if (!(await waitExit(proc, 5_000))) {
      proc.kill('SIGKILL');
      await waitExit(proc, 5_000);
    }
  };
  const appendonly = opts.appendonly ?? false;

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      process.off('exit', killOnExit);
      await terminate();
      await rm(dir, { recursive: true, force: true });
    },
    pause: () => void proc.kill('SIGSTOP'),
    resume: () => void proc.kill('SIGCONT'),
    down: terminate,
    async up() {
      if (!exited(proc)) return;
      proc = await startOnce(port, dir, appendonly);
    },
    async kill(signal = 'SIGTERM') {
      if (exited(proc)) return;
      proc.kill('SIGCONT');
      proc.kill(signal);
      if (!(await waitExit(proc, 10_000))) {
        proc.kill('SIGKILL');
        await waitExit(proc, 5_000);
      }
    },
    async restart() {
      if (!exited(proc)) throw new Error('restart() needs the server stopped first (kill())');
      proc = await startOnce(port, dir, appendonly);
    },
  };
}

export interface RedisClusterHandle {
  /** `redis+cluster://127.0.0.1:<first node>`: what REDIS_URL says to reach the cluster ([CLU25]). */
  url: string;
  /** Each master's plain `redis://` URL. */
  nodeUrls: string[];
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * [CLU30] Spawns a Redis Cluster of `masters` (default 3) private redis-servers on free loopback
 * ports (each with its own free cluster-bus port), no replicas, no persistence: `redis-cli
 * --cluster create` assigns the 16384 slots, and this waits until every node reports
 * cluster_state:ok and agrees on the slots. stop() kills them all and removes their directory.
 */
export async function startRedisCluster(opts: { masters?: number } = {}): Promise<RedisClusterHandle> {
  const masters = opts.masters ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'rally-redis-cluster-'));
  const procs: ChildProcess[] = [];
  const ports: number[] = [];
  const killAll = () => procs.forEach((p) => p.kill('SIGKILL'));
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all(
      procs.map(async (p) => {
        if (exited(p)) return;
        p.kill('SIGCONT');
        p.kill('SIGTERM');
        if (!(await waitExit(p, 5_000))) p.kill('SIGKILL');
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      for (let attempt = 1; ; attempt++) {
        const [port, bus] = [await freePort(), await freePort()];
        if (port === bus || ports.includes(port) || ports.includes(bus)) continue;
        const extra = ['--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000'];
        try {
          procs.push(await startOnce(port, dir, false, extra));
          ports.push(port);
          break;
        } catch (e) {
          if (attempt >= 3 || (e instanceof Error && e.message.includes('not on PATH'))) throw e;
        }
      }
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const infos = await Promise.all(ports.map((p) => run('redis-cli', ['-p', String(p), 'cluster', 'info']).then((r) => r.stdout)));
      if (infos.every((i) => i.includes('cluster_state:ok') && i.includes('cluster_slots_ok:16384') && i.includes(`cluster_known_nodes:${masters}`))) break;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster on ports ${ports.join(', ')} did not reach cluster_state:ok:\n${infos.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `redis+cluster://127.0.0.1:${ports[0]}`, nodeUrls: ports.map((p) => `redis://127.0.0.1:${p}`), stop };
}
