import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { COMMAND_NAMES, ErrorCode, type CommandName, type Mode } from '@rally/shared';

/**
 * [OPS20] What a node tells Prometheus. One registry per app (tests run several apps in one
 * process). Label values come from closed sets only (command names, error codes, cohorts, store
 * operations, webhook outcomes, client names): never an event, participant id or name ([OPS24]).
 *
 * The command path is hot: its label children are created once here and looked up by name, so a
 * command costs two lookups and a few additions, no allocation.
 */

/** Store calls on the command path that are timed ([OPS22]). */
export type StoreOp = 'durable' | 'recalled_command' | 'remember_command';
const STORE_OPS: readonly StoreOp[] = ['durable', 'recalled_command', 'remember_command'];

/** [OPS23] What became of one LiveKit webhook request. */
export type WebhookOutcome = 'applied' | 'ignored' | 'not_configured' | 'unsigned' | 'bad_signature' | 'stale' | 'duplicate' | 'failed';
const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = ['applied', 'ignored', 'not_configured', 'unsigned', 'bad_signature', 'stale', 'duplicate', 'failed'];

const ERROR_CODES: readonly string[] = Object.values(ErrorCode);

/** Seconds; from a local ack (~1 ms) to the command deadline (3 s by default) and past it. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Attendees connected to this node per cohort, counted when scraped. */
export type CohortCount = Record<Mode, number>;

/** A node-redis client's (or cluster client's, [CLU25]) connection events, as far as the gauge needs them. */
interface RedisEvents {
  isReady?: boolean;
  isOpen?: boolean;
  /** Only a cluster client has it. */
  masters?: unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface Metrics {
  registry: Registry;
  /** [OPS21] One command answered: `code` is the error code, or undefined for an ok ack. */
  commandAnswered(name: CommandName, code: string | undefined, seconds: number): void;
  /** An unknown command name: only its error is counted (the name is not a label value). */
  unknownCommand(): void;
  /** [OPS22] Facts written to sockets by one broadcast. */
  fanout(messages: number): void;
  storeTime(op: StoreOp, seconds: number): void;
  webhook(outcome: WebhookOutcome): void;
  /** [OPS22] 1 while the named Redis client is ready, 0 otherwise. */
  watchRedis(client: RedisEvents, name: string): void;
  /** [OPS21] Where the connected-attendee gauge reads its figures from at each scrape. */
  countAttendees(read: () => CohortCount): void;
}

/** The metric names this module exports (the dashboard test checks the dashboard against them). */
export const METRIC_PREFIX = 'rally_';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // [OPS22] Event-loop delay (rally_nodejs_eventloop_lag_*), CPU, memory, GC, handles.
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  let readAttendees: () => CohortCount = () => ({ room: 0, remote: 0 });
  const attendees = new Gauge({
    name: 'rally_connected_attendees',
    help: 'Attendees with at least one socket open on this node, by cohort (room or remote)',
    labelNames: ['cohort'] as const,
    registers: [registry],
    collect() {
      const c = readAttendees();
      this.set({ cohort: 'room' }, c.room);
      this.set({ cohort: 'remote' }, c.remote);
    },
  });
  void attendees;

  const commands = new Counter({ name: 'rally_commands_total', help: 'Commands answered, by command name and outcome (ok or error)', labelNames: ['command', 'outcome'] as const, registers: [registry] });
  const errors = new Counter({ name: 'rally_command_errors_total', help: 'Commands answered with an error, by error code', labelNames: ['code'] as const, registers: [registry] });
  const ackSeconds = new Histogram({
    name: 'rally_command_ack_seconds',
    help: 'Time from receiving a command to writing its ack, by command name',
    labelNames: ['command'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const fanout = new Counter({ name: 'rally_fanout_messages_total', help: 'Facts written to sockets by room broadcasts on this node', registers: [registry] });
  const store = new Histogram({ name: 'rally_store_seconds', help: 'Store calls on the command path, by operation', labelNames: ['op'] as const, buckets: LATENCY_BUCKETS, registers: [registry] });
  const redisUp = new Gauge({ name: 'rally_redis_up', help: 'Whether the Redis client is connected and ready (1) or not (0), by client', labelNames: ['client'] as const, registers: [registry] });
  const webhooks = new Counter({ name: 'rally_livekit_webhooks_total', help: 'LiveKit webhook requests, by outcome', labelNames: ['outcome'] as const, registers: [registry] });

  // Children made once: the hot path looks them up by name.
  type Child<T> = T extends { labels(...a: never[]): infer C } ? C : never;
  const byCommand = new Map<string, { ok: Child<typeof commands>; error: Child<typeof commands>; ack: Child<typeof ackSeconds> }>();
  for (const name of COMMAND_NAMES) {
    byCommand.set(name, { ok: commands.labels(name, 'ok'), error: commands.labels(name, 'error'), ack: ackSeconds.labels(name) });
  }
  const byCode = new Map(ERROR_CODES.map((code) => [code, errors.labels(code)] as const));
  const byOp = new Map(STORE_OPS.map((op) => [op, store.labels(op)] as const));
  const byOutcome = new Map(WEBHOOK_OUTCOMES.map((o) => [o, webhooks.labels(o)] as const));
  // Every series starts at zero, so a first increment shows in rate() and panels read 0, not "no data".
  for (const name of COMMAND_NAMES) {
    for (const outcome of ['ok', 'error'] as const) commands.inc({ command: name, outcome }, 0);
    ackSeconds.zero({ command: name });
  }
  for (const code of ERROR_CODES) errors.inc({ code }, 0);
  for (const op of STORE_OPS) store.zero({ op });
  for (const outcome of WEBHOOK_OUTCOMES) webhooks.inc({ outcome }, 0);
  const countError = (code: string) => {
    // A code outside the shared set is not made a label value.
    (byCode.get(code) ?? byCode.get(ErrorCode.INTERNAL))?.inc();
  };

  return {
    registry,
    commandAnswered(name, code, seconds) {
      const c = byCommand.get(name);
      if (!c) return;
      c.ack.observe(seconds);
      if (code === undefined) c.ok.inc();
      else {
        c.error.inc();
        countError(code);
      }
    },
    unknownCommand() {
      countError(ErrorCode.BAD_REQUEST);
    },
    fanout(messages) {
      if (messages > 0) fanout.inc(messages);
    },
    storeTime(op, seconds) {
      byOp.get(op)?.observe(seconds);
    },
    webhook(outcome) {
      byOutcome.get(outcome)?.inc();
    },
    watchRedis(client, name) {
      const up = redisUp.labels(name);
      if (client.masters !== undefined) {
        // A cluster client has no `ready`: it is up once connected, down while any node it uses is lost.
        up.set(client.isOpen ? 1 : 0);
        for (const e of ['connect', 'node-ready']) client.on(e, () => up.set(1));
        for (const e of ['disconnect', 'node-error', 'node-reconnecting', 'node-disconnect']) client.on(e, () => up.set(0));
        return;
      }
      up.set(client.isReady ? 1 : 0);
      client.on('ready', () => up.set(1));
      for (const e of ['end', 'error', 'reconnecting'] as const) client.on(e, () => up.set(0));
    },
    countAttendees(read) {
      readAttendees = read;
    },
  };
}

/**
 * [OPS25] `GET /metrics`: with a token, only for `Authorization: Bearer <METRICS_TOKEN>` (compared in
 * constant time); without one, it is served only on the separate internal port (app.ts decides).
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(token) : null;
  return (req, res, next) => {
    if (expected) {
      const header = req.get('authorization') ?? '';
      const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).json({ error: { code: ErrorCode.UNAUTHORIZED, message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' } });
        return;
      }
    }
    metrics.registry
      .metrics()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  };
}
