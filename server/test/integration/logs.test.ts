import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { CreateEventResponse, PollDraft } from '@rally/shared';
import { parseConfig } from '../../src/config.js';
import { createLog, secretsToScrub } from '../../src/log.js';
import { ok } from '../helpers/acks.js';
import { NO_ABUSE_LIMITS, TEST_ADMIN, TEST_SECRET, connectClient, expectConnectError, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

/**
 * [OPS60]–[OPS62] What an operator's log collector receives at the most verbose level, across a
 * realistic run: joins with keys and tokens, handshakes good and bad (tokens in auth and headers),
 * every kind of command including anonymous ones and ones carrying tokens and keys in their
 * payloads, and admin REST calls. The log is built from the config as index.ts builds it.
 */

const LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'logs-test-key', LIVEKIT_API_SECRET: 'logs-test-livekit-secret-0123456789abcdef' };
const lines: string[] = [];
let s: TestServer;
let ev: CreateEventResponse;
const clients: TestClient[] = [];
const tokens: string[] = [];
let ada: { id: string; client: TestClient };

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const commandLines = (command: string) => parsed().filter((l) => l.command === command);

beforeAll(async () => {
  const env = { PORT: '0', SECRET: TEST_SECRET, ADMIN_TOKEN: TEST_ADMIN, NO_DEMO: '1', ...NO_ABUSE_LIMITS, ...LIVEKIT };
  const log = createLog('trace', {}, { write: (l: string) => void lines.push(l) }, secretsToScrub(parseConfig(env)));
  s = await startTestServer({ env, log });
  ev = await s.createEvent({ name: 'Logs SKO', settings: { moderation: 'post', allowAnonymousQuestions: true } });

  const mod = await s.join({ code: ev.code, name: 'Mona', key: keyOf(ev.links.moderator) });
  const pres = await s.join({ code: ev.code, name: 'Pia', key: keyOf(ev.links.presenter) });
  const att = await s.join({ code: ev.code, name: 'Ada', mode: 'remote', team: 'EMEA' });
  // Rejoining with a token (the REST body carries it).
  const again = await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Ada', token: att.token }) });
  expect(again.status).toBe(200);
  tokens.push(mod.token, pres.token, att.token);

  const modC = await connectClient(s.url, mod.token, { extraHeaders: { authorization: `Bearer ${TEST_ADMIN}`, cookie: `rally=${att.token}` } });
  const presC = await connectClient(s.url, pres.token);
  ada = { id: att.participant.id, client: await connectClient(s.url, att.token) };
  clients.push(modC, presC, ada.client);

  // Handshakes refused: a token signed with another secret, a garbage one, the admin token as a token.
  const forged = await new SignJWT({ sub: att.participant.id }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-0123456789-0123456789'));
  tokens.push(forged);
  for (const t of [forged, `${att.token}x`, TEST_ADMIN]) await expectConnectError(s.url, t, { extraHeaders: { authorization: `Bearer ${t}` } });

  // Commands: named and anonymous questions, a vote, a survey, refused ones carrying tokens and keys.
  await ok(ada.client.send('question:submit', { text: 'A named question', anonymous: false }));
  await ok(ada.client.send('question:submit', { text: 'An anonymous question', anonymous: true }));
  const draft: PollDraft = { kind: 'single', question: 'Best region?', options: ['EMEA', 'NA'], settings: { anonymous: true, resultsVisibility: 'live', allowChange: false, durationSec: null } };
  const poll = await ok(modC.send('poll:create', { sessionId: null, draft }));
  const launched = await ok(presC.send('poll:launch', { pollId: poll.id }));
  await ok(ada.client.send('poll:vote', { pollId: launched.id, vote: { kind: 'single', optionId: launched.kind === 'single' ? launched.options[0]!.id : '' } }));
  await ok(modC.send('survey:define', { survey: { title: 'Day 1', anonymous: true, questions: [{ kind: 'rating', prompt: 'Rate the day', required: true }] } }));
  await ok(modC.send('survey:open', {}));
  await ok(ada.client.send('survey:submit', { answers: [{ questionId: 's1', value: 4 }] }));
  const raw = ada.client.socket as unknown as { emitWithAck: (n: string, p: unknown) => Promise<unknown> };
  await raw.emitWithAck('question:submit', { id: 'c1', text: 'hi', anonymous: false, token: att.token, key: keyOf(ev.links.moderator) });
  await raw.emitWithAck('no:such', { token: att.token, secret: TEST_SECRET });
  await raw.emitWithAck('poll:vote', { id: 'c2', pollId: 'nope', vote: { kind: 'single', optionId: keyOf(ev.links.stage) } });

  // Admin REST: right and wrong tokens, a key that opens nothing.
  await s.api('/api/events', { admin: true });
  await s.api('/api/events', { headers: { authorization: `Bearer ${TEST_ADMIN}x` } });
  await s.api('/api/join', { method: 'POST', body: JSON.stringify({ code: ev.code, name: 'Eve', key: `${keyOf(ev.links.moderator)}x` }) });
  await new Promise((r) => setTimeout(r, 200));
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await s?.close();
});

describe('logs', () => {
  it('[OPS60] each command has a JSON line with its event, participant, name and latency', () => {
    const named = commandLines('question:submit').find((l) => l.participantId !== undefined);
    expect(named).toMatchObject({ eventId: ev.event.id, participantId: ada.id, command: 'question:submit', service: 'rally' });
    expect(typeof named!.latencyMs).toBe('number');
    for (const c of ['poll:create', 'poll:launch', 'survey:define', 'survey:open']) expect(commandLines(c).length, c).toBeGreaterThan(0);
    // A refusal says why, with the error code.
    expect(commandLines('poll:vote').some((l) => l.code === 'NOT_FOUND' || l.code === 'BAD_REQUEST')).toBe(true);
  });

  it('[OPS62] an anonymous action never names its sender: votes, survey answers, anonymous questions', () => {
    const anonQuestions = commandLines('question:submit').filter((l) => l.participantId === undefined);
    expect(anonQuestions.length).toBeGreaterThan(0);
    for (const c of ['poll:vote', 'survey:submit']) {
      expect(commandLines(c).length, c).toBeGreaterThan(0);
      for (const l of commandLines(c)) expect(l.participantId, c).toBeUndefined();
    }
    // Nor does any other field of those lines (no payload is logged).
    for (const l of [...anonQuestions, ...commandLines('poll:vote'), ...commandLines('survey:submit')]) expect(JSON.stringify(l)).not.toContain(ada.id);
  });

  it('[OPS61] no secret, token or key appears in any line', () => {
    // The run was logged: every handshake, good and refused, and every command.
    expect(parsed().filter((l) => l.msg === 'handshake').length).toBeGreaterThanOrEqual(3);
    expect(parsed().filter((l) => l.msg === 'handshake refused').length).toBeGreaterThanOrEqual(3);
    const all = lines.join('');
    const forbidden = {
      SECRET: TEST_SECRET,
      ADMIN_TOKEN: TEST_ADMIN,
      LIVEKIT_API_SECRET: LIVEKIT.LIVEKIT_API_SECRET,
      moderatorKey: keyOf(ev.links.moderator),
      presenterKey: keyOf(ev.links.presenter),
      stageKey: keyOf(ev.links.stage),
      ...Object.fromEntries(tokens.map((t, i) => [`token${i}`, t])),
    };
    for (const [name, value] of Object.entries(forbidden)) expect(all.includes(value), `${name} is in the log`).toBe(false);
  });
});
