import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * No Docker engine here: the Dockerfile is checked as far as reading it allows. Every file the
 * build stage copies from the context exists (and is not excluded by .dockerignore), every path the
 * run stage copies from the build stage is one the build produces, the image runs the compiled
 * server with node as a non-root user, and the compose file validates where docker-compose exists.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Stage {
  name: string;
  lines: string[];
}
const stages: Stage[] = [];
for (const raw of dockerfile.split('\n')) {
  const line = raw.trim();
  if (!line || line.startsWith('#')) continue;
  const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) stages.push({ name: from[1] ?? String(stages.length), lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const copies = (s: Stage) =>
  s.lines
    .map((l) => /^COPY\s+(?:--from=(\S+)\s+)?(?:--chown=\S+\s+)?(.+)$/i.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const parts = m[2]!.split(/\s+/);
      return { from: m[1], sources: parts.slice(0, -1), dest: parts.at(-1)! };
    });

describe('Dockerfile', () => {
  it('[OPS13] two stages: a build stage whose copied sources all exist in the build context', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const [build] = stages;
    for (const c of copies(build!)) {
      expect(c.from).toBeUndefined();
      for (const src of c.sources) {
        expect(existsSync(join(ROOT, src)), `${src} is copied but missing`).toBe(true);
        expect(ignored.some((i) => src === i || src.startsWith(`${i}/`)), `${src} is copied but .dockerignore excludes it`).toBe(false);
      }
    }
    // The build compiles both halves and then keeps only production dependencies.
    expect(build!.lines.join('\n')).toMatch(/npm ci/);
    expect(build!.lines.join('\n')).toMatch(/npm run build/);
    expect(build!.lines.join('\n')).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    expect(pkg.scripts.build).toMatch(/vite build/);
    expect(pkg.scripts.build).toMatch(/scripts\/build-server\.mjs/);
    // What the build stage copies in is all the server build reads (scripts/build-server.mjs's entry and alias).
    const buildScript = readFileSync(join(ROOT, 'scripts', 'build-server.mjs'), 'utf8');
    const copied = copies(build!).flatMap((c) => c.sources);
    for (const input of ['server/src', 'shared/src', 'client']) expect(copied).toContain(input);
    expect(buildScript).toContain("outfile: 'dist/server/index.js'");
  });

  it('[OPS13] the run stage holds the built output and production modules, runs plain node as a non-root user', () => {
    const run = stages.at(-1)!;
    const fromBuild = copies(run);
    expect(fromBuild.every((c) => c.from === stages[0]!.name), 'the run stage copies only from the build stage').toBe(true);
    const paths = fromBuild.flatMap((c) => c.sources);
    for (const p of ['/app/node_modules', '/app/dist', '/app/client/dist']) expect(paths).toContain(p);
    // No sources, no TypeScript toolchain in the image.
    expect(paths.some((p) => /\/(server|shared)\/src/.test(p))).toBe(false);
    const user = run.lines.find((l) => /^USER\s+/i.test(l));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(\s|:|$)/i);
    const cmd = run.lines.find((l) => /^CMD\s+/i.test(l))!;
    const argv = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe('dist/server/index.js');
    expect(argv.join(' ')).not.toMatch(/tsx|\.ts\b/);
    expect(run.lines.join('\n')).toMatch(/NODE_ENV=production/);
  });

  const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  it.skipIf(compose.status !== 0)('[OPS14] docker-compose config validates the compose file (with SECRET and ADMIN_TOKEN set)', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SECRET: 's'.repeat(32), ADMIN_TOKEN: 'a'.repeat(16) };
    const ok = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--quiet'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    // Without them, compose itself refuses, naming the variable.
    const missing = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--quiet'], { cwd: ROOT, env: { PATH: env.PATH, HOME: env.HOME }, encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/SECRET|ADMIN_TOKEN/);
  });
});
