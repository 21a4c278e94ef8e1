import { afterEach, describe, expect, it } from 'vitest';
import { ENGAGEMENT_KINDS, type Poll, type PollResults } from '@rally/shared';
import { attendeeFigures, createEvent, faultClient, inBatches, joinAs, singleChoice, startRally, votedEntries, type FaultClient, type MaybeAck, type Rally } from '../helpers/fault-kit.js';
import { cmdId, keyOf } from '../helpers/test-server.js';

const VOTERS = 100;
const VOTE_POINTS = ENGAGEMENT_KINDS.voted.defaultWeight;
const choice = (i: number) => `o${(i % 3) + 1}`;

let rally: Rally | undefined;
const clients: FaultClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await rally?.stop();
  rally = undefined;
});

/**
 * Two storm shapes: votes spread over 1.5 s, and [PERF4] a dense burst (0.3 s) where each turn's
 * batch holds many votes (one group commit in SQLite, one script call in Redis), so the process dies
 * between batches and inside one.
 */
const SHAPES = [
  { shape: 'spread', spreadMs: 1500, rules: '[REL20] [REL21] [REL22]' },
  { shape: 'burst', spreadMs: 300, rules: '[REL22] [PERF4]' },
] as const;

describe.each(['embedded', 'cluster'] as const)('%s mode: kill -9 during a vote storm', (mode) => {
  for (const { shape, spreadMs, rules } of SHAPES) {
    it(`${rules} ${mode}, ${shape} storm: every acked vote survives the crash with its engagement entry and points, the tally counts exactly the stored votes, retries with the same command ids apply nothing twice, every client resyncs`, async () => {
      rally = await startRally(mode);
      const url = rally.urls[0]!;
      const ev = await createEvent(url, `Crash SKO (${mode})`);
      const mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: keyOf(ev.links.moderator) }));
      clients.push(mod);
      const voters = await inBatches(
        Array.from({ length: VOTERS }, (_, i) => i),
        20,
        async (i) => faultClient(url, await joinAs(url, ev, { name: `Voter ${i}`, team: i % 2 ? 'EMEA' : 'APAC', mode: 'remote' })),
      );
      clients.push(...voters);
      // A named poll: an anonymous poll's entries are held by the node until it closes ([SEC22]) and
      // are not covered by [REL22].
      const launched = await mod.send('poll:launchAdhoc', { draft: singleChoice({ allowChange: false, anonymous: false }) });
      if (!launched?.ok) throw new Error(`launch: ${JSON.stringify(launched)}`);
      const poll: Poll = launched.data;

      // The storm: each voter votes once, spread over ~1.5 s; the process dies (SIGKILL, nothing
      // flushed, no shutdown hook) once a third of the votes have been acknowledged. In cluster mode
      // redis-server dies with it: only its append-only file is left.
      const ids = voters.map(() => cmdId());
      const vote = (i: number) => ({ id: ids[i]!, pollId: poll.id, vote: { kind: 'single' as const, optionId: choice(i) } });
      let okCount = 0;
      let killed = false;
      /** Every vote answered ok, even one whose ok was in flight as the process died: each must survive. */
      const acked = new Set<number>();
      const crash = () => {
        killed = true;
        rally!.nodes[0]!.process.kill('SIGKILL');
        void rally!.redis?.kill('SIGKILL');
      };
      const first: MaybeAck<unknown>[] = await Promise.all(
        voters.map(async (v, i) => {
          await new Promise((r) => setTimeout(r, Math.random() * spreadMs));
          const ack = await v.send('poll:vote', vote(i), 4000);
          if (ack?.ok) {
            acked.add(i);
            if (++okCount === Math.ceil(VOTERS / 3)) crash();
          }
          return ack;
        }),
      );
      expect(killed).toBe(true);
      expect(first.filter((a) => a?.ok).length).toBe(acked.size);
      expect(acked.size).toBeLessThan(VOTERS);

      const marks = clients.map((c) => c.snapshots.length);
      await rally.nodes[0]!.kill('SIGKILL');
      if (rally.redis) {
        await rally.redis.kill('SIGKILL');
        await rally.redis.restart();
      }
      await rally.restartNode(0);

      // Every client comes back by itself: a fresh snapshot with the live poll and, for every vote
      // acknowledged before the crash, that vote as its own.
      const back = await Promise.all(clients.map((c, k) => c.snapshotAfter(marks[k], 60_000)));
      voters.forEach((v, i) => {
        const snap = back[i + 1]!;
        expect(snap.me.id).toBe(v.id);
        expect(snap.polls.find((p) => p.poll.id === poll.id)?.poll.state).toBe('live');
        if (acked.has(i)) expect(snap.myVotes[poll.id], `acked vote of ${v.name}`).toEqual({ kind: 'single', optionId: choice(i) });
      });
      // The tally after the restart is exactly the votes stored (each acked one among them): no
      // batch was half applied, none counted without its record.
      const stored = voters.filter((_, i) => back[i + 1]!.myVotes[poll.id]);
      const tally = back[0]!.polls.find((p) => p.poll.id === poll.id)?.results;
      expect(tally?.totals).toEqual({ room: 0, remote: stored.length });
      expect(stored.length).toBeGreaterThanOrEqual(acked.size);

      // Clients retry what they have no ok for, and (to prove replay is harmless) what they have one
      // for too, with the same command ids: every one is ok, and counted once.
      const retries = await Promise.all(voters.map((v, i) => v.send('poll:vote', vote(i), 10_000)));
      retries.forEach((a, i) => expect(a?.ok, `retry of ${voters[i]!.name}: ${JSON.stringify(a)}`).toBe(true));

      const closing = mod.waitFact('poll:resultsUpdated', (r: PollResults) => r.pollId === poll.id && r.state === 'closed', 15_000) as Promise<PollResults>;
      expect((await mod.send('poll:close', { pollId: poll.id }))?.ok).toBe(true);
      const final = await closing;
      expect(final.totals).toEqual({ room: 0, remote: VOTERS });
      if (final.kind !== 'single') throw new Error('single-choice results expected');
      for (const o of final.options) expect(o.remote, o.optionId).toBe(voters.filter((_, i) => choice(i) === o.optionId).length);

      // Nothing is applied twice: at most one `voted` entry and one vote's points each, whatever the
      // retries; and [REL22] a vote acked before the crash has exactly one, with its points. A vote
      // applied but not acked may have lost its entry (its retry is answered from the command record).
      // Read once the log has stopped growing.
      let voted = await votedEntries(url, ev.event.id);
      for (let settled = false; !settled; ) {
        await new Promise((r) => setTimeout(r, 1500));
        const again = await votedEntries(url, ev.event.id);
        settled = [...again.values()].reduce((a, b) => a + b, 0) === [...voted.values()].reduce((a, b) => a + b, 0);
        voted = again;
      }
      const figures = await attendeeFigures(url, ev.event.id);
      const unackedLost: string[] = [];
      voters.forEach((v, i) => {
        const n = voted.get(v.id) ?? 0;
        expect(n, v.name).toBeLessThanOrEqual(1);
        expect(figures.get(v.id), v.name).toEqual({ votes: n, questions: 0, score: n * VOTE_POINTS });
        if (acked.has(i)) expect(n, `voted entry of ${v.name}, acked before the crash`).toBe(1);
        else if (n === 0) unackedLost.push(v.name);
      });
      if (unackedLost.length) console.warn(`${mode}: ${unackedLost.length} votes applied but never acked before the crash kept no engagement entry`);
    }, 120_000);
  }
});

/**
 * [PERF12] The same crash in a dense storm of quiz answers: an answer is its own idempotency record
 * ([PERF6]) written in the turn's batch ([PERF8]), so what was acknowledged survives, and a retry
 * with the same command id is answered from the record, never counted twice.
 */
describe.each(['embedded', 'cluster'] as const)('%s mode: kill -9 during a quiz answer storm', (mode) => {
  it(`[PERF12] ${mode}: every acked answer survives the crash, retries with the same command ids count nothing twice, and the question's count is exactly one per player`, async () => {
    rally = await startRally(mode);
    const url = rally.urls[0]!;
    const ev = await createEvent(url, `Crash quiz (${mode})`);
    const mod = await faultClient(url, await joinAs(url, ev, { name: 'Moderator', key: keyOf(ev.links.moderator) }));
    clients.push(mod);
    const players = await inBatches(
      Array.from({ length: VOTERS }, (_, i) => i),
      20,
      async (i) => faultClient(url, await joinAs(url, ev, { name: `Player ${i}`, team: i % 2 ? 'EMEA' : 'APAC', mode: 'remote' })),
    );
    clients.push(...players);
    const created = await mod.send('quiz:create', { sessionId: null, draft: { title: 'Crash quiz', settings: {}, questions: [{ kind: 'truefalse', text: 'Ship it?', timeLimitSec: 240, correct: true }] } } as never);
    if (!created?.ok) throw new Error(`create: ${JSON.stringify(created)}`);
    const quiz = created.data as { id: string; questions: { id: string }[] };
    const opened = await mod.send('quiz:open', { quizId: quiz.id });
    if (!opened?.ok) throw new Error(`open: ${JSON.stringify(opened)}`);
    const runId = opened.data.runId;
    const answering = mod.waitFact('quiz:presenterPhaseChanged', (p: { runId: string; phase: { phase: string } }) => p.runId === runId && p.phase.phase === 'answering', 15_000);
    expect((await mod.send('quiz:control', { runId, action: 'start' }))?.ok).toBe(true);
    await answering;

    const questionId = quiz.questions[0]!.id;
    const ids = players.map(() => cmdId());
    const value = (i: number) => i % 2 === 0;
    const answer = (i: number) => ({ id: ids[i]!, runId, questionId, answer: { kind: 'truefalse' as const, value: value(i) }, displayedForMs: 900 });
    let okCount = 0;
    let killed = false;
    const acked = new Set<number>();
    const crash = () => {
      killed = true;
      rally!.nodes[0]!.process.kill('SIGKILL');
      void rally!.redis?.kill('SIGKILL');
    };
    const first = await Promise.all(
      players.map(async (p, i) => {
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        const ack = await p.send('quiz:answer', answer(i), 4000);
        if (ack?.ok) {
          acked.add(i);
          if (++okCount === Math.ceil(VOTERS / 3)) crash();
        }
        return ack;
      }),
    );
    expect(killed).toBe(true);
    expect(first.filter((a) => a?.ok).length).toBe(acked.size);
    expect(acked.size).toBeLessThan(VOTERS);

    const marks = clients.map((c) => c.snapshots.length);
    await rally.nodes[0]!.kill('SIGKILL');
    if (rally.redis) {
      await rally.redis.kill('SIGKILL');
      await rally.redis.restart();
    }
    await rally.restartNode(0);

    // Every acked answer is in its player's snapshot after the restart, as given.
    const back = await Promise.all(clients.map((c, k) => c.snapshotAfter(marks[k], 60_000)));
    players.forEach((p, i) => {
      const mine = back[i + 1]!.quiz?.me?.answers[questionId];
      if (acked.has(i)) expect(mine, `acked answer of ${p.name}`).toEqual({ kind: 'truefalse', value: value(i) });
    });
    const stored = players.filter((_, i) => back[i + 1]!.quiz?.me?.answers[questionId]).length;
    expect(stored).toBeGreaterThanOrEqual(acked.size);

    // Every player retries with the same id (acked or not): each is ok, and once all have answered
    // the question locks by itself ([QUIZ24]) with exactly one answer per player.
    const locked = mod.waitFact('quiz:presenterPhaseChanged', (p: { runId: string; phase: { phase: string } }) => p.runId === runId && p.phase.phase === 'locked', 30_000) as Promise<{ phase: { answered: number; present: number } }>;
    const retries = await Promise.all(players.map((p, i) => p.send('quiz:answer', answer(i), 10_000)));
    retries.forEach((a, i) => expect(a?.ok, `retry of ${players[i]!.name}: ${JSON.stringify(a)}`).toBe(true));
    const lockedPhase = await locked;
    expect(lockedPhase.phase.answered).toBe(VOTERS);
    // And again, after the lock: answered from the record, nothing moves.
    const late = await Promise.all(players.map((p, i) => p.send('quiz:answer', answer(i), 10_000)));
    late.forEach((a, i) => expect(a?.ok, `late retry of ${players[i]!.name}: ${JSON.stringify(a)}`).toBe(true));
    const snap = await mod.send('snapshot:request', {});
    expect((snap?.ok && (snap.data.quiz?.presenterPhase?.phase as { answered?: number } | undefined)?.answered) ?? null).toBe(VOTERS);
  }, 120_000);
});
