import { createHmac, randomUUID } from 'node:crypto';
import type { Log } from '../../log.js';
import type { WebhookConfig } from './settings.js';

/** [ENG17] The key moments a webhook is told about. */
export type MomentType =
  | 'poll.closed'
  | 'survey.opened'
  | 'survey.closed'
  | 'survey.submitted'
  | 'engagement.parity_alert'
  | 'engagement.parity_recovered';

export interface WebhookDelivery {
  id: string;
  type: MomentType;
  eventId: string;
  at: string;
  data: unknown;
}

/** The one HTTP call, injected so tests and the composition root choose it. */
export type PostFn = (url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

export interface WebhookOptions {
  post?: PostFn;
  /** Delays before each retry; the default backs off 1, 2, 4, 8, 16 s (six attempts in all). */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  now?: () => number;
}

export interface Webhooks {
  /** Queues a delivery and returns at once; never throws. */
  send(config: WebhookConfig, delivery: Omit<WebhookDelivery, 'id'>): void;
  /** Resolves when every queued delivery finished (delivered or given up); for close and tests. */
  idle(): Promise<void>;
  /** Stops retrying; deliveries in flight finish, queued retries are dropped. */
  close(): Promise<void>;
}

/**
 * [ENG17] The signature: HMAC-SHA256 over `<timestamp>.<body>` with the event's secret, hex, sent
 * as `X-Rally-Signature: sha256=<hex>` with `X-Rally-Timestamp: <unix seconds>`. Covering the
 * timestamp lets a receiver refuse replays of an old delivery.
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const defaultPost: PostFn = async (url, init) => {
  const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: init.signal, redirect: 'manual' });
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
};

/**
 * [ENG17] Outbound webhooks, off every request path: send() queues and returns. A delivery is
 * retried with backoff on a network error, a timeout or a non-2xx answer, with the same delivery
 * id (receivers deduplicate on X-Rally-Delivery). Deliveries live in this node's memory: a
 * node that dies loses its pending retries.
 */
export function createWebhooks(log: Log, opts: WebhookOptions = {}): Webhooks {
  const post = opts.post ?? defaultPost;
  const delays = opts.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16_000];
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? Date.now;
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (closed) return resolve(false);
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(!closed);
      }, ms);
      timers.add(t);
    });

  const attempt = async (config: WebhookConfig, d: WebhookDelivery, body: string): Promise<boolean> => {
    const ts = Math.floor(now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Rally-Webhooks/1',
      'x-rally-delivery': d.id,
      'x-rally-event': d.type,
      'x-rally-timestamp': String(ts),
      'x-rally-signature': signDelivery(config.secret, ts, body),
    };
    try {
      const { status } = await post(config.url, { headers, body, signal: AbortSignal.timeout(timeoutMs) });
      if (status >= 200 && status < 300) return true;
      log.warn({ status, delivery: d.id, type: d.type }, 'webhook answered with an error');
    } catch (err) {
      log.warn({ err, delivery: d.id, type: d.type }, 'webhook delivery failed');
    }
    return false;
  };

  const deliver = async (config: WebhookConfig, d: WebhookDelivery) => {
    const body = JSON.stringify(d);
    for (let i = 0; ; i++) {
      if (await attempt(config, d, body)) return;
      if (i >= delays.length) {
        log.error({ delivery: d.id, type: d.type }, 'webhook delivery given up');
        return;
      }
      if (!(await sleep(delays[i]!))) return;
    }
  };

  return {
    send(config, delivery) {
      if (closed) return;
      // Deferred to the next turn of the event loop: even signing and opening the connection
      // happen after the caller (a command's ack, a tick) has moved on.
      const d: WebhookDelivery = { id: randomUUID(), ...delivery };
      const p = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(config, d)).catch(() => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...inFlight]);
    },
  };
}
