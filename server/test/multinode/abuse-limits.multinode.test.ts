import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type JoinResponse } from '@rally/shared';
import { postJson as post, startCluster, type Cluster } from '../helpers/cluster.js';
import { connectClient, expectConnectError, type TestClient } from '../helpers/test-server.js';

/** Small budgets, set as an operator would, on two real nodes sharing one redis-server. */
let cluster: Cluster;
let ev: CreateEventResponse;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, env: { JOIN_LIMIT_PER_ADDRESS: '4/60s', JOIN_LIMIT_PER_EVENT: 'off', CONNECT_LIMIT_PER_ADDRESS: '20/60s' } });
  ev = await post<CreateEventResponse>(cluster.urls[0]!, '/api/events', { name: 'Cluster SKO' }, true);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

const join = (url: string, name: string, from: string) =>
  fetch(`${url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify({ code: ev.code, name, mode: 'remote' }) });

describe('abuse budgets in cluster mode', () => {
  it('[SEC7] one address has one budget across the nodes: joins spread over both are counted together', async () => {
    const from = '198.51.100.20';
    for (const [i, url] of [cluster.urls[0]!, cluster.urls[1]!, cluster.urls[0]!, cluster.urls[1]!].entries()) expect((await join(url, `P${i}`, from)).status).toBe(200);
    for (const url of cluster.urls) {
      const r = await join(url, 'one too many', from);
      expect(r.status).toBe(429);
      expect(((await r.json()) as { error: { code: string; retryAfterMs: number } }).error).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) });
    }
    // Another address is unaffected.
    expect((await join(cluster.urls[1]!, 'Q', '198.51.100.21')).status).toBe(200);
  });

  it('[SEC7] handshakes from one address are counted across the nodes too', async () => {
    const j = await post<JoinResponse>(cluster.urls[0]!, '/api/join', { code: ev.code, name: 'Tabs' });
    const from = { extraHeaders: { 'x-forwarded-for': '198.51.100.30' } };
    // 20 a minute for the address: ten on each node fill it...
    for (let i = 0; i < 20; i++) clients.push(await connectClient(cluster.urls[i % 2]!, j.token, from));
    // ...so neither node lets another through, though each has seen only ten.
    for (const url of cluster.urls) {
      const refusal = (await expectConnectError(url, j.token, from)).data as { code: string; retryAfterMs?: number } | undefined;
      expect(refusal).toMatchObject({ code: ErrorCode.RATE_LIMITED });
      expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    }
  });
});
