import { readFileSync, readdirSync } from 'node:fs';

/**
 * Process figures read from /proc, so they are the kernel's view and work for any process
 * (node or redis-server). CPU time is in clock ticks (USER_HZ = 100 on Linux: 10 ms resolution),
 * which is why the node processes also report process.cpuUsage() through the agent.
 */
const TICK_MS = 10;

export interface ProcSample {
  pid: number;
  /** user + system CPU time, ms. */
  cpuMs: number;
  rssBytes: number;
  alive: boolean;
}

export function procSample(pid: number): ProcSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { pid, cpuMs: (utime + stime) * TICK_MS, rssBytes: rss ? Number(rss[1]) * 1024 : 0, alive: true };
  } catch {
    return { pid, cpuMs: 0, rssBytes: 0, alive: false };
  }
}

/** Busy CPU time of the whole machine (all cores), ms, from the first line of /proc/stat. */
export function systemBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy * TICK_MS;
}

/** The pid of the redis-server listening on this port (its title is `redis-server 127.0.0.1:PORT`). */
export function findRedisPid(port: number): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('redis-server') && cmd.includes(`:${port}`)) return Number(d);
    } catch {
      // the process went away while we looked
    }
  }
  return null;
}

export const loadAverage = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
