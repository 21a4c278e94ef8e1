import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RallyError, RosterEntry, type RosterEntry as Entry } from '@rally/shared';
import type { RosterStore } from '../../src/store/breakout-store.js';

// The rule cited as [BSTORE10] is in docs/SPEC.md ("Store: breakouts").

let seq = 0;
const newEvent = () => `ev_roster_${++seq}`;

/** An entry as the schema gives it (lower-cased email, defaults filled). */
const entry = (email: string, over: Partial<Entry> = {}): Entry => RosterEntry.parse({ email, name: `Name of ${email}`, ...over });

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

/** Runs the attendee list contract against one adapter; `make` gives a fresh, empty store per test. */
export function rosterContract(name: string, make: () => Promise<{ roster: RosterStore; cleanup: () => Promise<void> }>) {
  describe(`RosterStore contract: ${name}`, () => {
    let store: RosterStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ roster: store, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('[BSTORE10] putRoster stores the list; listRoster reads it back in import order; getRosterEntry finds an entry by email, whatever its case', async () => {
      const ev = newEvent();
      const list = [
        entry('zoe@example.com', { team: 'Red', title: 'AE "senior" & <b>', tenure: '5+', region: 'EMEA', facilitator: true, room: 'Room A' }),
        entry('Adam@Example.com', { team: 'Blue' }),
        entry('mia@example.com'),
      ];
      await store.putRoster(ev, list);
      expect(await store.listRoster(ev)).toEqual(list);
      expect(await store.getRosterEntry(ev, 'adam@example.com')).toEqual(list[1]);
      expect(await store.getRosterEntry(ev, 'ZOE@example.COM')).toEqual(list[0]);
      expect(await store.getRosterEntry(ev, 'nobody@example.com')).toBeNull();
    });

    it('[BSTORE10] a new list replaces the whole old one; an empty list clears it; events do not share lists', async () => {
      const [a, b] = [newEvent(), newEvent()];
      await store.putRoster(a, [entry('one@example.com'), entry('two@example.com')]);
      await store.putRoster(b, [entry('one@example.com', { team: 'Other' })]);
      const next = [entry('three@example.com'), entry('two@example.com', { team: 'Moved' })];
      await store.putRoster(a, next);
      expect(await store.listRoster(a)).toEqual(next);
      expect(await store.getRosterEntry(a, 'one@example.com')).toBeNull();
      expect(await store.getRosterEntry(a, 'two@example.com')).toEqual(next[1]);
      expect((await store.getRosterEntry(b, 'one@example.com'))?.team).toBe('Other');
      await store.putRoster(a, []);
      expect(await store.listRoster(a)).toEqual([]);
      expect(await store.getRosterEntry(a, 'three@example.com')).toBeNull();
      expect(await store.listRoster(newEvent())).toEqual([]);
    });

    it('[BSTORE10] a list naming an email twice is CONFLICT and leaves the stored list as it was', async () => {
      const ev = newEvent();
      const before = [entry('kept@example.com')];
      await store.putRoster(ev, before);
      await expectCode(store.putRoster(ev, [entry('new@example.com'), entry('dup@example.com'), entry('DUP@example.com')]), ErrorCode.CONFLICT);
      expect(await store.listRoster(ev)).toEqual(before);
      expect(await store.getRosterEntry(ev, 'new@example.com')).toBeNull();
    });

    it('[BSTORE10] a large list (5,000 lines) is stored and read back whole', async () => {
      const ev = newEvent();
      const list = Array.from({ length: 5000 }, (_, i) => entry(`person${i}@example.com`, { team: `T${i % 7}` }));
      await store.putRoster(ev, list);
      expect(await store.listRoster(ev)).toEqual(list);
      expect(await store.getRosterEntry(ev, 'person4999@example.com')).toEqual(list[4999]);
    });
  });
}
