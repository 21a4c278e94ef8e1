import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, IDLE_SLOT, type AgendaSession, type CreateEventResponse, type FactPayload } from '@rally/shared';
import { fakeClock, type FakeClock } from '../helpers/domain-kit.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

// [STAGE30..34] The stage slot over real sockets: one stored fact, one published change, every
// screen and every reconnect agreeing on it.

let s: TestServer;
let clock: FakeClock;
const open: TestClient[] = [];

const AGENDA: AgendaSession[] = [
  { id: 'keynote', title: 'Opening keynote', kind: 'keynote', startsAt: '2027-01-20T09:00:00.000Z', endsAt: '2027-01-20T10:00:00.000Z', speakers: [] },
  { id: 'pricing', title: 'Pricing training', kind: 'workshop', startsAt: '2027-01-20T10:00:00.000Z', endsAt: '2027-01-20T11:00:00.000Z', speakers: [] },
];
const SETTINGS = { anonymous: true, resultsVisibility: 'live' as const, allowChange: true, durationSec: null };

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}


interface Cast {
  ev: CreateEventResponse;
  mod: TestClient;
  pres: TestClient;
  screen: TestClient;
  attendee: TestClient;
}

async function cast(): Promise<Cast> {
  const ev = await s.createEvent({ agenda: AGENDA, settings: { moderation: 'post' } });
  const staff = async (name: string, link: string) => client((await s.join({ code: ev.code, name, key: keyOf(link) })).token);
  return {
    ev,
    mod: await staff('Mo Desk', ev.links.moderator),
    pres: await staff('Priya Presenter', ev.links.presenter),
    screen: await staff('Stage', ev.links.stage),
    attendee: await client((await s.join({ code: ev.code, name: 'Ada', mode: 'remote' })).token),
  };
}

const changes = (c: TestClient, from = 0) => c.received.slice(from).filter((f) => f.fact === 'stage:changed').map((f) => f.payload as FactPayload<'stage:changed'>);

beforeAll(async () => {
  clock = fakeClock(Date.UTC(2027, 0, 20, 9, 0, 5));
  s = await startTestServer({ clock });
});
afterAll(() => s.close());
beforeEach(() => () => {
  for (const c of open.splice(0)) c.close();
});

describe('the stage slot over sockets', () => {
  it('[STAGE30] [STAGE31] [STAGE32] a question shown while a poll is live replaces it on every screen and in every later snapshot', async () => {
    const c = await cast();
    const poll = await ok(c.mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Which launch?', options: ['A', 'B'], settings: SETTINGS } }));
    // [STAGE32] The launch's new slot travels in poll:launched: one message, no stage:changed of its own.
    const from = [c.screen, c.attendee, c.mod].map((x) => x.received.length);
    const launchedOnStage = Promise.all([c.screen, c.attendee, c.mod].map((x) => x.waitFor('poll:launched', (p) => p.id === poll.id)));
    await ok(c.pres.send('poll:launch', { pollId: poll.id }));
    const launched = await launchedOnStage;
    for (const p of launched) expect(p.onStage?.slot).toEqual({ kind: 'poll', pollId: poll.id });
    expect(new Set(launched.map((p) => p.onStage?.version)).size).toBe(1);
    await sleep(200);
    for (const [i, x] of [c.screen, c.attendee, c.mod].entries()) expect(changes(x, from[i])).toEqual([]);
    expect((await s.store.getEvent(c.ev.event.id))!.onStage).toEqual(launched[0]!.onStage);

    const q = await ok(c.attendee.send('question:submit', { text: 'Will pricing change in Q3?', anonymous: false }));
    const shownEverywhere = Promise.all([c.screen, c.attendee, c.mod, c.pres].map((x) => x.waitFor('stage:changed', (o) => o.slot.kind === 'question')));
    const shown = await ok(c.pres.send('stage:show', { slot: { kind: 'question', questionId: q.id } }));
    expect(shown.slot).toEqual({ kind: 'question', questionId: q.id });
    for (const o of await shownEverywhere) expect(o).toEqual(shown);

    // A reload of the stage screen gets the same slot, while the poll is still live.
    const reloaded = await client((await s.join({ code: c.ev.code, name: 'Stage again', key: keyOf(c.ev.links.stage) })).token);
    expect(reloaded.snapshot.stage?.onStage).toEqual(shown);
    expect(reloaded.snapshot.polls?.find((p) => p.poll.id === poll.id)?.poll.state).toBe('live');
    // The highlight names the question on stage.
    expect(reloaded.snapshot.qa?.questions.find((x) => x.id === q.id)?.highlighted).toBe(true);
  });

  it('[STAGE30] [STAGE26] attendees and the stage screen cannot move the slot; bad slots are refused; nothing is broadcast', async () => {
    const c = await cast();
    const before = c.mod.received.length;
    expect(await c.attendee.send('stage:show', { slot: IDLE_SLOT })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.screen.send('stage:clear', {})).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.attendee.send('announcement:clear', {})).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await c.pres.send('stage:show', { slot: { kind: 'poll' } } as never)).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect(await c.pres.send('stage:show', { slot: { kind: 'video', url: 'x' } } as never)).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    expect(await c.pres.send('stage:show', { slot: { kind: 'poll', pollId: 'poll_nope' } })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    const draft = await ok(c.mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'nps', question: 'Recommend?', settings: SETTINGS } }));
    expect(await c.pres.send('stage:show', { slot: { kind: 'poll', pollId: draft.id } })).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_STATE } });
    await sleep(300);
    expect(changes(c.mod, before)).toEqual([]);
    expect((await s.store.getEvent(c.ev.event.id))!.onStage).toBeUndefined();
  });

  it('[STAGE32] [STAGE34] "Set live" on the next session idles the stage and clears the announcement, live and in snapshots', async () => {
    const c = await cast();
    await ok(c.mod.send('session:setLive', { sessionId: 'keynote' }));
    const poll = await ok(c.mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Old poll?', options: ['A', 'B'], settings: SETTINGS } }));
    await ok(c.pres.send('poll:launch', { pollId: poll.id }));
    await ok(c.pres.send('poll:close', { pollId: poll.id }));
    clock.advance(1000);
    const posted = c.attendee.waitFor('announcement:posted', (a) => a.text === 'Coffee in the lobby');
    await ok(c.mod.send('announcement:send', { text: 'Coffee in the lobby', audience: 'all' }));
    await posted;
    clock.advance(1000);
    const idle = Promise.all([c.screen, c.attendee].map((x) => x.waitFor('stage:changed', (o) => o.slot.kind === 'idle')));
    const cleared = Promise.all([c.screen, c.attendee].map((x) => x.waitFor('announcement:cleared', () => true)));
    await ok(c.mod.send('session:setLive', { sessionId: 'pricing' }));
    await idle;
    await cleared;
    const again = await client((await s.join({ code: c.ev.code, name: 'Late', mode: 'remote' })).token);
    expect(again.snapshot.stage?.onStage.slot).toEqual(IDLE_SLOT);
    expect(again.snapshot.stage?.announcement).toBeNull();
  });

  it('[STAGE34] an announcement lives for its lifetime or until cleared; clearing reaches everyone', async () => {
    const c = await cast();
    const timed = await ok(c.mod.send('announcement:send', { text: 'Doors close in 30 s', audience: 'all', lifetimeSec: 30 }));
    expect(timed.expiresAt).toBe(new Date(clock.now() + 30_000).toISOString());
    expect(await c.mod.send('announcement:send', { text: 'Too short', audience: 'all', lifetimeSec: 1 })).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    clock.advance(31_000);
    const late = await client((await s.join({ code: c.ev.code, name: 'After it ended', mode: 'remote' })).token);
    expect(late.snapshot.stage?.announcement).toBeNull();

    clock.advance(1000);
    await ok(c.mod.send('announcement:send', { text: 'Until cleared', audience: 'all' }));
    clock.advance(1000);
    const told = Promise.all([c.screen, c.attendee, c.pres].map((x) => x.waitFor('announcement:cleared', () => true)));
    const { clearedAt } = await ok(c.mod.send('announcement:clear', {}));
    for (const p of await told) expect(p.clearedAt).toBe(clearedAt);
    const after = await client((await s.join({ code: c.ev.code, name: 'After the clear', mode: 'room' })).token);
    expect(after.snapshot.stage?.announcement).toBeNull();
  });
});
