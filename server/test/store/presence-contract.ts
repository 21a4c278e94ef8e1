import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Participant, type CohortCounts, type Mode, type Role } from '@rally/shared';
import { presenceCohort, type EventRecord, type Store, type TeamCohortCounts } from '../../src/store/store.js';

// [STORE36] [STORE37] in docs/SPEC.md: the store keeps online counts per cohort and per team, exact under concurrency.

let seq = 0;

function makeEvent(): EventRecord {
  const n = ++seq;
  return {
    id: `pev_${n}_${process.pid}`,
    // Join codes only need to be unique per store; these never collide with each other.
    code: `P${String(n).padStart(5, '0')}`.slice(0, 6),
    name: `Presence ${n}`,
    teams: [],
    agenda: [],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    keys: { presenter: `p-${n}`, moderator: `m-${n}`, stage: `s-${n}` },
    keyGeneration: 0,
  };
}

/**
 * What the counts must be: recounted from scratch from who is online and their stored records.
 * The slow O(N) way the store must never need, used here as the oracle.
 */
async function recount(store: Store, eventId: string): Promise<CohortCounts> {
  const counts = { room: 0, remote: 0 };
  for (const id of await store.presenceOnline(eventId)) {
    const p = await store.getParticipant(id);
    const cohort = p ? presenceCohort(p) : null;
    if (cohort) counts[cohort]++;
  }
  return counts;
}

/** The per-team counts recounted the same way, in a fixed order for comparison. */
async function recountTeams(store: Store, eventId: string): Promise<TeamCohortCounts[]> {
  const byTeam = new Map<string | null, TeamCohortCounts>();
  for (const id of await store.presenceOnline(eventId)) {
    const p = await store.getParticipant(id);
    const cohort = p ? presenceCohort(p) : null;
    if (!p || !cohort) continue;
    const t = byTeam.get(p.team) ?? { team: p.team, room: 0, remote: 0 };
    t[cohort]++;
    byTeam.set(p.team, t);
  }
  return sortTeams([...byTeam.values()]);
}

const sortTeams = (ts: TeamCohortCounts[]) => [...ts].sort((a, b) => (a.team ?? '').localeCompare(b.team ?? '') || (a.team === null ? -1 : 1));

export function presenceContract(name: string, make: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  describe(`Presence counts contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function seed(people: { role?: Role; mode?: Mode; team?: string | null }[]) {
      const event = makeEvent();
      await store.createEvent(event);
      const list: Participant[] = [];
      for (const [i, o] of people.entries()) {
        const p = Participant.parse({
          id: `pp_${++seq}`,
          eventId: event.id,
          name: `Person ${i}`,
          role: o.role ?? 'attendee',
          mode: o.mode ?? 'room',
          team: o.team ?? null,
          banned: false,
          joinedAt: new Date(Date.UTC(2026, 0, 20, 9) + i * 1000).toISOString(),
        });
        await store.createParticipant(p);
        list.push(p);
      }
      return { event, people: list };
    }

    it('[STORE36] [PRES3] counts attendees online by their stored mode, once however many sockets; staff and the screen not at all', async () => {
      const { event, people } = await seed([{ mode: 'room' }, { mode: 'remote' }, { mode: 'remote' }, { role: 'moderator', mode: 'room' }, { role: 'screen', mode: 'room' }]);
      const [ann, bob, cat, mod, screen] = people as [Participant, Participant, Participant, Participant, Participant];
      expect(await store.presenceCounts(event.id)).toEqual({ room: 0, remote: 0 });
      expect(await store.presenceAdd(event.id, ann.id, 'a1', 'n1')).toEqual({ changed: true, counts: { room: 1, remote: 0 } });
      expect(await store.presenceAdd(event.id, ann.id, 'a2', 'n2')).toEqual({ changed: false, counts: { room: 1, remote: 0 } });
      expect((await store.presenceAdd(event.id, bob.id, 'b1', 'n1')).counts).toEqual({ room: 1, remote: 1 });
      expect((await store.presenceAdd(event.id, cat.id, 'c1', 'n1')).counts).toEqual({ room: 1, remote: 2 });
      expect(await store.presenceAdd(event.id, mod.id, 'm1', 'n1')).toEqual({ changed: true, counts: { room: 1, remote: 2 } });
      expect((await store.presenceAdd(event.id, screen.id, 's1', 'n1')).counts).toEqual({ room: 1, remote: 2 });
      expect(await store.presenceRemove(event.id, ann.id, 'a1')).toEqual({ changed: false, counts: { room: 1, remote: 2 } });
      expect(await store.presenceRemove(event.id, ann.id, 'a2')).toEqual({ changed: true, counts: { room: 0, remote: 2 } });
      expect(await store.presenceRemove(event.id, ann.id, 'a2')).toEqual({ changed: false, counts: { room: 0, remote: 2 } });
      expect(await store.presenceIsOnline(event.id, ann.id)).toBe(false);
      expect(await store.presenceIsOnline(event.id, bob.id)).toBe(true);
      expect(await store.presenceCounts(event.id)).toEqual(await recount(store, event.id));
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
    });

    it('[PERF22] changes made together (one turn, one batch) apply in order, each answered as if alone', async () => {
      const { event, people } = await seed([{ mode: 'room' }, { mode: 'remote' }, { mode: 'room' }]);
      const [ann, bob, cat] = people as [Participant, Participant, Participant];
      await store.presenceAdd(event.id, cat.id, 'c0', 'n1');
      const together = await Promise.all([
        store.presenceAdd(event.id, ann.id, 'a1', 'n1'),
        store.presenceAdd(event.id, ann.id, 'a2', 'n2'),
        store.presenceAdd(event.id, bob.id, 'b1', 'n1'),
        store.presenceRemove(event.id, ann.id, 'a1'),
        store.presenceRemove(event.id, cat.id, 'c0'),
        store.presenceRemove(event.id, ann.id, 'a2'),
        store.presenceRemove(event.id, ann.id, 'a2'),
        store.presenceAdd(event.id, cat.id, 'c1', 'n2'),
      ]);
      expect(together).toEqual([
        { changed: true, counts: { room: 2, remote: 0 } },
        { changed: false, counts: { room: 2, remote: 0 } },
        { changed: true, counts: { room: 2, remote: 1 } },
        { changed: false, counts: { room: 2, remote: 1 } },
        { changed: true, counts: { room: 1, remote: 1 } },
        { changed: true, counts: { room: 0, remote: 1 } },
        { changed: false, counts: { room: 0, remote: 1 } },
        { changed: true, counts: { room: 1, remote: 1 } },
      ]);
      expect(await store.presenceCounts(event.id)).toEqual(await recount(store, event.id));
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
      // Many at once (more than one script call's worth in Redis), every one answered.
      const many = await Promise.all(Array.from({ length: 1_200 }, (_, i) => store.presenceAdd(event.id, bob.id, `bulk${i}`, 'n1')));
      expect(many.filter((c) => c.changed)).toHaveLength(0);
      await Promise.all(Array.from({ length: 1_200 }, (_, i) => store.presenceRemove(event.id, bob.id, `bulk${i}`)));
      expect(await store.presenceIsOnline(event.id, bob.id)).toBe(true);
    });

    it('[STORE36] [ID6] a mode change moves an online attendee between the counts; an offline one counts nowhere until they connect', async () => {
      const { event, people } = await seed([{ mode: 'room' }, { mode: 'room' }, { role: 'presenter', mode: 'room' }]);
      const [ann, bob, pres] = people as [Participant, Participant, Participant];
      await store.presenceAdd(event.id, ann.id, 'a1', 'n1');
      await store.presenceAdd(event.id, pres.id, 'p1', 'n1');
      await store.updateParticipant(ann.id, { mode: 'remote' });
      expect(await store.presenceCounts(event.id)).toEqual({ room: 0, remote: 1 });
      await store.updateParticipant(ann.id, { team: 'North' }); // not a mode change: counts stay
      await store.updateParticipant(pres.id, { mode: 'remote' }); // staff: never counted
      await store.updateParticipant(bob.id, { mode: 'remote' }); // offline
      expect(await store.presenceCounts(event.id)).toEqual({ room: 0, remote: 1 });
      expect((await store.presenceAdd(event.id, bob.id, 'b1', 'n1')).counts).toEqual({ room: 0, remote: 2 });
      // Offline after the switch: taken out of the cohort they are in now.
      expect((await store.presenceRemove(event.id, ann.id, 'a1')).counts).toEqual({ room: 0, remote: 1 });
      expect(await store.presenceCounts(event.id)).toEqual(await recount(store, event.id));
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
    });

    it('[STORE36] [STORE18] clearing a dead node takes out whoever it leaves offline, and only them', async () => {
      const { event, people } = await seed([{ mode: 'room' }, { mode: 'remote' }, { mode: 'remote' }]);
      const [ann, bob, cat] = people as [Participant, Participant, Participant];
      await store.presenceAdd(event.id, ann.id, 'a1', 'dead');
      await store.presenceAdd(event.id, bob.id, 'b1', 'dead');
      await store.presenceAdd(event.id, bob.id, 'b2', 'alive');
      await store.presenceAdd(event.id, cat.id, 'c1', 'dead');
      await store.presenceClearNode('dead');
      expect(await store.presenceCounts(event.id)).toEqual({ room: 0, remote: 1 });
      expect(await store.presenceCounts(event.id)).toEqual(await recount(store, event.id));
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
    });

    it('[STORE37] counts online attendees per team and cohort; a team or mode change moves them, going offline takes them out', async () => {
      const { event, people } = await seed([
        { mode: 'room', team: 'North' },
        { mode: 'remote', team: 'North' },
        { mode: 'room', team: null },
        { mode: 'room', team: 'South' },
        { role: 'moderator', mode: 'room', team: 'North' },
      ]);
      const [ann, bob, cat, dan, mod] = people as [Participant, Participant, Participant, Participant, Participant];
      expect(await store.presenceTeamCounts(event.id)).toEqual([]);
      for (const p of [ann, bob, cat, mod]) await store.presenceAdd(event.id, p.id, `${p.id}-1`, 'n1');
      await store.presenceAdd(event.id, ann.id, `${ann.id}-2`, 'n2'); // a second tab counts once
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual([
        { team: null, room: 1, remote: 0 },
        { team: 'North', room: 1, remote: 1 },
      ]);
      await store.updateParticipant(ann.id, { team: 'South' });
      await store.updateParticipant(bob.id, { mode: 'room' });
      await store.updateParticipant(dan.id, { team: 'North' }); // offline: counted nowhere yet
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual([
        { team: null, room: 1, remote: 0 },
        { team: 'North', room: 1, remote: 0 },
        { team: 'South', room: 1, remote: 0 },
      ]);
      await store.presenceRemove(event.id, cat.id, `${cat.id}-1`);
      await store.presenceAdd(event.id, dan.id, `${dan.id}-1`, 'n1');
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual([
        { team: 'North', room: 2, remote: 0 },
        { team: 'South', room: 1, remote: 0 },
      ]);
      expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
    });

    it('[STORE36] [STORE37] [PRES2] counts stay exact under concurrent opens, closes and mode switches of many sockets per participant', async () => {
      const { event, people } = await seed(Array.from({ length: 12 }, (_, i) => ({ mode: i % 3 === 0 ? 'remote' : 'room', role: i === 11 ? 'moderator' : 'attendee' })));
      const op = fc.oneof(
        fc.record({ kind: fc.constant('open' as const), who: fc.nat(11), sock: fc.nat(2) }),
        fc.record({ kind: fc.constant('close' as const), who: fc.nat(11), sock: fc.nat(2) }),
        fc.record({ kind: fc.constant('mode' as const), who: fc.nat(11), mode: fc.constantFrom<Mode>('room', 'remote') }),
        fc.record({ kind: fc.constant('team' as const), who: fc.nat(11), team: fc.constantFrom<string | null>('North', 'South', null) }),
      );
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), async (batches) => {
          round++;
          // Per participant: comings online minus goings offline the store reported.
          const net = new Map<string, number>();
          for (const p of people) net.set(p.id, (await store.presenceIsOnline(event.id, p.id)) ? 1 : 0);
          for (const batch of batches) {
            // Each batch runs concurrently, as sockets on several nodes would.
            await Promise.all(
              batch.map(async (o) => {
                const p = people[o.who]!;
                if (o.kind === 'mode') return void (await store.updateParticipant(p.id, { mode: o.mode }));
                if (o.kind === 'team') return void (await store.updateParticipant(p.id, { team: o.team }));
                const sock = `${p.id}-s${o.sock}`;
                const r = o.kind === 'open' ? await store.presenceAdd(event.id, p.id, sock, `node-${o.sock}`) : await store.presenceRemove(event.id, p.id, sock);
                expect(r.counts.room).toBeGreaterThanOrEqual(0);
                expect(r.counts.remote).toBeGreaterThanOrEqual(0);
                if (r.changed) net.set(p.id, net.get(p.id)! + (o.kind === 'open' ? 1 : -1));
              }),
            );
            expect(await store.presenceCounts(event.id)).toEqual(await recount(store, event.id));
            expect(sortTeams(await store.presenceTeamCounts(event.id))).toEqual(await recountTeams(store, event.id));
          }
          for (const p of people) expect(net.get(p.id)).toBe((await store.presenceIsOnline(event.id, p.id)) ? 1 : 0);
        }),
        { numRuns: 25, seed: 36 },
      );
      expect(round).toBeGreaterThan(0);
    });
  });
}
