// Makes sure the real parts the tests drive are on this machine: redis-server (multi-node and Redis
// store tests), Debian's Chromium (Playwright) and a real livekit-server (the livekit tier). Installs
// the Debian packages with apt-get when running as root; otherwise stops with a message naming the
// package to install. ffmpeg makes the e2e HLS stream; docker-compose validates the compose file. livekit-server is built with Go once per
// machine (scripts/livekit-server.mjs). npm 10 is upgraded to npm 11, which the lockfile is made with.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureLivekitServer } from './livekit-server.mjs';

const NEEDS = [
  { what: 'redis-server', pkg: 'redis-server', present: () => onPath('redis-server') },
  { what: 'Chromium (/usr/bin/chromium)', pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  // The stage-stream spec encodes a short HLS stream to check that the attendee's video plays.
  { what: 'ffmpeg', pkg: 'ffmpeg', present: () => onPath('ffmpeg') },
  // [OPS14] `docker-compose config` validates the compose file (no Docker engine needed).
  { what: 'docker-compose', pkg: 'docker-compose', present: () => onPath('docker-compose') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** npm 10 → npm 11 (`npm install -g npm@11`); any other version is left alone. */
function ensureNpm11() {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !/^10\./.test(r.stdout.trim())) return;
  console.log(`npm ${r.stdout.trim()} found: upgrading to npm 11…`);
  const up = spawnSync('npm', ['install', '-g', 'npm@11'], { stdio: 'inherit' });
  if (up.status !== 0) {
    console.error('Could not upgrade npm 10 to npm 11: run npm install -g npm@11');
    process.exit(1);
  }
}

/**
 * Stops the process with one line naming what is missing. With `livekitOptional` (npm test outside
 * CI), a machine without Go is not stopped: the answer says why the livekit tier cannot run
 * (`livekitSkip`), for the caller to say so in one line and skip it. A failed build always stops.
 */
export function ensurePrereqs({ livekitOptional = false } = {}) {
  ensureNpm11();
  ensureDebianPackages();
  const lk = ensureLivekitServer();
  if (lk.ok) return { livekitSkip: null };
  if (livekitOptional && lk.noGo) return { livekitSkip: lk.error };
  console.error(lk.error);
  process.exit(1);
}

function ensureDebianPackages() {
  const missing = NEEDS.filter((n) => !n.present());
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => m.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(`Missing ${missing.map((m) => m.what).join(' and ')}. Install the Debian package${pkgs.length > 1 ? 's' : ''}: sudo apt-get install -y ${pkgs.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${pkgs.join(', ')} with apt-get (needed by the test tiers)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  }
  const still = NEEDS.filter((n) => !n.present());
  if (still.length) {
    console.error(`Still missing after apt-get: ${still.map((m) => m.pkg).join(', ')}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensurePrereqs();
