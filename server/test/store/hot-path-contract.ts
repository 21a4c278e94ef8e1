import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, Participant, Poll, RallyError, type BreakoutRound, type Mode, type VoteInput } from '@rally/shared';
import type { QuizAnswerRecord, RecordAnswerInput } from '../../src/store/quiz-play-store.js';
import { VOTE_COMMAND_IDS, type CastVoteInput, type EventRecord, type Store } from '../../src/store/store.js';

// The rules cited as [PERFn] are listed in docs/SPEC.md (Performance section).

/**
 * Two nodes on the same data: two store instances (two Redis clients, or two connections to one
 * SQLite file), each with its own per-node cache. `durable` is awaited after a write on one node
 * before the other writes: in SQLite the first node's batch holds the file's write lock until then.
 */
export type TwoNodes = { a: Store; b: Store; cleanup: () => Promise<void> };

let seq = 0;

function fixtures(tag: string) {
  const n = ++seq;
  const eventId = `ev_hot_${tag}_${n}`;
  const event: EventRecord = {
    id: eventId,
    code: `H${tag.slice(0, 1).toUpperCase()}${String(n).padStart(4, '0')}`.slice(0, 6),
    name: 'Hot path SKO',
    teams: ['North', 'South'],
    agenda: [],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: '2026-01-01T00:00:00.000Z',
    keys: { presenter: 'p', moderator: 'm', stage: 's' },
    keyGeneration: 0,
  };
  const participant = (i: number, overrides: Partial<Participant> = {}) =>
    Participant.parse({ id: `pt_hot_${n}_${i}`, eventId, name: `Voter ${i}`, role: 'attendee', mode: 'room', team: 'North', banned: false, joinedAt: '2026-01-20T09:00:00.000Z', ...overrides });
  const poll = Poll.parse({
    id: `poll_hot_${n}`,
    eventId,
    sessionId: null,
    order: 0,
    kind: 'single',
    question: 'Ship it?',
    options: [
      { id: 'o1', label: 'Yes' },
      { id: 'o2', label: 'No' },
    ],
    settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null },
    state: 'draft',
    createdAt: '2026-01-20T09:00:00.000Z',
    openedAt: null,
    closesAt: null,
    closedAt: null,
    revealed: false,
    presentAtClose: null,
  });
  return { event, participant, poll };
}

/** A vote as the domain builds it, decided on `p` as the caller saw it. */
function vote(pollId: string, p: Pick<Participant, 'id' | 'mode' | 'team'>, optionId: string, commandId?: string): CastVoteInput {
  const v: VoteInput = { kind: 'single', optionId };
  const cohort: Mode = p.mode;
  return {
    pollId,
    participantId: p.id,
    cohort,
    vote: v,
    counters: [`opt:${optionId}:${cohort}`, `voters:${cohort}`],
    fingerprint: JSON.stringify(v),
    at: '2026-01-20T09:30:00.000Z',
    answerId: null,
    allowChange: true,
    answer: null,
    ...(commandId ? { commandId } : {}),
    voter: { team: p.team ?? null },
  };
}

/** A quiz answer as the domain builds it, decided on `p` as the caller saw it. */
function quizAnswer(p: Pick<Participant, 'mode' | 'team'>, points: number, commandId?: string, choice = 0): RecordAnswerInput {
  const answer: QuizAnswerRecord = { value: { kind: 'choice', picks: [choice] }, points, correct: points > 0, bonus: 0, responseMs: 1200, at: '2026-01-20T09:30:00.000Z', team: p.team ?? null, mode: p.mode };
  return { streakAfter: points > 0 ? 1 : 0, answer, ...(commandId ? { commandId } : {}), player: { mode: p.mode, team: p.team ?? null } };
}

export function hotPathContract(kind: 'sqlite' | 'redis', make: () => Promise<TwoNodes>): void {
  describe(`${kind} store, two nodes: the hot path's cache and idempotency`, () => {
    let nodes: TwoNodes;
    let a: Store;
    let b: Store;
    beforeEach(async () => {
      nodes = await make();
      ({ a, b } = nodes);
    });
    afterEach(async () => {
      await nodes.cleanup();
    });

    /** An event with a live poll and one voter, created on node A, with node B's cache warm. */
    const scene = async (tag: string) => {
      const f = fixtures(tag);
      await a.createEvent(f.event);
      const me = f.participant(1);
      await a.createParticipant(me);
      await a.createPoll(f.poll);
      const live = (await a.transitionPoll(f.poll.id, 'draft', 'live', { openedAt: '2026-01-20T09:10:00.000Z' }))!;
      await a.durable();
      expect(await b.hotParticipant(me.id)).toEqual(me);
      expect((await b.hotPoll(live.id))?.state).toBe('live');
      return { ...f, me, live };
    };

    it('[PERF25] an event changed on one node, by any of its writers, is what the next getEvent returns on either node; deleted, it is gone on both', async () => {
      const { event } = fixtures('event');
      await a.createEvent({ ...event, agenda: [{ id: 'keynote', title: 'Keynote', kind: 'keynote', startsAt: '2026-01-20T09:00:00.000Z', endsAt: '2026-01-20T10:00:00.000Z', speakers: [] }] });
      await a.durable();
      // Both warm: each node has read the event once.
      expect((await a.getEvent(event.id))?.liveSessionId).toBeNull();
      expect((await b.getEvent(event.id))?.liveSessionId).toBeNull();
      // The stage's writer, on B: both see the live session.
      await b.setLive(event.id, 'keynote', '2026-01-20T09:01:00.000Z');
      await b.durable();
      expect((await b.getEvent(event.id))?.liveSessionId).toBe('keynote');
      expect((await a.getEvent(event.id))?.liveSessionId).toBe('keynote');
      // The event's own writer, on A: both see the mark.
      await a.markEvent(event.id, 'archivedAt', '2026-01-21T00:00:00.000Z');
      await a.durable();
      expect((await a.getEvent(event.id))?.archivedAt).toBe('2026-01-21T00:00:00.000Z');
      expect((await b.getEvent(event.id))?.archivedAt).toBe('2026-01-21T00:00:00.000Z');
      expect((await b.getEvent(event.id))?.liveSessionId).toBe('keynote');
      // Deleted on B: gone on both.
      expect(await b.deleteEvent(event.id)).toBeTruthy();
      await b.durable();
      expect(await b.getEvent(event.id)).toBeNull();
      expect(await a.getEvent(event.id)).toBeNull();
    });

    it('[PERF25] [BSTORE7] no running round, as both nodes last read it, then a round opened on one node: the next runningRound on either finds it; closed, neither does', async () => {
      const { event } = fixtures('round');
      await a.createEvent(event);
      await a.durable();
      expect(await a.runningRound(event.id)).toBeNull();
      expect(await b.runningRound(event.id)).toBeNull();
      const draft: BreakoutRound = {
        id: `rnd_${event.id}`, eventId: event.id, sessionId: null, title: 'Deal clinic', durationSec: 600, audience: 'remote', strategy: { kind: 'random' }, format: { kind: 'open' },
        rooms: [{ id: 'a', name: 'Alpha', topic: '', capacity: 3, facilitatorId: null }], status: 'draft', openedAt: null, endsAt: null, closesAt: null, closedAt: null, broadcasts: [], version: 0,
      };
      await b.createRound(draft);
      await b.durable();
      expect(await a.runningRound(event.id)).toBeNull();
      const open: BreakoutRound = { ...draft, status: 'open', openedAt: '2027-01-20T10:00:00.000Z', endsAt: '2027-01-20T10:10:00.000Z', version: 1 };
      expect(await b.replaceRound(open)).toBe(true);
      await b.durable();
      expect(await b.runningRound(event.id)).toEqual(open);
      expect(await a.runningRound(event.id)).toEqual(open);
      const closed: BreakoutRound = { ...open, status: 'closed', closedAt: '2027-01-20T10:05:00.000Z', version: 2 };
      expect(await a.replaceRound(closed)).toBe(true);
      await a.durable();
      expect(await a.runningRound(event.id)).toBeNull();
      expect(await b.runningRound(event.id)).toBeNull();
    });

    it('[PERF1] a ban made on one node is seen by the next vote on the other: stale, nothing counted, and a fresh read shows the ban', async () => {
      const { me, live } = await scene('ban');
      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.castVote(vote(live.id, me, 'o1', 'c1'))).toEqual({ status: 'stale' });
      expect((await b.getTally(live.id))?.counters).toEqual({});
      expect((await b.hotParticipant(me.id))?.banned).toBe(true);
    });

    it('[PERF1] a mode or team change made on one node is seen by the next vote on the other; decided again on the fresh record, it counts in the new cohort', async () => {
      const { me, live } = await scene('mode');
      await a.updateParticipant(me.id, { mode: 'remote' });
      await a.durable();
      expect(await b.castVote(vote(live.id, me, 'o1', 'c1'))).toEqual({ status: 'stale' });
      const fresh = (await b.hotParticipant(me.id))!;
      expect(fresh.mode).toBe('remote');
      expect((await b.castVote(vote(live.id, fresh, 'o1', 'c1'))).status).toBe('recorded');
      await b.durable();
      expect((await a.getTally(live.id))?.counters).toEqual({ 'opt:o1:remote': 1, 'voters:remote': 1 });

      await a.updateParticipant(me.id, { team: 'South' });
      await a.durable();
      expect(await b.castVote(vote(live.id, fresh, 'o2', 'c2'))).toEqual({ status: 'stale' });
      expect((await b.hotParticipant(me.id))?.team).toBe('South');
    });

    it('[PERF1] a poll closed on one node refuses the next vote on the other (INVALID_STATE), and its cached live copy is gone', async () => {
      const { me, live } = await scene('close');
      await a.transitionPoll(live.id, 'live', 'closed', { closedAt: '2026-01-20T09:20:00.000Z' });
      await a.durable();
      const err = await b.castVote(vote(live.id, me, 'o1', 'c1')).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as RallyError).code).toBe(ErrorCode.INVALID_STATE);
      expect((await b.hotPoll(live.id))?.state).toBe('closed');
      expect((await b.getTally(live.id))?.counters).toEqual({});
    });

    it('[PERF1] cached values are frozen, and only live polls are kept', async () => {
      const f = fixtures('frozen');
      await a.createEvent(f.event);
      const me = f.participant(1);
      await a.createParticipant(me);
      await a.createPoll(f.poll);
      await a.durable();
      expect(Object.isFrozen(await b.hotParticipant(me.id))).toBe(true);
      // A draft read through the cache is not kept: launched on the other node, it is live at once.
      expect((await b.hotPoll(f.poll.id))?.state).toBe('draft');
      await a.transitionPoll(f.poll.id, 'draft', 'live', { openedAt: '2026-01-20T09:10:00.000Z' });
      await a.durable();
      expect((await b.hotPoll(f.poll.id))?.state).toBe('live');
      expect(await b.hotPoll('poll_missing')).toBeNull();
    });

    it('[PERF2] the vote record is the idempotency record: a retried command id is `repeat` on either node, before the state check, and changes nothing', async () => {
      const { me, live } = await scene('repeat');
      expect((await a.castVote(vote(live.id, me, 'o1', 'c1'))).status).toBe('recorded');
      await a.durable();
      const tally = await b.getTally(live.id);
      const repeat = await b.castVote(vote(live.id, me, 'o1', 'c1'));
      expect(repeat.status).toBe('repeat');
      if (repeat.status === 'repeat') expect(repeat.vote.vote).toEqual({ kind: 'single', optionId: 'o1' });
      // A retry with the same id but another payload is still the first command: nothing moves.
      expect((await b.castVote(vote(live.id, me, 'o2', 'c1'))).status).toBe('repeat');
      expect(await b.getTally(live.id)).toEqual(tally);

      // An identical vote under a new id changes nothing but is recorded as applied: after a
      // change, its retry must not move the vote back.
      expect((await b.castVote(vote(live.id, me, 'o1', 'c2'))).status).toBe('unchanged');
      expect((await b.castVote(vote(live.id, me, 'o2', 'c3'))).status).toBe('replaced');
      await b.durable();
      expect((await a.castVote(vote(live.id, me, 'o1', 'c2'))).status).toBe('repeat');
      expect((await a.getMyVotes(me.id, [live.id]))[live.id]?.vote).toEqual({ kind: 'single', optionId: 'o2' });

      // Past the close too: the retry of an applied id is answered, not refused.
      await a.transitionPoll(live.id, 'live', 'closed', { closedAt: '2026-01-20T09:20:00.000Z' });
      await a.durable();
      expect((await b.castVote(vote(live.id, me, 'o2', 'c3'))).status).toBe('repeat');
      expect((await b.getTally(live.id))?.counters).toEqual({ 'opt:o2:room': 1, 'voters:room': 1 });
    });

    it(`[PERF2] a vote record keeps the latest ${VOTE_COMMAND_IDS} command ids`, async () => {
      const { me, live } = await scene('bounded');
      const ids = Array.from({ length: VOTE_COMMAND_IDS + 3 }, (_, i) => `k${i}`);
      for (const [i, id] of ids.entries()) await a.castVote(vote(live.id, me, i % 2 ? 'o2' : 'o1', id));
      await a.durable();
      expect((await b.getMyVotes(me.id, [live.id]))[live.id]?.commandIds).toEqual(ids.slice(-VOTE_COMMAND_IDS));
    });

    it('[PERF1] [PERF2] an upvote with its command record in one step: a ban on the other node is `stale`, a retried key is `repeat` on either node, the record answers recalledCommand', async () => {
      const { event, me } = await scene('upvote');
      const question = {
        id: `q_hot_${event.id}`,
        eventId: event.id,
        sessionId: null,
        authorId: me.id,
        authorName: me.name,
        anonymous: false,
        origin: { kind: 'room' as const },
        text: 'Roadmap?',
        normalised: 'roadmap',
        state: 'approved' as const,
        flagged: false,
        reply: null,
        edited: false,
        createdAt: '2026-01-20T09:15:00.000Z',
        answeredAt: null,
        rev: 0,
      };
      await a.createQuestion(question);
      await a.durable();
      const record = (key: string) => ({ commandKey: key, ttlSeconds: 60, voter: { team: me.team } });
      expect(await b.recordUpvote(question.id, me.id, true, record('u1'))).toEqual({ status: 'done', changed: true, result: { questionId: question.id, up: true, votes: 1 } });
      await b.durable();
      expect(await a.recordUpvote(question.id, me.id, true, record('u1'))).toEqual({ status: 'repeat', result: { questionId: question.id, up: true, votes: 1 } });
      expect(await a.recalledCommand('u1')).toEqual({ questionId: question.id, up: true, votes: 1 });
      // The same state again under a new key changes nothing, and its result is kept too.
      expect(await a.recordUpvote(question.id, me.id, true, record('u2'))).toEqual({ status: 'done', changed: false, result: { questionId: question.id, up: true, votes: 1 } });
      expect(await a.recordUpvote(question.id, me.id, false, record('u3'))).toMatchObject({ status: 'done', changed: true, result: { votes: 0 } });
      expect(await a.recordUpvote(question.id, me.id, true, record('u1'))).toMatchObject({ status: 'repeat', result: { up: true, votes: 1 } });
      expect((await a.questionVotes(event.id)).votes).toEqual({});
      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.recordUpvote(question.id, me.id, true, record('u4'))).toEqual({ status: 'stale' });
      expect(await b.recalledCommand('u4')).toBeUndefined();
      expect((await b.hotParticipant(me.id))?.banned).toBe(true);
      expect((await b.questionVotes(event.id)).votes).toEqual({});
    });

    it('[PERF1] an approved question is cached; answered on one node, the next upvote on the other is refused INVALID_STATE and the cached copy is gone', async () => {
      const { event, me, participant } = await scene('question');
      const voter = participant(2);
      await a.createParticipant(voter);
      const question = await a.createQuestion({
        id: `q_hot2_${event.id}`,
        eventId: event.id,
        sessionId: null,
        authorId: me.id,
        authorName: me.name,
        anonymous: false,
        origin: { kind: 'room' },
        text: 'Launch date?',
        normalised: 'launch date',
        state: 'approved',
        flagged: false,
        reply: null,
        edited: false,
        createdAt: '2026-01-20T09:15:00.000Z',
        answeredAt: null,
        rev: 0,
      });
      await a.durable();
      expect((await b.hotQuestion(question.id))?.state).toBe('approved');
      expect(Object.isFrozen(await b.hotQuestion(question.id))).toBe(true);
      expect((await a.transitionQuestion(question.id, 'approved', 'answered', { answeredAt: '2026-01-20T09:20:00.000Z' })).ok).toBe(true);
      await a.durable();
      const err = await b.recordUpvote(question.id, voter.id, true, { commandKey: 'u9', ttlSeconds: 60, voter: { team: voter.team } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as RallyError).code).toBe(ErrorCode.INVALID_STATE);
      expect((await b.hotQuestion(question.id))?.state).toBe('answered');
      expect(await b.hotQuestion('q_missing')).toBeNull();
    });

    it('[PERF13] several upvotes in one turn (a toggle back, a retried id, a repeat of the state, a toggle without a record) come out exactly as one at a time', async () => {
      const { event, participant } = await scene('upturn');
      const people = [2, 3, 4, 5].map((i) => participant(i));
      for (const p of people) await a.createParticipant(p);
      const approved = (id: string) => ({
        id,
        eventId: event.id,
        sessionId: null,
        authorId: people[0]!.id,
        authorName: people[0]!.name,
        anonymous: false,
        origin: { kind: 'room' as const },
        text: `Question ${id}?`,
        normalised: `question ${id}`,
        state: 'approved' as const,
        flagged: false,
        reply: null,
        edited: false,
        createdAt: '2026-01-20T09:15:00.000Z',
        answeredAt: null,
        rev: 0,
      });
      // The same commands on two identical questions: one at a time on the first, all in one turn on the second.
      const one = await a.createQuestion(approved(`q_seq_${event.id}`));
      const turn = await a.createQuestion(approved(`q_turn_${event.id}`));
      await a.durable();
      const [p1, p2, p3, p4] = people as [Participant, Participant, Participant, Participant];
      type Step = { by: Participant | string; up: boolean; key?: string };
      const steps: Step[] = [
        { by: p1, up: true, key: 'k1' },
        { by: p2, up: true, key: 'k2' },
        { by: p1, up: false, key: 'k3' }, // a toggle back
        { by: p1, up: true, key: 'k1' }, // a retried id, after the toggle back: answered from its record, applied once
        { by: p3, up: true, key: 'k4' },
        { by: p3, up: true, key: 'k4' }, // a retried id right behind its first
        { by: p2, up: true, key: 'k5' }, // the state again under a new id: no change
        { by: p4, up: false, key: 'k6' }, // taking back one that is not there: no change
        { by: 'demo-voter-1', up: true }, // toggleUpvote (demo seeding): no command record, no standing check
        { by: p1, up: true, key: 'k7' }, // up again
        { by: 'demo-voter-1', up: false },
      ];
      const apply = (q: string, s: Step, tag: string) =>
        typeof s.by === 'string'
          ? a.toggleUpvote(q, s.by, s.up)
          : a.recordUpvote(q, s.by.id, s.up, { commandKey: `${tag}:${s.key!}`, ttlSeconds: 60, voter: { team: s.by.team ?? null } });
      const sequential: unknown[] = [];
      for (const s of steps) sequential.push(await apply(one.id, s, 'seq'));
      await a.durable();
      const batched = await Promise.all(steps.map((s) => apply(turn.id, s, 'turn')));
      await a.durable();
      const swap = (x: unknown) => JSON.parse(JSON.stringify(x).replaceAll(one.id, turn.id)) as unknown;
      expect(batched).toEqual(sequential.map(swap));
      expect(sequential[3]).toEqual({ status: 'repeat', result: { questionId: one.id, up: true, votes: 1 } });
      expect(sequential[5]).toEqual({ status: 'repeat', result: (sequential[4] as { result: unknown }).result });
      const { votes } = await b.questionVotes(event.id);
      expect(votes[turn.id]).toBe(votes[one.id]);
      expect(votes[one.id]).toBe(3);
      for (const p of people) {
        const mine = await b.myUpvotes(event.id, p.id);
        expect(mine.includes(turn.id)).toBe(mine.includes(one.id));
      }
      expect(await b.recalledCommand('turn:k1')).toEqual({ questionId: turn.id, up: true, votes: 1 });
    });

    it('[PERF3] a burst of votes in one turn, retries included, on every node: each caller gets its own outcome and the counts are exact', async () => {
      const { participant, live } = await scene('burst');
      const voters = Array.from({ length: 60 }, (_, i) => participant(100 + i, { mode: i % 3 ? 'room' : 'remote' }));
      for (const p of voters) await a.createParticipant(p);
      await a.durable();
      // Embedded Rally is one node (one connection writes the file); Redis takes both at once.
      const writers = kind === 'redis' ? [a, b] : [a];
      const calls = voters.flatMap((p, i) => [vote(live.id, p, i % 2 ? 'o2' : 'o1', `v${i}`), vote(live.id, p, i % 2 ? 'o2' : 'o1', `v${i}`)]);
      const outcomes = await Promise.all(calls.map((c, k) => writers[k % writers.length]!.castVote(c)));
      await Promise.all(writers.map((w) => w.durable()));
      // Each voter's first call recorded, its retry (same id) a repeat, whichever ran first.
      for (let i = 0; i < voters.length; i++) expect([outcomes[2 * i]!.status, outcomes[2 * i + 1]!.status].sort()).toEqual(['recorded', 'repeat']);
      const room = voters.filter((p) => p.mode === 'room');
      const remote = voters.filter((p) => p.mode === 'remote');
      const odd = (list: Participant[]) => list.filter((p) => voters.indexOf(p) % 2).length;
      const counters: Record<string, number> = { 'voters:room': room.length, 'voters:remote': remote.length };
      for (const [key, n] of [
        ['opt:o1:room', room.length - odd(room)],
        ['opt:o2:room', odd(room)],
        ['opt:o1:remote', remote.length - odd(remote)],
        ['opt:o2:remote', odd(remote)],
      ] as const)
        if (n > 0) counters[key] = n;
      expect((await b.getTally(live.id))?.counters).toEqual(counters);
    });
    it('[PERF6] the answer record is the idempotency record: a retried command id is `repeat` on either node, before any other check, and changes nothing', async () => {
      const { event, me } = await scene('answer');
      const run = { eventId: event.id, runId: `run_hot_${event.id}` };
      expect(await a.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 900, 'a1'))).toMatchObject({ applied: true, total: 900, answered: 1 });
      await a.durable();
      expect(await b.quizAnswerCommand(run, 'q1', me.id)).toBe('a1');
      const repeat = await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 900, 'a1'));
      expect(repeat).toMatchObject({ applied: false, repeat: true, total: 900, answered: 1 });
      expect(repeat.answer.points).toBe(900);
      // Another id is another command: the one-answer rule answers it (not applied, not a repeat).
      const other = await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 500, 'a2', 1));
      expect(other.applied).toBe(false);
      expect(other.repeat).toBeUndefined();
      expect(other.answer.value).toEqual({ kind: 'choice', picks: [0] });
      await b.durable();
      // Banned since on the other node: the retry of an applied id is still answered from its record.
      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 900, 'a1'))).toMatchObject({ applied: false, repeat: true });
      expect(await b.quizAnswersCount(run, 'q1')).toBe(1);
      expect(await b.getQuizPlayer(run, me.id)).toMatchObject({ total: 900, streak: 1 });
      expect(await b.quizAnswerCommand(run, 'q2', me.id)).toBeNull();
      // Taken back by a discard, the answer's record goes with it.
      await b.discardQuizQuestion(run, 'q1');
      await b.durable();
      expect(await a.quizAnswerCommand(run, 'q1', me.id)).toBeNull();
    });

    it('[PERF7] a ban made on one node is seen by the next answer on the other: stale, nothing recorded, and a fresh read shows the ban', async () => {
      const { event, me } = await scene('answerban');
      const run = { eventId: event.id, runId: `run_hot_${event.id}` };
      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 900, 'a1'))).toMatchObject({ applied: false, stale: true });
      expect(await b.quizAnswersCount(run, 'q1')).toBe(0);
      expect(await b.quizPlayerCount(run)).toBe(0);
      expect(await b.quizAnswerCommand(run, 'q1', me.id)).toBeNull();
      expect((await b.hotParticipant(me.id))?.banned).toBe(true);
    });

    it('[PERF7] a mode or team change made on one node is seen by the next answer on the other; decided again on the fresh record, it counts in the new cohort and team', async () => {
      const { event, me } = await scene('answermode');
      const run = { eventId: event.id, runId: `run_hot_${event.id}` };
      await a.updateParticipant(me.id, { mode: 'remote' });
      await a.durable();
      expect(await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(me, 900, 'a1'))).toMatchObject({ applied: false, stale: true });
      const fresh = (await b.hotParticipant(me.id))!;
      expect(fresh.mode).toBe('remote');
      expect((await b.recordQuizAnswer(run, 'q1', me.id, quizAnswer(fresh, 900, 'a1'))).applied).toBe(true);
      await b.durable();
      const stats = await a.quizQuestionStats(run, 'q1');
      expect(stats.remote.answered).toBe(1);
      expect(stats.room.answered).toBe(0);

      await a.updateParticipant(me.id, { team: 'South' });
      await a.durable();
      expect(await b.recordQuizAnswer(run, 'q2', me.id, quizAnswer(fresh, 800, 'a2'))).toMatchObject({ applied: false, stale: true });
      const south = (await b.hotParticipant(me.id))!;
      expect(south.team).toBe('South');
      expect((await b.recordQuizAnswer(run, 'q2', me.id, quizAnswer(south, 800, 'a2'))).applied).toBe(true);
      await b.durable();
      expect((await a.quizQuestionStats(run, 'q2')).teams).toEqual([{ team: 'South', points: 800, answered: 1, present: 0, score: 800 }]);
      expect(await a.getQuizPlayer(run, me.id)).toMatchObject({ total: 1700 });
    });

    it('[PERF8] a burst of answers in one turn, retries included, on every node: each caller gets its own outcome and the counts are exact', async () => {
      const { event, participant } = await scene('answerburst');
      const run = { eventId: event.id, runId: `run_hot_${event.id}` };
      const players = Array.from({ length: 60 }, (_, i) => participant(200 + i, { mode: i % 3 ? 'room' : 'remote' }));
      for (const p of players) await a.createParticipant(p);
      await a.durable();
      const writers = kind === 'redis' ? [a, b] : [a];
      const calls = players.flatMap((p, i) => [
        [p, quizAnswer(p, 100 * (i % 5), `x${i}`)],
        [p, quizAnswer(p, 100 * (i % 5), `x${i}`)],
      ] as const);
      const outcomes = await Promise.all(calls.map(([p, input], k) => writers[k % writers.length]!.recordQuizAnswer(run, 'q1', p.id, input)));
      await Promise.all(writers.map((w) => w.durable()));
      for (let i = 0; i < players.length; i++) {
        const pair = [outcomes[2 * i]!, outcomes[2 * i + 1]!];
        expect(pair.filter((o) => o.applied)).toHaveLength(1);
        expect(pair.filter((o) => o.repeat)).toHaveLength(1);
      }
      const stats = await b.quizQuestionStats(run, 'q1');
      expect(stats.room.answered).toBe(players.filter((p) => p.mode === 'room').length);
      expect(stats.remote.answered).toBe(players.filter((p) => p.mode === 'remote').length);
      expect(await b.quizPlayerCount(run)).toBe(players.length);
      expect(stats.teams).toEqual([{ team: 'North', points: players.reduce((n, _, i) => n + 100 * (i % 5), 0), answered: players.length, present: 0, score: players.reduce((n, _, i) => n + 100 * (i % 5), 0) / players.length }]);
    });
    it('[PERF9] a reaction id is claimed once per participant: a retry is `repeat` (on either node in Redis, where the window is shared), a released id can be claimed again', async () => {
      const { event, me } = await scene('react');
      const standing = { mode: me.mode, team: me.team ?? null };
      expect(await b.claimReaction(event.id, me.id, 'r1', standing)).toBe('claimed');
      expect(await b.claimReaction(event.id, me.id, 'r1', standing)).toBe('repeat');
      if (kind === 'redis') expect(await a.claimReaction(event.id, me.id, 'r1', standing)).toBe('repeat');
      expect(await b.claimReaction(event.id, me.id, 'r2', standing)).toBe('claimed');
      await b.releaseReaction(event.id, me.id, 'r2');
      expect(await b.claimReaction(event.id, me.id, 'r2', standing)).toBe('claimed');
      // Banned since: the retry of a claimed id is still a repeat (nothing applies twice).
      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.claimReaction(event.id, me.id, 'r1', standing)).toBe('repeat');
    });

    it('[PERF10] a ban, mode or team change made on one node is seen by the next reaction on the other: stale, nothing claimed, and a fresh read shows the change', async () => {
      const { event, me } = await scene('reactban');
      const standing = (p: Participant) => ({ mode: p.mode, team: p.team ?? null });
      await a.updateParticipant(me.id, { mode: 'remote' });
      await a.durable();
      expect(await b.claimReaction(event.id, me.id, 'r1', standing(me))).toBe('stale');
      const fresh = (await b.hotParticipant(me.id))!;
      expect(fresh.mode).toBe('remote');
      // Nothing was claimed: decided again on the fresh record, the same id applies.
      expect(await b.claimReaction(event.id, me.id, 'r1', standing(fresh))).toBe('claimed');

      await a.updateParticipant(me.id, { team: 'South' });
      await a.durable();
      expect(await b.claimReaction(event.id, me.id, 'r2', standing(fresh))).toBe('stale');
      const south = (await b.hotParticipant(me.id))!;
      expect(south.team).toBe('South');

      await a.updateParticipant(me.id, { banned: true });
      await a.durable();
      expect(await b.claimReaction(event.id, me.id, 'r3', standing(south))).toBe('stale');
      expect((await b.hotParticipant(me.id))?.banned).toBe(true);
    });
    it('[PERF11] a run document is parsed once per stored text: read again it is the same frozen value; saved on the other node, the next read has the new one', async () => {
      const { event } = await scene('rundoc');
      const runId = `run_doc_${event.id}`;
      await a.createQuizRun(event.id, runId, { step: { phase: 'lobby' }, questions: [{ id: 'q1' }] }, null);
      await a.durable();
      const first = (await b.getQuizRun(runId))!;
      const again = (await b.getQuizRun(runId))!;
      expect(again.run).toBe(first.run);
      expect(Object.isFrozen(first.run)).toBe(true);
      expect((await a.saveQuizRun(runId, { step: { phase: 'getReady' }, questions: [{ id: 'q1' }] }, first.version, null))?.version).toBe(first.version + 1);
      await a.durable();
      const saved = (await b.getQuizRun(runId))!;
      expect(saved.version).toBe(first.version + 1);
      expect(saved.run).toEqual({ step: { phase: 'getReady' }, questions: [{ id: 'q1' }] });
    });
  });
}
