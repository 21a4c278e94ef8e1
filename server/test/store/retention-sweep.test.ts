import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '@rally/shared';
import { DELETED_NAME } from '../../src/domain/engagement/privacy.js';
import { startRetention, sweepRetention, type SweepDeps } from '../../src/domain/retention.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { EventRecord, Store } from '../../src/store/store.js';
import { dumpRedis } from '../fixtures/schema-v1/redis-dump.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { fillEvent } from './event-data.js';

// [OPS55] [OPS56] The retention sweep erases the personal data of events over for more than
// RETENTION_DAYS and keeps every aggregate, in both stores.

const DAY = 86_400_000;
const OLD_END = '2026-01-20T17:00:00.000Z';
const RECENT_END = '2026-03-01T17:00:00.000Z';
/** 30 days after the old event's end, 5 days after the recent one's. */
const NOW = Date.parse(RECENT_END) + 5 * DAY;
const HOUR = 3_600_000;

let server: Awaited<ReturnType<typeof startRedisServer>>;
let dir: string;
beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'rally-sweep-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A store and every text it holds (SQLite: every row; Redis: every key and value under its prefix). */
const adapters: [string, () => Promise<Store & { everything(): Promise<string> }>][] = [
  [
    'sqlite',
    async () => {
      const file = join(dir, `sweep${++n}.sqlite`);
      const store = createSqliteStore(file);
      const everything = async () => {
        await store.durable();
        const db = new Database(file, { readonly: true });
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
        const text = JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM "${t}"`).all()));
        db.close();
        return text;
      };
      return Object.assign(store, { everything });
    },
  ],
  [
    'redis',
    async () => {
      const prefix = `sweep${++n}:`;
      const store = await createRedisStore(server.url, { keyPrefix: prefix });
      return Object.assign(store, { everything: async () => JSON.stringify(await dumpRedis(server.url, prefix)) });
    },
  ],
];

function depsFor(store: Store, now: { ms: number }, disconnected: Participant[]): SweepDeps {
  return { store, clock: { now: () => now.ms }, publish: { toEvent() {}, disconnectRoles() {} }, forget() {}, disconnect: (p) => void disconnected.push(p) };
}

/** An event of one session ending at `endsAt`, with one attendee: the least the sweep has work for. */
async function smallEvent(store: Store, id: string, endsAt: string): Promise<void> {
  const event: EventRecord = {
    id,
    code: id.slice(-6).toUpperCase(),
    name: `Kickoff ${id}`,
    teams: [],
    agenda: [{ id: 'opening', title: 'Opening', kind: 'keynote', startsAt: new Date(Date.parse(endsAt) - HOUR).toISOString(), endsAt, speakers: [] }],
    liveSessionId: null,
    settings: { allowAnonymousQuestions: true, moderation: 'pre' },
    createdAt: new Date(Date.parse(endsAt) - 2 * HOUR).toISOString(),
    keys: { presenter: `pres-${id}`, moderator: `mod-${id}`, stage: `stage-${id}` },
    keyGeneration: 0,
  };
  await store.createEvent(event);
  await store.createParticipant({ id: `pt_${id}`, eventId: id, name: `Attendee of ${id}`, role: 'attendee', mode: 'room', team: null, banned: false, joinedAt: event.createdAt });
}

for (const [name, make] of adapters) {
  describe(`retention sweep: ${name}`, () => {
    it(`[OPS55] ${name}: an event over for longer than the retention loses names, teams, emails and the links from people to what they did; results, counts and texts stay; newer events are untouched`, async () => {
      const store = await make();
      try {
        const { event: old, people } = await fillEvent(store, 'old', 'KXMHRT', { endsAt: OLD_END });
        const { event: recent } = await fillEvent(store, 'recent', 'QWTYPD', { endsAt: RECENT_END });
        const [ada] = people as [Participant];
        const tallyBefore = await store.getTally('poll_old_1');
        const resultsBefore = await store.getFinalResults('poll_old_1');
        const countBefore = await store.countEngagement(old.id);
        const recentPeople = await store.listParticipants(recent.id);
        const held = await store.everything();
        expect(held).toMatch(/ of old\b/);
        expect(held).toContain('old@example.com');

        const now = { ms: NOW };
        const disconnected: Participant[] = [];
        const swept = await sweepRetention(depsFor(store, now, disconnected), { days: 10, nodeId: 'n1', slotMs: HOUR });
        expect(swept).toEqual([old.id]);

        // Personal data: gone.
        const after = await store.listParticipants(old.id);
        expect(after.map((p) => [p.id, p.name, p.team, p.banned])).toEqual(people.map((p) => [p.id, DELETED_NAME, null, true]));
        expect(disconnected.map((p) => p.id).sort()).toEqual(people.map((p) => p.id).sort());
        expect(await store.listRoster(old.id)).toEqual([]);
        expect((await store.listQuestions(old.id)).map((q) => q.authorName)).toEqual([DELETED_NAME]);
        expect((await store.listChat(old.id)).map((m) => [m.authorName, m.text])).toEqual([[DELETED_NAME, 'Hello']]);
        const log = await store.readEngagement(old.id, null, 100);
        expect(log.entries.some((e) => e.participantId === ada.id)).toBe(false);
        expect((await store.listSurveyResponses(old.id)).some((r) => r.participantId === ada.id)).toBe(false);
        expect((await store.getEvent(old.id))?.personalDataErasedAt).toBe(new Date(NOW).toISOString());

        expect(after[0]).not.toHaveProperty('email', expect.any(String));
        const rooms = await store.listRoomChat('rnd_old', 'a', 10);
        expect(rooms.map((m) => [m.authorName, m.text])).toEqual([[DELETED_NAME, 'Hi room']]);
        expect((await store.listTakeaways('rnd_old')).map((t) => [t.byName, t.text])).toEqual([[DELETED_NAME, 'Ask more']]);
        expect((await store.listHelp('rnd_old')).map((h) => h.name)).toEqual([DELETED_NAME]);
        // Nothing the store holds names anyone of the old event, or their email (every name and email the fill wrote ends with its tag).
        const text = await store.everything();
        expect(text).not.toMatch(/ of old\b/);
        expect(text).not.toContain('old@example.com');
        expect(text).toMatch(/ of recent\b/);

        // Aggregates: kept.
        expect(await store.getTally('poll_old_1')).toEqual(tallyBefore);
        expect(await store.getFinalResults('poll_old_1')).toEqual(resultsBefore);
        expect(await store.countEngagement(old.id)).toBe(countBefore);
        expect((await store.listQuestions(old.id)).map((q) => q.text)).toEqual(['When is lunch?']);

        // The recent event: untouched.
        expect(await store.listParticipants(recent.id)).toEqual(recentPeople);
        expect(await store.listRoster(recent.id)).toHaveLength(1);

        // [OPS56] The next pass finds nothing left to do for it; the recent one's turn comes later.
        now.ms += HOUR;
        expect(await sweepRetention(depsFor(store, now, []), { days: 10, nodeId: 'n1', slotMs: HOUR })).toEqual([]);
        now.ms = Date.parse(RECENT_END) + 11 * DAY;
        expect(await sweepRetention(depsFor(store, now, []), { days: 10, nodeId: 'n1', slotMs: HOUR })).toEqual([recent.id]);
      } finally {
        await store.close();
      }
    });

    it(`[OPS56] ${name}: a pass handles at most 20 events, the ones over longest first; the next pass takes the rest`, async () => {
      const store = await make();
      try {
        // 23 events over for a month, each a minute after the one before, one attendee each.
        const ids = Array.from({ length: 23 }, (_, i) => `ev_cap${String(i).padStart(2, '0')}`);
        for (const [i, id] of ids.entries()) await smallEvent(store, id, new Date(Date.parse(OLD_END) + i * 60_000).toISOString());
        const now = { ms: NOW };
        const first = await sweepRetention(depsFor(store, now, []), { days: 10, nodeId: 'n1', slotMs: HOUR });
        expect(first).toEqual(ids.slice(0, 20));
        for (const id of ids) expect((await store.listParticipants(id))[0]?.name, id).toBe(first.includes(id) ? DELETED_NAME : `Attendee of ${id}`);
        now.ms += HOUR;
        expect(await sweepRetention(depsFor(store, now, []), { days: 10, nodeId: 'n1', slotMs: HOUR })).toEqual(ids.slice(20));
        for (const id of ids) expect((await store.getEvent(id))?.personalDataErasedAt, id).toEqual(expect.any(String));
        now.ms += HOUR;
        expect(await sweepRetention(depsFor(store, now, []), { days: 10, nodeId: 'n1', slotMs: HOUR })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it(`[OPS56] ${name}: a pass that fails is logged and retried at the next pass, which finishes the work`, async () => {
      const real = await make();
      try {
        await smallEvent(real, 'ev_retry1', OLD_END);
        await smallEvent(real, 'ev_retry2', new Date(Date.parse(OLD_END) + 60_000).toISOString());
        // The store fails once in the middle of a pass: marking the second event erased (a Redis cut
        // off, a disk error). Every other call is the real store's.
        let failures = 0;
        const store = new Proxy(real, {
          get(target, key) {
            if (key === 'markEvent')
              return async (id: string, field: 'archivedAt' | 'personalDataErasedAt', at: string) => {
                if (id === 'ev_retry2' && failures++ === 0) throw new Error('store unreachable (injected)');
                return target.markEvent(id, field, at);
              };
            const v = Reflect.get(target, key, target) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
        const errors: unknown[] = [];
        // The real clock and the timer of the running app, a pass every 50 ms (the product's: 1 h).
        const timer = startRetention({ ...depsFor(store, { ms: 0 }, []), clock: { now: () => Date.now() } }, { days: 10, nodeId: 'n1', everyMs: 50, onError: (e) => errors.push(e) });
        try {
          const deadline = Date.now() + 10_000;
          while (!(await real.getEvent('ev_retry2'))?.personalDataErasedAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        } finally {
          timer.stop();
        }
        expect(errors.map((e) => (e as Error).message)).toEqual(['store unreachable (injected)']);
        for (const id of ['ev_retry1', 'ev_retry2']) {
          expect((await real.getEvent(id))?.personalDataErasedAt, id).toEqual(expect.any(String));
          expect((await real.listParticipants(id))[0]?.name, id).toBe(DELETED_NAME);
        }
      } finally {
        await real.close();
      }
    });

    it(`[OPS56] ${name}: of two nodes sweeping in the same pass, one does the work`, async () => {
      const store = await make();
      try {
        await fillEvent(store, 'old', 'KXMHRT', { endsAt: OLD_END });
        const now = { ms: NOW };
        const [a, b] = await Promise.all(['n1', 'n2'].map((nodeId) => sweepRetention(depsFor(store, now, []), { days: 10, nodeId, slotMs: HOUR })));
        expect([a, b].map((x) => x!.length).sort()).toEqual([0, 1]);
      } finally {
        await store.close();
      }
    });
  });
}
