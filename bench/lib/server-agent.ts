/**
 * Preloaded into every measured server process (`node --import tsx --import bench/lib/server-agent.ts`)
 * so the bench can read figures only the process itself knows, without touching server code:
 * event-loop delay (perf_hooks histogram), heap after a forced GC, and precise CPU time. It answers
 * the runner over the IPC channel and does nothing else; with no IPC channel it is inert.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { AgentReply, AgentRequest } from './agent-protocol.js';

const RESOLUTION_MS = 10;
const GC_ROUNDS = 10;

if (process.send) {
  const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  eld.enable();
  const gc = (globalThis as { gc?: () => void }).gc;

  // The histogram counts the interval between timer ticks, which includes the resolution itself;
  // subtracting it gives how late the loop was.
  const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const readEld = () => ({
    n: eld.count,
    mean: eld.count ? late(eld.mean) : null,
    p50: eld.count ? late(eld.percentile(50)) : null,
    p95: eld.count ? late(eld.percentile(95)) : null,
    p99: eld.count ? late(eld.percentile(99)) : null,
    max: eld.count ? late(eld.max) : null,
  });

  const sample = async (withGc: boolean) => {
    if (withGc && gc) {
      // RSS after one gc() is not where it settles: pages a collection frees go back to the OS
      // asynchronously (V8's unmapper, hence the pauses), and code unused for a number of full
      // collections (start-up code, one-off paths) is only flushed after that many of them.
      // Measured on this server: RSS stops moving after 12–18 full collections; 20 are done.
      for (let i = 0; i < GC_ROUNDS; i++) {
        gc();
        gc();
        await new Promise((r) => setTimeout(r, 60));
      }
    }
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    return {
      pid: process.pid,
      gcForced: Boolean(withGc && gc),
      cpuMs: (c.user + c.system) / 1000,
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      heapTotalBytes: m.heapTotal,
      externalBytes: m.external,
      arrayBuffersBytes: m.arrayBuffers,
      handles: (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.().length ?? null,
    };
  };

  process.on('message', async (raw: unknown) => {
    const m = raw as AgentRequest;
    if (!m || typeof m !== 'object' || m.agent !== 'req') return;
    let result: AgentReply['result'];
    switch (m.op) {
      case 'sample':
        result = await sample(false);
        break;
      case 'gcSample':
        result = await sample(true);
        break;
      case 'eldReset':
        eld.reset();
        result = null;
        break;
      case 'eldRead':
        result = readEld();
        break;
      case 'heapSnapshot':
        // Blocks the process for seconds and writes ~2× the heap to disk: only on request.
        gc?.();
        result = { path: writeHeapSnapshot(m.path) };
        break;
    }
    process.send!({ agent: 'res', id: m.id, result } satisfies AgentReply);
  });
  // The channel must not keep a process alive that would otherwise exit.
  process.channel?.unref();
  // The runner is gone (crashed or killed): a measured server must not outlive it.
  process.on('disconnect', () => process.exit(0));
}
