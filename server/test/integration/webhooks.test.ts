import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhooks, signDelivery } from '../../src/domain/engagement/webhooks.js';
import { createLog } from '../../src/log.js';

const SECRET = 'whsec_0123456789abcdef';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  /** Checked the way a receiver should: HMAC-SHA256 over "<timestamp>.<body>", constant time. */
  validSignature: boolean;
}

/** A receiver on port 0 that verifies signatures and answers with the scripted statuses (then 200). */
let server: Server;
let url: string;
let received: Received[] = [];
let statuses: number[] = [];

function verify(headers: IncomingMessage['headers'], body: string): boolean {
  const ts = String(headers['x-rally-timestamp'] ?? '');
  const given = Buffer.from(String(headers['x-rally-signature'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body, validSignature: verify(req.headers, body) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received = [];
  statuses = [];
});

const log = createLog('silent');

describe('outbound webhooks', () => {
  it('[ENG17] a delivery is a JSON POST signed with HMAC-SHA256 over the timestamp and the body, which the receiver can verify', async () => {
    const hooks = createWebhooks(log, { retryDelaysMs: [] });
    hooks.send({ url, secret: SECRET }, { type: 'poll.closed', eventId: 'ev1', at: '2027-01-20T09:00:00.000Z', data: { pollId: 'p1' } });
    await hooks.idle();
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r!.validSignature).toBe(true);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['x-rally-event']).toBe('poll.closed');
    const body = JSON.parse(r!.body);
    expect(body).toMatchObject({ type: 'poll.closed', eventId: 'ev1', data: { pollId: 'p1' } });
    expect(body.id).toBe(r!.headers['x-rally-delivery']);
    // A receiver holding another secret, or a tampered body, fails the check.
    expect(signDelivery('another-secret-0123456', Number(r!.headers['x-rally-timestamp']), r!.body)).not.toBe(r!.headers['x-rally-signature']);
    expect(verify(r!.headers, r!.body.replace('p1', 'p2'))).toBe(false);
    await hooks.close();
  });

  it('[ENG17] a failed delivery is retried with backoff and the same delivery id until it is accepted', async () => {
    statuses = [500, 503];
    const hooks = createWebhooks(log, { retryDelaysMs: [20, 40, 80] });
    const started = Date.now();
    hooks.send({ url, secret: SECRET }, { type: 'engagement.parity_alert', eventId: 'ev1', at: '2027-01-20T09:00:00.000Z', data: {} });
    await hooks.idle();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['x-rally-delivery'])).size).toBe(1);
    expect(received.every((r) => r.validSignature)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    await hooks.close();
  });

  it('[ENG17] sending never waits for the receiver; an unreachable receiver is given up after the retries', async () => {
    const hooks = createWebhooks(log, { retryDelaysMs: [10, 10], timeoutMs: 500 });
    const t = performance.now();
    hooks.send({ url: 'http://127.0.0.1:9/unreachable', secret: SECRET }, { type: 'survey.closed', eventId: 'ev1', at: '2027-01-20T09:00:00.000Z', data: {} });
    expect(performance.now() - t).toBeLessThan(20);
    await hooks.idle();
    await hooks.close();
  });
});
