import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, ErrorCode, type PollDraft } from '@rally/shared';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { ok } from '../helpers/acks.js';

/**
 * [SEC10] [SEC11] Embedded mode: the standing check where a command is decided. A rotation or ban
 * written to the store (as the rotate route and participant:ban write it) refuses the next command
 * of a socket this process has not closed yet. The cluster case is in
 * server/test/multinode/revocation.multinode.test.ts.
 */
let s: TestServer;
const clients: TestClient[] = [];
const draft: PollDraft = { kind: 'single', question: 'Which region wins?', options: ['EMEA', 'APAC'], settings: { ...DEFAULT_POLL_SETTINGS } };

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s.close();
});

async function connect(token: string): Promise<TestClient> {
  const c = await connectClient(s.url, token);
  clients.push(c);
  return c;
}

describe('revocation where the command is decided (embedded)', () => {
  it('[SEC10] a rotated key refuses the old moderator’s next command, changes nothing, and closes the socket', async () => {
    const ev = await s.createEvent();
    const mod = await connect((await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) })).token);
    await ok(mod.send('poll:create', { sessionId: null, draft }));
    await s.store.rotateKeys(ev.event.id, { presenter: 'p-rotated-000000000000', moderator: 'm-rotated-000000000000', stage: 's-rotated-000000000000' });
    const closed = new Promise<void>((r) => mod.socket.once('disconnect', () => r()));
    expect(await mod.send('poll:create', { sessionId: null, draft })).toMatchObject({ ok: false, error: { code: ErrorCode.UNAUTHORIZED } });
    expect(await s.store.listPolls(ev.event.id)).toHaveLength(1);
    await closed;
  });

  it('[SEC11] a ban refuses a presenter’s next command; an attendee’s too, in the pipeline or in the domain', async () => {
    const ev = await s.createEvent();
    const mod = await connect((await s.join({ code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) })).token);
    const poll = await ok(mod.send('poll:create', { sessionId: null, draft }));
    const presJoin = await s.join({ code: ev.code, name: 'Presenter', key: keyOf(ev.links.presenter) });
    const pres = await connect(presJoin.token);
    await s.store.updateParticipant(presJoin.participant.id, { banned: true });
    expect(await pres.send('poll:launch', { pollId: poll.id })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    expect((await s.store.getPoll(poll.id))?.state).toBe('draft');

    const attJoin = await s.join({ code: ev.code, name: 'Attendee', mode: 'remote' });
    const att = await connect(attJoin.token);
    await s.store.updateParticipant(attJoin.participant.id, { banned: true });
    expect(await att.send('question:submit', { text: 'Still here?', anonymous: false })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
    expect(await att.send('participant:update', { mode: 'remote' })).toMatchObject({ ok: false, error: { code: ErrorCode.BANNED } });
  });
});
