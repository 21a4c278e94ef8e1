/**
 * [BRK64] The cost of self-select choices without sockets: N attendees of one event, all online, each
 * choosing a room of an open self-select round (`chooseRoom`, the domain call `breakout:choose`
 * runs), 100 at a time as a busy node takes commands off its sockets, through a real SQLite file or a
 * real redis-server. Reports wall time, this process's CPU per choice and (Redis) the server's CPU per
 * choice. Rooms: one per 20 attendees, capacity 20 (B7's shape: 10,000 into 500 rooms).
 *
 *   npx tsx bench/choose-room.ts [--people 2000,5000] [--mode embedded|cluster|both]
 *
 * It uses only domain calls that exist before and after [BRK64], so it measures either tree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { Participant, RoundDraft } from '@rally/shared';
import { createEvent } from '../server/src/domain/events.js';
import { createRound, openRound } from '../server/src/domain/breakout/rounds.js';
import { chooseRoom } from '../server/src/domain/breakout/placement.js';
import { createSqliteStore } from '../server/src/store/sqlite-store.js';
import { createRedisStore } from '../server/src/store/redis-store.js';
import type { Store } from '../server/src/store/store.js';
import { startRedisServer } from '../server/test/helpers/redis-server.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const SIZES = arg('people', '2000,5000').split(',').map(Number);
const MODE = arg('mode', 'both');
const PER_TURN = 100;

const noop = () => {};
let occupancyFacts = 0;
const publish = new Proxy({}, { get: (_t, name) => (name === "toRoles" ? (_e: unknown, _r: unknown, fact: string) => void (fact === "breakout:occupancyChanged" && occupancyFacts++) : noop) }) as never;

async function once(store: Store, n: number, tag: string, server?: () => Promise<number>) {
  const clock = { now: () => Date.now() };
  const deps = { store, clock, publish } as never;
  const event = await createEvent({ store, clock }, { name: `Choose ${tag}`, teams: ['EMEA', 'NA'], agenda: [], settings: {} } as never);
  const people = Array.from({ length: n }, (_, i) =>
    Participant.parse({ id: `cr_${tag}_${i}`, eventId: event.id, name: `Chooser ${i}`, role: 'attendee', mode: 'remote', team: 'EMEA', banned: false, joinedAt: new Date().toISOString() }),
  );
  for (const p of people) {
    await store.createParticipant(p);
    await store.presenceAdd(event.id, p.id, `s_${p.id}`, 'bench');
  }
  const rooms = Array.from({ length: Math.ceil(n / 20) }, (_, i) => ({ id: `room${i}`, name: `Room ${i}`, capacity: 20 }));
  const round = await createRound(deps, event.id, null, RoundDraft.parse({ title: 'Pick one', durationSec: 3600, audience: 'everyone', strategy: { kind: 'selfSelect' }, rooms }));
  await openRound(deps, event.id, round.id);
  const serverBefore = (await server?.()) ?? 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i += PER_TURN) {
    await Promise.all(people.slice(i, i + PER_TURN).map((p, j) => chooseRoom(deps, event.id, p.id, round.id, rooms[(i + j) % rooms.length]!.id)));
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const placed = (await store.listAssignments(round.id)).size;
  if (placed !== n) throw new Error(`${placed} of ${n} placed`);
  const serverUs = server ? ((await server()) - serverBefore) * 1e6 : 0;
  console.log(`  occupancy facts: ${occupancyFacts}`);
  occupancyFacts = 0;
  return { wallMs, cpuUsPer: (used.user + used.system) / n, serverUsPer: serverUs / n };
}

const fmt = (r: { wallMs: number; cpuUsPer: number; serverUsPer: number }) =>
  `wall ${(r.wallMs / 1000).toFixed(2)} s, node CPU ${Math.round(r.cpuUsPer)} µs/choice${r.serverUsPer ? `, redis-server CPU ${Math.round(r.serverUsPer)} µs/choice` : ''}`;

if (MODE === 'embedded' || MODE === 'both') {
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'choose-room-'));
    const store = createSqliteStore(join(dir, 'rally.db'));
    console.log(`embedded N=${n}: ${fmt(await once(store, n, `e${n}`))}`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (MODE === 'cluster' || MODE === 'both') {
  const redis = await startRedisServer();
  const info = createClient({ url: redis.url });
  await info.connect();
  const serverCpu = async () => {
    const text = String(await info.info('cpu'));
    const get = (k: string) => Number(text.match(new RegExp(`${k}:([0-9.]+)`))?.[1] ?? 0);
    return get('used_cpu_user') + get('used_cpu_sys');
  };
  for (const n of SIZES) {
    const store = await createRedisStore(redis.url, { keyPrefix: `cr${n}:` });
    console.log(`redis N=${n}: ${fmt(await once(store, n, `r${n}`, serverCpu))}`);
    await store.close();
  }
  await info.quit();
  await redis.stop();
}
