import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN, type TestServer } from '../helpers/test-server.js';
import {
  DocClient,
  RestError,
  checkParticipant,
  checkPoll,
  checkPollResults,
  checkPublicEvent,
  checkQuestionView,
  checkSnapshot,
  createEvent,
  isTime,
  join,
  keyOf,
  type AgendaSession,
  type Poll,
  type PollResults,
  type QuestionView,
} from '../doc-client/doc-client.js';

/*
 * [OPS90] [OPS91] The test client of server/test/doc-client/ knows Rally only from docs/PROTOCOL.md.
 * It starts a real server (the only thing taken from the server's side), then does what an
 * integrator's client would: create an event, join over REST, connect, vote on a live poll, ask.
 */

const MINUTE = 60_000;
const ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';

describe('a client written from docs/PROTOCOL.md alone', () => {
  let server: TestServer;
  const clients: DocClient[] = [];
  const connect = async (token: string) => {
    const c = await DocClient.connect(server.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  const keynote = (): AgendaSession => {
    // Whole seconds without milliseconds: agenda times come back as sent.
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 - MINUTE);
    const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
    return { id: 'kick-off', title: 'Kick-off keynote', kind: 'keynote', startsAt: iso(start), endsAt: iso(new Date(start.getTime() + 60 * MINUTE)), speakers: ['Dana'] };
  };

  it('[OPS90] joins over REST, connects, votes on a live poll and asks, every message in the shape the page gives', async () => {
    const session = keynote();
    const created = await createEvent(server.url, TEST_ADMIN, { name: 'Doc SKO', teams: ['EMEA', 'NA'], agenda: [session] });
    expect(checkPublicEvent(created.event)).toEqual([]);
    expect(created.event.agenda).toEqual([session]);

    // The join code is trimmed and upper-cased before it is checked; the name is trimmed.
    const attendee = await join(server.url, { code: ` ${created.code.toLowerCase()} `, name: '  Ada  ', team: 'EMEA' });
    expect(checkParticipant(attendee.participant)).toEqual([]);
    expect(checkPublicEvent(attendee.event)).toEqual([]);
    expect(attendee.participant).toMatchObject({ name: 'Ada', role: 'attendee', team: 'EMEA', mode: 'remote', banned: false });
    expect(attendee.notice).toBeUndefined();

    const moderator = await join(server.url, { code: created.code, name: 'Mo', key: keyOf(created.links.moderator) });
    expect(moderator.participant.role).toBe('moderator');

    const a = await connect(attendee.token);
    expect(checkSnapshot(a.snapshot)).toEqual([]);
    expect(a.snapshot.me).toEqual(attendee.participant);
    expect(a.snapshot.presence).toBeUndefined();
    const m = await connect(moderator.token);
    expect(checkSnapshot(m.snapshot)).toEqual([]);
    expect(m.snapshot.presence?.counts).toEqual({ room: 0, remote: 1 });

    // The moderator prepares and launches a poll; the attendee hears of it.
    const draft = { kind: 'single', question: 'Which region closes first?', options: ['EMEA', 'NA'], settings: { anonymous: false, resultsVisibility: 'live', allowChange: false, durationSec: null } };
    const made = await m.command<Poll>('poll:create', { sessionId: session.id, draft });
    if (!made.ok) throw new Error(made.error.message);
    expect(checkPoll(made.data)).toEqual([]);
    expect(made.data).toMatchObject({ state: 'draft', sessionId: session.id, kind: 'single' });
    const pollId = made.data.id;
    const launched = a.next<Poll & { results?: PollResults }>('poll:launched', (p) => p.id === pollId);
    const launchAck = await m.command<Poll>('poll:launch', { pollId });
    expect(launchAck.ok && launchAck.data.state).toBe('live');
    const live = await launched;
    expect(checkPoll(live)).toEqual([]);
    expect(live.state).toBe('live');
    // Results show live, so the audience gets the first results (no votes yet) with the launch.
    expect(checkPollResults(live.results)).toEqual([]);
    expect(live.results?.totals).toEqual({ room: 0, remote: 0 });

    // The attendee votes: the ack is a VoteReceipt, the results move.
    const option = live.options!.find((o) => o.label === 'NA')!;
    const counted = a.next<PollResults>('poll:resultsUpdated', (r) => r.pollId === pollId && r.totals.remote === 1);
    const voteId = 'doc-client-vote-1';
    const vote = await a.command('poll:vote', { pollId, vote: { kind: 'single', optionId: option.id } }, voteId);
    expect(vote).toEqual({ ok: true, data: { pollId, vote: { kind: 'single', optionId: option.id }, filtered: false } });
    const results = await counted;
    expect(checkPollResults(results)).toEqual([]);
    expect(results.kind).toBe('single');
    expect(results.options?.find((o) => o.optionId === option.id)).toEqual({ optionId: option.id, room: 0, remote: 1 });
    // A retry with the same command id is answered with the first result and applied once.
    expect(await a.command('poll:vote', { pollId, vote: { kind: 'single', optionId: option.id } }, voteId)).toEqual(vote);
    // Without allowChange a second, different vote is CONFLICT.
    const other = live.options!.find((o) => o.id !== option.id)!;
    const second = await a.command('poll:vote', { pollId, vote: { kind: 'single', optionId: other.id } });
    expect(second.ok === false && second.error.code).toBe('CONFLICT');

    // The attendee asks (pre-moderation is the default): pending, their own copy marked mine.
    const authorCopy = a.next<QuestionView>('question:submitted');
    const moderatorCopy = m.next<QuestionView>('question:submitted');
    const asked = await a.command<QuestionView>('question:submit', { text: '  Will the slides be shared?  ', anonymous: false });
    if (!asked.ok) throw new Error(asked.error.message);
    expect(checkQuestionView(asked.data)).toEqual([]);
    expect(asked.data).toMatchObject({ text: 'Will the slides be shared?', authorName: 'Ada', anonymous: false, origin: { kind: 'remote' }, state: 'pending', mine: true, votes: 0 });
    const mine = await authorCopy;
    expect(checkQuestionView(mine)).toEqual([]);
    expect(mine).toMatchObject({ id: asked.data.id, mine: true });
    const seenByModerator = await moderatorCopy;
    expect(checkQuestionView(seenByModerator)).toEqual([]);
    expect(seenByModerator.id).toBe(asked.data.id);
    expect(seenByModerator.mine).toBeUndefined();
    // "No question message carries a participant id."
    for (const q of [asked.data, mine, seenByModerator]) expect(JSON.stringify(q)).not.toContain(attendee.participant.id);
  });

  it('[OPS91] the documented version, ranges and validity periods hold', async () => {
    const created = await createEvent(server.url, TEST_ADMIN, { name: 'Doc ranges', agenda: [keynote()] });
    const attendee = await join(server.url, { code: created.code, name: 'Bo' });

    // The protocol version is 1: anything else is refused at the handshake.
    await expect(DocClient.connect(server.url, attendee.token, 2)).rejects.toMatchObject({ data: { code: 'PROTOCOL_MISMATCH' } });
    await expect(DocClient.connect(server.url, 'not-a-token')).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });

    // Command ids are 8–64 characters; names at most 60.
    const a = await connect(attendee.token);
    const shortId = await a.command('snapshot:request', {}, 'abc1234');
    expect(shortId.ok === false && shortId.error.code).toBe('BAD_REQUEST');
    const longName = join(server.url, { code: created.code, name: 'x'.repeat(61) });
    await expect(longName).rejects.toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    await expect(longName).rejects.toBeInstanceOf(RestError);

    // The token resumes the same participant.
    const again = await join(server.url, { code: created.code, name: 'Bo', token: attendee.token });
    expect(again.participant.id).toBe(attendee.participant.id);

    // The stage screen shows the room code until `validUntil`, the next minute boundary.
    const screen = await join(server.url, { code: created.code, name: 'Stage', key: keyOf(created.links.stage) });
    expect(screen.participant.role).toBe('screen');
    const s = await connect(screen.token);
    const info = s.snapshot.stage.roomCode!;
    expect(info.code).toMatch(new RegExp(`^[${ALPHABET}]{4}$`));
    expect(isTime(info.validUntil)).toBe(true);
    const until = Date.parse(info.validUntil);
    expect(until % MINUTE).toBe(0);
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThanOrEqual(MINUTE);
    expect(info.joinUrl.endsWith(`/j/${created.code}?room=${info.code}`)).toBe(true);

    // With the code (read case-insensitively) an attendee joins as room; with a wrong one, as
    // remote with a notice, not an error.
    const inRoom = await join(server.url, { code: created.code, name: 'Cy', roomCode: info.code.toLowerCase() });
    expect(inRoom.participant.mode).toBe('room');
    expect(inRoom.notice).toBeUndefined();
    const wrong = info.code.replace(/^./, (c) => ALPHABET[(ALPHABET.indexOf(c) + 1) % ALPHABET.length]!);
    const outside = await join(server.url, { code: created.code, name: 'Di', mode: 'room', roomCode: wrong });
    expect(outside.participant.mode).toBe('remote');
    expect(outside.notice?.reason).toBe('room-code-invalid');

    // Rotating the role keys keeps the join code and changes the role links.
    const rotated = await fetch(`${server.url}/api/events/${created.event.id}/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN}` } }).then((r) => r.json());
    expect(rotated.code).toBe(created.code);
    expect(rotated.links.moderator).not.toBe(created.links.moderator);
    expect((await join(server.url, { code: created.code, name: 'Ed' })).participant.role).toBe('attendee');
  });
});
