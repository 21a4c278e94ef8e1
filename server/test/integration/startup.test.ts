import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/store/schema-version.js';
import { freePort } from '../helpers/redis-server.js';

/**
 * What a person sees in the terminal after `npm start`: the real entry point, spawned as `npm start`
 * runs it, with an environment as bare as a fresh machine's (no LOG_LEVEL, no NODE_ENV).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));

const dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rally-startup-'));
  dirs.push(d);
  return d;
}

interface Run {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [TSX, 'server/src/index.ts'], {
    cwd: ROOT,
    // Only what a shell on a fresh machine has: the defaults are under test.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  return { stdout: () => out, stderr: () => err, exited, stop };
}

async function until(cond: () => boolean, what: () => string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function listenOn(port: number): Promise<Server> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', resolve);
  });
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

describe('start-up output', () => {
  it('[CFG6] a port already in use stops the server with one line naming the port and what to do, no stack trace', async () => {
    const port = await freePort();
    await listenOn(port);
    const run = start({ PORT: String(port), DATA_DIR: dataDir() });
    const code = await run.exited;
    expect(code).not.toBe(0);
    const lines = run.stderr().trim().split('\n');
    expect(lines, run.stderr()).toHaveLength(1);
    expect(lines[0]).toContain(String(port));
    expect(lines[0]).toMatch(/PORT=/);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
    expect(run.stderr()).not.toMatch(/EADDRINUSE|Error:/);
  });

  it('[OPS43] data written by a newer Rally stops the server with one line naming both schema versions, no stack trace', async () => {
    const dir = dataDir();
    const db = new Database(join(dir, 'rally.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const run = start({ PORT: String(await freePort()), DATA_DIR: dir });
    expect(await run.exited).not.toBe(0);
    const lines = run.stderr().trim().split('\n');
    expect(lines, run.stderr()).toHaveLength(1);
    expect(lines[0]).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(lines[0]).toContain(`schema version ${SCHEMA_VERSION}`);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  });

  it('[CFG7] [DEMO1] the links are the last thing a default start prints, and nothing before them is a log line', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), DATA_DIR: dataDir() });
    await until(() => /Stage screen: .*#key=/.test(run.stdout()), () => run.stdout() + run.stderr());
    // Whatever the server would print after the links (a late log line) has had its chance.
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));

    const printed = (run.stdout() + run.stderr()).trimEnd().split('\n');
    expect(printed.at(-1)).toMatch(/^\s+Stage screen: http:\/\/localhost:\d+\/e\/\w{6}\/stage#key=\S+$/);
    for (const link of ['Attendee:', 'Presenter:', 'Moderator:', 'Organiser page:']) expect(printed.some((l) => l.includes(link)), link).toBe(true);
    // JSON log lines are for log collectors (LOG_LEVEL=info, the production default), not for a first start.
    expect(printed.filter((l) => l.trimStart().startsWith('{')), printed.join('\n')).toEqual([]);
    expect(run.stderr()).toBe('');

    // Stopping prints nothing either.
    await run.stop();
    expect(run.stdout() + run.stderr()).not.toMatch(/^\{/m);
  });

  it('[OPS25] METRICS_PORT serves /metrics on its own port from the real entry point, and not on the main one', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const run = start({ PORT: String(port), METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', DATA_DIR: dataDir(), NO_DEMO: '1' });
    await until(() => /Organiser page:/.test(run.stdout()), () => run.stdout() + run.stderr());
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^rally_nodejs_eventloop_lag_seconds \d/m);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('[CFG8] the main port listens with LISTEN_BACKLOG pending connections (as far as the kernel allows), not Node\'s 511', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), HOST: '127.0.0.1', LISTEN_BACKLOG: '3000', DATA_DIR: dataDir(), NO_DEMO: '1' });
    await until(() => /Organiser page:/.test(run.stdout()), () => run.stdout() + run.stderr());
    // `ss` shows a listening socket's backlog as its Send-Q; the kernel caps it at net.core.somaxconn.
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
    expect(Number(line.split(/\s+/)[2]), line).toBe(Math.min(3000, somaxconn));
    await run.stop();
  });

  it('[CFG7] LOG_LEVEL=info (or NODE_ENV=production) still logs as JSON, and the links still come last', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), DATA_DIR: dataDir(), NODE_ENV: 'production', SECRET: 's'.repeat(32), ADMIN_TOKEN: 'a'.repeat(16), DEMO: '1' });
    await until(() => /Stage screen: .*#key=/.test(run.stdout()), () => run.stdout() + run.stderr());
    await new Promise((r) => setTimeout(r, 300));
    const printed = run.stdout().trimEnd().split('\n');
    expect(printed.at(-1)).toMatch(/Stage screen: /);
    expect(printed.some((l) => l.startsWith('{') && JSON.parse(l).level === 30), run.stdout()).toBe(true);
  });
});
