import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { DEFAULT_POLL_SETTINGS, ErrorCode, type CreateEventResponse, type FactPayload, type Poll } from '@rally/shared';
import { createLog } from '../../src/log.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { connectClient, expectConnectError, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

/**
 * [OPS30]–[OPS34] One node's graceful drain, driven through app.drain() as SIGTERM drives it in
 * index.ts. The store is the real SQLite store, its castVote made slow (a disk under load) so a
 * vote is still being written when the drain starts.
 */
let s: TestServer | undefined;
const open: TestClient[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

/** The real store; castVote waits `slowMs` first and says when it was called. */
function slowVotes(store: Store, slowMs: number): { store: Store; voteStarted: Promise<void> } {
  let started!: () => void;
  const voteStarted = new Promise<void>((r) => (started = r));
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== 'castVote' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        started();
        await sleep(slowMs);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, voteStarted };
}

async function setUp(env: Record<string, string>, slowMs: number, logLines?: string[]) {
  const { store, voteStarted } = slowVotes(createSqliteStore(':memory:'), slowMs);
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines?.push(String(chunk));
      cb();
    },
  });
  s = await startTestServer({ store, env, ...(logLines ? { log: createLog('info', {}, sink) } : {}) });
  const ev: CreateEventResponse = await s.createEvent();
  const mod = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Mo', key: keyOf(ev.links.moderator) })).token);
  open.push(mod);
  const draft = { kind: 'single' as const, question: 'Ship it?', options: ['Yes', 'No'], settings: { ...DEFAULT_POLL_SETTINGS, anonymous: false } };
  const launched = await mod.send('poll:launchAdhoc', { draft });
  if (!launched.ok) throw new Error(JSON.stringify(launched));
  const people: (TestClient & { id: string; token: string })[] = [];
  for (let i = 0; i < 8; i++) {
    const j = await s.join({ code: ev.code, name: `Attendee ${i}`, team: 'EMEA', mode: 'remote' });
    const c = Object.assign(await connectClient(s.url, j.token), { id: j.participant.id, token: j.token });
    open.push(c);
    people.push(c);
  }
  return { ev, mod, poll: launched.data as Poll, people, voteStarted };
}

describe('[OPS30] a single node drains', () => {
  it('[OPS30] [OPS31] [OPS32] [OPS33] readyz 503 and newcomers refused UNAVAILABLE at once; every socket told with its own delay inside the window; the vote in flight finished and acked; a command after the window refused, retryable', async () => {
    const windowMs = 600;
    const { ev, poll, people, mod, voteStarted } = await setUp({ DRAIN_WINDOW_MS: String(windowMs), DRAIN_TIMEOUT_MS: '8000' }, 1200);
    const server = s!;
    const everyone = [mod, ...people];
    const told = everyone.map((c) => c.waitFor('server:drainStarted', undefined, 5000));
    const voter = people[0]!;
    const inFlight = voter.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } });
    await voteStarted;

    const drainedAt = performance.now();
    const drained = server.app.drain();
    let drainedBeforeAck = false;
    let acked = false;
    void drained.then(() => (drainedBeforeAck = !acked));
    expect((await server.api('/readyz')).status).toBe(503);
    // [OPS31] A join: 503 UNAVAILABLE with retryAfterMs (and Retry-After), nothing created.
    const join = await fetch(`${server.url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: ev.code, name: 'Late', mode: 'remote' }) });
    expect(join.status).toBe(503);
    const joinBody = (await join.json()) as { error: { code: string; retryAfterMs?: number } };
    expect(joinBody.error.code).toBe(ErrorCode.UNAVAILABLE);
    expect(joinBody.error.retryAfterMs).toBeGreaterThan(0);
    // The standard header says the same wait, in whole seconds rounded up.
    expect(Number(join.headers.get('retry-after')) * 1000).toBeGreaterThanOrEqual(joinBody.error.retryAfterMs!);
    expect((await server.store.listParticipants(ev.event.id)).some((p) => p.name === 'Late')).toBe(false);
    // [OPS31] A handshake, even with a valid token: the typed, retryable connect error.
    const refused = await expectConnectError(server.url, people[1]!.token);
    expect(refused.data).toMatchObject({ code: ErrorCode.UNAVAILABLE });
    expect((refused.data as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);

    // [OPS32] Every connected socket, each with its own delay inside the window.
    const delays = (await Promise.all(told)).map((f: FactPayload<'server:drainStarted'>) => f.reconnectInMs);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(windowMs);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);

    // [OPS33] Past the window (these clients do not leave), a new command is refused, retryable;
    // the vote that was in flight is still being written.
    await sleep(windowMs + 150 - (performance.now() - drainedAt));
    const late = await people[2]!.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o2' } });
    expect(late).toMatchObject({ ok: false, error: { code: ErrorCode.UNAVAILABLE } });
    expect(late.ok ? 0 : late.error.retryAfterMs).toBeGreaterThan(0);

    // [OPS33] The vote in flight is acked ok, and the drain ends after it, not cut.
    const ack = await inFlight;
    acked = true;
    expect(ack.ok).toBe(true);
    const outcome = await drained;
    expect(drainedBeforeAck).toBe(false);
    expect(outcome.cut).toBe(false);
    expect(outcome.told).toBe(everyone.length);
    // Written once: the acked vote, and not the refused one.
    expect((await server.store.listVotes(poll.id)).map((v) => [v.participantId, v.vote])).toEqual([[voter.id, { kind: 'single', optionId: 'o1' }]]);
    // Still ready to close: the sockets go, the vote is in the store.
    await server.close();
    s = undefined;
  });

  it('[OPS34] a command that outlasts DRAIN_TIMEOUT_MS: the drain ends at the deadline with one log line saying what was cut', async () => {
    const lines: string[] = [];
    const { poll, people, voteStarted } = await setUp({ DRAIN_WINDOW_MS: '100', DRAIN_TIMEOUT_MS: '700' }, 3000, lines);
    void people[0]!.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: 'o1' } }).catch(() => undefined);
    await voteStarted;
    const startedAt = performance.now();
    const outcome = await s!.app.drain();
    const tookMs = performance.now() - startedAt;
    expect(outcome.cut).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(690);
    expect(tookMs).toBeLessThan(1500);
    const cut = lines.filter((l) => l.includes('drain cut'));
    expect(cut).toHaveLength(1);
    expect(JSON.parse(cut[0]!)).toMatchObject({ inFlight: 1 });
  });
});
