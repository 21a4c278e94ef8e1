import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AgendaSession,
  ErrorCode,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  JoinCode,
  Participant,
  Poll,
  PublicEvent,
  RallyError,
  type Mode,
  type VoteInput,
} from '@rally/shared';
import type { CastVoteInput, EventRecord, ParticipantPatch, Store } from '../../src/store/store.js';
import type { DomainDeps } from '../../src/domain/ports.js';
import { closeIfLive } from '../../src/domain/polls/lifecycle.js';
import { buildResults, loadResults } from '../../src/domain/polls/results.js';

// The rules cited as [STOREn] are listed in docs/SPEC.md (Store section).

let seq = 0;

/** A distinct, valid join code per call: the counter written in the join-code alphabet. */
function joinCode(n: number): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) {
    code = JOIN_CODE_ALPHABET[n % JOIN_CODE_ALPHABET.length] + code;
    n = Math.floor(n / JOIN_CODE_ALPHABET.length);
  }
  return JoinCode.parse(code);
}

function makeEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  const n = ++seq;
  const event: EventRecord = {
    id: `ev_${n}`,
    code: joinCode(n),
    name: `Sales Kickoff ${n}`,
    teams: ['North', 'South'],
    agenda: [
      AgendaSession.parse({
        id: 'opening',
        title: 'Opening keynote',
        kind: 'keynote',
        startsAt: '2026-01-20T09:00:00.000Z',
        endsAt: '2026-01-20T10:00:00.000Z',
        speakers: ['Ada Lovelace'],
      }),
    ],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    keys: { presenter: `pres-${n}`, moderator: `mod-${n}`, stage: `stage-${n}` },
    keyGeneration: 0,
    ...overrides,
  };
  PublicEvent.parse(event); // the fixture must satisfy the public shape
  return event;
}

function makeParticipant(eventId: string, overrides: Partial<Participant> = {}): Participant {
  const n = ++seq;
  return Participant.parse({
    id: `pt_${n}`,
    eventId,
    name: `Person ${n}`,
    role: 'attendee',
    mode: 'room',
    team: 'North',
    banned: false,
    joinedAt: new Date(Date.UTC(2026, 0, 20, 9) + n * 1000).toISOString(),
    ...overrides,
  });
}

function makePoll(eventId: string, overrides: Partial<Poll> = {}): Poll {
  const n = ++seq;
  return Poll.parse({
    id: `poll_${n}`,
    eventId,
    sessionId: 'opening',
    order: 0,
    kind: 'single',
    question: `Question ${n}?`,
    options: [
      { id: 'o1', label: 'Yes' },
      { id: 'o2', label: 'No' },
      { id: 'o3', label: 'Ünsure / 🤷' },
    ],
    settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null },
    state: 'draft',
    createdAt: new Date(Date.UTC(2026, 0, 20, 9) + n * 1000).toISOString(),
    openedAt: null,
    closesAt: null,
    closedAt: null,
    revealed: false,
    presentAtClose: null,
    ...overrides,
  });
}

/** A castVote input for a single-choice vote; counters as the domain would build them. */
function singleVote(pollId: string, participantId: string, optionId: string, opts: { cohort?: Mode; allowChange?: boolean } = {}): CastVoteInput {
  const cohort = opts.cohort ?? 'room';
  const vote: VoteInput = { kind: 'single', optionId };
  return {
    pollId,
    participantId,
    cohort,
    vote,
    counters: [`opt:${optionId}:${cohort}`, `voters:${cohort}`],
    fingerprint: JSON.stringify(vote),
    at: '2026-01-20T09:30:00.000Z',
    answerId: null,
    allowChange: opts.allowChange ?? true,
    answer: null,
  };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RallyError);
  expect((err as RallyError).code).toBe(code);
}

const expectConflict = (promise: Promise<unknown>) => expectCode(promise, ErrorCode.CONFLICT);

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

export function storeContract(name: string, make: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    /** An event plus participants in it, all stored. */
    async function seed(count: number) {
      const event = makeEvent();
      await store.createEvent(event);
      const people: Participant[] = [];
      for (let i = 0; i < count; i++) {
        const p = makeParticipant(event.id);
        await store.createParticipant(p);
        people.push(p);
      }
      return { event, people };
    }

    describe('events', () => {
      it('[STORE1] createEvent stores the full record and getEvent returns it unchanged; unknown id is null', async () => {
        const event = makeEvent();
        // Empty arrays must survive a round trip (and a later partial update) as arrays.
        const bare = makeEvent({ teams: [], agenda: [], settings: { allowAnonymousQuestions: false, moderation: 'post' } });
        await store.createEvent(event);
        await store.createEvent(bare);
        expect(await store.getEvent(event.id)).toEqual(event);
        expect(await store.getEvent(bare.id)).toEqual(bare);
        expect(await store.setLiveSession(bare.id, null)).toEqual(bare);
        expect(await store.getEvent(bare.id)).toEqual(bare);
        expect(await store.getEvent('ev_missing')).toBeNull();
      });

      it('[STORE2] getEventByCode finds an event by its join code; an unknown code is null', async () => {
        const a = makeEvent();
        const b = makeEvent();
        await store.createEvent(a);
        await store.createEvent(b);
        expect(await store.getEventByCode(a.code)).toEqual(a);
        expect(await store.getEventByCode(b.code)).toEqual(b);
        expect(await store.getEventByCode(makeEvent().code)).toBeNull();
      });

      it('[STORE3] listEvents returns every stored event exactly once', async () => {
        expect(await store.listEvents()).toEqual([]);
        const events = [makeEvent(), makeEvent(), makeEvent()];
        for (const e of events) await store.createEvent(e);
        expect(byId(await store.listEvents())).toEqual(byId(events));
      });

      it('[STORE4] createEvent refuses a taken id with CONFLICT and keeps the existing event', async () => {
        const original = makeEvent();
        await store.createEvent(original);
        const clash = makeEvent({ id: original.id, name: 'Impostor' });
        await expectConflict(store.createEvent(clash));
        expect(await store.getEvent(original.id)).toEqual(original);
        expect(await store.getEventByCode(clash.code)).toBeNull();
        expect(await store.listEvents()).toEqual([original]);
      });

      it('[STORE5] createEvent refuses a taken join code with CONFLICT and stores nothing of the refused event', async () => {
        const original = makeEvent();
        await store.createEvent(original);
        const clash = makeEvent({ code: original.code });
        await expectConflict(store.createEvent(clash));
        expect(await store.getEvent(clash.id)).toBeNull();
        expect(await store.getEventByCode(original.code)).toEqual(original);
        expect(await store.listEvents()).toEqual([original]);
      });

      it('[STORE6] concurrent createEvent calls with one join code: exactly one succeeds, the rest get CONFLICT', async () => {
        const code = makeEvent().code;
        const attempts = Array.from({ length: 10 }, () => makeEvent({ code }));
        const results = await Promise.allSettled(attempts.map((e) => store.createEvent(e)));
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [attempts[i]!] : []));
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect((r.reason as RallyError).code).toBe(ErrorCode.CONFLICT);
        }
        expect(await store.getEventByCode(code)).toEqual(won[0]);
        expect(await store.listEvents()).toEqual(won);
      });

      it('[STORE7] setLiveSession sets and clears the live session, returns and persists the update; unknown event is null', async () => {
        const event = makeEvent();
        await store.createEvent(event);
        const live = await store.setLiveSession(event.id, 'opening');
        expect(live).toEqual({ ...event, liveSessionId: 'opening' });
        expect(await store.getEvent(event.id)).toEqual(live);
        const cleared = await store.setLiveSession(event.id, null);
        expect(cleared).toEqual(event);
        expect(await store.getEvent(event.id)).toEqual(event);
        expect(await store.setLiveSession('ev_missing', 'opening')).toBeNull();
        expect(await store.getEvent('ev_missing')).toBeNull();
      });

      it('[STORE8] rotateKeys replaces the keys and bumps keyGeneration by one per call; unknown event is null', async () => {
        const event = makeEvent({ keyGeneration: 3 });
        await store.createEvent(event);
        const keys1 = { presenter: 'p-1', moderator: 'm-1', stage: 's-1' };
        const keys2 = { presenter: 'p-2', moderator: 'm-2', stage: 's-2' };
        const once = await store.rotateKeys(event.id, keys1);
        expect(once).toEqual({ ...event, keys: keys1, keyGeneration: 4 });
        expect(await store.getEvent(event.id)).toEqual(once);
        expect(await store.rotateKeys(event.id, keys2)).toEqual({ ...event, keys: keys2, keyGeneration: 5 });
        expect(await store.rotateKeys('ev_missing', keys1)).toBeNull();
        expect(await store.getEvent('ev_missing')).toBeNull();
      });

      it('[STORE9] concurrent rotateKeys calls each count: N rotations bump keyGeneration by exactly N', async () => {
        const event = makeEvent();
        await store.createEvent(event);
        const keySets = Array.from({ length: 20 }, (_, i) => ({ presenter: `p${i}`, moderator: `m${i}`, stage: `s${i}` }));
        const results = await Promise.all(keySets.map((k) => store.rotateKeys(event.id, k)));
        expect(results.map((r) => r?.keyGeneration).sort((a, b) => a! - b!)).toEqual(keySets.map((_, i) => i + 1));
        const final = await store.getEvent(event.id);
        expect(final?.keyGeneration).toBe(20);
        expect(keySets).toContainEqual(final?.keys);
      });
    });

    describe('participants', () => {
      it('[STORE10] createParticipant stores the record and getParticipant returns it; unknown id is null', async () => {
        const { event } = await seed(0);
        const p = makeParticipant(event.id, { team: null, mode: 'remote' });
        await store.createParticipant(p);
        expect(await store.getParticipant(p.id)).toEqual(p);
        expect(await store.getParticipant('pt_missing')).toBeNull();
      });

      it('[STORE11] createParticipant refuses a taken id with CONFLICT and keeps the existing participant', async () => {
        const { event, people } = await seed(1);
        const original = people[0]!;
        await expectConflict(store.createParticipant(makeParticipant(event.id, { id: original.id, name: 'Impostor' })));
        expect(await store.getParticipant(original.id)).toEqual(original);
        expect(await store.listParticipants(event.id)).toEqual([original]);
      });

      it('[STORE12] updateParticipant applies only the fields present and returns the result; unknown id is null', async () => {
        const { people } = await seed(1);
        const p = people[0]!;
        const renamed = await store.updateParticipant(p.id, { name: 'Grace Hopper' });
        expect(renamed).toEqual({ ...p, name: 'Grace Hopper' });
        const moved = await store.updateParticipant(p.id, { team: null, mode: 'remote' });
        expect(moved).toEqual({ ...p, name: 'Grace Hopper', team: null, mode: 'remote' });
        const banned = await store.updateParticipant(p.id, { banned: true, team: 'South' });
        const expected = { ...p, name: 'Grace Hopper', team: 'South', mode: 'remote', banned: true };
        expect(banned).toEqual(expected);
        expect(await store.updateParticipant(p.id, {})).toEqual(expected);
        expect(await store.getParticipant(p.id)).toEqual(expected);
        expect(await store.updateParticipant('pt_missing', { name: 'Nobody' })).toBeNull();
        expect(await store.getParticipant('pt_missing')).toBeNull();
      });

      it("[STORE13] listParticipants returns exactly the given event's participants", async () => {
        const a = await seed(3);
        const b = await seed(2);
        expect(byId(await store.listParticipants(a.event.id))).toEqual(byId(a.people));
        expect(byId(await store.listParticipants(b.event.id))).toEqual(byId(b.people));
        expect(await store.listParticipants('ev_missing')).toEqual([]);
      });

      it("[BRK63] getParticipants reads just the named participants of the event: unknown ids and other events' people left out", async () => {
        const a = await seed(4);
        const b = await seed(2);
        const wanted = [a.people[3]!.id, a.people[1]!.id, b.people[0]!.id, 'pt_missing', a.people[1]!.id];
        expect(byId(await store.getParticipants(a.event.id, wanted))).toEqual(byId([a.people[1]!, a.people[3]!]));
        expect(await store.getParticipants(a.event.id, [])).toEqual([]);
        expect(await store.getParticipants('ev_missing', [a.people[0]!.id])).toEqual([]);
        // A change is read back as stored now.
        await store.updateParticipant(a.people[0]!.id, { name: 'Renamed' });
        expect((await store.getParticipants(a.event.id, [a.people[0]!.id]))[0]!.name).toBe('Renamed');
      });

      it('[STORE14] 50 concurrent updateParticipant calls each apply atomically and leave a valid record', async () => {
        const { event, people } = await seed(1);
        const p = people[0]!;
        const patches: ParticipantPatch[] = Array.from({ length: 50 }, (_, i) => {
          if (i % 3 === 0) return { name: `Name ${i}` };
          if (i % 3 === 1) return { team: i % 2 ? 'South' : null };
          return { mode: i % 2 ? 'remote' : 'room', banned: i % 4 === 0 };
        });
        const results = await Promise.all(patches.map((patch) => store.updateParticipant(p.id, patch)));
        results.forEach((r, i) => {
          // Each call sees its own patch applied in the record it returns.
          expect(r).toMatchObject(patches[i]!);
          expect(() => Participant.parse(r)).not.toThrow();
        });
        const final = Participant.parse(await store.getParticipant(p.id));
        expect(final).toMatchObject({ id: p.id, eventId: p.eventId, role: p.role, joinedAt: p.joinedAt });
        expect(patches.flatMap((x) => (x.name ? [x.name] : []))).toContain(final.name);
        expect(await store.listParticipants(event.id)).toEqual([final]);
      });
    });

    describe('presence', () => {
      it("[STORE15] presenceAdd reports a change only for a participant's first socket; presenceOnline lists each online participant once", async () => {
        const { event, people } = await seed(2);
        const [ann, bob] = people as [Participant, Participant];
        expect(await store.presenceOnline(event.id)).toEqual([]);
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a1', 'node-1')).toMatchObject({ changed: true });
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a2', 'node-1')).toMatchObject({ changed: false });
        expect(await store.presenceAdd(event.id, bob.id, 'sock-b1', 'node-2')).toMatchObject({ changed: true });
        expect((await store.presenceOnline(event.id)).sort()).toEqual([ann.id, bob.id].sort());
      });

      it('[STORE16] presenceRemove reports a change only when it removes the last socket; unknown sockets change nothing', async () => {
        const { event, people } = await seed(2);
        const [ann, bob] = people as [Participant, Participant];
        await store.presenceAdd(event.id, ann.id, 'sock-a1', 'node-1');
        await store.presenceAdd(event.id, ann.id, 'sock-a2', 'node-2');
        await store.presenceAdd(event.id, bob.id, 'sock-b1', 'node-1');
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a1')).toMatchObject({ changed: false });
        expect((await store.presenceOnline(event.id)).sort()).toEqual([ann.id, bob.id].sort());
        expect(await store.presenceRemove(event.id, ann.id, 'sock-unknown')).toMatchObject({ changed: false });
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a2')).toMatchObject({ changed: true });
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a2')).toMatchObject({ changed: false });
        expect(await store.presenceOnline(event.id)).toEqual([bob.id]);
        // Back online after going offline counts as a change again.
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a3', 'node-1')).toMatchObject({ changed: true });
      });

      it('[STORE17] presence is scoped to its event', async () => {
        const a = await seed(1);
        const b = await seed(1);
        await store.presenceAdd(a.event.id, a.people[0]!.id, 'sock-1', 'node-1');
        expect(await store.presenceOnline(a.event.id)).toEqual([a.people[0]!.id]);
        expect(await store.presenceOnline(b.event.id)).toEqual([]);
        expect(await store.presenceRemove(b.event.id, a.people[0]!.id, 'sock-1')).toMatchObject({ changed: false });
        expect(await store.presenceOnline(a.event.id)).toEqual([a.people[0]!.id]);
      });

      it('[STORE18] presenceClearNode forgets every socket that node registered and nothing else', async () => {
        const a = await seed(3);
        const b = await seed(1);
        const [ann, bob, cat] = a.people as [Participant, Participant, Participant];
        const dan = b.people[0]!;
        await store.presenceAdd(a.event.id, ann.id, 'sock-a1', 'node-dead');
        await store.presenceAdd(a.event.id, ann.id, 'sock-a2', 'node-dead');
        await store.presenceAdd(a.event.id, bob.id, 'sock-b1', 'node-dead');
        await store.presenceAdd(a.event.id, bob.id, 'sock-b2', 'node-alive');
        await store.presenceAdd(a.event.id, cat.id, 'sock-c1', 'node-alive');
        await store.presenceAdd(b.event.id, dan.id, 'sock-d1', 'node-dead');

        await store.presenceClearNode('node-dead');
        expect((await store.presenceOnline(a.event.id)).sort()).toEqual([bob.id, cat.id].sort());
        expect(await store.presenceOnline(b.event.id)).toEqual([]);
        // bob still has his node-alive socket, so closing it is his last one.
        expect(await store.presenceRemove(a.event.id, bob.id, 'sock-b1')).toMatchObject({ changed: false });
        expect(await store.presenceRemove(a.event.id, bob.id, 'sock-b2')).toMatchObject({ changed: true });
        // ann went offline with the node, so her next socket brings her online again.
        expect(await store.presenceAdd(a.event.id, ann.id, 'sock-a3', 'node-new')).toMatchObject({ changed: true });
        await store.presenceClearNode('node-never-seen');
        expect((await store.presenceOnline(a.event.id)).sort()).toEqual([ann.id, cat.id].sort());
      });
    });

    describe('command idempotency', () => {
      it('[STORE19] rememberCommand keeps the first result under a key and returns it to later writers; recalledCommand reads it', async () => {
        const first = { ok: true, data: { pollId: 'poll_1', options: [] as string[] } };
        expect(await store.recalledCommand('cmd:a')).toBeUndefined();
        expect(await store.rememberCommand('cmd:a', first, 60)).toEqual(first);
        expect(await store.rememberCommand('cmd:a', { ok: false, error: { code: 'CONFLICT' } }, 60)).toEqual(first);
        expect(await store.recalledCommand('cmd:a')).toEqual(first);
        expect(await store.recalledCommand('cmd:b')).toBeUndefined();
        expect(await store.rememberCommand('cmd:b', 'other', 60)).toBe('other');
      });

      it('[STORE20] concurrent rememberCommand calls under one key all return the same stored result', async () => {
        const candidates = Array.from({ length: 20 }, (_, i) => ({ ok: true, data: { n: i } }));
        const results = await Promise.all(candidates.map((c) => store.rememberCommand('cmd:race', c, 60)));
        const stored = await store.recalledCommand<(typeof candidates)[number]>('cmd:race');
        expect(candidates).toContainEqual(stored);
        for (const r of results) expect(r).toEqual(stored);
      });

      it('[STORE21] a remembered result is forgotten after ttlSeconds, then a new result can be stored', async () => {
        await store.rememberCommand('cmd:ttl', { n: 1 }, 1);
        expect(await store.recalledCommand('cmd:ttl')).toEqual({ n: 1 });
        await new Promise((r) => setTimeout(r, 1_300));
        expect(await store.recalledCommand('cmd:ttl')).toBeUndefined();
        expect(await store.rememberCommand('cmd:ttl', { n: 2 }, 60)).toEqual({ n: 2 });
      });
    });

    describe('polls', () => {
      /** A stored live poll of a fresh event, plus its event. */
      async function livePoll(overrides: Partial<Poll> = {}) {
        const { event, people } = await seed(0);
        const poll = await store.createPoll(makePoll(event.id, overrides));
        const live = await store.transitionPoll(poll.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z', closesAt: null });
        return { event, people, poll: live! };
      }

      it('[STORE23] createPoll stores the poll with order one past its session\'s highest, getPoll returns it unchanged; taken id is CONFLICT', async () => {
        const { event } = await seed(0);
        const a = await store.createPoll(makePoll(event.id, { order: 99 }));
        const b = await store.createPoll(makePoll(event.id));
        const other = await store.createPoll(makePoll(event.id, { sessionId: null, kind: 'rating', scale: 10 } as Partial<Poll>));
        expect([a.order, b.order, other.order]).toEqual([1, 2, 1]);
        expect(await store.getPoll(a.id)).toEqual(a);
        expect(await store.getPoll(other.id)).toEqual(other);
        expect(await store.getPoll('poll_missing')).toBeNull();
        await expectConflict(store.createPoll(makePoll(event.id, { id: a.id, question: 'Impostor?' })));
        expect(await store.getPoll(a.id)).toEqual(a);
      });

      it('[STORE24] listPolls returns exactly the event\'s polls, by session then order', async () => {
        const { event } = await seed(0);
        const x = await seed(0);
        const p1 = await store.createPoll(makePoll(event.id, { sessionId: 'opening' }));
        const p2 = await store.createPoll(makePoll(event.id, { sessionId: null }));
        const p3 = await store.createPoll(makePoll(event.id, { sessionId: 'opening' }));
        await store.createPoll(makePoll(x.event.id));
        expect((await store.listPolls(event.id)).map((p) => p.id)).toEqual([p2.id, p1.id, p3.id]);
        expect(await store.listPolls('ev_missing')).toEqual([]);
      });

      it('[STORE25] updatePollDraft replaces the authored content of a draft only; identity and lifecycle stay; unknown is null', async () => {
        const { event } = await seed(0);
        const draft = await store.createPoll(makePoll(event.id));
        const content = { kind: 'rating', question: 'Rate the keynote', scale: 5, settings: { anonymous: true, resultsVisibility: 'after-close', allowChange: false, durationSec: 60 } } as const;
        const updated = await store.updatePollDraft(draft.id, content);
        const { options: _o, ...rest } = draft as Extract<Poll, { kind: 'single' }>;
        const expected = { ...rest, ...content };
        expect(updated).toEqual(expected);
        expect(await store.getPoll(draft.id)).toEqual(expected);
        expect(await store.updatePollDraft('poll_missing', content)).toBeNull();
        await store.transitionPoll(draft.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z' });
        await expectCode(store.updatePollDraft(draft.id, { ...content, question: 'Changed live?' }), ErrorCode.INVALID_STATE);
        expect((await store.getPoll(draft.id))?.question).toBe('Rate the keynote');
      });

      it('[STORE26] deletePoll removes a draft; a live poll is INVALID_STATE and stays; unknown is false', async () => {
        const { event } = await seed(0);
        const draft = await store.createPoll(makePoll(event.id));
        const live = await store.createPoll(makePoll(event.id));
        await store.transitionPoll(live.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z' });
        expect(await store.deletePoll(draft.id)).toBe(true);
        expect(await store.getPoll(draft.id)).toBeNull();
        expect(await store.deletePoll(draft.id)).toBe(false);
        await expectCode(store.deletePoll(live.id), ErrorCode.INVALID_STATE);
        expect((await store.listPolls(event.id)).map((p) => p.id)).toEqual([live.id]);
      });

      it('[STORE27] reorderPolls applies the given order only when it lists exactly the session\'s polls; later polls go last', async () => {
        const { event } = await seed(0);
        const [a, b, c] = [await store.createPoll(makePoll(event.id)), await store.createPoll(makePoll(event.id)), await store.createPoll(makePoll(event.id))];
        const elsewhere = await store.createPoll(makePoll(event.id, { sessionId: null }));
        const before = await store.listPolls(event.id);
        for (const wrong of [[a.id, b.id], [a.id, b.id, c.id, elsewhere.id], [a.id, b.id, b.id], [a.id, b.id, 'poll_missing']]) {
          expect(await store.reorderPolls(event.id, 'opening', wrong)).toBeNull();
        }
        expect(await store.reorderPolls('ev_missing', 'opening', [a.id, b.id, c.id])).toBeNull();
        expect(await store.listPolls(event.id)).toEqual(before);
        const result = await store.reorderPolls(event.id, 'opening', [c.id, a.id, b.id]);
        expect(result?.map((p) => [p.id, p.order])).toEqual([[c.id, 1], [a.id, 2], [b.id, 3]]);
        const d = await store.createPoll(makePoll(event.id));
        expect((await store.listPolls(event.id)).filter((p) => p.sessionId === 'opening').map((p) => p.id)).toEqual([c.id, a.id, b.id, d.id]);
      });

      it('[STORE28] transitionPoll is a compare-and-set: the expected state moves with its patch, anything else is null; of concurrent closes exactly one wins', async () => {
        const { event } = await seed(0);
        const draft = await store.createPoll(makePoll(event.id));
        expect(await store.transitionPoll(draft.id, 'live', 'closed', { closedAt: '2026-01-20T09:31:00.000Z' })).toBeNull();
        const live = await store.transitionPoll(draft.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z', closesAt: '2026-01-20T09:31:00.000Z' });
        expect(live).toEqual({ ...draft, state: 'live', openedAt: '2026-01-20T09:30:00.000Z', closesAt: '2026-01-20T09:31:00.000Z' });
        expect(await store.getPoll(draft.id)).toEqual(live);
        expect(await store.transitionPoll(draft.id, 'draft', 'live', { openedAt: '2026-01-20T09:40:00.000Z' })).toBeNull();
        const patch = { closedAt: '2026-01-20T09:31:00.000Z', presentAtClose: { room: 3, remote: 2 } };
        const results = await Promise.all(Array.from({ length: 10 }, () => store.transitionPoll(draft.id, 'live', 'closed', patch)));
        const winners = results.filter((r) => r !== null);
        expect(winners).toEqual([{ ...live, state: 'closed', ...patch }]);
        expect(await store.transitionPoll('poll_missing', 'draft', 'live', {})).toBeNull();
      });

      it('[STORE29] setRevealed sets revealed and bumps the version; unknown is null', async () => {
        const { poll } = await livePoll();
        const v0 = (await store.getTally(poll.id))!.version;
        expect(await store.setRevealed(poll.id)).toEqual({ ...poll, revealed: true });
        expect((await store.getTally(poll.id))!.version).toBeGreaterThan(v0);
        expect(await store.setRevealed('poll_missing')).toBeNull();
      });

      it('[STORE40] getMyVotes returns the participant\'s votes in the polls asked for, by poll id, and nothing else', async () => {
        const { poll: p1 } = await livePoll();
        const { poll: p2 } = await livePoll();
        const { poll: p3 } = await livePoll();
        await store.castVote(singleVote(p1.id, 'pt_a', 'o1'));
        await store.castVote(singleVote(p2.id, 'pt_a', 'o2'));
        await store.castVote(singleVote(p3.id, 'pt_a', 'o1'));
        await store.castVote(singleVote(p2.id, 'pt_b', 'o1'));
        const mine = await store.getMyVotes('pt_a', [p1.id, p2.id, 'poll_missing']);
        expect(Object.keys(mine).sort()).toEqual([p1.id, p2.id].sort());
        expect(mine[p2.id]?.vote).toEqual({ kind: 'single', optionId: 'o2' });
        expect(Object.keys(await store.getMyVotes('pt_b', [p1.id, p2.id, p3.id]))).toEqual([p2.id]);
        expect(await store.getMyVotes('pt_c', [p1.id])).toEqual({});
        expect(await store.getMyVotes('pt_a', [])).toEqual({});
      });

      it('[STORE30] castVote counts a vote on a live poll only: NOT_FOUND for unknown, INVALID_STATE for draft and closed, nothing counted', async () => {
        const { event, people, poll } = await livePoll();
        const v0 = (await store.getTally(poll.id))!.version;
        const first = singleVote(poll.id, 'pt_a', 'o1');
        expect(await store.castVote(first)).toEqual({ status: 'recorded', version: v0 + 1 });
        const { pollId: _p, allowChange: _a, answer: _x, ...stored } = first;
        expect(await store.getMyVotes('pt_a', [poll.id])).toEqual({ [poll.id]: stored });
        expect(await store.getMyVotes('pt_b', [poll.id])).toEqual({});
        expect(await store.getTally(poll.id)).toEqual({ version: v0 + 1, state: 'live', counters: { 'opt:o1:room': 1, 'voters:room': 1 } });

        await expectCode(store.castVote(singleVote('poll_missing', 'pt_a', 'o1')), ErrorCode.NOT_FOUND);
        const draft = await store.createPoll(makePoll(event.id));
        await expectCode(store.castVote(singleVote(draft.id, 'pt_a', 'o1')), ErrorCode.INVALID_STATE);
        await store.transitionPoll(poll.id, 'live', 'closed', { closedAt: '2026-01-20T09:31:00.000Z' });
        const closedVersion = (await store.getTally(poll.id))!.version;
        await expectCode(store.castVote(singleVote(poll.id, 'pt_b', 'o2')), ErrorCode.INVALID_STATE);
        expect(await store.getTally(poll.id)).toEqual({ version: closedVersion, state: 'closed', counters: { 'opt:o1:room': 1, 'voters:room': 1 } });
        expect(await store.getTally(draft.id)).toEqual({ version: 0, state: 'draft', counters: {} });
        expect(await store.getTally('poll_missing')).toBeNull();
        expect(people).toEqual([]);
      });

      it('[STORE31] an identical repeat is unchanged; a changed vote moves its counters with allowChange and is CONFLICT without', async () => {
        const { poll } = await livePoll();
        await store.castVote(singleVote(poll.id, 'pt_a', 'o1', { cohort: 'remote' }));
        const afterFirst = await store.getTally(poll.id);
        expect((await store.castVote(singleVote(poll.id, 'pt_a', 'o1', { cohort: 'remote' }))).status).toBe('unchanged');
        expect(await store.getTally(poll.id)).toEqual(afterFirst);
        await expectConflict(store.castVote(singleVote(poll.id, 'pt_a', 'o2', { allowChange: false })));
        expect(await store.getTally(poll.id)).toEqual(afterFirst);
        // The participant switched to the room meanwhile: the moved vote counts in their new cohort.
        const moved = await store.castVote(singleVote(poll.id, 'pt_a', 'o2', { cohort: 'room' }));
        if (moved.status !== 'replaced') throw new Error(`replaced expected, got ${moved.status}`);
        expect(await store.getTally(poll.id)).toEqual({ version: moved.version, state: 'live', counters: { 'opt:o2:room': 1, 'voters:room': 1 } });
        expect((await store.getMyVotes('pt_a', [poll.id]))[poll.id]?.vote).toEqual({ kind: 'single', optionId: 'o2' });
        expect(await store.listVotes(poll.id)).toHaveLength(1);
      });

      it('[STORE32] 200 concurrent castVote calls from 100 participants (retries and changes) leave exact counts', async () => {
        const { poll } = await livePoll();
        const participants = Array.from({ length: 100 }, (_, i) => ({ id: `pt_c${i}`, cohort: (i % 3 === 0 ? 'remote' : 'room') as Mode }));
        // Each participant sends twice: even ones retry the same vote, odd ones change o1 -> o2.
        const calls = participants.flatMap((pt, i) => [
          singleVote(poll.id, pt.id, 'o1', { cohort: pt.cohort }),
          singleVote(poll.id, pt.id, i % 2 === 0 ? 'o1' : 'o2', { cohort: pt.cohort }),
        ]);
        const shuffled = calls.map((c, i) => ({ c, k: (i * 7919) % calls.length })).sort((a, b) => a.k - b.k).map((x) => x.c);
        const outcomes = await Promise.all(shuffled.map((c) => store.castVote(c)));
        expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(100);

        const votes = await store.listVotes(poll.id);
        expect(votes).toHaveLength(100);
        // Expected counters recomputed from each participant's final stored vote.
        const expected: Record<string, number> = {};
        for (const v of votes) for (const k of v.counters) expected[k] = (expected[k] ?? 0) + 1;
        const tally = await store.getTally(poll.id);
        expect(tally?.counters).toEqual(expected);
        const remote = participants.filter((pt) => pt.cohort === 'remote').length;
        expect(tally?.counters['voters:remote']).toBe(remote);
        expect(tally?.counters['voters:room']).toBe(100 - remote);
        const optionTotal = Object.entries(tally!.counters).filter(([k]) => k.startsWith('opt:')).reduce((n, [, c]) => n + c, 0);
        expect(optionTotal).toBe(100);
      });

      it('[STORE33] livePollVersions lists the event\'s live polls with versions that grow with every change', async () => {
        const { event, poll } = await livePoll();
        const draft = await store.createPoll(makePoll(event.id));
        const closed = await store.createPoll(makePoll(event.id));
        await store.transitionPoll(closed.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z' });
        await store.transitionPoll(closed.id, 'live', 'closed', { closedAt: '2026-01-20T09:31:00.000Z' });
        await livePoll(); // another event's live poll
        const before = await store.livePollVersions(event.id);
        expect(before.map((x) => x.pollId)).toEqual([poll.id]);
        await store.castVote(singleVote(poll.id, 'pt_a', 'o1'));
        const after = await store.livePollVersions(event.id);
        expect(after[0]!.version).toBeGreaterThan(before[0]!.version);
        expect(draft.state).toBe('draft');
      });

      it('[STORE34] duePolls returns the live polls whose deadline has passed, of every event, and forgets them once closed', async () => {
        const t = Date.UTC(2026, 0, 20, 9, 31);
        const { event } = await seed(0);
        const soon = await store.createPoll(makePoll(event.id));
        const later = await store.createPoll(makePoll(event.id));
        const never = await store.createPoll(makePoll(event.id));
        await store.transitionPoll(soon.id, 'draft', 'live', { openedAt: new Date(t - 60_000).toISOString(), closesAt: new Date(t).toISOString() });
        await store.transitionPoll(later.id, 'draft', 'live', { openedAt: new Date(t - 60_000).toISOString(), closesAt: new Date(t + 60_000).toISOString() });
        await store.transitionPoll(never.id, 'draft', 'live', { openedAt: new Date(t - 60_000).toISOString(), closesAt: null });
        expect(await store.duePolls(t - 1)).toEqual([]);
        expect((await store.duePolls(t)).map((p) => p.id)).toEqual([soon.id]);
        expect((await store.duePolls(t + 60_000)).map((p) => p.id).sort()).toEqual([soon.id, later.id].sort());
        await store.transitionPoll(soon.id, 'live', 'closed', { closedAt: new Date(t).toISOString() });
        expect((await store.duePolls(t + 60_000)).map((p) => p.id)).toEqual([later.id]);
      });

      it('[STORE35] open-text answers are queued pending with their vote, replaced with it, and moderated with a version bump', async () => {
        const { poll } = await livePoll({ kind: 'open' } as Partial<Poll>);
        const answerVote = (participantId: string, text: string, answerId: string, at: string): CastVoteInput => {
          const vote: VoteInput = { kind: 'open', text };
          return { pollId: poll.id, participantId, cohort: 'remote', vote, counters: ['voters:remote'], fingerprint: JSON.stringify(vote), at, answerId, allowChange: true, answer: { id: answerId, text, flagged: false } };
        };
        await store.castVote(answerVote('pt_a', 'More demos, please', 'ans_1', '2026-01-20T09:30:01.000Z'));
        await store.castVote(answerVote('pt_b', 'Shorter breaks', 'ans_2', '2026-01-20T09:30:02.000Z'));
        expect((await store.listAnswers(poll.id)).map((a) => [a.id, a.participantId, a.text, a.status])).toEqual([
          ['ans_1', 'pt_a', 'More demos, please', 'pending'],
          ['ans_2', 'pt_b', 'Shorter breaks', 'pending'],
        ]);
        // A retry with a fresh answer id is the same vote: nothing is queued twice.
        expect((await store.castVote(answerVote('pt_a', 'More demos, please', 'ans_9', '2026-01-20T09:30:03.000Z'))).status).toBe('unchanged');
        await store.castVote(answerVote('pt_b', 'No breaks at all', 'ans_3', '2026-01-20T09:30:04.000Z'));
        expect((await store.listAnswers(poll.id)).map((a) => a.id)).toEqual(['ans_1', 'ans_3']);
        expect(await store.getTally(poll.id).then((t) => t?.counters)).toEqual({ 'voters:remote': 2 });

        const v = (await store.getTally(poll.id))!.version;
        const approved = await store.moderateAnswer(poll.id, 'ans_1', 'approved');
        expect(approved).toMatchObject({ id: 'ans_1', pollId: poll.id, participantId: 'pt_a', text: 'More demos, please', status: 'approved', flagged: false });
        expect((await store.getTally(poll.id))!.version).toBeGreaterThan(v);
        expect((await store.listAnswers(poll.id)).map((a) => a.status)).toEqual(['approved', 'pending']);
        expect(await store.moderateAnswer(poll.id, 'ans_2', 'approved')).toBeNull();
        expect(await store.moderateAnswer('poll_missing', 'ans_1', 'approved')).toBeNull();
      });
    });

    describe('final poll results', () => {
      // Only what closeIfLive touches: no sockets, no engagement log.
      const closeDeps = (): DomainDeps => ({ store, clock: { now: () => Date.parse('2026-01-20T09:31:00.000Z') }, publish: { toEvent() {}, toRoles() {} } }) as unknown as DomainDeps;

      async function votedPoll() {
        const { event } = await seed(0);
        const poll = await store.createPoll(makePoll(event.id));
        const live = (await store.transitionPoll(poll.id, 'draft', 'live', { openedAt: '2026-01-20T09:30:00.000Z', closesAt: null }))!;
        await store.castVote(singleVote(live.id, 'pt_a', 'o1', { cohort: 'room' }));
        await store.castVote(singleVote(live.id, 'pt_b', 'o2', { cohort: 'remote' }));
        await store.castVote(singleVote(live.id, 'pt_c', 'o1', { cohort: 'remote' }));
        return live;
      }

      it('[STORE38] [POLL26] closing stores the final results, equal to the tally at close, and reads of the closed poll return them', async () => {
        const live = await votedPoll();
        const closed = (await closeIfLive(closeDeps(), live))!;
        expect(closed.state).toBe('closed');
        const tally = (await store.getTally(live.id))!;
        const stored = await store.getFinalResults(live.id);
        expect(stored).toEqual({ results: buildResults(closed, tally, closed.presentAtClose!, null), version: tally.version });
        expect(stored!.results).toMatchObject({ state: 'closed', totals: { room: 1, remote: 2 } });
        // A vote after close is refused, so nothing can move them.
        await expect(store.castVote(singleVote(live.id, 'pt_d', 'o2'))).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
        expect(await loadResults(store, closed)).toEqual(stored!.results);
        // Reveal bumps the version after close: the stored results are shown with the current one.
        await store.setRevealed(live.id);
        const after = await store.getFinalResults(live.id);
        expect(after!.version).toBeGreaterThan(tally.version);
        expect(await loadResults(store, (await store.getPoll(live.id))!)).toEqual({ ...stored!.results, version: after!.version });
      });

      it('[STORE38] final results are stored once, only for a closed poll; a poll closed without them is tallied once and backfilled', async () => {
        const live = await votedPoll();
        const results = (await loadResults(store, live))!;
        await store.putFinalResults(live.id, results);
        expect(await store.getFinalResults(live.id)).toBeNull();
        expect(await store.getFinalResults('poll_missing')).toBeNull();

        // Closed straight in the store, as before final results existed.
        const closed = (await store.transitionPoll(live.id, 'live', 'closed', { closedAt: '2026-01-20T09:31:00.000Z', presentAtClose: { room: 4, remote: 5 } }))!;
        expect(await store.getFinalResults(live.id)).toBeNull();
        const read = (await loadResults(store, closed))!;
        expect(read).toMatchObject({ state: 'closed', present: { room: 4, remote: 5 }, totals: { room: 1, remote: 2 } });
        expect((await store.getFinalResults(live.id))!.results).toEqual(read);
        // First write wins.
        await store.putFinalResults(live.id, { ...read, totals: { room: 99, remote: 99 } });
        expect((await store.getFinalResults(live.id))!.results).toEqual(read);
      });
    });

    it('[STORE22] ping resolves while the store is reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
