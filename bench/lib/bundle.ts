import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './util.js';

/**
 * The measured processes (Rally's server/src/index.ts, the bare-ws server, the agent) run from an
 * esbuild bundle made at the start of the run: the same TypeScript transform tsx applies on the fly,
 * with every npm package left external, so the code is the same. Why not tsx itself: its module
 * loader runs in a second V8 isolate whose start-up garbage (~20 MB) is returned to the OS at an
 * unpredictable moment (8 s after start on an idle machine, later on a busy one), which makes an
 * "empty server" RSS, and so RSS per attendee, unreliable. `--tsx` runs them the `npm start` way.
 *
 * The output lives in node_modules/.cache (ignored by git) so that the external packages resolve
 * from the repository's node_modules exactly as they do for the sources. One directory per run:
 * git worktrees that share node_modules through a symlink share this cache too, and a fixed path
 * let one worktree's run start the other worktree's server (seen: a bench run measured another
 * branch's server code). Removed when the run exits; directories of runs that died are pruned.
 */
export const BUNDLE_ROOT = join(ROOT, 'node_modules/.cache/rally-bench');
export const BUNDLE_DIR = join(BUNDLE_ROOT, `run-${process.pid}`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function pruneDeadRuns(): void {
  let names: string[] = [];
  try {
    names = readdirSync(BUNDLE_ROOT);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^run-(\d+)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(BUNDLE_ROOT, name), { recursive: true, force: true });
  }
}

export interface Bundles {
  server: string;
  baselineWs: string;
  baselineSio: string;
  baselineSioCommands: string;
  agent: string;
}

export async function bundleAll(opts: { sourcemap: boolean }): Promise<Bundles> {
  pruneDeadRuns();
  mkdirSync(BUNDLE_DIR, { recursive: true });
  process.once('exit', () => rmSync(BUNDLE_DIR, { recursive: true, force: true }));
  const out = { server: join(BUNDLE_DIR, 'server.mjs'), baselineWs: join(BUNDLE_DIR, 'baseline-ws.mjs'), baselineSio: join(BUNDLE_DIR, 'baseline-sio.mjs'), baselineSioCommands: join(BUNDLE_DIR, 'baseline-sio-commands.mjs'), agent: join(BUNDLE_DIR, 'server-agent.mjs') };
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    packages: 'external' as const,
    tsconfig: join(ROOT, 'tsconfig.json'),
    sourcemap: opts.sourcemap ? ('inline' as const) : false,
    logLevel: 'error' as const,
    absWorkingDir: ROOT,
  };
  await Promise.all([
    build({ ...common, entryPoints: [join(ROOT, 'server/src/index.ts')], outfile: out.server }),
    build({ ...common, entryPoints: [join(ROOT, 'bench/baseline-ws.ts')], outfile: out.baselineWs }),
    build({ ...common, entryPoints: [join(ROOT, 'bench/baseline-sio.ts')], outfile: out.baselineSio }),
    build({ ...common, entryPoints: [join(ROOT, 'bench/baseline-sio-commands.ts')], outfile: out.baselineSioCommands }),
    build({ ...common, entryPoints: [join(ROOT, 'bench/lib/server-agent.ts')], outfile: out.agent }),
  ]);
  return out;
}
