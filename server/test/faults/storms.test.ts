import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateEventResponse, Poll, PollResults } from '@rally/shared';
import { FAULTS_MODE, createEvent, faultClient, inBatches, joinAs, singleChoice, startRally, type FaultClient, type Rally } from '../helpers/fault-kit.js';
import { keyOf } from '../helpers/test-server.js';
import { clusterRoomCode } from '../helpers/cluster.js';

/**
 * A hall of 2,000 in one test process (many sockets, one process, as the brief for a 2-core
 * machine allows): a restart makes all of them reconnect at once, then a poll whose results were
 * hidden until close is revealed to all of them at once.
 */
const HALL = 2000;
const choice = (i: number) => `o${(i % 3) + 1}`;

let rally: Rally;
let url: string;
let ev: CreateEventResponse;
let mod: FaultClient;
let hall: FaultClient[] = [];
let poll: Poll;

beforeAll(async () => {
  rally = await startRally(FAULTS_MODE);
  url = rally.urls[0]!;
  ev = await createEvent(url, 'Storm SKO');
  mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: keyOf(ev.links.moderator) }));
  const a = await mod.send('poll:launchAdhoc', { draft: singleChoice({ resultsVisibility: 'after-close', allowChange: false }) });
  if (!a?.ok) throw new Error(JSON.stringify(a));
  poll = a.data;
  // Socket.IO's own backoff, as the browser client uses it: 1 s doubling to 5 s, each ±50 % (jitter).
  hall = await inBatches(Array.from({ length: HALL }, (_, i) => i), 50, async (i) =>
    faultClient(url, await joinAs(url, ev, { name: `Attendee ${i}`, team: i % 2 ? 'EMEA' : 'APAC', ...(i % 2 ? { mode: 'room', roomCode: clusterRoomCode(ev.event.id) } : { mode: 'remote' }) }), {
      delay: 1000,
      delayMax: 5000,
      randomization: 0.5,
    }),
  );
  const acks = await inBatches(hall, 200, (c, i) => c.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: choice(i) } }, 20_000));
  const inRoom = hall.filter((c) => c.snapshots[0]!.me.mode === 'room').length;
  if (inRoom !== HALL / 2) throw new Error(`${inRoom} attendees joined in the room, ${HALL / 2} expected`);
  const refused = acks.filter((x) => !x?.ok);
  if (refused.length) throw new Error(`${refused.length} votes not acked: ${JSON.stringify(refused[0])}`);
}, 180_000);

afterAll(async () => {
  for (const c of [mod, ...hall]) c?.close();
  await rally?.stop();
});

describe(`storms (${FAULTS_MODE} mode)`, () => {
  it(`[REL27] a restart with ${HALL} attendees connected: all reconnect with jittered backoff, each to the live poll and its own vote, results still hidden`, async () => {
    const marks = hall.map((c) => c.snapshots.length);
    const modMark = mod.snapshots.length;
    await rally.stopNode(0, 'SIGTERM');
    const down = Date.now();
    await rally.restartNode(0);
    const snaps = await Promise.all(hall.map((c, i) => c.snapshotAfter(marks[i], 90_000)));
    const seconds = (Date.now() - down) / 1000;
    await mod.snapshotAfter(modMark, 30_000);
    snaps.forEach((s, i) => {
      const who = hall[i]!;
      expect(s.me.id).toBe(who.id);
      const view = s.polls.find((p) => p.poll.id === poll.id);
      expect(view?.poll.state, who.name).toBe('live');
      // [POLL22] after-close: the audience still sees no results.
      expect(view?.results, who.name).toBeNull();
      expect(s.myVotes[poll.id], who.name).toEqual({ kind: 'single', optionId: choice(i) });
    });
    console.info(`[REL27] ${HALL} attendees back ${seconds.toFixed(1)} s after the stop (restart included)`);
  }, 150_000);

  it(`[REL28] the reveal storm: results hidden until close reach all ${HALL} at once at close, exact, and never before`, async () => {
    const seenBefore = hall.filter((c) => c.received.some((r) => r.fact === 'poll:resultsUpdated' && (r.payload as PollResults).pollId === poll.id));
    expect(seenBefore.map((c) => c.name)).toEqual([]);
    const started = Date.now();
    const finals = hall.map((c) => c.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 60_000) as Promise<PollResults>);
    expect((await mod.send('poll:close', { pollId: poll.id }, 20_000))?.ok).toBe(true);
    const got = await Promise.all(finals);
    const seconds = (Date.now() - started) / 1000;
    const expected = (o: string, mode: 'room' | 'remote') => hall.filter((_, i) => choice(i) === o && (i % 2 ? 'room' : 'remote') === mode).length;
    for (const r of got) {
      expect(r.totals).toEqual({ room: HALL / 2, remote: HALL / 2 });
      if (r.kind !== 'single') throw new Error('single-choice results expected');
      for (const o of r.options) expect([o.room, o.remote]).toEqual([expected(o.optionId, 'room'), expected(o.optionId, 'remote')]);
    }
    console.info(`[REL28] final results at all ${HALL} attendees ${seconds.toFixed(1)} s after the close`);
  }, 90_000);
});
