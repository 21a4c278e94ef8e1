#!/usr/bin/env node
// Builds the web client when client/dist is missing or older than any of its sources, so `npm start`
// and the e2e web server never serve a stale bundle, and do not rebuild one that is current.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distIndex = join(root, 'client', 'dist', 'index.html');
const sources = ['client/src', 'client/index.html', 'client/vite.config.ts', 'shared/src'].map((p) => join(root, p));

// Tests next to the sources never reach the bundle; editing one must not trigger a rebuild.
const NOT_BUNDLED = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Newest modification time under a file or directory (0 if it does not exist). */
function newest(path) {
  if (!existsSync(path)) return { mtime: 0, file: null };
  const st = statSync(path);
  if (!st.isDirectory()) return NOT_BUNDLED.test(path) ? { mtime: 0, file: null } : { mtime: st.mtimeMs, file: path };
  let best = { mtime: 0, file: null };
  for (const entry of readdirSync(path)) {
    const n = newest(join(path, entry));
    if (n.mtime > best.mtime) best = n;
  }
  return best;
}

let latest = { mtime: 0, file: null };
for (const s of sources) {
  const n = newest(s);
  if (n.mtime > latest.mtime) latest = n;
}

const built = existsSync(distIndex) ? statSync(distIndex).mtimeMs : 0;
if (built > 0 && built >= latest.mtime) {
  console.log('The web client build is current (client/dist).');
  process.exit(0);
}

console.log(
  built === 0
    ? 'Building the web client… (client/dist is missing)'
    : `Building the web client… (${relative(root, latest.file ?? '')} changed since the last build)`,
);
const viteBin = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (!existsSync(viteBin)) {
  console.error('vite is not installed: run `npm install` first.');
  process.exit(1);
}
// [CFG7] Only warnings and errors: the list of files vite wrote is noise above the links `npm start`
// prints next (`npm run build` still shows it).
const started = Date.now();
const res = spawnSync(process.execPath, [viteBin, 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (res.error) {
  console.error(`Could not run vite: ${res.error.message}`);
  process.exit(1);
}
if (res.status === 0) console.log(`Built the web client in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
process.exit(res.status ?? 1);
