// Makes sure the real parts the tests drive are on this machine: redis-server (multi-node and Redis
// store tests) and Debian's Chromium (Playwright). Installs them with apt-get when running as root;
// otherwise stops with a message naming the package to install. ffmpeg makes the e2e HLS stream.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDS = [
  { what: 'redis-server', pkg: 'redis-server', present: () => onPath('redis-server') },
  { what: 'Chromium (/usr/bin/chromium)', pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  // The stage-stream spec encodes a short HLS stream to check that the attendee's video plays.
  { what: 'ffmpeg', pkg: 'ffmpeg', present: () => onPath('ffmpeg') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function ensurePrereqs() {
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
