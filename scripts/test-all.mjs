// `npm test`: every tier, in order, with the number of tests that actually ran in each.
// A tier that runs zero tests counts as a failure: a silently empty suite is not a pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrereqs } from './ensure-prereqs.mjs';

// Without Go the livekit tier cannot run: outside CI that is one line and the tier is skipped; under CI
// (`CI` set, as .ci/run does) it stops the run, so CI never passes without it.
const ci = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
const { livekitSkip } = ensurePrereqs({ livekitOptional: !ci });
const out = mkdtempSync(join(tmpdir(), 'rally-test-'));
const bin = (name) => join('node_modules', '.bin', name);
const results = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return { status: r.status ?? 1, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

// Type errors are test failures too.
const tc = run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
results.push({ tier: 'typecheck', passed: tc.status === 0 ? 1 : 0, failed: tc.status === 0 ? 0 : 1, skipped: 0, seconds: tc.seconds, status: tc.status });

// [CLU31] After the multinode tier, all of it again on a spawned three-master Redis Cluster
// (MULTINODE_REDIS=cluster), but for the files that stop, pause or cut one redis-server (their fault
// helpers drive a single server; docs/RELIABILITY.md covers those faults).
const SINGLE_REDIS_FAULTS = new Set(['deadline.multinode.test.ts', 'reliability.multinode.test.ts']);
const ON_REDIS_CLUSTER = readdirSync('server/test/multinode')
  .filter((f) => f.endsWith('.multinode.test.ts') && !SINGLE_REDIS_FAULTS.has(f))
  .sort()
  .map((f) => `server/test/multinode/${f}`);

// The fault files that take a mode (FAULTS_MODE, server/test/helpers/fault-kit.ts) run embedded in the
// faults tier, then again on two nodes and a spawned redis-server here; the others cover both modes
// inside themselves (docs/RELIABILITY.md).
const FAULTS_BOTH_MODES = ['server/test/faults/offline-clients.test.ts', 'server/test/faults/storms.test.ts'];

for (const tier of ['unit', 'integration', 'security', 'multinode', 'multinode-cluster', 'faults', 'faults-cluster', 'livekit']) {
  if (tier === 'livekit' && livekitSkip) {
    console.log(`\n=== livekit tests: skipped (${livekitSkip}) ===`);
    results.push({ tier, passed: 0, failed: 0, skipped: 'tier', seconds: 0, status: 0, skippedTier: true });
    continue;
  }
  const file = join(out, `${tier}.json`);
  const r =
    tier === 'multinode-cluster'
      ? run(`${tier} tests`, bin('vitest'), ['run', '--project', 'multinode', ...ON_REDIS_CLUSTER, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], { MULTINODE_REDIS: 'cluster' })
      : tier === 'faults-cluster'
      ? run(`${tier} tests`, bin('vitest'), ['run', '--project', 'faults', ...FAULTS_BOTH_MODES, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], { FAULTS_MODE: 'cluster' })
      : run(`${tier} tests`, bin('vitest'), ['run', '--project', tier, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  const j = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const failedNames = (j?.testResults ?? []).flatMap((f) =>
    (f.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) => `${f.name.replace(process.cwd() + '/', '')} › ${a.fullName}`),
  );
  // A file that failed outside any test (import error, hook timeout) has no failed assertion to name.
  for (const f of j?.testResults ?? []) if (f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')) failedNames.push(`${f.name.replace(process.cwd() + '/', '')}: ${String(f.message ?? '').split('\n')[0]}`);
  results.push({
    failedNames,
    tier,
    passed: j?.numPassedTests ?? 0,
    failed: j ? j.numFailedTests : 1,
    skipped: (j?.numPendingTests ?? 0) + (j?.numTodoTests ?? 0),
    seconds: r.seconds,
    status: r.status,
  });
}

{
  const file = join(out, 'e2e.json');
  const r = run('end-to-end (Playwright, Chromium)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  const j = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const failedNames = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) for (const t of spec.tests ?? []) if (t.status === 'unexpected') failedNames.push(`${spec.file} › ${spec.title}`);
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of j?.suites ?? []) walk(s);
  results.push({
    failedNames,
    tier: 'e2e',
    passed: (j?.stats?.expected ?? 0) + (j?.stats?.flaky ?? 0),
    failed: j ? j.stats.unexpected : 1,
    skipped: j?.stats?.skipped ?? 0,
    seconds: r.seconds,
    status: r.status,
  });
}

console.log('\n=== summary: tests that ran ===');
console.table(results.map(({ tier, passed, failed, skipped, seconds }) => ({ tier, passed, failed, skipped, seconds })));
const bad = results.filter((r) => !r.skippedTier && (r.status !== 0 || r.failed > 0 || r.passed === 0));
if (bad.length) {
  // The names last, so a log cut to its tail still says which test failed.
  for (const b of bad) for (const n of b.failedNames ?? []) console.error(`failed in ${b.tier}: ${n}`);
  console.error(`FAILED: ${bad.map((b) => b.tier).join(', ')}`);
  process.exit(1);
}
console.log(`All tiers passed: ${results.reduce((n, r) => n + r.passed, 0)} tests ran.${livekitSkip ? ' The livekit tier was skipped: no Go on this machine.' : ''}`);
