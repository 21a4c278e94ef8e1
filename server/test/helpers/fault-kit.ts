import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioc } from 'socket.io-client';
import {
  DEFAULT_POLL_SETTINGS,
  PROTOCOL_VERSION,
  type Ack,
  type CommandName,
  type CommandPayload,
  type CommandResults,
  type CreateEventResponse,
  type FactName,
  type JoinResponse,
  type PollDraft,
  type PollSettings,
  type Snapshot,
} from '@rally/shared';
import { postJson, startNode, type ClusterNode } from './cluster.js';
import { freePort, startRedisServer, type RedisServerHandle } from './redis-server.js';
import { cmdId, TEST_ADMIN, type ClientSocket } from './test-server.js';
import { parseCsv } from './csv.js';

/**
 * The fault suite's kit: Rally as real processes in either mode, restartable after a crash on the
 * same port and data; clients that reconnect by themselves (as the browser's do) and keep every
 * snapshot; and the product's own exports to count what was applied.
 */
export type RallyMode = 'embedded' | 'cluster';

/**
 * The mode of the fault tests that run one mode per `npm test` (the tier must stay within minutes on
 * two cores): embedded by default; `FAULTS_MODE=cluster npx vitest run --project faults` runs them on
 * a redis-server instead. The crash storm always runs both.
 */
export const FAULTS_MODE: RallyMode = process.env.FAULTS_MODE === 'cluster' ? 'cluster' : 'embedded';

export interface Rally {
  mode: RallyMode;
  nodes: ClusterNode[];
  urls: string[];
  redis?: RedisServerHandle;
  /** Ends node i (SIGKILL: a crash, nothing flushed; SIGTERM: a graceful restart). */
  stopNode(i: number, signal: NodeJS.Signals): Promise<void>;
  /** Starts node i again on its port, with the same data (SQLite file or Redis). */
  restartNode(i: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRally(mode: RallyMode, opts: { nodes?: number; env?: Record<string, string> } = {}): Promise<Rally> {
  const count = mode === 'embedded' ? 1 : (opts.nodes ?? 1);
  const dataDir = await mkdtemp(join(tmpdir(), 'rally-faults-'));
  // Redis as a venue should run it: every write in the append-only file before it is answered.
  const redis = mode === 'cluster' ? await startRedisServer({ appendonly: true }) : undefined;
  const envs: Record<string, string>[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const env = { ...opts.env, PORT: String(await freePort()), DATA_DIR: join(dataDir, `node${i}`) };
    envs.push(env);
    nodes.push(await startNode(redis?.url ?? null, env));
  }
  return {
    mode,
    nodes,
    urls: nodes.map((n) => n.url),
    ...(redis ? { redis } : {}),
    stopNode: (i, signal) => nodes[i]!.kill(signal),
    async restartNode(i) {
      nodes[i] = await startNode(redis?.url ?? null, envs[i]!);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
      await redis?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An ack, or `null` when none came in time (the server died, the network cut it off). */
export type MaybeAck<T> = Ack<T> | null;

export interface FaultClient {
  id: string;
  name: string;
  token: string;
  socket: ClientSocket;
  /** Every snapshot received, the first one included. */
  snapshots: Snapshot[];
  received: { fact: FactName; payload: unknown }[];
  /** Resolves with the first snapshot received after `after` snapshots (default: the next one). */
  snapshotAfter(after?: number, timeoutMs?: number): Promise<Snapshot>;
  waitFact(fact: FactName, pred: (p: never) => boolean, timeoutMs?: number): Promise<unknown>;
  /** Sends a command with the given (or a new) id; null when no ack came within timeoutMs. */
  send<N extends CommandName>(name: N, payload: Omit<CommandPayload<N>, 'id'> & { id?: string }, timeoutMs?: number): Promise<MaybeAck<CommandResults[N]>>;
  close(): void;
}

export interface ReconnectOptions {
  /** Socket.IO's backoff: delay doubling from `delay` up to `delayMax`, each ± randomization (jitter). */
  delay?: number;
  delayMax?: number;
  randomization?: number;
}

/** A reconnecting client that has received its first snapshot. */
export async function faultClient(url: string, join: JoinResponse, opts: ReconnectOptions = {}): Promise<FaultClient> {
  const socket: ClientSocket = ioc(url, {
    auth: { token: join.token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: opts.delay ?? 250,
    reconnectionDelayMax: opts.delayMax ?? 1000,
    randomizationFactor: opts.randomization ?? 0.5,
    timeout: 10_000,
  });
  const snapshots: Snapshot[] = [];
  const received: FaultClient['received'] = [];
  const waiters = new Set<() => void>();
  socket.onAny((fact: FactName, payload: unknown) => {
    received.push({ fact, payload });
    if (fact === 'snapshot') snapshots.push(payload as Snapshot);
    for (const w of [...waiters]) w();
  });
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const hit = check();
      if (hit !== undefined) return resolve(hit);
      const tick = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        waiters.delete(tick);
        resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(tick);
        reject(new Error(`${join.participant.name}: timed out waiting for ${what}`));
      }, timeoutMs);
      waiters.add(tick);
    });
  const client: FaultClient = {
    id: join.participant.id,
    name: join.participant.name,
    token: join.token,
    socket,
    snapshots,
    received,
    snapshotAfter: (after = snapshots.length, timeoutMs = 30_000) => until(() => snapshots[after], timeoutMs, `snapshot #${after + 1}`),
    waitFact: (fact, pred, timeoutMs = 15_000) => {
      let seen = 0;
      return until(
        () => {
          for (; seen < received.length; seen++) {
            const r = received[seen]!;
            if (r.fact === fact && pred(r.payload as never)) return r.payload;
          }
          return undefined;
        },
        timeoutMs,
        fact,
      );
    },
    send: async (name, payload, timeoutMs = 8000) => {
      try {
        return await (socket.timeout(timeoutMs).emitWithAck as any)(name, { id: cmdId(), ...payload });
      } catch {
        return null;
      }
    },
    close: () => socket.disconnect(),
  };
  await client.snapshotAfter(0, 30_000);
  return client;
}

export const createEvent = (url: string, name: string, teams: string[] = ['EMEA', 'APAC']) =>
  postJson<CreateEventResponse>(url, '/api/events', { name, teams, agenda: [] }, true);

export const joinAs = (url: string, ev: CreateEventResponse, body: Record<string, unknown>) => postJson<JoinResponse>(url, '/api/join', { code: ev.code, ...body });

/**
 * A named poll unless asked otherwise: the fault tests count each voter's log entries, points and
 * leaderboard live, and an anonymous poll's entries are held by the node until it closes ([SEC22]).
 */
export const singleChoice = (settings: Partial<PollSettings> = {}): PollDraft => ({
  kind: 'single',
  question: 'Which region closes the most deals this year?',
  options: ['EMEA', 'North America', 'APAC'],
  settings: { ...DEFAULT_POLL_SETTINGS, anonymous: false, ...settings },
});

/** Runs `fn` over items with at most `width` in flight (joins and connects without a thundering herd of our own making). */
export async function inBatches<T, R>(items: readonly T[], width: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** The organiser's per-attendee export, by participant id: what the product says each one did and scored. */
export async function attendeeFigures(url: string, eventId: string): Promise<Map<string, { votes: number; questions: number; score: number }>> {
  const res = await fetch(`${url}/api/events/${eventId}/engagement/participants.csv`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
  if (!res.ok) throw new Error(`participants.csv: ${res.status}`);
  const [head, ...rows] = parseCsv(await res.text());
  const col = (n: string) => head!.indexOf(n);
  return new Map(
    rows
      .filter((r) => r.length > 1)
      .map((r) => [r[col('participant_id')]!, { votes: Number(r[col('votes')]), questions: Number(r[col('questions')]), score: Number(r[col('engagement_score')]) }]),
  );
}

/** `voted` entries in the engagement log, per participant: a vote applied twice shows here as 2. */
export async function votedEntries(url: string, eventId: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/api/events/${eventId}/engagement/log.ndjson`, { headers: { authorization: `Bearer ${TEST_ADMIN}` } });
  if (!res.ok) throw new Error(`log.ndjson: ${res.status}`);
  const counts = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { kind: string; participantId: string };
    if (e.kind === 'voted') counts.set(e.participantId, (counts.get(e.participantId) ?? 0) + 1);
  }
  return counts;
}

/** Polls until `fn` stops throwing (a node catching up after a restart), or rethrows its last error. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
