import { procSample } from './proc.js';

/**
 * CPU used by the processes the bench started (servers, redis-server, load processes), so that
 * what the rest of the machine used meanwhile can be reported as noise. A process's last reading is
 * kept when it stops, so a scenario still accounts for children that ended before it did.
 * Runner-process state by nature: only the runner's own spawn helpers write it.
 */
const known = new Map<number, { last: number; stopped: boolean }>();

export function registerPid(pid: number | null | undefined): void {
  if (pid && !known.has(pid)) known.set(pid, { last: 0, stopped: false });
}

/** Reads a process one last time before it is stopped. */
export function finalizePid(pid: number | null | undefined): void {
  const p = pid ? known.get(pid) : undefined;
  if (!p || p.stopped) return;
  const s = procSample(pid!);
  if (s.alive) p.last = s.cpuMs;
  p.stopped = true;
}

export type CpuMark = Map<number, number>;

/** CPU (ms) of every known process now, plus the runner itself. */
export function markOwnCpu(): CpuMark {
  const m: CpuMark = new Map();
  for (const [pid, p] of known) {
    if (!p.stopped) {
      const s = procSample(pid);
      if (s.alive) p.last = s.cpuMs;
    }
    m.set(pid, p.last);
  }
  const self = process.cpuUsage();
  m.set(-1, (self.user + self.system) / 1000);
  return m;
}

export function ownCpuSince(mark: CpuMark): number {
  const now = markOwnCpu();
  let total = 0;
  for (const [pid, v] of now) total += v - (mark.get(pid) ?? 0);
  return total;
}
