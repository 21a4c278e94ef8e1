import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type CreateEventResponse, type EngagementEntry, type EngagementPage, type ReactionBurst } from '@rally/shared';
import { parseCsv } from '../helpers/csv.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

/**
 * [REL16] [REL19] Every command id applies once, reactions included: a retried reaction (the same
 * command id, sent again after a lost ack) counts once on the screen, once in the log, once in the
 * score; an attempt that was refused does not use its id up.
 */
let s: TestServer;
let ev: CreateEventResponse;
let modToken: string;
const open: TestClient[] = [];

beforeEach(async () => {
  s = await startTestServer({ app: { stage: { burstIntervalMs: 50 }, engagement: { flushMs: 50 } } });
  ev = await s.createEvent();
  modToken = (await s.join({ code: ev.code, name: 'Mo', key: keyOf(ev.links.moderator) })).token;
});

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await s.close();
});

async function client(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  open.push(c);
  return c;
}
const attendee = async (name: string) => {
  const j = await s.join({ code: ev.code, name, team: 'EMEA', mode: 'remote' });
  return Object.assign(await client(j.token), { id: j.participant.id });
};
const get = async (path: string) => fetch(s.url + path, { headers: { authorization: `Bearer ${modToken}` } });

async function reactedEntries(): Promise<EngagementEntry[]> {
  const page = (await (await get(`/api/events/${ev.event.id}/engagement/log?limit=500`)).json()) as EngagementPage;
  return page.entries.filter((e) => e.kind === 'reacted');
}

/** The bursts a stage screen receives. */
async function screen() {
  const c = await client((await s.join({ code: ev.code, name: 'Stage', key: keyOf(ev.links.stage) })).token);
  const bursts: ReactionBurst[] = [];
  c.socket.on('reaction:aggregated', (b) => bursts.push(b));
  return { total: () => bursts.reduce((n, b) => n + b.room + b.remote, 0) };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

describe('a command id applies once, reactions included', () => {
  it('[REL16] a reaction sent five times with one command id counts once: on the screen, in the log and in the score', async () => {
    const stage = await screen();
    const ada = await attendee('Ada');
    const bob = await attendee('Bob');
    const id = 'retried-reaction-1';
    // Two at once (a retry racing the first attempt), then three more after the first was acked.
    const acks = await Promise.all([ada.send('reaction:send', { id, emoji: '🔥' }), ada.send('reaction:send', { id, emoji: '🔥' })]);
    for (let i = 0; i < 3; i++) acks.push(await ada.send('reaction:send', { id, emoji: '🔥' }));
    for (const a of acks) expect(a).toEqual({ ok: true, data: { emoji: '🔥' } });
    // Bob reacts once: Ada's five sends must count exactly as much.
    expect((await bob.send('reaction:send', { emoji: '🔥' })).ok).toBe(true);

    await until(async () => stage.total() >= 2 && (await reactedEntries()).length >= 2);
    await sleep(300);
    expect(stage.total()).toBe(2);
    const entries = await reactedEntries();
    expect(entries.filter((e) => e.participantId === ada.id)).toHaveLength(1);
    expect(entries.filter((e) => e.participantId === bob.id)).toHaveLength(1);
    const [header, ...rows] = parseCsv(await (await get(`/api/events/${ev.event.id}/engagement/participants.csv`)).text());
    // Every figure but who they are (id, name, email).
    const figures = (pid: string) => Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[0] === pid)![i]]).filter(([h]) => !['participant_id', 'name', 'email'].includes(h!)));
    expect(figures(ada.id)['engagement_score']).toBeDefined();
    expect(figures(ada.id)).toEqual(figures(bob.id));

    // A new id is a new reaction.
    expect((await ada.send('reaction:send', { id: 'retried-reaction-2', emoji: '🔥' })).ok).toBe(true);
    await until(() => stage.total() >= 3);
  });

  it('[REL19] a reaction refused over the budget does not use up its id: its retry applies once when the budget allows', async () => {
    const stage = await screen();
    const cy = await attendee('Cy');
    for (let i = 0; i < 10; i++) expect((await cy.send('reaction:send', { emoji: '👏' })).ok).toBe(true);
    const refused = await cy.send('reaction:send', { id: 'late-clap', emoji: '👏' });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    const wait = (refused as { error: { retryAfterMs?: number } }).error.retryAfterMs ?? 10_000;
    await sleep(wait + 100);
    expect(await cy.send('reaction:send', { id: 'late-clap', emoji: '👏' })).toEqual({ ok: true, data: { emoji: '👏' } });
    expect(await cy.send('reaction:send', { id: 'late-clap', emoji: '👏' })).toEqual({ ok: true, data: { emoji: '👏' } });
    await until(async () => stage.total() >= 11 && (await reactedEntries()).length >= 11);
    await sleep(300);
    expect(stage.total()).toBe(11);
    expect(await reactedEntries()).toHaveLength(11);
  }, 30_000);
});
