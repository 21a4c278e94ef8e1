#!/usr/bin/env node
// [OPS10] Compiles the server (and the protocol package it imports as @rally/shared) into one ES
// module, dist/server/index.js, that plain `node` runs: no tsx, no TypeScript at runtime. npm
// packages stay external (native modules such as better-sqlite3 load from node_modules as usual).
// dist/server/ sits two levels under the root, as server/src/ does, so app.ts finds client/dist.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: ['server/src/index.ts'],
  outfile: 'dist/server/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: { '@rally/shared': './shared/src/index.ts' },
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`Built the server into dist/server/index.js in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
