/*
 * Redis operations per command, measured (docs/OPERATIONS.md, "Sizing"). Two real Rally nodes on a
 * spawned redis-server, N attendees split across them; around each step Redis's command statistics
 * are reset (CONFIG RESETSTAT) and read (INFO commandstats), and the calls are divided by the
 * commands sent. Idle traffic (the nodes' stream reads, heartbeats) is measured alone for as long
 * as the step took and subtracted, so what is left is what the commands cost.
 *
 *   npx tsx bench/redis-ops.ts [attendees=200]
 */
import { execFileSync } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type CreateEventResponse, type JoinResponse } from '@rally/shared';
import { startCluster, postJson } from '../server/test/helpers/cluster.js';

const N = Number(process.argv[2] ?? 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const cmdId = () => `redis-ops-${Date.now().toString(36)}-${(seq++).toString(36)}`;

// A busy machine must not turn a slow answer into UNAVAILABLE: the deadline is not what is measured.
const cluster = await startCluster({ nodes: 2, env: { COMMAND_DEADLINE_MS: '30000' } });
const port = cluster.redis.port;
const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });

/** Redis's own time in commands (µs), summed by the last stats() call. */
let usec = 0;
function stats(): Map<string, number> {
  const out = new Map<string, number>();
  usec = 0;
  for (const line of cli('INFO', 'commandstats').split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m && !IGNORE.has(m[1]!)) {
      out.set(m[1]!, Number(m[2]));
      usec += Number(m[3]);
    }
  }
  return out;
}
const IGNORE = new Set(['config', 'info', 'config|resetstat']);
const total = (s: Map<string, number>) => [...s.values()].reduce((a, b) => a + b, 0);


/** Calls per command during `run`, minus the idle rate over the same time. */
async function measure(label: string, count: number, run: () => Promise<void>, idlePerMs: number): Promise<void> {
  cli('CONFIG', 'RESETSTAT');
  const t0 = Date.now();
  await run();
  const ms = Date.now() - t0;
  const s = stats();
  const net = total(s) - idlePerMs * ms;
  const top = [...s.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => `${k} ${(v / count).toFixed(1)}`)
    .join(', ');
  console.log(`| ${label} | ${count} | ${(total(s) / count).toFixed(1)} | ${(net / count).toFixed(1)} | ${(usec / count).toFixed(0)} | ${top} |`);
}

function connect(url: string, token: string): Promise<Socket> {
  const s = io(url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('snapshot', () => resolve(s));
    s.once('connect_error', reject);
  });
}
const send = (s: Socket, name: string, payload: Record<string, unknown>) =>
  s.timeout(20_000).emitWithAck(name, { id: cmdId(), ...payload }).then((a: { ok: boolean; error?: { message: string } }) => {
    if (!a.ok) throw new Error(`${name}: ${a.error?.message}`);
    return (a as unknown as { data: any }).data;
  });

try {
  const [a, b] = cluster.urls as [string, string];
  const ev = await postJson<CreateEventResponse>(a, '/api/events', { name: 'Redis ops', teams: ['EMEA', 'NA'] }, true);
  const key = new URL(ev.links.moderator).hash.replace(/^#key=/, '');
  const mod = await postJson<JoinResponse>(a, '/api/join', { code: ev.code, name: 'Mo', key });
  const m = await connect(a, mod.token);
  await sleep(1500);

  // Idle: two nodes, one moderator, nothing happening.
  cli('CONFIG', 'RESETSTAT');
  const idleMs = 5000;
  await sleep(idleMs);
  const idle = stats();
  const idlePerMs = total(idle) / idleMs;
  console.log(`idle: ${(idlePerMs * 1000).toFixed(1)} calls/s (${[...idle.entries()].map(([k, v]) => `${k} ${(v / (idleMs / 1000)).toFixed(1)}/s`).join(', ')})\n`);
  console.log('| step | commands | Redis calls per command | net of idle | Redis µs per command | busiest (calls per command) |');
  console.log('|---|--:|--:|--:|--:|---|');

  const joins: JoinResponse[] = [];
  await measure('POST /api/join', N, async () => {
    for (let i = 0; i < N; i += 20) joins.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, (_, j) => postJson<JoinResponse>(i + j < N / 2 ? a : b, '/api/join', { code: ev.code, name: `A${i + j}` })))));
  }, idlePerMs);

  let sockets: Socket[] = [];
  await measure('connect (handshake → snapshot)', N, async () => {
    for (let i = 0; i < N; i += 20) sockets.push(...(await Promise.all(joins.slice(i, i + 20).map((j, k) => connect(i + k < N / 2 ? a : b, j.token)))));
    await sleep(1000); // presence batches
  }, idlePerMs);

  const poll = await send(m, 'poll:create', { sessionId: null, draft: { kind: 'single', question: 'Which?', options: ['EMEA', 'NA'], settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null } } });
  await measure('poll:launch (one, N watching)', 1, async () => {
    await send(m, 'poll:launch', { pollId: poll.id });
    await sleep(1000);
  }, idlePerMs);
  await measure('poll:vote (results ticks included)', N, async () => {
    await Promise.all(sockets.map((s, i) => send(s, 'poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: poll.options[i % 2].id } })));
    await sleep(1500);
  }, idlePerMs);

  const questions: { id: string }[] = [];
  await measure('question:submit', N, async () => {
    questions.push(...(await Promise.all(sockets.map((s, i) => send(s, 'question:submit', { text: `Question ${i}?`, anonymous: false })))));
    await sleep(500);
  }, idlePerMs);
  await send(m, 'question:approve', { questionId: questions[0]!.id });
  await sleep(500);
  await measure('question:upvote (vote ticks included)', N - 1, async () => {
    await Promise.all(sockets.slice(1).map((s) => send(s, 'question:upvote', { questionId: questions[0]!.id, up: true })));
    await sleep(1500);
  }, idlePerMs);
  await measure('reaction:send (bursts included)', N, async () => {
    await Promise.all(sockets.map((s) => send(s, 'reaction:send', { emoji: '👏' })));
    await sleep(1000);
  }, idlePerMs);
  await measure('snapshot:request', N, async () => {
    for (let i = 0; i < N; i += 20) await Promise.all(sockets.slice(i, i + 20).map((s) => send(s, 'snapshot:request', {})));
  }, idlePerMs);

  await measure('idle, N connected, 10 s (per attendee)', N, async () => {
    await sleep(10_000);
  }, 0);

  for (const s of sockets) s.close();
  m.close();
  sockets = [];
  console.log(`\n${N} attendees over 2 nodes; redis-server ${cli('INFO', 'server').match(/redis_version:(\S+)/)?.[1]}`);
} finally {
  await cluster.stop();
}
