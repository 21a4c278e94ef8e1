import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { DEFAULT_POLL_SETTINGS, ErrorCode, type CreateEventResponse } from '@rally/shared';
import { createMetrics } from '../../src/metrics.js';
import { ok } from '../helpers/acks.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const AGENDA = [{ id: 'keynote', title: 'Keynote', kind: 'keynote' as const, startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] }];

/** One sample of the exposition text: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, samples only (comments skipped); label values here never hold quotes. */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample with this name and these labels (undefined: not exported). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

let s: TestServer;
let ev: CreateEventResponse;
let pres: TestClient;
let mod: TestClient;
let room: TestClient;
let remote: TestClient;

async function scrape(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${s.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}
const samples = async () => parseExposition((await scrape()).text);

beforeAll(async () => {
  s = await startTestServer({ env: { METRICS_TOKEN } });
  ev = await s.createEvent({ agenda: AGENDA });
  pres = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Presenter Pat', key: keyOf(ev.links.presenter) })).token);
  mod = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Moderator Mo', key: keyOf(ev.links.moderator) })).token);
  room = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Rita Room', mode: 'room', team: 'EMEA' })).token);
  remote = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Remy Remote', mode: 'remote', team: 'NA' })).token);
});
afterAll(async () => {
  for (const c of [pres, mod, room, remote]) c?.close();
  await s.close();
});

describe('/metrics', () => {
  it('[OPS25] needs the bearer METRICS_TOKEN: 401 without it or with another token', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('metrics-token-wrong-wrong')).status).toBe(401);
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
  });

  it('[OPS21] [OPS22] commands, acks, errors, store time and fan-out move with what was sent; attendees are counted by cohort', async () => {
    const before = await samples();
    const poll = await ok(mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Best launch?', options: ['Cloud 5', 'Copilot'], settings: DEFAULT_POLL_SETTINGS } }));
    const seen = Promise.all([room, remote].map((c) => c.waitFor('poll:launched', (p) => p.id === poll.id)));
    await ok(pres.send('poll:launch', { pollId: poll.id }));
    await seen;
    await ok(room.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }));
    await ok(remote.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } }));
    // Two refusals: a payload failing its schema, and an attendee sending a presenter's command.
    expect(await room.send('participant:update', { mode: 'moon' as never })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect(await remote.send('poll:close', { pollId: poll.id })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await sleep(50);
    const after = await samples();
    const moved = (name: string, labels: Record<string, string> = {}) => (value(after, name, labels) ?? NaN) - (value(before, name, labels) ?? 0);

    expect(moved('rally_commands_total', { command: 'poll:vote', outcome: 'ok' })).toBe(2);
    expect(moved('rally_commands_total', { command: 'poll:create', outcome: 'ok' })).toBe(1);
    expect(moved('rally_commands_total', { command: 'poll:launch', outcome: 'ok' })).toBe(1);
    expect(moved('rally_commands_total', { command: 'participant:update', outcome: 'error' })).toBe(1);
    expect(moved('rally_commands_total', { command: 'poll:close', outcome: 'error' })).toBe(1);
    expect(moved('rally_command_errors_total', { code: ErrorCode.BAD_REQUEST })).toBe(1);
    expect(moved('rally_command_errors_total', { code: ErrorCode.FORBIDDEN })).toBe(1);
    // The ack histogram counts every answered command once, and its buckets are cumulative.
    expect(moved('rally_command_ack_seconds_count', { command: 'poll:vote' })).toBe(2);
    expect(moved('rally_command_ack_seconds_sum', { command: 'poll:vote' })).toBeGreaterThan(0);
    expect(moved('rally_command_ack_seconds_bucket', { command: 'poll:vote', le: '+Inf' })).toBe(2);
    expect(value(after, 'rally_command_ack_seconds_bucket', { command: 'poll:vote', le: '0.001' })!).toBeLessThanOrEqual(value(after, 'rally_command_ack_seconds_bucket', { command: 'poll:vote', le: '5' })!);
    // Each ok ack waited for the store's commit once.
    expect(moved('rally_store_seconds_count', { op: 'durable' })).toBe(4);
    // The launch reached at least the four sockets of the event.
    expect(moved('rally_fanout_messages_total')).toBeGreaterThanOrEqual(4);
    expect(value(after, 'rally_connected_attendees', { cohort: 'room' })).toBe(1);
    expect(value(after, 'rally_connected_attendees', { cohort: 'remote' })).toBe(1);
    expect(value(after, 'rally_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(after, 'rally_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    // Embedded: no Redis client, so no Redis series.
    expect(after.some((x) => x.name === 'rally_redis_up')).toBe(false);
  });

  it('[OPS21] an attendee leaving leaves the cohort count', async () => {
    const extra = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Late Lou', mode: 'remote' })).token);
    expect(value(await samples(), 'rally_connected_attendees', { cohort: 'remote' })).toBe(2);
    extra.close();
    await sleep(100);
    expect(value(await samples(), 'rally_connected_attendees', { cohort: 'remote' })).toBe(1);
  });

  it('[OPS23] LiveKit webhook outcomes are counted (no LiveKit here: not_configured)', async () => {
    const before = value(await samples(), 'rally_livekit_webhooks_total', { outcome: 'not_configured' }) ?? 0;
    const res = await fetch(`${s.url}/api/livekit/webhook`, { method: 'POST', headers: { 'content-type': 'application/webhook+json' }, body: '{}' });
    expect(res.status).toBe(503);
    expect(value(await samples(), 'rally_livekit_webhooks_total', { outcome: 'not_configured' })).toBe(before + 1);
  });

  it('[OPS24] no label value holds a participant id or name, an event id, code or name', async () => {
    const all = await samples();
    const secrets = [ev.event.id, ev.code, ev.event.name, ...[pres, mod, room, remote].flatMap((c) => [c.snapshot.me.id, c.snapshot.me.name]), 'EMEA', 'NA'];
    const values = new Set(all.flatMap((x) => Object.values(x.labels)));
    expect(values.size).toBeGreaterThan(0);
    // Short ones (a team named NA) only as whole values: UNAVAILABLE is an error code, not a team.
    const holds = (v: string, secret: string) => v === secret || (secret.length >= 6 && v.includes(secret));
    for (const v of values) for (const secret of secrets) expect(holds(v, secret), `label value "${v}" holds "${secret}"`).toBe(false);
  });
});

describe('/metrics placement', () => {
  it('[OPS25] with METRICS_PORT it is served on that port only (no token needed unless set); off when neither is set', async () => {
    const internal = await startTestServer({ env: { METRICS_PORT: '0' } });
    const off = await startTestServer();
    try {
      const mh = internal.app.metricsHttp!;
      await new Promise<void>((r) => mh.listen(0, '127.0.0.1', r));
      const res = await fetch(`http://127.0.0.1:${(mh.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('rally_commands_total');
      expect((await fetch(`${internal.url}/metrics`)).status).toBe(404);
      expect(off.app.metricsHttp).toBeUndefined();
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await internal.close();
      await off.close();
    }
  });
});

describe('Redis connection state', () => {
  it('[OPS22] rally_redis_up is 1 while the client is ready and 0 once the server is gone', async () => {
    const redis = await startRedisServer();
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: 50 } });
    client.on('error', () => {});
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchRedis(client, 'adapter');
    const up = async () => value(parseExposition(await metrics.registry.metrics()), 'rally_redis_up', { client: 'adapter' });
    try {
      expect(await up()).toBe(0);
      await client.connect();
      expect(await up()).toBe(1);
      await redis.kill('SIGKILL');
      for (let i = 0; i < 50 && (await up()) !== 0; i++) await sleep(50);
      expect(await up()).toBe(0);
      await redis.restart();
      for (let i = 0; i < 100 && (await up()) !== 1; i++) await sleep(50);
      expect(await up()).toBe(1);
    } finally {
      await client.disconnect().catch(() => {});
      await redis.stop();
    }
  });
});
