/** Messages between the runner and bench/lib/server-agent.ts inside a measured server. */
export type AgentOp = 'sample' | 'gcSample' | 'eldReset' | 'eldRead' | 'heapSnapshot';

export interface AgentRequest {
  agent: 'req';
  id: number;
  op: AgentOp;
  /** heapSnapshot: the file to write. */
  path?: string;
}

export interface AgentSample {
  pid: number;
  gcForced: boolean;
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  handles: number | null;
}

/** Event-loop lateness in ms (the timer resolution already subtracted). */
export interface EldReading {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface AgentReply {
  agent: 'res';
  id: number;
  result: AgentSample | EldReading | { path: string } | null;
}
