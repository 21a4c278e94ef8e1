import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-server.js';

/**
 * The production build as an operator runs it: `npm run build`'s two steps (the client only when
 * stale, the server always: it takes half a second), then the compiled entry point under plain
 * `node` with NODE_ENV=production and an environment as bare as a container's.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'server', 'index.js');
const SECRET = 'production-secret-'.padEnd(40, 'x');
const ADMIN_TOKEN = 'production-admin-token';
// Where Node can strip types itself (22.6+), forbid it: the build must need no TypeScript at all.
const NO_TS = process.allowedNodeEnvironmentFlags.has('--experimental-strip-types') ? ['--no-experimental-strip-types'] : [];

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  for (const script of ['scripts/build-client-if-needed.mjs', 'scripts/build-server.mjs']) {
    const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${script} failed: ${r.stdout}${r.stderr}`);
  }
}, 240_000);

function startCompiled(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rally-prod-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [...NO_TS, ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', NODE_ENV: 'production', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(cond: () => boolean, what: () => string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('production build', () => {
  it('[CFG7] the web client builds without a bundler warning (every chunk under its size limit), so a first `npm start` prints none', () => {
    // Built afresh into a folder of its own: the beforeAll build above is skipped when client/dist is current.
    const outDir = mkdtempSync(join(tmpdir(), 'rally-client-'));
    dirs.push(outDir);
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(existsSync(join(outDir, 'index.html'))).toBe(true);
  }, 120_000);

  it('[OPS10] the compiled server imports no TypeScript and no tsx', () => {
    const bundle = readFileSync(ENTRY, 'utf8');
    expect(bundle).not.toMatch(/(?:from|import)\s*\(?\s*["'][^"']*\.tsx?["']/);
    expect(bundle).not.toMatch(/["']tsx(?:\/[^"']*)?["']/);
    expect(bundle).not.toContain('@rally/shared');
  });

  it('[OPS11] without SECRET and ADMIN_TOKEN it refuses to start, naming both in one line', async () => {
    const run = startCompiled({});
    expect(await run.exited).not.toBe(0);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SECRET and ADMIN_TOKEN are required with NODE_ENV=production/);
    expect(run.stdout()).toBe('');
  });

  it('[OPS10] [OPS12] with them, plain node serves /healthz and the built client and creates no demo event', async () => {
    const port = await freePort();
    const run = startCompiled({ PORT: String(port), SECRET, ADMIN_TOKEN });
    await until(() => /Rally is running on/.test(run.stdout()), () => run.stdout() + run.stderr());
    const base = `http://127.0.0.1:${port}`;

    // Plain node, nothing preloaded: no tsx loader in its arguments or its environment.
    const pid = run.child.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.join(' ')).not.toMatch(/tsx|\.ts\b/);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toMatch(/NODE_OPTIONS=.*(tsx|--import|--loader)/);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(join(ROOT, 'client', 'dist', 'index.html'), 'utf8'));
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(ROOT, 'client', 'dist', 'index.html'), 'utf8'))?.[1];
    expect(asset && existsSync(join(ROOT, 'client', 'dist', asset))).toBeTruthy();
    expect((await fetch(`${base}${asset}`)).status).toBe(200);

    const events = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(events.status).toBe(200);
    expect(((await events.json()) as { events: unknown[] }).events).toEqual([]);
    expect(run.stdout()).not.toMatch(/demo event/i);
    expect(run.stdout()).not.toContain(ADMIN_TOKEN);
  }, 60_000);
});
