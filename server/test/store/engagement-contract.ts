import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGAGEMENT_KIND_NAMES, ErrorCode, RallyError, type EngagementEntry, type NewEngagementEntry } from '@rally/shared';
import type { EngagementStore } from '../../src/store/engagement-store.js';

// The rules cited as [ESTOREn] are in docs/SPEC.md (Engagement store).

let seq = 0;
const newEvent = () => `ev_eng_${++seq}_${process.pid}`;
const batch = () => `batch_${++seq}_${Math.random().toString(36).slice(2)}`;

function entry(eventId: string, i: number, overrides: Partial<NewEngagementEntry> = {}): NewEngagementEntry {
  return {
    eventId,
    participantId: `pt_${i % 7}`,
    mode: i % 2 === 0 ? 'room' : 'remote',
    team: i % 3 === 0 ? null : 'EMEA',
    sessionId: i % 4 === 0 ? null : 'keynote',
    kind: (['voted', 'asked', 'upvoted', 'reacted', 'chatted'] as const)[i % 5]!,
    at: new Date(Date.UTC(2027, 0, 20, 9) + i * 1000).toISOString(),
    ...(i % 5 === 2 ? { ref: `q_${i}` } : {}),
    ...overrides,
  };
}

const withoutCursor = ({ cursor: _c, ...rest }: EngagementEntry) => rest;

async function readAll(store: EngagementStore, eventId: string, pageSize = 1000): Promise<EngagementEntry[]> {
  const out: EngagementEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readEngagement(eventId, after, pageSize);
    out.push(...page.entries);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

/** Runs the engagement store contract against one adapter; `make` gives a fresh store per test. */
export function engagementContract(name: string, make: () => Promise<{ store: EngagementStore; cleanup: () => Promise<void> }>) {
  describe(`EngagementStore contract: ${name}`, () => {
    let store: EngagementStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('[ESTORE1] appended entries read back unchanged, in order, per event, with cursors that only grow', async () => {
      const a = newEvent();
      const b = newEvent();
      const anonymous = entry(a, 3, { participantId: null, team: null, kind: 'asked', breakoutRoomId: 'room-1' });
      const written = [entry(a, 0), entry(b, 1), entry(a, 2), anonymous, entry(b, 4, { ref: 'Ünïcödé 👏 "quoted", comma' })];
      await store.appendEngagement(batch(), written);
      await store.appendEngagement(batch(), [entry(a, 5)]);
      const readA = await readAll(store, a);
      expect(readA.map(withoutCursor)).toEqual([written[0], written[2], anonymous, entry(a, 5)]);
      expect((await readAll(store, b)).map(withoutCursor)).toEqual([written[1], written[4]]);
      expect(await readAll(store, newEvent())).toEqual([]);
      expect(await store.countEngagement(a)).toBe(4);
      expect(await store.countEngagement(newEvent())).toBe(0);
      // Cursors are strictly increasing in read order, whatever their format.
      const cursors = readA.map((e) => e.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
      const page = await store.readEngagement(a, cursors[1]!, 10);
      expect(page.entries.map((e) => e.cursor)).toEqual(cursors.slice(2));
    });

    it('[ESTORE1] [ENG24] every kind of the registry reads back unchanged, a mode switch with its old cohort in ref', async () => {
      const ev = newEvent();
      const written = ENGAGEMENT_KIND_NAMES.map((kind, i) => entry(ev, i, { kind, ...(kind === 'modeChanged' ? { mode: 'room', ref: 'remote' } : {}) }));
      await store.appendEngagement(batch(), written);
      expect((await readAll(store, ev)).map(withoutCursor)).toEqual(written);
    });

    it('[ESTORE2] a batch id already applied changes nothing: a retried batch is stored once', async () => {
      const ev = newEvent();
      const id = batch();
      await store.appendEngagement(id, [entry(ev, 0), entry(ev, 1)]);
      await store.appendEngagement(id, [entry(ev, 0), entry(ev, 1)]);
      await Promise.all(Array.from({ length: 5 }, () => store.appendEngagement(id, [entry(ev, 0), entry(ev, 1)])));
      expect(await store.countEngagement(ev)).toBe(2);
      await store.appendEngagement(batch(), []);
      expect(await store.countEngagement(ev)).toBe(2);
    });

    it('[ESTORE3] pages: at most `limit` entries, nextCursor to read on (the same cursor when nothing is new), hasMore; a malformed cursor is BAD_REQUEST', async () => {
      const ev = newEvent();
      await store.appendEngagement(batch(), Array.from({ length: 7 }, (_, i) => entry(ev, i)));
      const first = await store.readEngagement(ev, null, 3);
      expect(first.entries).toHaveLength(3);
      expect(first.hasMore).toBe(true);
      expect(first.nextCursor).toBe(first.entries[2]!.cursor);
      const second = await store.readEngagement(ev, first.nextCursor, 3);
      const third = await store.readEngagement(ev, second.nextCursor, 3);
      expect(third.entries).toHaveLength(1);
      expect(third.hasMore).toBe(false);
      const idle = await store.readEngagement(ev, third.nextCursor, 3);
      expect(idle).toEqual({ entries: [], nextCursor: third.nextCursor, hasMore: false });
      expect(await store.readEngagement(newEvent(), null, 3)).toEqual({ entries: [], nextCursor: null, hasMore: false });
      expect([...first.entries, ...second.entries, ...third.entries].map(withoutCursor)).toEqual(Array.from({ length: 7 }, (_, i) => entry(ev, i)));
      await expectCode(store.readEngagement(ev, 'not-a-cursor', 3), ErrorCode.BAD_REQUEST);
      await expectCode(store.readEngagement(ev, "1; DROP TABLE x --", 3), ErrorCode.BAD_REQUEST);
    });

    it('[ESTORE4] a reader following the cursor while several writers append concurrently sees every entry exactly once, in log order', async () => {
      const ev = newEvent();
      const total = 600;
      const writers = 4;
      let written = 0;
      const writing = Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = w; i < total; i += writers * 5) {
            const chunk = Array.from({ length: 5 }, (_, k) => entry(ev, i + k * writers, { participantId: `pt_${i + k * writers}` }));
            await store.appendEngagement(batch(), chunk);
            written += chunk.length;
            await new Promise((r) => setImmediate(r));
          }
        }),
      );
      const seen: EngagementEntry[] = [];
      let after: string | null = null;
      let done = false;
      void writing.finally(() => (done = true)).catch(() => undefined);
      // Follow like an API consumer: small pages, keep the cursor, poll again when caught up.
      for (;;) {
        const page = await store.readEngagement(ev, after, 7);
        seen.push(...page.entries);
        after = page.nextCursor;
        if (!page.hasMore && done && seen.length >= written) break;
        if (!page.hasMore) await new Promise((r) => setTimeout(r, 1));
      }
      await writing;
      const ids = seen.map((e) => e.participantId);
      expect(seen).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      expect(seen.map((e) => e.cursor)).toEqual((await readAll(store, ev)).map((e) => e.cursor));
    });

    it('[ESTORE5] pseudonymising a participant rewrites their entries (and only theirs, also those appended later) to the tombstone; cursors, order and count are kept', async () => {
      const ev = newEvent();
      const other = newEvent();
      await store.appendEngagement(batch(), [entry(ev, 0, { participantId: 'pt_gone' }), entry(ev, 1, { participantId: 'pt_stays' }), entry(other, 2, { participantId: 'pt_gone' }), entry(ev, 3, { participantId: 'pt_gone' })]);
      const before = await readAll(store, ev);
      await store.pseudonymiseEngagement(ev, 'pt_gone', 'deleted_abc');
      const after = await readAll(store, ev);
      expect(after.map((e) => e.cursor)).toEqual(before.map((e) => e.cursor));
      expect(after.map((e) => e.participantId)).toEqual(['deleted_abc', 'pt_stays', 'deleted_abc']);
      expect(after.map(({ participantId: _p, ...rest }) => rest)).toEqual(before.map(({ participantId: _p, ...rest }) => rest));
      expect((await readAll(store, other)).map((e) => e.participantId)).toEqual(['pt_gone']);
      // Entries appended later under the old id (a batch in flight, the socket closing) are covered too.
      await store.appendEngagement(batch(), [entry(ev, 4, { participantId: 'pt_gone' })]);
      expect((await readAll(store, ev)).map((e) => e.participantId)).toEqual(['deleted_abc', 'pt_stays', 'deleted_abc', 'deleted_abc']);
    });

    it('[ESTORE6] the per-event record keeps the fields set, each patch changing only its own fields', async () => {
      const ev = newEvent();
      expect(await store.engagementConfig(ev)).toEqual({});
      await store.patchEngagementConfig(ev, { weights: '{"voted":5}', leaderboard: '"teams"' });
      await store.patchEngagementConfig(ev, { leaderboard: '"all"' });
      await store.patchEngagementConfig(newEvent(), { leaderboard: '"off"' });
      expect(await store.engagementConfig(ev)).toEqual({ weights: '{"voted":5}', leaderboard: '"all"' });
    });

    it('[ESTORE7] compare-and-set on one field: of concurrent flips from the same value exactly one wins', async () => {
      const ev = newEvent();
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => store.casEngagementConfig(ev, 'parityAlert', null, `{"n":${i}}`)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const stored = (await store.engagementConfig(ev))['parityAlert']!;
      expect(await store.casEngagementConfig(ev, 'parityAlert', null, '{}')).toBe(false);
      expect(await store.casEngagementConfig(ev, 'parityAlert', '{"other":1}', '{}')).toBe(false);
      expect(await store.casEngagementConfig(ev, 'parityAlert', stored, '{"n":"next"}')).toBe(true);
      expect((await store.engagementConfig(ev))['parityAlert']).toBe('{"n":"next"}');
    });

    it('[ESTORE8] the latest leaderboard is stored per event only while the guarding field holds the given value, replaced by the next one and cleared', async () => {
      const ev = newEvent();
      const other = newEvent();
      const on = { field: 'leaderboard', value: '"teams"' };
      expect(await store.storedLeaderboard(ev)).toBeNull();
      // Guard field absent: nothing is stored.
      expect(await store.putLeaderboard(ev, '{"n":1}', on)).toBe(false);
      expect(await store.storedLeaderboard(ev)).toBeNull();
      await store.patchEngagementConfig(ev, { leaderboard: '"teams"' });
      await store.patchEngagementConfig(other, { leaderboard: '"teams"' });
      expect(await store.putLeaderboard(ev, '{"n":1}', on)).toBe(true);
      expect(await store.putLeaderboard(ev, '{"n":2}', on)).toBe(true);
      expect(await store.putLeaderboard(other, '{"other":true}', on)).toBe(true);
      expect(await store.storedLeaderboard(ev)).toBe('{"n":2}');
      // The field moved on: a board computed for the old value is not kept, the stored one stays.
      await store.patchEngagementConfig(ev, { leaderboard: '"off"' });
      expect(await store.putLeaderboard(ev, '{"n":3}', on)).toBe(false);
      expect(await store.storedLeaderboard(ev)).toBe('{"n":2}');
      await store.clearLeaderboard(ev);
      await store.clearLeaderboard(ev);
      expect(await store.storedLeaderboard(ev)).toBeNull();
      expect(await store.storedLeaderboard(other)).toBe('{"other":true}');
      // The leaderboard is not a field of the record.
      expect(Object.keys(await store.engagementConfig(other))).toEqual(['leaderboard']);
    });
  });
}
