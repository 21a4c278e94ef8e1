import { spawn, type ChildProcess } from 'node:child_process';
import type { AgentOp, AgentReply, AgentRequest } from './agent-protocol.js';
import { finalizePid, registerPid } from './own-cpu.js';
import { ROOT, withTimeout } from './util.js';

/**
 * Every child the runner starts, so none outlives it: on exit (normal, error or signal) they are
 * killed. This is runner-process state by nature; nothing else reads it.
 */
const children = new Set<ChildProcess>();
let reaperInstalled = false;
function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (reaperInstalled) return;
  reaperInstalled = true;
  // On any exit, including the runner's own on SIGINT/SIGTERM (run.ts writes what it has first).
  process.once('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

export interface NodeProcess {
  label: string;
  pid: number;
  child: ChildProcess;
  /** Date.now() when it was spawned. */
  startedAt: number;
  output(): string;
  /** Asks the bench agent inside the process (bench/lib/server-agent.ts). */
  agent<T>(op: AgentOp, timeoutMs?: number, path?: string): Promise<T>;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; straight to SIGKILL with graceMs 0. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnNodeOptions {
  label: string;
  script: string;
  /** Run the script through tsx (TypeScript sources); false for bundled .mjs. */
  tsx?: boolean;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Keep at most this much of the output for diagnostics. */
  keepOutput?: number;
}

/**
 * Starts `node [--import tsx] <script>` with an IPC channel, through a shell that first raises the
 * soft open-files limit to the hard one (`exec` keeps the pid, so /proc/<pid> is the node process).
 */
export function spawnNode(opts: SpawnNodeOptions): NodeProcess {
  const args = [...(opts.tsx === false ? [] : ['--import', 'tsx']), ...(opts.nodeArgs ?? []), opts.script];
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bash', process.execPath, ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  registerPid(child.pid);
  const keep = opts.keepOutput ?? 64 * 1024;
  let out = '';
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > keep) out = out.slice(-keep);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let nextId = 1;
  const pending = new Map<number, (r: unknown) => void>();
  child.on('message', (raw: unknown) => {
    const m = raw as AgentReply;
    if (m && m.agent === 'res') {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    }
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  return {
    label: opts.label,
    pid: child.pid!,
    child,
    startedAt: Date.now(),
    output: () => out,
    exited,
    agent<T>(op: AgentOp, timeoutMs = 30_000, path?: string) {
      if (exited()) return Promise.reject(new Error(`${opts.label} has exited`));
      const id = nextId++;
      const p = new Promise<T>((resolve) => pending.set(id, resolve as (r: unknown) => void));
      child.send({ agent: 'req', id, op, ...(path ? { path } : {}) } satisfies AgentRequest);
      return withTimeout(p, timeoutMs, `${opts.label} agent ${op}`).finally(() => pending.delete(id));
    },
    stop(graceMs = 5000) {
      return new Promise<void>((resolve) => {
        finalizePid(child.pid);
        if (exited()) return resolve();
        const t = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      });
    },
  };
}

/** Polls `url` until it answers 2xx, the process exits, or the deadline passes. */
export async function waitHttpOk(url: string, proc: NodeProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${proc.label} exited during startup:\n${proc.output().slice(-4000)}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.label} not ready at ${url} within ${timeoutMs / 1000} s:\n${proc.output().slice(-4000)}`);
}
