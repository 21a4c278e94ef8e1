import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

const AGENDA = [{ id: 'keynote', title: 'Keynote', kind: 'keynote' as const, startsAt: '2027-01-01T09:00:00.000Z', endsAt: '2027-01-01T10:00:00.000Z', speakers: [] }];

/** Every argument of every arrival of `fact` on a client, from now on. */
function argsOf(c: TestClient, fact: string): unknown[][] {
  const seen: unknown[][] = [];
  // Untyped on purpose: the typed listener would hide arguments after the payload.
  (c.socket as unknown as { on(e: string, f: (...a: unknown[]) => void): void }).on(fact, (...args) => void seen.push(args));
  return seen;
}


/** An attendee upvotes a question another asked; a watcher records question:changed and question:votesUpdated. */
async function upvoteRound(s: TestServer) {
  const ev = await s.createEvent({ agenda: AGENDA, settings: { moderation: 'post' } });
  const mod = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Moderator', key: keyOf(ev.links.moderator) })).token);
  const author = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Ada', mode: 'remote' })).token);
  const watcher = await connectClient(s.url, (await s.join({ code: ev.code, name: 'Wes', mode: 'room' })).token);
  await ok(mod.send('session:setLive', { sessionId: 'keynote' }));
  const changed = argsOf(watcher, 'question:changed');
  const votes = argsOf(watcher, 'question:votesUpdated');
  const q = await ok(author.send('question:submit', { text: 'Stamped?', anonymous: false }));
  await ok(author.send('question:upvote', { questionId: q.id, up: true }));
  await watcher.waitFor('question:votesUpdated', (p) => p.votes[q.id] === 1);
  for (const c of [mod, author, watcher]) c.close();
  return { changed, votes };
}

const STAMP = /^\d{10,20}$/;

describe('bench stamps', () => {
  let plain: TestServer;
  let stamped: TestServer;
  beforeAll(async () => {
    [plain, stamped] = await Promise.all([startTestServer(), startTestServer({ env: { RALLY_BENCH_STAMPS: '1' } })]);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), stamped.close()]);
  });

  it('[PROTO11] with RALLY_BENCH_STAMPS=1, published facts and the coalesced Q&A counts carry an hrtime stamp after the payload; without it, none', async () => {
    const on = await upvoteRound(stamped);
    // Socket.IO's recovery offset (reliable packets only) follows whatever the server sent, and is never a stamp.
    const stamps = (args: unknown[]) => args.slice(1).filter((a) => typeof a === 'string' && STAMP.test(a));
    for (const args of [...on.changed, ...on.votes]) {
      expect(args[1]).toMatch(STAMP);
      expect(stamps(args)).toHaveLength(1);
    }
    expect(on.votes.length).toBeGreaterThan(0);
    const off = await upvoteRound(plain);
    for (const args of [...off.changed, ...off.votes]) expect(stamps(args)).toEqual([]);
    expect(off.votes.length).toBeGreaterThan(0);
  });
});
