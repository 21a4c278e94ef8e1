import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type BreakoutRound, type BreakoutTemplate, type HelpRequest } from '@rally/shared';
import type { BreakoutRoundStore } from '../../src/store/breakout-store.js';

// The rules cited as [BSTOREn] are in docs/SPEC.md (Store: breakouts).

let seq = 0;
const T0 = Date.UTC(2027, 0, 20, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function round(overrides: Partial<BreakoutRound> = {}): BreakoutRound {
  const n = ++seq;
  return {
    id: `rnd_${n}`,
    eventId: `ev_brk_${n}`,
    sessionId: null,
    title: 'Deal clinic',
    durationSec: 600,
    audience: 'remote',
    strategy: { kind: 'random' },
    format: { kind: 'open' },
    rooms: [
      { id: 'a', name: 'Alpha', topic: '', capacity: 3, facilitatorId: null },
      { id: 'b', name: 'Bravo', topic: '', capacity: 2, facilitatorId: null },
    ],
    status: 'draft',
    openedAt: null,
    endsAt: null,
    closesAt: null,
    closedAt: null,
    broadcasts: [],
    version: 0,
    ...overrides,
  };
}

const opened = (r: BreakoutRound, endsAtMs: number): BreakoutRound => ({ ...r, status: 'open', openedAt: iso(T0), endsAt: iso(endsAtMs), version: r.version + 1 });

/**
 * Runs the breakout round store contract against one adapter; `make` gives a fresh, empty store per
 * test, and `peer`, when the adapter can have several, a second one on the same data (another
 * node's connection) for the races.
 */
export function breakoutRoundsContract(name: string, make: () => Promise<{ store: BreakoutRoundStore; peer?: BreakoutRoundStore; cleanup: () => Promise<void> }>) {
  describe(`BreakoutRoundStore contract: ${name}`, () => {
    let store: BreakoutRoundStore;
    let peer: BreakoutRoundStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const made = await make();
      ({ store, cleanup } = made);
      peer = made.peer ?? made.store;
    });
    afterEach(() => cleanup());

    it('[BSTORE1] a round is stored as given, listed per event oldest first, refused on a taken id, and deleted with its people and help', async () => {
      const first = round();
      const second = round({ eventId: first.eventId, title: 'Role-play' });
      const elsewhere = round();
      for (const r of [first, second, elsewhere]) await store.createRound(r);
      expect(await store.getRound(first.id)).toEqual(first);
      expect(await store.roundState(first.id)).toEqual({ eventId: first.eventId, status: first.status });
      expect((await store.listRounds(first.eventId)).map((r) => r.id)).toEqual([first.id, second.id]);
      await expect(store.createRound({ ...first, title: 'Again' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      expect((await store.getRound(first.id))!.title).toBe('Deal clinic');

      await store.setAssignments(first.id, new Map([['p1', 'a']]));
      await store.addHelp(help(first.id, 'h_del'));
      expect(await store.deleteRound(first.id)).toBe(true);
      expect(await store.getRound(first.id)).toBeNull();
      expect(await store.roundState(first.id)).toBeNull();
      expect(await store.roomOf(first.id, 'p1')).toBeNull();
      expect(await store.getHelp('h_del')).toBeNull();
      expect(await store.listHelp(first.id)).toEqual([]);
      expect((await store.listRounds(first.eventId)).map((r) => r.id)).toEqual([second.id]);
      expect(await store.deleteRound(first.id)).toBe(false);
    });

    it('[BSTORE2] replaceRound is compare-and-set on the version: of two writers of one version exactly one wins', async () => {
      const r = round();
      await store.createRound(r);
      expect(await store.replaceRound({ ...r, title: 'Stale', version: 5 })).toBe(false);
      const outcomes = await Promise.all([store.replaceRound({ ...r, title: 'One', version: 1 }), peer.replaceRound({ ...r, title: 'Two', version: 1 })]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const stored = (await store.getRound(r.id))!;
      expect(stored.version).toBe(1);
      expect(stored.title).toBe(outcomes[0] ? 'One' : 'Two');
      expect(await store.replaceRound({ ...stored, title: 'Three', version: 2 })).toBe(true);
      expect((await store.getRound(r.id))!.title).toBe('Three');
      const open = { ...stored, title: 'Three', version: 3, status: 'open' as const, openedAt: new Date(0).toISOString(), endsAt: new Date(60_000).toISOString() };
      expect(await store.replaceRound(open)).toBe(true);
      expect(await peer.roundState(r.id)).toEqual({ eventId: r.eventId, status: 'open' });
    });

    it('[BSTORE3] setAssignments replaces the whole round at once and keeps the given order as the member order', async () => {
      const r = round();
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['p1', 'a'], ['p2', 'b'], ['p3', 'a']]));
      await store.setAssignments(r.id, new Map([['p4', 'b'], ['p3', 'a'], ['p1', 'a']]));
      expect([...(await store.listAssignments(r.id))]).toEqual([['p4', 'b'], ['p3', 'a'], ['p1', 'a']]);
      expect(await store.roomOf(r.id, 'p2')).toBeNull();
      expect(await store.roomOf(r.id, 'p3')).toBe('a');
    });

    it('[BSTORE4] place moves one participant, keeps the capacity, reports the previous room, and refuses unknown and closed rounds', async () => {
      const r = round();
      await store.createRound(r);
      expect(await store.place(r.id, 'p1', 'b', 2)).toEqual({ ok: true, previousRoomId: null });
      expect(await store.place(r.id, 'p2', 'b', 2)).toEqual({ ok: true, previousRoomId: null });
      expect(await store.place(r.id, 'p3', 'b', 2)).toEqual({ ok: false, reason: 'full' });
      expect(await store.roomOf(r.id, 'p3')).toBeNull();
      // Already there: nothing to do, even in a full room.
      expect(await store.place(r.id, 'p2', 'b', 2)).toEqual({ ok: true, previousRoomId: 'b' });
      expect(await store.place(r.id, 'p1', 'a', 3)).toEqual({ ok: true, previousRoomId: 'b' });
      // p1 left b: a seat is free again.
      expect(await store.place(r.id, 'p3', 'b', 2)).toEqual({ ok: true, previousRoomId: null });
      expect(await store.place(r.id, 'p2', null, 2)).toEqual({ ok: true, previousRoomId: 'b' });
      expect([...(await store.listAssignments(r.id))].sort()).toEqual([['p1', 'a'], ['p3', 'b']]);
      // The moved participant goes last in the member order.
      await store.place(r.id, 'p4', 'a', 3);
      await store.place(r.id, 'p3', 'a', 3);
      expect([...(await store.listAssignments(r.id))].filter(([, room]) => room === 'a').map(([p]) => p)).toEqual(['p1', 'p4', 'p3']);

      expect(await store.place('rnd_nope', 'p1', 'a', 3)).toEqual({ ok: false, reason: 'unknownRound' });
      const closed = round({ status: 'closed' });
      await store.createRound(closed);
      expect(await store.place(closed.id, 'p1', 'a', 3)).toEqual({ ok: false, reason: 'closed' });
      expect(await store.roomOf(closed.id, 'p1')).toBeNull();
    });

    it('[BSTORE4] many placements racing for the last seats: capacities kept, everyone in at most one room', async () => {
      const r = round({ rooms: [{ id: 'a', name: 'A', topic: '', capacity: 4, facilitatorId: null }, { id: 'b', name: 'B', topic: '', capacity: 4, facilitatorId: null }] });
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['s1', 'a'], ['s2', 'a'], ['s3', 'b']]));
      // 40 people race for the 5 free seats through two connections, each trying both rooms at once; s1 hops rooms meanwhile.
      const racers = Array.from({ length: 40 }, (_, i) => `r${i}`);
      const outcomes = await Promise.all([
        ...racers.flatMap((p, i) => [(i % 2 ? store : peer).place(r.id, p, 'a', 4), (i % 2 ? peer : store).place(r.id, p, 'b', 4)]),
        store.place(r.id, 's1', 'b', 4),
        peer.place(r.id, 's1', 'a', 4),
      ]);
      const all = await store.listAssignments(r.id);
      const count = (room: string) => [...all.values()].filter((x) => x === room).length;
      expect(count('a')).toBe(4);
      expect(count('b')).toBe(4);
      expect(all.size).toBe(8);
      // Every success of a racer is a seat it still holds, or one it left for the other room.
      const placed = racers.filter((p) => all.has(p));
      expect(placed).toHaveLength(5);
      expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(placed.length);
      // What the capacity check counts agrees with what is stored: a freed seat is taken exactly once.
      const loser = placed[0]!;
      await store.place(r.id, loser, null, 4);
      const again = await Promise.all(['z1', 'z2', 'z3'].map((p, i) => (i % 2 ? peer : store).place(r.id, p, all.get(loser)!, 4)));
      expect(again.filter((o) => o.ok)).toHaveLength(1);
    });

    it('[BSTORE4] swap trades two participants\' rooms and places in the member order; with one in no room, the other leaves', async () => {
      const r = round();
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['p1', 'a'], ['p2', 'b'], ['p3', 'a']]));
      await store.swap(r.id, 'p1', 'p2');
      expect([...(await store.listAssignments(r.id))]).toEqual([['p2', 'a'], ['p1', 'b'], ['p3', 'a']]);
      await store.swap(r.id, 'p3', 'p9');
      expect(await store.roomOf(r.id, 'p3')).toBeNull();
      expect(await store.roomOf(r.id, 'p9')).toBe('a');
      // Counts follow: room a holds p2 and p9, so one seat of three is left.
      expect(await store.place(r.id, 'p5', 'a', 3)).toMatchObject({ ok: true });
      expect(await store.place(r.id, 'p6', 'a', 3)).toEqual({ ok: false, reason: 'full' });
    });

    it('[BRK63] roomMembers and roomCounts agree with listAssignments after every kind of placement, read between them or only at the end', async () => {
      // Room ids that prefix one another: one room's members never include another's.
      const rooms = ['a', 'ab', 'a-1', 'b'];
      const r = round({ rooms: rooms.map((id) => ({ id, name: id, topic: '', capacity: 5, facilitatorId: null })) });
      await store.createRound(r);
      const expected = async () => {
        const members = new Map<string, string[]>(rooms.map((id) => [id, []]));
        for (const [p, room] of await store.listAssignments(r.id)) members.get(room)!.push(p);
        const counts = new Map([...members].filter(([, m]) => m.length > 0).map(([room, m]) => [room, m.length]));
        return { members, counts };
      };
      const check = async (via: BreakoutRoundStore = store) => {
        const want = await expected();
        expect(await via.roomMembers(r.id, rooms)).toEqual(want.members);
        expect(await via.roomCounts(r.id)).toEqual(want.counts);
      };
      const steps: (() => Promise<unknown>)[] = [
        () => store.setAssignments(r.id, new Map([['p1', 'a'], ['p2', 'ab'], ['p3', 'a'], ['p4', 'a-1']])),
        () => store.place(r.id, 'p5', 'a', 5),
        () => peer.place(r.id, 'p1', 'ab', 5),
        () => store.swap(r.id, 'p2', 'p3'),
        () => store.swap(r.id, 'p4', 'p9'),
        () => peer.place(r.id, 'p5', null, 5, 'move'),
        () => store.place(r.id, 'p2', null, 5, 'leave'),
        () => store.place(r.id, 'p6', 'b', 5, 'lateJoin'),
        () => peer.place(r.id, 'p6', 'b', 5),
        () => store.place(r.id, 'p7', 'a-1', 5),
      ];
      for (const step of steps) {
        await step();
        await check(step.length % 2 ? peer : store);
      }
      // The same again without reading in between, then a new assignment, then reads.
      await store.setAssignments(r.id, new Map([['q1', 'b'], ['q2', 'b'], ['q3', 'a']]));
      await check();
      for (const step of steps.slice(1)) await step();
      await check(peer);
      await store.setAssignments(r.id, new Map([['q3', 'ab'], ['q1', 'ab']]));
      await store.place(r.id, 'q2', 'ab', 5);
      await check();
      expect((await store.roomMembers(r.id, ['ab'])).get('ab')).toEqual(['q3', 'q1', 'q2']);
      // Nothing for an unknown round or a room nobody is in; nothing left once the round is deleted.
      expect(await store.roomMembers('rnd_nope', ['a'])).toEqual(new Map([['a', []]]));
      expect(await store.roomCounts('rnd_nope')).toEqual(new Map());
      await store.deleteRound(r.id);
      await store.createRound(r);
      expect(await store.roomMembers(r.id, rooms)).toEqual(new Map(rooms.map((id) => [id, []])));
      expect(await store.roomCounts(r.id)).toEqual(new Map());
    });

    it('[BSTORE11] every assignment write raises the round\'s placement number, and each read returns the number of what it read', async () => {
      const r = round();
      await store.createRound(r);
      const numbers = async (via: BreakoutRoundStore) => {
        const [all, members, now] = [await via.listAssignments(r.id), await via.roomMembers(r.id, ['a', 'b']), await via.placeSeq(r.id)];
        expect(members.seq).toBe(all.seq);
        expect(now).toBe(all.seq);
        return all.seq;
      };
      let last = await numbers(store);
      expect(last).toBe(0);
      const writes: [string, () => Promise<unknown>][] = [
        ['a whole assignment', () => store.setAssignments(r.id, new Map([['p1', 'a'], ['p2', 'b']]))],
        ['a placement in a room', () => peer.place(r.id, 'p3', 'a', 3)],
        ['a move to another room', () => store.place(r.id, 'p1', 'b', 2)],
        ['a swap', () => peer.swap(r.id, 'p1', 'p3')],
        ['a swap with someone in no room', () => store.swap(r.id, 'p2', 'p9')],
        ['a move out of every room', () => store.place(r.id, 'p9', null, 0, 'move')],
        ['a late joiner', () => peer.place(r.id, 'p4', 'b', 2, 'lateJoin')],
        ['a leave', () => store.place(r.id, 'p4', null, 0, 'leave')],
        ['a moved-out one placed again', () => peer.place(r.id, 'p9', 'b', 2)],
      ];
      for (const [what, write] of writes) {
        await write();
        const now = await numbers(peer);
        expect(now, what).toBeGreaterThan(last);
        last = now;
      }
      // A refused placement changes nothing, the number included.
      await store.place(r.id, 'p3', 'b', 2);
      expect(await store.place(r.id, 'p5', 'b', 2)).toEqual({ ok: false, reason: 'full' });
      last = await numbers(store);
      expect(await store.place(r.id, 'p9', null, 0, 'move')).toMatchObject({ ok: true });
      expect(await peer.place(r.id, 'p9', 'a', 3, 'lateJoin')).toEqual({ ok: false, reason: 'excluded' });
      expect(await numbers(peer)).toBe(last + 1);
      // An unknown round reads 0.
      expect(await store.placeSeq('rnd_nope')).toBe(0);
      expect((await store.listAssignments('rnd_nope')).seq).toBe(0);
    });

    it('[BSTORE11] placements racing on two connections: each raises the number, and two reads of one number read the same assignments', async () => {
      const r = round({ rooms: [{ id: 'a', name: 'A', topic: '', capacity: 40, facilitatorId: null }, { id: 'b', name: 'B', topic: '', capacity: 40, facilitatorId: null }] });
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['s1', 'a'], ['s2', 'b']]));
      const start = await store.placeSeq(r.id);
      const racers = Array.from({ length: 30 }, (_, i) => `r${i}`);
      const reads: Awaited<ReturnType<BreakoutRoundStore['listAssignments']>>[] = [];
      let racing = true;
      const reader = (async () => {
        while (racing) reads.push(await peer.listAssignments(r.id), await store.listAssignments(r.id));
      })();
      const [outcomes] = await Promise.all([Promise.all(racers.map((p, i) => (i % 2 ? store : peer).place(r.id, p, i % 3 ? 'a' : 'b', 40))), store.swap(r.id, 's1', 's2')]);
      racing = false;
      await reader;
      expect(outcomes.every((o) => o.ok)).toBe(true);
      // 30 placements and a swap that each changed something: at least 31 steps on.
      expect(await store.placeSeq(r.id)).toBeGreaterThanOrEqual(start + 31);
      const byNumber = new Map<number, string>();
      for (const read of [...reads, await store.listAssignments(r.id)]) {
        const text = JSON.stringify([...read]);
        expect(byNumber.get(read.seq) ?? text, `number ${read.seq}`).toBe(text);
        byNumber.set(read.seq, text);
      }
    });

    it('[BRK63] placements racing on two connections: each room\'s members and count match the assignments', async () => {
      const r = round({ rooms: [{ id: 'a', name: 'A', topic: '', capacity: 6, facilitatorId: null }, { id: 'b', name: 'B', topic: '', capacity: 6, facilitatorId: null }] });
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['s1', 'a'], ['s2', 'b']]));
      await store.roomMembers(r.id, ['a']);
      const racers = Array.from({ length: 30 }, (_, i) => `r${i}`);
      await Promise.all([
        ...racers.map((p, i) => (i % 2 ? store : peer).place(r.id, p, i % 3 ? 'a' : 'b', 6)),
        ...racers.slice(0, 10).map((p, i) => (i % 2 ? peer : store).place(r.id, p, null, 6)),
        store.swap(r.id, 's1', 's2'),
      ]);
      const all = await store.listAssignments(r.id);
      for (const room of ['a', 'b']) {
        const want = [...all].filter(([, x]) => x === room).map(([p]) => p);
        expect((await peer.roomMembers(r.id, [room])).get(room)).toEqual(want);
        expect((await store.roomCounts(r.id)).get(room) ?? 0).toBe(want.length);
        expect(want.length).toBeLessThanOrEqual(6);
      }
    });

    it('[BSTORE9] a moderator\'s move out of every room sticks: late joining is refused until a placement in a room clears it', async () => {
      const r = round();
      await store.createRound(r);
      await store.setAssignments(r.id, new Map([['p1', 'a'], ['p2', 'b']]));
      expect(await store.place(r.id, 'p1', null, 0)).toEqual({ ok: true, previousRoomId: 'a' });
      // From either connection (another node), a late join of p1 changes nothing.
      expect(await peer.place(r.id, 'p1', 'a', 3, 'lateJoin')).toEqual({ ok: false, reason: 'excluded' });
      expect(await store.roomOf(r.id, 'p1')).toBeNull();
      // Someone leaving the audience is not recorded: they may join late again.
      expect(await store.place(r.id, 'p2', null, 0, 'leave')).toEqual({ ok: true, previousRoomId: 'b' });
      expect(await peer.place(r.id, 'p2', 'b', 2, 'lateJoin')).toEqual({ ok: true, previousRoomId: null });
      // A moderator's move into a room clears the record.
      expect(await store.place(r.id, 'p1', 'b', 2)).toEqual({ ok: true, previousRoomId: null });
      await store.place(r.id, 'p1', null, 0);
      expect(await store.place(r.id, 'p1', 'a', 3, 'lateJoin')).toMatchObject({ ok: false });
      // So does an assignment that places them.
      await store.setAssignments(r.id, new Map([['p2', 'a'], ['p1', 'b']]));
      await store.place(r.id, 'p1', null, 0, 'leave');
      expect(await store.place(r.id, 'p1', 'a', 3, 'lateJoin')).toEqual({ ok: true, previousRoomId: null });
      // Records are per round, and go with the round.
      const other = round({ eventId: r.eventId });
      await store.createRound(other);
      await store.place(r.id, 'p1', null, 0);
      expect(await store.place(other.id, 'p1', 'a', 3, 'lateJoin')).toMatchObject({ ok: true });
      await store.deleteRound(r.id);
      await store.createRound(r);
      expect(await store.place(r.id, 'p1', 'a', 3, 'lateJoin')).toMatchObject({ ok: true });
    });

    it('[BSTORE5] help requests are stored untaken, listed oldest first, and the first taker wins', async () => {
      const r = round();
      await store.createRound(r);
      const h1 = help(r.id, 'h1');
      await store.addHelp(h1);
      await store.addHelp(help(r.id, 'h2'));
      await expect(store.addHelp(h1)).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      expect((await store.listHelp(r.id)).map((h) => h.id)).toEqual(['h1', 'h2']);
      expect(await store.getHelp('h1')).toEqual(h1);
      const takers = ['m1', 'm2', 'm3', 'm4'].map((id) => ({ id, name: `Mod ${id}`, at: iso(T0 + 1000) }));
      const results = await Promise.all(takers.map((t, i) => (i % 2 ? peer : store).takeHelp('h1', t)));
      const winner = results[0]!.takenBy!;
      expect(takers.map((t) => t.id)).toContain(winner.id);
      for (const res of results) expect(res!.takenBy).toEqual(winner);
      expect((await store.getHelp('h1'))!.takenBy).toEqual(winner);
      expect(await store.takeHelp('h_none', takers[0]!)).toBeNull();
      expect((await store.getHelp('h2'))!.takenBy).toBeNull();
    });

    it('[BSTORE6] templates are saved (a resave replaces), listed per event oldest first, and deleted', async () => {
      const draft = { title: 'Plan', durationSec: 600, audience: 'remote', strategy: { kind: 'random' }, format: { kind: 'open' }, rooms: [] } as BreakoutTemplate['draft'];
      const t1: BreakoutTemplate = { id: 'tpl1', eventId: 'ev_tpl', name: 'One', draft, createdAt: iso(T0) };
      const t2: BreakoutTemplate = { ...t1, id: 'tpl2', name: 'Two' };
      await store.saveTemplate(t1);
      await store.saveTemplate(t2);
      await store.saveTemplate({ ...t1, name: 'One again' });
      expect((await store.listTemplates('ev_tpl')).map((t) => t.name)).toEqual(['One again', 'Two']);
      expect(await store.getTemplate('tpl2')).toEqual(t2);
      expect(await store.deleteTemplate('tpl1')).toBe(true);
      expect(await store.deleteTemplate('tpl1')).toBe(false);
      expect((await store.listTemplates('ev_tpl')).map((t) => t.id)).toEqual(['tpl2']);
      expect(await store.listTemplates('ev_other')).toEqual([]);
    });

    it('[BSTORE7] one running round per event: opening a second fails while the first is open or closing, and works once it closed', async () => {
      const r1 = round();
      const r2 = round({ eventId: r1.eventId });
      const other = round();
      for (const r of [r1, r2, other]) await store.createRound(r);
      // Both race to open: exactly one wins.
      const raced = await Promise.all([store.replaceRound(opened(r1, T0 + 600_000)), peer.replaceRound(opened(r2, T0 + 600_000))]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      const [winner, loser] = raced[0] ? [opened(r1, T0 + 600_000), r2] : [opened(r2, T0 + 600_000), r1];
      // Another event is not affected.
      expect(await store.replaceRound(opened(other, T0 + 600_000))).toBe(true);
      const closing = { ...winner, status: 'closing' as const, closesAt: iso(T0 + 30_000), version: winner.version + 1 };
      expect(await store.replaceRound(closing)).toBe(true);
      expect(await store.replaceRound(opened(loser, T0 + 600_000))).toBe(false);
      expect(await store.replaceRound({ ...closing, status: 'closed', closedAt: iso(T0 + 30_000), version: closing.version + 1 })).toBe(true);
      expect(await store.replaceRound(opened(loser, T0 + 600_000))).toBe(true);
    });

    it('[BSTORE7] runningRound: the event\'s open or closing round as stored now, on every connection; none before opening or after closing', async () => {
      const r = round();
      const other = round();
      await store.createRound(r);
      await store.createRound(other);
      expect(await store.runningRound(r.eventId)).toBeNull();
      const open = opened(r, T0 + 600_000);
      await store.replaceRound(open);
      expect(await peer.runningRound(r.eventId)).toEqual(open);
      expect(await peer.runningRound(other.eventId)).toBeNull();
      const extended = { ...open, endsAt: iso(T0 + 900_000), version: open.version + 1 };
      await peer.replaceRound(extended);
      expect(await store.runningRound(r.eventId)).toEqual(extended);
      const closing = { ...extended, status: 'closing' as const, closesAt: iso(T0 + 30_000), version: extended.version + 1 };
      await store.replaceRound(closing);
      expect(await peer.runningRound(r.eventId)).toEqual(closing);
      // A refused replace (stale version) leaves it as it was.
      expect(await store.replaceRound({ ...closing, status: 'closed', version: closing.version + 5 })).toBe(false);
      expect((await store.runningRound(r.eventId))!.status).toBe('closing');
      await store.replaceRound({ ...closing, status: 'closed', closedAt: iso(T0 + 30_000), version: closing.version + 1 });
      expect(await peer.runningRound(r.eventId)).toBeNull();
      // The next round to open is the running one; a deleted round is not.
      const again = round({ eventId: r.eventId });
      await store.createRound(again);
      await store.replaceRound(opened(again, T0 + 600_000));
      expect((await store.runningRound(r.eventId))!.id).toBe(again.id);
      await store.deleteRound(again.id);
      expect(await peer.runningRound(r.eventId)).toBeNull();
    });

    it('[BSTORE8] an open structured round is due at the start of its next unannounced rotation, then at endsAt', async () => {
      const format = { kind: 'teachBack', roles: [{ id: 't', name: 'T', scores: false, brief: '' }, { id: 'l', name: 'L', scores: true, brief: '' }], rotations: 3, rubric: [{ id: 'c', label: 'C' }] } as BreakoutRound['format'];
      const r = round({ format, durationSec: 600 });
      await store.createRound(r);
      const open = { ...opened(r, T0 + 600_000), rotation: 0 };
      await store.replaceRound(open);
      expect(await peer.dueRounds(T0 + 200_000 - 1, 10)).toEqual([]);
      expect(await peer.dueRounds(T0 + 200_000, 10)).toEqual([r.id]);
      // Rotation 1 announced (compare-and-set): due at rotation 2's start; after the last, at endsAt.
      const first = { ...open, rotation: 1, version: open.version + 1 };
      expect(await store.replaceRound(first)).toBe(true);
      expect(await peer.replaceRound({ ...open, rotation: 1, version: open.version + 1 })).toBe(false);
      expect(await peer.dueRounds(T0 + 400_000 - 1, 10)).toEqual([]);
      expect(await peer.dueRounds(T0 + 400_000, 10)).toEqual([r.id]);
      await store.replaceRound({ ...first, rotation: 2, version: first.version + 1 });
      expect(await peer.dueRounds(T0 + 600_000 - 1, 10)).toEqual([]);
      expect(await peer.dueRounds(T0 + 600_000, 10)).toEqual([r.id]);
    });

    it('[BSTORE8] dueRounds: open rounds by endsAt, closing rounds by closesAt, soonest first; drafts and closed rounds never', async () => {
      const a = round();
      const b = round();
      const c = round();
      for (const r of [a, b, c]) await store.createRound(r);
      await store.replaceRound(opened(a, T0 + 60_000));
      const bOpen = opened(b, T0 + 600_000);
      await store.replaceRound(bOpen);
      await store.replaceRound({ ...bOpen, status: 'closing', closesAt: iso(T0 + 30_000), version: bOpen.version + 1 });
      expect(await store.dueRounds(T0 + 10_000, 10)).toEqual([]);
      expect(await store.dueRounds(T0 + 60_000, 10)).toEqual([b.id, a.id]);
      expect(await store.dueRounds(T0 + 60_000, 1)).toEqual([b.id]);
      const aNow = (await store.getRound(a.id))!;
      await store.replaceRound({ ...aNow, status: 'closed', closedAt: iso(T0), version: aNow.version + 1 });
      expect(await store.dueRounds(T0 + 3_600_000, 10)).toEqual([b.id]);
      await store.deleteRound(b.id);
      expect(await store.dueRounds(T0 + 3_600_000, 10)).toEqual([]);
    });
  });
}

function help(roundId: string, id: string): HelpRequest {
  return { id, roundId, roomId: 'a', participantId: 'p1', name: 'Ana', at: iso(T0 + ++seq), takenBy: null };
}
