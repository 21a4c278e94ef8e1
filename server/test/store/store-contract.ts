import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AgendaSession,
  ErrorCode,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  JoinCode,
  Participant,
  PublicEvent,
  RallyError,
} from '@rally/shared';
import type { EventRecord, ParticipantPatch, Store } from '../../src/store/store.js';

// The rules cited as [STOREn] are listed in docs/spec/store.md.

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

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RallyError);
  expect((err as RallyError).code).toBe(ErrorCode.CONFLICT);
}

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
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a1', 'node-1')).toEqual({ changed: true });
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a2', 'node-1')).toEqual({ changed: false });
        expect(await store.presenceAdd(event.id, bob.id, 'sock-b1', 'node-2')).toEqual({ changed: true });
        expect((await store.presenceOnline(event.id)).sort()).toEqual([ann.id, bob.id].sort());
      });

      it('[STORE16] presenceRemove reports a change only when it removes the last socket; unknown sockets change nothing', async () => {
        const { event, people } = await seed(2);
        const [ann, bob] = people as [Participant, Participant];
        await store.presenceAdd(event.id, ann.id, 'sock-a1', 'node-1');
        await store.presenceAdd(event.id, ann.id, 'sock-a2', 'node-2');
        await store.presenceAdd(event.id, bob.id, 'sock-b1', 'node-1');
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a1')).toEqual({ changed: false });
        expect((await store.presenceOnline(event.id)).sort()).toEqual([ann.id, bob.id].sort());
        expect(await store.presenceRemove(event.id, ann.id, 'sock-unknown')).toEqual({ changed: false });
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a2')).toEqual({ changed: true });
        expect(await store.presenceRemove(event.id, ann.id, 'sock-a2')).toEqual({ changed: false });
        expect(await store.presenceOnline(event.id)).toEqual([bob.id]);
        // Back online after going offline counts as a change again.
        expect(await store.presenceAdd(event.id, ann.id, 'sock-a3', 'node-1')).toEqual({ changed: true });
      });

      it('[STORE17] presence is scoped to its event', async () => {
        const a = await seed(1);
        const b = await seed(1);
        await store.presenceAdd(a.event.id, a.people[0]!.id, 'sock-1', 'node-1');
        expect(await store.presenceOnline(a.event.id)).toEqual([a.people[0]!.id]);
        expect(await store.presenceOnline(b.event.id)).toEqual([]);
        expect(await store.presenceRemove(b.event.id, a.people[0]!.id, 'sock-1')).toEqual({ changed: false });
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
        expect(await store.presenceRemove(a.event.id, bob.id, 'sock-b1')).toEqual({ changed: false });
        expect(await store.presenceRemove(a.event.id, bob.id, 'sock-b2')).toEqual({ changed: true });
        // ann went offline with the node, so her next socket brings her online again.
        expect(await store.presenceAdd(a.event.id, ann.id, 'sock-a3', 'node-new')).toEqual({ changed: true });
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

    it('[STORE22] ping resolves while the store is reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
