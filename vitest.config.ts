import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const alias = { '@rally/shared': fileURLToPath(new URL('./shared/src/index.ts', import.meta.url)) };

// Five tiers, run in this order by `npm test` (scripts/test-all.mjs): unit (no I/O beyond memory),
// integration (real sockets on port 0, SQLite and a spawned redis-server), security (the same, from
// an attacker's side: server/test/security), multinode (several server processes on one spawned
// redis-server), faults (real processes crashed and restarted, networks broken through a TCP proxy:
// docs/RELIABILITY.md), livekit (a spawned real livekit-server, built by
// scripts/ensure-prereqs.mjs).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: { name: 'integration', include: ['server/test/integration/**/*.test.ts', 'server/test/store/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 30_000 },
      },
      {
        resolve: { alias },
        // [SEC31]–[SEC49] The security suite: the role matrix, tokens, Origin, limits, fuzzing, exports.
        test: { name: 'security', include: ['server/test/security/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
      },
      {
        resolve: { alias },
        test: { name: 'multinode', include: ['server/test/multinode/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
      },
      {
        resolve: { alias },
        // [REL20]–[REL39] Real processes killed, Redis stopped, networks cut through a TCP proxy.
        // One file at a time: each spawns servers and hundreds to thousands of sockets.
        test: { name: 'faults', include: ['server/test/faults/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false },
      },
      {
        resolve: { alias },
        test: { name: 'livekit', include: ['server/test/livekit/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000, fileParallelism: false },
      },
    ],
  },
});
