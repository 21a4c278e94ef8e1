import type { CreateEventRequest, CreateEventResponse, JoinRequest, JoinResponse } from '@rally/shared';
import { postJson, startCluster } from '../helpers/cluster.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/**
 * What the attacks are aimed at, in both of the product's modes: embedded (SQLite, one process, the
 * app in the test's process) and cluster (two real Rally processes on one spawned redis-server;
 * participants are spread over both nodes).
 */
export interface Target {
  mode: 'embedded' | 'cluster';
  /** The node the n-th connection goes to. */
  url(n: number): string;
  createEvent(body?: Partial<CreateEventRequest>): Promise<CreateEventResponse>;
  join(body: JoinRequest): Promise<JoinResponse>;
  /** GET /readyz on every node. */
  ready(): Promise<number[]>;
  close(): Promise<void>;
}

/** An in-process test server as a target (the suites that also read its store use it directly). */
export const embedded = (s: TestServer): Target => ({
  mode: 'embedded',
  url: () => s.url,
  createEvent: (b) => s.createEvent(b),
  join: (b) => s.join(b),
  ready: async () => [(await fetch(`${s.url}/readyz`)).status],
  close: () => s.close(),
});

export const MODES = ['embedded', 'cluster'] as const;

export async function startTarget(mode: Target['mode']): Promise<Target> {
  if (mode === 'embedded') return embedded(await startTestServer());
  const c = await startCluster({ nodes: 2 });
  let joins = 0;
  return {
    mode,
    url: (n) => c.urls[n % c.urls.length]!,
    createEvent: (b = {}) => postJson<CreateEventResponse>(c.urls[0]!, '/api/events', { name: 'Test SKO', teams: ['EMEA', 'NA'], ...b }, true),
    join: (b) => postJson<JoinResponse>(c.urls[joins++ % c.urls.length]!, '/api/join', b),
    ready: () => Promise.all(c.urls.map(async (u) => (await fetch(`${u}/readyz`)).status)),
    close: () => c.stop(),
  };
}
