import { describe, expect, it } from 'vitest';
import { Branding, DEFAULT_BRANDING, PollDraft, PollKind } from '@rally/shared';
import { fakeClock } from '../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { DEMO_POLLS, seedDemoIfEmpty } from './seed-demo.js';

describe('demo content', () => {
  it('[DEMO2] the demo event has a ready-to-launch draft poll of every kind, in its agenda sessions', async () => {
    for (const { draft } of DEMO_POLLS) expect(PollDraft.safeParse(draft).success, draft.question).toBe(true);
    const store = createSqliteStore(':memory:');
    try {
      const event = await seedDemoIfEmpty({ store, clock: fakeClock() });
      const polls = await store.listPolls(event!.id);
      expect(new Set(polls.map((p) => p.kind))).toEqual(new Set(PollKind.options));
      expect(polls.every((p) => p.state === 'draft')).toBe(true);
      const sessions = new Set(event!.agenda.map((s) => s.id));
      expect(polls.every((p) => p.sessionId !== null && sessions.has(p.sessionId))).toBe(true);
      // Seeding twice does nothing: the store is no longer empty.
      expect(await seedDemoIfEmpty({ store, clock: fakeClock() })).toBeNull();
      expect(await store.listPolls(event!.id)).toHaveLength(polls.length);
    } finally {
      await store.close();
    }
  });

  it('[DEMO4] the demo event is branded, streams nothing, and its opening keynote is live with its start time', async () => {
    const store = createSqliteStore(':memory:');
    try {
      const clock = fakeClock();
      const event = (await seedDemoIfEmpty({ store, clock }))!;
      expect(Branding.safeParse(event.branding).success).toBe(true);
      expect(event.branding?.primaryColor).not.toBe(DEFAULT_BRANDING.primaryColor);
      expect(event.stream).toEqual({ kind: 'none' });
      expect(event).toMatchObject({ liveSessionId: 'opening-keynote', liveSessionStartedAt: new Date(clock.now()).toISOString(), settings: { verifyRoomMode: true } });
    } finally {
      await store.close();
    }
  });
});
