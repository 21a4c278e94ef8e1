import { defineConfig } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, BASE_URL, E2E_PORT, SECRET } from './env';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Playwright loads this file in the runner and again in each worker; the env var makes them agree
// on one fresh data directory per run instead of creating one per process.
if (!process.env.RALLY_E2E_DATA_DIR) {
  const created = mkdtempSync(join(tmpdir(), 'rally-e2e-'));
  process.env.RALLY_E2E_DATA_DIR = created;
  // Only the process that created it removes it, after the web server has been stopped.
  process.on('exit', () => rmSync(created, { recursive: true, force: true }));
}
const dataDir = process.env.RALLY_E2E_DATA_DIR;

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: join(repoRoot, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: join(repoRoot, 'playwright-report') }]] : 'list',
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
    },
  },
  webServer: {
    command: 'node scripts/build-client-if-needed.mjs && tsx server/src/index.ts',
    cwd: repoRoot,
    url: `${BASE_URL}/readyz`,
    reuseExistingServer: false,
    // The first run builds the client before the server starts.
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      // `tsx` from node_modules/.bin, however the runner was started (npm script, npx, CI).
      PATH: `${join(repoRoot, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
      PORT: String(E2E_PORT),
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      SECRET,
      PUBLIC_URL: BASE_URL,
      LOG_LEVEL: 'warn',
    },
  },
});
