import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerOp, WorkerOps, WorkerReply, WorkerRequest } from './worker-protocol.js';
import { finalizePid, registerPid } from './own-cpu.js';
import { ROOT, hrBase, withTimeout } from './util.js';

export interface LoadWorkers {
  count: number;
  pids(): number[];
  /** The same op on every worker, with per-worker args; rejects if any worker fails. */
  all<K extends WorkerOp>(op: K, args: (i: number) => WorkerOps[K]['args'], timeoutMs: number): Promise<WorkerOps[K]['result'][]>;
  one<K extends WorkerOp>(i: number, op: K, args: WorkerOps[K]['args'], timeoutMs: number): Promise<WorkerOps[K]['result']>;
  stop(): Promise<void>;
}

/**
 * Forks `count` load processes (bench/load-worker.ts). At most two on a two-core machine: more
 * would only fight the server for the same cores.
 */
export async function startWorkers(count: number, lifetimeMs: number): Promise<LoadWorkers> {
  const procs: ChildProcess[] = [];
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const output: string[] = [];

  for (let i = 0; i < count; i++) {
    const child = fork(join(ROOT, 'bench/load-worker.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--max-old-space-size=6144'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.on('data', (d) => (output[i] = ((output[i] ?? '') + d).slice(-8000)));
    child.stderr?.on('data', (d) => (output[i] = ((output[i] ?? '') + d).slice(-8000)));
    child.on('message', (raw: unknown) => {
      const m = raw as WorkerReply;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`load worker ${i}: ${m.error}`));
    });
    child.once('exit', (code, signal) => {
      // Whatever was waiting on this worker fails now rather than at its timeout.
      for (const [id, p] of pending) {
        if ((id & 7) === i) {
          pending.delete(id);
          p.reject(new Error(`load worker ${i} exited (${code ?? signal}):\n${output[i] ?? ''}`));
        }
      }
    });
    procs.push(child);
    registerPid(child.pid);
  }
  process.once('exit', () => procs.forEach((c) => c.kill('SIGKILL')));

  const one = <K extends WorkerOp>(i: number, op: K, args: WorkerOps[K]['args'], timeoutMs: number) => {
    const child = procs[i]!;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`load worker ${i} has exited:\n${output[i] ?? ''}`));
    // Stopped by the runner (a scenario past its budget) while the scenario still runs: fail that
    // scenario's request; without the callback below a send on a closed channel crashes the runner.
    if (!child.connected) return Promise.reject(new Error(`load worker ${i} was stopped`));
    // The low three bits name the worker, so an exiting worker fails only its own requests.
    const id = (nextId++ << 3) | i;
    const p = new Promise<WorkerOps[K]['result']>((resolve, reject) => pending.set(id, { resolve: resolve as (r: unknown) => void, reject }));
    child.send({ id, op, args } satisfies WorkerRequest<K>, (err) => {
      if (!err) return;
      pending.get(id)?.reject(new Error(`load worker ${i} ${op}: ${err.message}`));
      pending.delete(id);
    });
    return withTimeout(p, timeoutMs, `load worker ${i} ${op}`).finally(() => pending.delete(id));
  };

  const workers: LoadWorkers = {
    count,
    pids: () => procs.map((c) => c.pid!).filter(Boolean),
    one,
    all: (op, args, timeoutMs) => Promise.all(procs.map((_, i) => one(i, op, args(i), timeoutMs))),
    async stop() {
      await Promise.all(
        procs.map(
          (c) =>
            new Promise<void>((resolve) => {
              finalizePid(c.pid);
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              const t = setTimeout(() => c.kill('SIGKILL'), 3000);
              c.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              c.disconnect();
            }),
        ),
      );
    },
  };
  await workers.all('init', (i) => ({ index: i, hrBase: hrBase(), lifetimeMs }), 30_000);
  return workers;
}
