import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMAND_NAMES, JoinRequest, PROTOCOL_VERSION, Poll, PollView, commandSchemas, type CommandName } from '@rally/shared';

/*
 * [OPS92] The artillery scenario in ops/load/ against the protocol's zod schemas. Artillery is not
 * a dependency (it is large), so its script is JSON inside YAML and read here with JSON.parse
 * after its comment lines; the processor is run on a snapshot the way artillery would run it.
 */

const LOAD = fileURLToPath(new URL('../../ops/load/', import.meta.url));
const script = JSON.parse(
  readFileSync(`${LOAD}rally-vote.yml`, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n'),
);
const processor = createRequire(import.meta.url)(`${LOAD}rally-vote-processor.cjs`) as Record<string, (...a: any[]) => any>;

type Step = { function?: string; emit?: [string, string]; acknowledge?: { match?: { json: string; value: unknown }; capture?: { json: string; as: string } }; think?: number };
const flow: Step[] = script.scenarios[0].flow;

/** Artillery's template for a string that is one variable and nothing else: the value itself. */
function render(arg: string, vars: Record<string, unknown>): unknown {
  const m = /^{{\s*([\w$]+)\s*}}$/.exec(arg);
  if (!m) throw new Error(`only whole-variable templates are used here, got "${arg}"`);
  return vars[m[1]!];
}

/** The dotted JSONPath subset the scenario uses (`$.0.data.polls`), on the ack's arguments. */
function at(path: string, args: unknown[]): unknown {
  expect(path).toMatch(/^\$(\.[\w]+)+$/);
  return path
    .split('.')
    .slice(1)
    .reduce<any>((o, k) => (o == null ? undefined : o[k]), args);
}

const NOW = '2026-12-07T09:00:00.000Z';
const base = { eventId: 'ev1', sessionId: null, order: 0, settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null }, createdAt: NOW, openedAt: NOW, closesAt: null, closedAt: null, revealed: false, presentAtClose: null } as const;
const options = [
  { id: 'o1', label: 'EMEA' },
  { id: 'o2', label: 'NA' },
];
const polls = [
  { ...base, id: 'p-single', kind: 'single', question: 'Which?', options, state: 'live' },
  { ...base, id: 'p-multi', kind: 'multiple', question: 'Which ones?', options, maxPicks: 2, state: 'live' },
  { ...base, id: 'p-rating', kind: 'rating', question: 'How good?', scale: 5, state: 'live' },
  { ...base, id: 'p-nps', kind: 'nps', question: 'Recommend?', state: 'live' },
  { ...base, id: 'p-word', kind: 'wordcloud', question: 'One word?', state: 'live' },
  { ...base, id: 'p-open', kind: 'open', question: 'Anything?', state: 'live' },
].map((p) => Poll.parse(p));

/** Runs the flow as artillery would, with a snapshot:request ack carrying these polls; returns each emit's payload. */
function runFlow(views: PollView[]): { name: string; payload: unknown }[] {
  const vars: Record<string, unknown> = { token: 'a-token' };
  const sent: { name: string; payload: unknown }[] = [];
  for (const step of flow) {
    if (step.function) {
      let err: unknown;
      processor[step.function]!({ vars }, {}, (e?: unknown) => (err = e));
      if (err) throw err;
    }
    if (step.emit) {
      const [name, arg] = step.emit;
      const payload = render(arg, vars);
      sent.push({ name, payload });
      const ack = [{ ok: true, data: name === 'snapshot:request' ? { polls: views } : {} }];
      const capture = step.acknowledge?.capture;
      if (capture) vars[capture.as] = at(capture.json, ack);
      const match = step.acknowledge?.match;
      if (match) expect(at(match.json, ack)).toBe(match.value);
    }
  }
  return sent;
}

describe('the artillery scenario (ops/load/rally-vote.yml)', () => {
  it('[OPS92] connects with artillery\'s socket.io engine, a token from the join step and the protocol version', () => {
    expect(script.scenarios).toHaveLength(1);
    expect(script.scenarios[0].engine).toBe('socketio');
    // Per virtual user in the scenario: artillery fills config's templates once, at load, before any token exists.
    expect(script.scenarios[0].socketio.auth).toEqual({ token: '{{ token }}', protocolVersion: PROTOCOL_VERSION });
    expect(JSON.stringify(script.config)).not.toMatch(/{{/);
    expect(script.config.socketio.transports).toContain('websocket');
    expect(script.config.payload).toMatchObject({ path: 'tokens.csv', fields: ['token'], skipHeader: true });
    expect(script.config.processor).toBe('./rally-vote-processor.cjs');
    for (const step of flow) if (step.function) expect(typeof processor[step.function], step.function).toBe('function');
  });

  it('[OPS92] every event it emits is a command, and every payload passes that command\'s schema', () => {
    const names = flow.filter((s) => s.emit).map((s) => s.emit![0]);
    expect(names).toEqual(['snapshot:request', 'poll:vote', 'reaction:send', 'question:submit']);
    for (const n of names) expect(COMMAND_NAMES).toContain(n);
    for (const poll of polls) {
      for (const { name, payload } of runFlow([{ poll, results: null }])) {
        const r = commandSchemas[name as CommandName].safeParse(payload);
        expect(r.success, `${name} for a ${poll.kind} poll: ${JSON.stringify(payload)} ${r.error?.message ?? ''}`).toBe(true);
      }
    }
  });

  it('[OPS92] the vote fits the live poll: its kind, one of its options, a value in its range', () => {
    const closed = Poll.parse({ ...polls[1], id: 'p-old', state: 'closed', closedAt: NOW });
    for (let i = 0; i < 20; i++) {
      for (const poll of polls) {
        const vote = runFlow([{ poll: closed, results: null }, { poll, results: null }]).find((s) => s.name === 'poll:vote')!.payload as any;
        expect(vote.pollId).toBe(poll.id);
        expect(vote.vote.kind).toBe(poll.kind);
        if (poll.kind === 'single') expect(options.map((o) => o.id)).toContain(vote.vote.optionId);
        if (poll.kind === 'multiple') expect(vote.vote.optionIds.every((id: string) => options.some((o) => o.id === id))).toBe(true);
        if (poll.kind === 'rating') expect(vote.vote.value).toBeGreaterThanOrEqual(1), expect(vote.vote.value).toBeLessThanOrEqual(poll.scale);
      }
    }
    // Without a live poll the virtual user stops with a message saying what to do.
    expect(() => runFlow([{ poll: closed, results: null }])).toThrow(/launch one before the run/);
    // Every command carries its own id.
    const ids = runFlow([{ poll: polls[0]!, results: null }]).map((s) => (s.payload as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('[OPS92] the join script sends what POST /api/join accepts', async () => {
    const { joinBody } = (await import(pathToFileURL(`${LOAD}join-attendees.mjs`).href)) as { joinBody: (code: string, i: number, roomCode?: string) => unknown };
    for (const body of [joinBody('ACD679', 0), joinBody('ACD679', 41, 'K7QX')]) expect(JoinRequest.safeParse(body).success, JSON.stringify(body)).toBe(true);
    expect(joinBody('ACD679', 1, 'K7QX')).toMatchObject({ mode: 'room', roomCode: 'K7QX' });
  });
});
