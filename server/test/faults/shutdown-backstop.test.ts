import { afterAll, describe, expect, it } from 'vitest';
import { startNode, type ClusterNode } from '../helpers/cluster.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/**
 * [OPS34] The last line of the drain, with a real process: a Rally node (cluster mode) whose Redis
 * hangs (SIGSTOP) is sent SIGTERM. Its drain ends by DRAIN_TIMEOUT_MS, but closing then waits on the
 * frozen Redis (flushing, quitting the connections): 5 s after the drain's deadline the process gives
 * up and exits 1 with one error line saying so, rather than waiting for the orchestrator's SIGKILL.
 */
const DRAIN_TIMEOUT_MS = 1000;
const BACKSTOP_MS = DRAIN_TIMEOUT_MS + 5000;
/** What a busy shared machine may add to a timer before the exit reaches the test. */
const SLACK_MS = 3000;

let redis: RedisServerHandle | undefined;
let node: ClusterNode | undefined;

afterAll(async () => {
  redis?.resume();
  await node?.kill('SIGKILL');
  await redis?.stop();
});

describe('[OPS34] shutdown with a store that does not answer', () => {
  it('[OPS34] closing that hangs on a frozen Redis: the process exits 1, DRAIN_TIMEOUT_MS plus 5 s after SIGTERM, with one error line', async () => {
    redis = await startRedisServer();
    node = await startNode(redis.url, { DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS), DRAIN_WINDOW_MS: '0', LOG_LEVEL: 'info' });
    const child = node.process;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
    );
    const printedBefore = node.output().length;

    redis.pause();
    const sentAt = performance.now();
    child.kill('SIGTERM');
    const { code, signal, at } = await exited;
    const tookMs = at - sentAt;

    // Exited by itself (not killed), with 1, at the backstop: not before it, not much after.
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(tookMs).toBeGreaterThanOrEqual(BACKSTOP_MS - 50);
    expect(tookMs).toBeLessThan(BACKSTOP_MS + SLACK_MS);

    // One error line says why (pino JSON, level 50 = error), naming the drain's deadline.
    const lines = node
      .output()
      .slice(printedBefore)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; timeoutMs?: number });
    const backstop = lines.filter((l) => /did not finish/.test(l.msg));
    expect(backstop).toHaveLength(1);
    expect(backstop[0]).toMatchObject({ level: 50, timeoutMs: DRAIN_TIMEOUT_MS });
    expect(backstop[0]!.msg).toMatch(/DRAIN_TIMEOUT_MS/);
    // The shutdown began as a drain: the log says so first.
    expect(lines.findIndex((l) => l.msg === 'shutting down')).toBeLessThan(lines.indexOf(backstop[0]!));
  }, 60_000);
});
