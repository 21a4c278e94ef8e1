import { describe, expect, it } from 'vitest';
import { Branding, DEFAULT_BRANDING, PollDraft, PollKind } from '@rally/shared';
import { fakeClock } from '../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { AgendaSession } from '@rally/shared';
import { DEMO_POLLS, demoAgenda, refreshStaleDemo, seedDemoIfEmpty } from './seed-demo.js';

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
      const keynote = event.agenda.find((x) => x.id === 'opening-keynote')!;
      expect(event).toMatchObject({ liveSessionId: 'opening-keynote', liveSessionStartedAt: keynote.startsAt, settings: { verifyRoomMode: true } });
    } finally {
      await store.close();
    }
  });

  // Whatever minute of the hour a demo is started at, the presenter sees a running session.
  const startTimes = [Date.UTC(2027, 0, 20, 9, 0, 0), Date.UTC(2027, 0, 20, 10, 55, 0), Date.UTC(2027, 0, 20, 13, 7, 42), Date.UTC(2027, 0, 20, 23, 59, 59)];

  it('[DEMO6] the demo agenda began a few minutes ago and runs for hours, in sessions of realistic lengths', () => {
    const MIN = 60_000;
    for (const start of startTimes) {
      const agenda = demoAgenda(fakeClock(start));
      for (const s of agenda) expect(AgendaSession.safeParse(s).success, s.id).toBe(true);
      const times = agenda.map((s) => ({ id: s.id, from: Date.parse(s.startsAt), to: Date.parse(s.endsAt) }));
      const [first] = times;
      // Running now: started within the last quarter hour, with most of it still to come.
      expect(first!.from).toBeLessThan(start);
      expect(start - first!.from).toBeLessThanOrEqual(15 * MIN);
      expect(first!.to - start).toBeGreaterThanOrEqual(30 * MIN);
      for (const [i, t] of times.entries()) {
        expect(t.to - t.from, t.id).toBeGreaterThanOrEqual(15 * MIN);
        expect(t.to - t.from, t.id).toBeLessThanOrEqual(120 * MIN);
        // Back to back, in order: no gap in which nothing is "now".
        if (i > 0) expect(t.from, t.id).toBe(times[i - 1]!.to);
      }
      expect(times.at(-1)!.to - start).toBeGreaterThanOrEqual(3 * 60 * MIN);
    }
  });

  it('[DEMO6] a fresh demo is live in its opening keynote since it began, not over time', async () => {
    for (const start of startTimes) {
      const store = createSqliteStore(':memory:');
      try {
        const event = (await seedDemoIfEmpty({ store, clock: fakeClock(start) }))!;
        const live = event.agenda.find((s) => s.id === event.liveSessionId)!;
        expect(Date.parse(event.liveSessionStartedAt!)).toBeLessThanOrEqual(start);
        expect(Date.parse(live.endsAt)).toBeGreaterThan(start);
        expect(live.startsAt).toBe(event.liveSessionStartedAt);
      } finally {
        await store.close();
      }
    }
  });

  it('[DEMO7] a demo whose day is over is laid out again from now, its polls still in their sessions; a running one is left alone', async () => {
    const clock = fakeClock(Date.UTC(2027, 0, 20, 9, 0));
    const store = createSqliteStore(':memory:');
    const seeded = (await seedDemoIfEmpty({ store, clock }))!;
    expect(await refreshStaleDemo({ store, clock })).toBeNull();
    clock.advance(3 * 24 * 3_600_000);
    const refreshed = (await refreshStaleDemo({ store, clock }))!;
    expect(refreshed.agenda).toEqual(demoAgenda(clock));
    expect(refreshed.agenda.map((s) => s.id)).toEqual(seeded.agenda.map((s) => s.id));
    expect(refreshed.liveSessionId).toBe('opening-keynote');
    expect(refreshed.liveSessionStartedAt).toBe(refreshed.agenda[0]!.startsAt);
    expect(Date.parse(refreshed.agenda.at(-1)!.endsAt)).toBeGreaterThan(clock.now());
    expect((await store.listPolls(seeded.id)).map((p) => p.sessionId).sort()).toEqual(DEMO_POLLS.map((p) => p.sessionId).sort());
    // An organiser's own agenda is theirs.
    clock.advance(3 * 24 * 3_600_000);
    await store.setAgenda(seeded.id, refreshed.agenda.slice(0, 2), new Date(clock.now()).toISOString());
    expect(await refreshStaleDemo({ store, clock })).toBeNull();
    await store.close();
  });
});
