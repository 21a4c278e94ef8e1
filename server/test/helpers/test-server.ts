import type { AddressInfo } from 'node:net';
import { io as ioc, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type CommandName,
  type CommandPayload,
  type CommandResults,
  type CreateEventRequest,
  type CreateEventResponse,
  type FactName,
  type FactPayload,
  type JoinRequest,
  type JoinResponse,
  type ServerToClientEvents,
  type Snapshot,
} from '@rally/shared';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { createTokenService } from '../../src/auth/tokens.js';
import { systemClock, type Clock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { createLog, type Log } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export const TEST_SECRET = 'test-secret-0123456789-0123456789-0123456789';
export const TEST_ADMIN = 'test-admin-token-0123456789';

/**
 * [SEC8] The tiers create thousands of participants from 127.0.0.1 within seconds, a flood by the
 * product's budgets: the test servers switch them off explicitly, and the tests of the budgets
 * themselves (server/test/integration/abuse-limits.test.ts) set their own.
 */
export const NO_ABUSE_LIMITS: Record<string, string> = { JOIN_LIMIT_PER_ADDRESS: 'off', JOIN_LIMIT_PER_EVENT: 'off', CONNECT_LIMIT_PER_ADDRESS: 'off' };

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let seq = 0;
export const cmdId = () => `cmd-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export interface TestServer {
  url: string;
  app: App;
  store: Store;
  createEvent(body?: Partial<CreateEventRequest>): Promise<CreateEventResponse>;
  /**
   * POST /api/join. An attendee asking for `room` without a roomCode gets the stage screen's
   * current one added, as scanning the QR code would ([STAGE12]); pass roomCode to test codes.
   */
  join(body: JoinRequest): Promise<JoinResponse>;
  /** The room code the event's stage screen shows now. */
  roomCode(eventId: string): string;
  api(path: string, init?: RequestInit & { admin?: boolean }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** A real Rally app on port 0 with a real store: what the integration tier drives. */
export async function startTestServer(
  opts: {
    store?: Store;
    clock?: Clock;
    env?: Record<string, string>;
    log?: Log;
    app?: Partial<Omit<AppDeps, 'config' | 'store' | 'clock' | 'log' | 'tokens' | 'nodeId'>>;
    /** A port chosen in advance (a browser test needs it in PUBLIC_URL, the allowed Origin); else any free one. */
    port?: number;
  } = {},
): Promise<TestServer> {
  const store = opts.store ?? createSqliteStore(':memory:');
  const config = parseConfig({ PORT: '0', SECRET: TEST_SECRET, ADMIN_TOKEN: TEST_ADMIN, LOG_LEVEL: 'silent', NO_DEMO: '1', PUBLIC_URL: 'http://localhost:3000', ...NO_ABUSE_LIMITS, ...opts.env });
  // Room codes rotate at every minute boundary; tests asserting that a stage screen heard nothing
  // must not see that by chance, so the rotation check is off unless a test asks for it.
  const stage = { roomCodeCheckMs: 3_600_000, ...opts.app?.stage };
  // Likewise the engagement dashboard goes to moderators whenever a figure moves (or the minute
  // turns): it is off unless a test asks for it (server/test/integration/engagement.test.ts does).
  const engagement = { tickMs: 3_600_000, ...opts.app?.engagement };
  // [PRES4] Presence batches trail a burst of connections by one interval; short here, so a test's
  // setup has settled (tests wait 150 ms) before it asserts that nothing was broadcast.
  const presenceIntervalMs = opts.app?.presenceIntervalMs ?? 30;
  const app = createApp({
    config,
    store,
    clock: opts.clock ?? systemClock,
    log: opts.log ?? createLog('silent'),
    tokens: createTokenService(TEST_SECRET),
    nodeId: 'test-node',
    ...opts.app,
    stage,
    engagement,
    presenceIntervalMs,
  });
  await new Promise<void>((r) => app.http.listen(opts.port ?? 0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;

  const api: TestServer['api'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.body) headers.set('content-type', 'application/json');
    if (init.admin) headers.set('authorization', `Bearer ${TEST_ADMIN}`);
    const res = await fetch(url + path, { ...init, headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    url,
    app,
    store,
    api,
    async createEvent(body = {}) {
      const r = await api('/api/events', { method: 'POST', admin: true, body: JSON.stringify({ name: 'Test SKO', teams: ['EMEA', 'NA'], ...body }) });
      if (r.status !== 201) throw new Error(`createEvent failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as CreateEventResponse;
    },
    roomCode: (eventId) => app.stage.roomCodes.current(eventId).code,
    async join(body) {
      let withCode = body;
      if (body.mode === 'room' && body.roomCode === undefined && !body.key && !body.token) {
        const event = await store.getEventByCode(body.code.trim().toUpperCase());
        if (event) withCode = { ...body, roomCode: app.stage.roomCodes.current(event.id).code };
      }
      const r = await api('/api/join', { method: 'POST', body: JSON.stringify(withCode) });
      if (r.status !== 200) throw new Error(`join failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as JoinResponse;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The key inside an organiser link (`...#key=K`). */
export const keyOf = (link: string) => new URL(link).hash.replace(/^#key=/, '');

export interface TestClient {
  socket: ClientSocket;
  snapshot: Snapshot;
  /** Every fact received, in order, for assertions that something did NOT arrive; `at` is performance.now(). */
  received: { fact: FactName; payload: unknown; at: number }[];
  send<N extends CommandName>(name: N, payload: Omit<CommandPayload<N>, 'id'> & { id?: string }): Promise<Ack<CommandResults[N]>>;
  waitFor<N extends FactName>(fact: N, pred?: (p: FactPayload<N>) => boolean, timeoutMs?: number): Promise<FactPayload<N>>;
  close(): void;
}

/**
 * Messages per second as intervals, not points: (n − 1) over the span from first to last arrival,
 * at least 1 s. A ticker every T ms reads 1000 / T; a sliding window would count one more whenever
 * a tick lands at the window's edge.
 */
export function perSecond(arrivals: readonly number[]): number {
  if (arrivals.length < 2) return arrivals.length;
  return (arrivals.length - 1) / Math.max(1, (arrivals.at(-1)! - arrivals[0]!) / 1000);
}

/** A real socket.io-client connection that has received its snapshot. */
export async function connectClient(url: string, token: string, opts: { protocolVersion?: number; extraHeaders?: Record<string, string> } = {}): Promise<TestClient> {
  const socket: ClientSocket = ioc(url, {
    auth: { token, protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  });
  const received: TestClient['received'] = [];
  const waiters = new Set<(f: FactName, p: unknown) => void>();
  socket.onAny((fact: FactName, payload: unknown) => {
    received.push({ fact, payload, at: performance.now() });
    for (const w of [...waiters]) w(fact, payload);
  });

  const waitFor: TestClient['waitFor'] = (fact, pred, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${fact}`));
      }, timeoutMs);
      const check = (f: FactName, p: unknown) => {
        if (f === fact && (!pred || pred(p as never))) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(p as never);
        }
      };
      waiters.add(check);
    });

  const snapshot = await new Promise<Snapshot>((resolve, reject) => {
    socket.once('connect_error', (err) => reject(err));
    waitFor('snapshot').then(resolve, reject);
  });

  return {
    socket,
    snapshot,
    received,
    waitFor,
    send: (name, payload) => (socket.timeout(5000).emitWithAck as any)(name, { id: cmdId(), ...payload }),
    close: () => socket.disconnect(),
  };
}

/** Connects and expects a refusal; resolves with the typed error data. */
export function expectConnectError(url: string, token: string, opts: { protocolVersion?: number; extraHeaders?: Record<string, string> } = {}): Promise<{ message: string; data?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const socket = ioc(url, {
      auth: { token, protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
    });
    socket.on('connect', () => {
      socket.disconnect();
      reject(new Error('expected the handshake to be refused'));
    });
    socket.on('connect_error', (err: Error & { data?: { code: string; message: string } }) => {
      socket.disconnect();
      resolve({ message: err.message, ...(err.data ? { data: err.data } : {}) });
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** connectClient that also keeps the client in `clients`, so the suite closes every one it opened. */
export function trackedConnect(clients: TestClient[]): (url: string, token: string) => Promise<TestClient> {
  return async (url, token) => {
    const c = await connectClient(url, token);
    clients.push(c);
    return c;
  };
}
