import { z } from 'zod';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits } from './realtime/outbound-budget.js';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(emptyToUndefined, s.optional());

/** One fixed window of a budget: so many points per key per so many seconds. */
export interface LimitWindow {
  points: number;
  durationS: number;
}

const UNIT_S = { s: 1, m: 60, h: 3600 } as const;

/**
 * [SEC8] A budget as `points/duration` windows, comma separated (`500/10s,3000/1h`): every window
 * must have room. `off` (no limit) is for load tests and benchmarks, and only when set explicitly.
 */
const LimitSpec = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx): LimitWindow[] => {
        if (v.trim() === 'off') return [];
        const windows: LimitWindow[] = [];
        for (const part of v.split(',')) {
          const m = /^\s*(\d+)\s*\/\s*(\d+)\s*([smh])\s*$/.exec(part);
          const points = m ? Number(m[1]) : 0;
          const durationS = m ? Number(m[2]) * UNIT_S[m[3] as keyof typeof UNIT_S] : 0;
          if (points < 1 || durationS < 1) {
            ctx.addIssue({ code: 'custom', message: `must be windows like 500/10s,3000/1h (points/duration in s, m or h) or off; got "${part.trim()}"` });
            return z.NEVER;
          }
          windows.push({ points, durationS });
        }
        return windows;
      }),
  );

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isAddressOrCidr = (s: string) => {
  const [addr = '', bits, ...rest] = s.split('/');
  const v = isIP(addr);
  if (!v || rest.length) return false;
  if (bits === undefined) return true;
  // proxy-addr also takes an IPv4 netmask after the slash.
  if (v === 4 && isIP(bits) === 4) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
};

/**
 * [SEC3] Express's `trust proxy`: a hop count, or the proxies' addresses / CIDRs / the names
 * loopback, linklocal, uniquelocal. `true` (trust every peer) is refused: any client could then
 * name its own address in X-Forwarded-For and get a fresh budget with every request.
 */
const TrustProxy = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('loopback')
    .transform((v, ctx): number | string[] => {
      if (/^\d+$/.test(v.trim())) return Number(v.trim());
      const list = v.split(',').map((s) => s.trim()).filter(Boolean);
      const wrong = list.find((s) => !PROXY_NAMES.has(s) && !isAddressOrCidr(s));
      if (wrong !== undefined || list.length === 0) {
        ctx.addIssue({ code: 'custom', message: `must be a hop count or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal; got "${wrong ?? v}"` });
        return z.NEVER;
      }
      return list;
    }),
);

/**
 * Configuration from the environment, parsed once at boot. Defaults make `npm start` work on a
 * fresh machine; anything set but wrong stops the server with one line naming the variable.
 */
const ConfigSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    /**
     * [CFG8] Connections the kernel may hold for Rally before it accepts them (capped by the
     * kernel's net.core.somaxconn). Node's 511 is too few when a venue's Wi-Fi blinks: 10,000
     * phones reconnect within a second while the event loop is busy with their disconnects, and a
     * connection dropped from a full queue waits for TCP's retransmission (1, 3, 7, 15 s...).
     */
    LISTEN_BACKLOG: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(8192)),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    // [CLU25] redis+cluster:// (or rediss+cluster://) names one node of a Redis Cluster.
    REDIS_URL: optional(z.url({ protocol: /^rediss?(\+cluster)?$/, error: 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL' })),
    PUBLIC_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })),
    /** Signs participant tokens. Generated and kept in DATA_DIR when unset in embedded mode. */
    SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    /** Guards the organiser REST API and page. Generated and printed when unset in embedded mode. */
    ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    LIVEKIT_URL: optional(z.url({ protocol: /^(wss?|https?)$/, error: 'must be a ws(s):// or http(s):// URL' })),
    LIVEKIT_API_KEY: optional(z.string().min(3)),
    LIVEKIT_API_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    /** [CFG3] Where the server reaches LiveKit's API when browsers use another address (a container network); default LIVEKIT_URL. */
    LIVEKIT_API_URL: optional(z.url({ protocol: /^(wss?|https?)$/, error: 'must be a ws(s):// or http(s):// URL' })),
    /** [CFG7] Unset: info in production (for log collectors), warn otherwise (a terminal: the links are what matters). */
    LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
    /** Extra origins allowed to open a socket (comma separated), for a dev server on another port. */
    ALLOWED_ORIGINS: z.preprocess(emptyToUndefined, z.string().default('')),
    /** [OPS12] Create the demo event on first start even with NODE_ENV=production (where it is off by default). */
    DEMO: optional(z.enum(['0', '1', 'true', 'false'])),
    /** Skip the demo event on first start. */
    NO_DEMO: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
    /** Bench only: stamp outgoing facts with the server's monotonic clock (docs/PERFORMANCE.md). */
    RALLY_BENCH_STAMPS: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
    /** [SEC3] Which peers may tell us the client's address (X-Forwarded-For). */
    TRUST_PROXY: TrustProxy,
    /**
     * [SEC1] New participants per client address. The short window lets a whole venue behind one
     * NAT scan the QR code at once (1,000 people in 20 s is 50 a second); the long one caps what a
     * script on one address can create at three venues an hour. A flood of thousands a second is
     * refused after the first 500. docs/SPEC.md, "Security (SEC)", has the reasoning.
     */
    JOIN_LIMIT_PER_ADDRESS: LimitSpec('500/10s,3000/1h'),
    /** [SEC5] New participants per event, from every address together: 20,000 people in 100 s. */
    JOIN_LIMIT_PER_EVENT: LimitSpec('2000/10s'),
    /**
     * [SEC4] Join requests and socket handshakes per client address, whatever their outcome: a
     * venue reconnecting at once after a restart (1,000 phones, a few tabs each) fits the short
     * window, phones waking and reconnecting all day fit the long one (50 a second).
     */
    CONNECT_LIMIT_PER_ADDRESS: LimitSpec('2000/10s,30000/10m'),
    /**
     * [REL1] How long a command, a handshake or a REST request may wait on the store before it is
     * answered UNAVAILABLE (retryable). A healthy store answers in milliseconds; a few seconds is
     * well past any normal wait and short enough that a person is told, not left hanging.
     */
    COMMAND_DEADLINE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(60_000).default(3000)),
    /** [REL11] Bytes waiting to be written to one socket past which its volatile facts are dropped. */
    OUTBOUND_VOLATILE_LIMIT_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1024).default(DEFAULT_OUTBOUND_LIMITS.volatileBytes)),
    /** [REL12] Bytes waiting to be written to one socket past which it is disconnected. */
    OUTBOUND_LIMIT_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1024).default(DEFAULT_OUTBOUND_LIMITS.limitBytes)),
    /** [REL12] How long a socket may stay over OUTBOUND_VOLATILE_LIMIT_BYTES before it is disconnected. */
    OUTBOUND_STALL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(DEFAULT_OUTBOUND_LIMITS.stallMs)),
    /**
     * [OPS32] On SIGTERM each connected client is told to reconnect after its own random delay
     * within this window, so the other nodes take them over gradually. Default 5 s in cluster mode;
     * 0 embedded (there is no other node: clients come back when the restarted process is up).
     */
    DRAIN_WINDOW_MS: optional(z.coerce.number().int().min(0).max(600_000)),
    /** [OPS34] The drain ends by this deadline, cut if it must be: under `docker stop`'s 10 s by default. */
    DRAIN_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(3_600_000).default(9000)),
    /** [OPS25] Bearer token that GET /metrics requires (on the main port, or on METRICS_PORT too). */
    METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    /** [OPS25] Serve /metrics on this separate port (bound to METRICS_HOST) instead of the main one. */
    METRICS_PORT: optional(z.coerce.number().int().min(0).max(65535)),
    /** [OPS55] Erase the personal data of events over for more than this many days; unset: never. */
    RETENTION_DAYS: optional(z.coerce.number().int().min(1).max(36_500)),
    /** [OPS25] The address METRICS_PORT listens on: loopback unless a scraper elsewhere needs it. */
    METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  })
  .superRefine((c, ctx) => {
    const lk = [c.LIVEKIT_URL, c.LIVEKIT_API_KEY, c.LIVEKIT_API_SECRET].filter(Boolean).length;
    if (lk !== 0 && lk !== 3) {
      ctx.addIssue({ code: 'custom', path: ['LIVEKIT_URL'], message: 'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together: set all three or none' });
    }
    if (c.LIVEKIT_API_URL && lk !== 3) ctx.addIssue({ code: 'custom', path: ['LIVEKIT_API_URL'], message: 'needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET' });
    if (c.DRAIN_TIMEOUT_MS <= drainWindowMs(c)) {
      ctx.addIssue({ code: 'custom', path: ['DRAIN_TIMEOUT_MS'], message: `must be longer than DRAIN_WINDOW_MS (${drainWindowMs(c)}): commands in flight are finished after the window` });
    }
    if (c.OUTBOUND_LIMIT_BYTES < c.OUTBOUND_VOLATILE_LIMIT_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['OUTBOUND_LIMIT_BYTES'], message: 'must be at least OUTBOUND_VOLATILE_LIMIT_BYTES (volatile facts are dropped before a socket is cut off)' });
    }
    // [OPS11] Production never generates its secrets: a node that signs with a key only it knows,
    // or an organiser token nobody chose, is a mistake to stop on, naming everything missing at once.
    const missing = c.NODE_ENV === 'production' ? (['SECRET', 'ADMIN_TOKEN'] as const).filter((k) => !c[k]) : [];
    if (missing.length) {
      const [first, ...rest] = missing;
      const more = rest.map((k) => ` and ${k}`).join('');
      const hint = missing.map((k) => `${k}: ${k === 'SECRET' ? 32 : 16}+ characters`).join(', ');
      ctx.addIssue({ code: 'custom', path: [first!], message: `${more} ${rest.length ? 'are' : 'is'} required with NODE_ENV=production (${hint}, the same on every node)`.trimStart() });
      return;
    }
    if (c.REDIS_URL && !c.SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SECRET'], message: 'is required with REDIS_URL (every node must sign tokens with the same secret)' });
    }
    if (c.REDIS_URL && !c.ADMIN_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required with REDIS_URL (every node must accept the same organiser token)' });
    }
  });

/** [OPS32] The drain window: as set, else 5 s in cluster mode and 0 embedded. */
const drainWindowMs = (c: { DRAIN_WINDOW_MS?: number; REDIS_URL?: string }) => c.DRAIN_WINDOW_MS ?? (c.REDIS_URL ? 5000 : 0);

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** [CFG8] The listen backlog (pending connections the kernel keeps). */
  backlog: number;
  dataDir: string;
  redisUrl: string | undefined;
  /** Base of every link Rally prints; defaults to http://localhost:PORT. */
  publicUrl: string;
  secret: string | undefined;
  adminToken: string | undefined;
  /** `url` is what browsers connect to; `apiUrl`, if set, where the server calls LiveKit's API (else `url`). */
  livekit: { url: string; apiKey: string; apiSecret: string; apiUrl?: string } | undefined;
  logLevel: string;
  allowedOrigins: string[];
  seedDemo: boolean;
  /** Facts carry a trailing process.hrtime.bigint() stamp for the bench's one-way latency. */
  benchStamps: boolean;
  /** [SEC3] Express's `trust proxy` setting: a hop count or a list of addresses, CIDRs and names. */
  trustProxy: number | string[];
  /** [SEC1] [SEC4] [SEC5] The abuse budgets; an empty list is no limit. */
  limits: AbuseLimits;
  /** [REL1] The deadline of every command, handshake and REST request (exports get longer). */
  commandDeadlineMs: number;
  /** [REL10] The cap on what waits to be written to one socket. */
  outbound: OutboundLimits;
  /** [OPS25] /metrics: off unless a token or a separate port is set. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /** [OPS32] [OPS34] The graceful drain on SIGTERM: the clients' reconnect window and the deadline of it all. */
  drain: { windowMs: number; timeoutMs: number };
  /** [OPS55] Days after an event's end its personal data is erased; undefined: kept. */
  retentionDays: number | undefined;
}

export interface AbuseLimits {
  joinPerAddress: LimitWindow[];
  joinPerEvent: LimitWindow[];
  connectPerAddress: LimitWindow[];
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError with one line naming the first bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const c = r.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    backlog: c.LISTEN_BACKLOG,
    dataDir: resolve(c.DATA_DIR),
    redisUrl: c.REDIS_URL,
    publicUrl,
    secret: c.SECRET,
    adminToken: c.ADMIN_TOKEN,
    livekit:
      c.LIVEKIT_URL && c.LIVEKIT_API_KEY && c.LIVEKIT_API_SECRET
        ? { url: c.LIVEKIT_URL, apiKey: c.LIVEKIT_API_KEY, apiSecret: c.LIVEKIT_API_SECRET, ...(c.LIVEKIT_API_URL ? { apiUrl: c.LIVEKIT_API_URL } : {}) }
        : undefined,
    logLevel: c.LOG_LEVEL ?? (c.NODE_ENV === 'production' ? 'info' : 'warn'),
    allowedOrigins: [new URL(publicUrl).origin, ...c.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean)],
    // [OPS12] [DEMO1] On by default for `npm start`; off in production unless DEMO=1 asks for it.
    seedDemo: c.DEMO !== undefined ? c.DEMO === '1' || c.DEMO === 'true' : c.NODE_ENV !== 'production' && (c.NO_DEMO === '0' || c.NO_DEMO === 'false'),
    benchStamps: c.RALLY_BENCH_STAMPS === '1' || c.RALLY_BENCH_STAMPS === 'true',
    trustProxy: c.TRUST_PROXY,
    limits: { joinPerAddress: c.JOIN_LIMIT_PER_ADDRESS, joinPerEvent: c.JOIN_LIMIT_PER_EVENT, connectPerAddress: c.CONNECT_LIMIT_PER_ADDRESS },
    commandDeadlineMs: c.COMMAND_DEADLINE_MS,
    outbound: { volatileBytes: c.OUTBOUND_VOLATILE_LIMIT_BYTES, limitBytes: c.OUTBOUND_LIMIT_BYTES, stallMs: c.OUTBOUND_STALL_MS },
    metrics: { token: c.METRICS_TOKEN, port: c.METRICS_PORT, host: c.METRICS_HOST },
    drain: { windowMs: drainWindowMs(c), timeoutMs: c.DRAIN_TIMEOUT_MS },
    retentionDays: c.RETENTION_DAYS,
  };
}
