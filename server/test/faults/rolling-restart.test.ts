import { afterAll, describe, expect, it, vi } from 'vitest';
import { io as ioc } from 'socket.io-client';
import { PROTOCOL_VERSION, type CreateEventResponse, type JoinResponse, type Poll, type PollResults, type Snapshot } from '@rally/shared';
import { followDrain, handshakeError, handshakeRetryDelayMs, send, type RallySocket } from '../../../client/src/lib/socket.js';
import { createEvent, faultClient, inBatches, joinAs, singleChoice, startRally, votedEntries, type FaultClient, type Rally } from '../helpers/fault-kit.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { sleep } from '../helpers/test-server.js';

/**
 * [OPS36] A rolling restart during a live vote storm, with real processes: two Rally nodes on one
 * redis-server, attendees spread over both, node A sent SIGTERM mid-storm. A's clients are told to
 * move, leave after their own delays, and the load balancer (a TCP proxy in front of A that sends new
 * connections to B once A's /readyz says 503, as a health-checking balancer does) takes them to B,
 * where their un-acked votes arrive again with the same command ids. The clients are the web
 * client's own code (client/src/lib/socket.ts): followDrain, send's retries, the handshake backoff.
 */
const WINDOW_MS = 1500;
const TIMEOUT_MS = 8000;
const POLLS = 10;
const PER_NODE = 16;
/** A's last few run a client from before the drain existed: they ignore the fact and are cut off at the close. */
const LEGACY = 3;
const choice = (i: number, p: number) => `o${((i + p) % 3) + 1}`;

let rally: Rally | undefined;
const proxies: TcpProxy[] = [];
const sockets: RallySocket[] = [];
const others: FaultClient[] = [];

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const c of others) c.close();
  for (const p of proxies) await p.close();
  await rally?.stop();
});

interface Attendee {
  name: string;
  id: string;
  socket: RallySocket;
  drainFacts: number[];
  /** When the socket first lost its connection (performance.now()). */
  leftAt?: number;
  /** Each poll:vote written to the socket: its poll and command id (every attempt). */
  outgoing: { pollId: string; id: string }[];
}

/** As rally.tsx: a refused handshake leaves the socket inactive; the client tries again after its backoff. */
function retryRefusedHandshakes(socket: RallySocket | FaultClient['socket']): void {
  let refusals = 0;
  socket.on('connect', () => (refusals = 0));
  socket.on('connect_error', (err) => {
    if (socket.active) return;
    const delay = handshakeRetryDelayMs(refusals++, handshakeError(err));
    setTimeout(() => !socket.connected && socket.connect(), delay);
  });
}

/** An attendee as the browser runs it: Socket.IO's reconnection, the drain, the handshake backoff. */
async function attendee(url: string, join: JoinResponse, follows = true): Promise<Attendee> {
  const socket: RallySocket = ioc(url, {
    auth: { token: join.token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 250,
    reconnectionDelayMax: 1000,
  });
  sockets.push(socket);
  const a: Attendee = { name: join.participant.name, id: join.participant.id, socket, drainFacts: [], outgoing: [] };
  if (follows) followDrain(socket);
  socket.on('disconnect', () => (a.leftAt ??= performance.now()));
  socket.on('server:drainStarted', (f) => a.drainFacts.push(f.reconnectInMs));
  socket.onAnyOutgoing((name: string, payload: { pollId: string; id: string }) => {
    if (name === 'poll:vote') a.outgoing.push({ pollId: payload.pollId, id: payload.id });
  });
  retryRefusedHandshakes(socket);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${a.name}: no snapshot`)), 30_000);
    socket.once('snapshot', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return a;
}

describe('[OPS36] rolling restart of one node of two during a vote storm (cluster)', () => {
  it('[OPS36] [OPS30] [OPS32] [OPS33] [OPS35] node A drains mid-storm: every acked vote counted once, its clients on B with their votes, A exits 0 within DRAIN_TIMEOUT_MS, /readyz 503 meanwhile', async () => {
    rally = await startRally('cluster', { nodes: 2, env: { DRAIN_WINDOW_MS: String(WINDOW_MS), DRAIN_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const [A, B] = rally.urls as [string, string];
    const nodeA = rally.nodes[0]!;
    const lb = await startTcpProxy(Number(new URL(A).port));
    proxies.push(lb);
    const ev: CreateEventResponse = await createEvent(B, 'Rolling restart SKO');
    const mod = await faultClient(B, await joinAs(B, ev, { name: 'Moderator on B', key: new URL(ev.links.moderator).hash.replace(/^#key=/, '') }));
    others.push(mod);
    retryRefusedHandshakes(mod.socket);
    const polls: Poll[] = [];
    for (let p = 0; p < POLLS; p++) {
      const ack = await mod.send('poll:launchAdhoc', { draft: singleChoice({ allowChange: false }) }, 20_000);
      if (!ack?.ok) throw new Error(`launch: ${JSON.stringify(ack)}`);
      polls.push(ack.data);
    }
    // Half behind the load balancer (on A until it drains), half straight on B.
    const people = await inBatches(Array.from({ length: 2 * PER_NODE }, (_, i) => i), 8, async (i) => {
      const url = i < PER_NODE ? lb.url : B;
      return attendee(url, await joinAs(url, ev, { name: `Storm voter ${i}`, mode: 'remote' }), i < PER_NODE - LEGACY || i >= PER_NODE);
    });
    const onA = people.slice(0, PER_NODE);

    // The storm: each attendee votes in every poll, one after another, a person's pace apart.
    const acks: boolean[][] = people.map(() => []);
    const ackedAt: number[][] = people.map(() => []);
    const storm = Promise.all(
      people.map(async (a, i) => {
        for (const [p, poll] of polls.entries()) {
          await sleep(150 + Math.random() * 200);
          const ack = await send(a.socket, 'poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: choice(i, p) } });
          acks[i]![p] = ack.ok;
          ackedAt[i]![p] = performance.now();
        }
      }),
    );

    // Mid-storm, the orchestrator's SIGTERM to A; the balancer takes A out once /readyz says so.
    await sleep(500);
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((r) => nodeA.process.once('exit', (code, signal) => r({ code, signal, at: performance.now() })));
    const sentAt = performance.now();
    nodeA.process.kill('SIGTERM');
    let readyDuringDrain: number | undefined;
    for (let i = 0; readyDuringDrain === undefined && i < 100; i++) {
      try {
        const status = (await fetch(`${A}/readyz`)).status;
        if (status !== 200) readyDuringDrain = status;
      } catch {
        break;
      }
      if (readyDuringDrain === undefined) await sleep(20);
    }
    lb.retarget(Number(new URL(B).port));
    expect(readyDuringDrain).toBe(503);

    await storm;
    const exit = await exited;
    expect(exit.code, nodeA.output()).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(TIMEOUT_MS);
    expect(nodeA.output()).not.toContain('drain cut');

    // No client stuck: every vote acked ok, every socket connected again (A's on B).
    for (const [i, row] of acks.entries()) expect(row, people[i]!.name).toEqual(polls.map(() => true));
    for (const a of people) expect(a.socket.connected, a.name).toBe(true);
    // The storm went on across the move: A's clients had votes acked on A before SIGTERM and on B after they left.
    expect(onA.every((a) => a.leftAt !== undefined && a.leftAt > sentAt)).toBe(true);
    const onBAfterMove = onA.reduce((n, a, i) => n + ackedAt[i]!.filter((t) => t > a.leftAt!).length, 0);
    expect(ackedAt.slice(0, PER_NODE).flat().some((t) => t < sentAt)).toBe(true);
    expect(onBAfterMove).toBeGreaterThan(0);
    // A's clients were told, each with its own delay inside the window.
    const delays = onA.flatMap((a) => a.drainFacts);
    expect(delays.length).toBeGreaterThanOrEqual(onA.length);
    for (const d of delays) expect(d).toBeLessThanOrEqual(WINDOW_MS);
    expect(new Set(delays).size).toBeGreaterThan(1);
    // Every attempt of one vote carried the same command id.
    let resent = 0;
    for (const a of people)
      for (const poll of polls) {
        const ids = a.outgoing.filter((o) => o.pollId === poll.id).map((o) => o.id);
        expect(new Set(ids).size, `${a.name} ${poll.id}`).toBe(1);
        if (ids.length > 1) resent++;
      }

    // Each client's own votes, from B.
    for (const [i, a] of people.entries()) {
      const snap = await send(a.socket, 'snapshot:request', {});
      if (!snap.ok) throw new Error(`${a.name}: ${JSON.stringify(snap)}`);
      for (const [p, poll] of polls.entries()) expect((snap.data as Snapshot).myVotes[poll.id], a.name).toEqual({ kind: 'single', optionId: choice(i, p) });
    }
    // Every acked vote counted exactly once: the final results, and one `voted` entry per poll each.
    for (const [p, poll] of polls.entries()) {
      const closing = mod.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 20_000) as Promise<PollResults>;
      expect((await mod.send('poll:close', { pollId: poll.id }, 20_000))?.ok).toBe(true);
      const final = await closing;
      if (final.kind !== 'single') throw new Error('single-choice results expected');
      expect(final.totals.remote).toBe(people.length);
      for (const o of final.options) expect(o.remote, `${poll.id} ${o.optionId}`).toBe(people.filter((_, i) => choice(i, p) === o.optionId).length);
    }
    const voted = await votedEntries(B, ev.event.id);
    for (const a of people) expect(voted.get(a.id), a.name).toBe(POLLS);
    console.info(`[OPS36] A exited ${Math.round(exit.at - sentAt)} ms after SIGTERM; ${onBAfterMove} votes of A's clients acked on B after the move; ${resent} of ${people.length * POLLS} votes were sent more than once (same id)`);
  });
});

describe('[OPS36] a restart of the one embedded node during a vote storm', () => {
  it('[OPS36] [OPS33] embedded (SQLite, the default window of 0): SIGTERM mid-storm, the node exits 0 after acking what was in flight, comes back on its port; every vote acked once, counted once, every client connected with its votes', async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    for (const c of others.splice(0)) c.close();
    await rally?.stop();
    rally = await startRally('embedded', { env: { DRAIN_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const url = rally.urls[0]!;
    const node = rally.nodes[0]!;
    const ev: CreateEventResponse = await createEvent(url, 'Restart SKO');
    const mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: new URL(ev.links.moderator).hash.replace(/^#key=/, '') }));
    others.push(mod);
    retryRefusedHandshakes(mod.socket);
    const polls: Poll[] = [];
    for (let p = 0; p < 6; p++) {
      const ack = await mod.send('poll:launchAdhoc', { draft: singleChoice({ allowChange: false }) }, 20_000);
      if (!ack?.ok) throw new Error(`launch: ${JSON.stringify(ack)}`);
      polls.push(ack.data);
    }
    const people = await inBatches(Array.from({ length: 16 }, (_, i) => i), 8, async (i) => attendee(url, await joinAs(url, ev, { name: `Restart voter ${i}`, mode: 'remote' }), i % 4 !== 3));
    const acks: boolean[][] = people.map(() => []);
    const storm = Promise.all(
      people.map(async (a, i) => {
        for (const [p, poll] of polls.entries()) {
          await sleep(100 + Math.random() * 200);
          const ack = await send(a.socket, 'poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: choice(i, p) } });
          acks[i]![p] = ack.ok;
        }
      }),
    );
    await sleep(400);
    const exited = new Promise<{ code: number | null; at: number }>((r) => node.process.once('exit', (code) => r({ code, at: performance.now() })));
    const sentAt = performance.now();
    node.process.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code, node.output()).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(TIMEOUT_MS);
    expect(node.output()).not.toContain('drain cut');
    await rally.restartNode(0);

    await storm;
    for (const [i, row] of acks.entries()) expect(row, people[i]!.name).toEqual(polls.map(() => true));
    for (const a of people) {
      await vi.waitFor(() => expect(a.socket.connected, a.name).toBe(true), { timeout: 20_000 });
      expect(a.drainFacts, a.name).toEqual([0]);
      for (const poll of polls) expect(new Set(a.outgoing.filter((o) => o.pollId === poll.id).map((o) => o.id)).size, a.name).toBe(1);
    }
    for (const [i, a] of people.entries()) {
      const snap = await send(a.socket, 'snapshot:request', {});
      if (!snap.ok) throw new Error(`${a.name}: ${JSON.stringify(snap)}`);
      for (const [p, poll] of polls.entries()) expect((snap.data as Snapshot).myVotes[poll.id], a.name).toEqual({ kind: 'single', optionId: choice(i, p) });
    }
    await vi.waitFor(() => expect(mod.socket.connected).toBe(true), { timeout: 20_000 });
    for (const [p, poll] of polls.entries()) {
      const closing = mod.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 20_000) as Promise<PollResults>;
      expect((await mod.send('poll:close', { pollId: poll.id }, 20_000))?.ok).toBe(true);
      const final = await closing;
      if (final.kind !== 'single') throw new Error('single-choice results expected');
      for (const o of final.options) expect(o.remote, `${poll.id} ${o.optionId}`).toBe(people.filter((_, i) => choice(i, p) === o.optionId).length);
    }
    const voted = await votedEntries(url, ev.event.id);
    for (const a of people) expect(voted.get(a.id), a.name).toBe(polls.length);
    console.info(`[OPS36] embedded: the node exited ${Math.round(exit.at - sentAt)} ms after SIGTERM`);
  });
});
