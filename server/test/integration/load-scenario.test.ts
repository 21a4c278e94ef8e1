import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { startTestServer, keyOf, type TestServer } from '../helpers/test-server.js';

/*
 * [OPS92] The load-test kit of ops/load/ against a real server: the join script joins attendees
 * over REST, then each attendee's flow of rally-vote.yml runs as artillery's socket.io engine runs
 * it (socket options templated with the attendee's token, `function` steps calling the processor,
 * `emit` steps sending with an ack, `acknowledge` capturing and matching on the ack's arguments),
 * and every command is answered ok. Artillery itself is not installed (it is large); this is the
 * part of its engine the scenario uses. (Checked once by hand with artillery 2.0 against a local
 * server: 10 virtual users, 40 commands, 0 failed; docs/OPERATIONS.md.)
 */

const LOAD = fileURLToPath(new URL('../../../ops/load/', import.meta.url));
const script = JSON.parse(
  readFileSync(join(LOAD, 'rally-vote.yml'), 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n'),
);
const processor = createRequire(import.meta.url)(join(LOAD, 'rally-vote-processor.cjs')) as Record<string, (c: unknown, e: unknown, done: (err?: Error) => void) => void>;

/** Artillery's template: a string that is one `{{ var }}` becomes the variable's value; objects are walked. */
function template(v: unknown, vars: Record<string, unknown>): unknown {
  if (typeof v === 'string') {
    const m = /^{{\s*([\w$]+)\s*}}$/.exec(v);
    return m ? vars[m[1]!] : v;
  }
  if (Array.isArray(v)) return v.map((x) => template(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, template(x, vars)]));
  return v;
}
const at = (path: string, args: unknown[]) =>
  path
    .split('.')
    .slice(1)
    .reduce<any>((o, k) => (o == null ? undefined : o[k]), args);

/** As artillery loads the script: config's templates are filled once, with no virtual user's variables. */
const loadedConfig = template(script.config, {}) as typeof script.config;

async function runVirtualUser(target: string, token: string): Promise<{ name: string; ack: any }[]> {
  const vars: Record<string, unknown> = { token };
  // The engine merges the scenario's socketio options over config's, then fills them per virtual user.
  const options = template({ ...loadedConfig.socketio, ...script.scenarios[0].socketio }, vars) as object;
  const socket: Socket = io(target, { ...options, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const acks: { name: string; ack: any }[] = [];
  try {
    for (const step of script.scenarios[0].flow) {
      if (step.function) await new Promise<void>((resolve, reject) => processor[step.function]!({ vars }, {}, (err) => (err ? reject(err) : resolve())));
      if (step.emit) {
        const [name, ...args] = template(step.emit, vars) as [string, ...unknown[]];
        const ack = await socket.timeout(10_000).emitWithAck(name, ...args);
        acks.push({ name, ack });
        const { capture, match } = step.acknowledge ?? {};
        if (match) expect(at(match.json, [ack]), `${name}: ${JSON.stringify(ack)}`).toBe(match.value);
        if (capture) vars[capture.as] = at(capture.json, [ack]);
      }
      // think steps are skipped: the test checks what is sent, not the pacing.
    }
  } finally {
    socket.close();
  }
  return acks;
}

describe('the load-test kit (ops/load/) against a real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('[OPS92] joins attendees over REST, then each votes on the live poll, reacts and asks, every command answered ok', async () => {
    const created = await server.createEvent({ name: 'Load kit' });
    const out = join(mkdtempSync(join(tmpdir(), 'rally-load-')), 'tokens.csv');
    await promisify(execFile)(process.execPath, [join(LOAD, 'join-attendees.mjs'), '--target', server.url, '--code', created.code, '--count', '4', '--out', out, '--room-code', server.roomCode(created.event.id), '--room-share', '0.5']);
    const [header, ...tokens] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('token');
    expect(tokens).toHaveLength(4);

    // A moderator launches a rating poll (the scenario votes on whatever is live).
    const mod = await server.join({ code: created.code, name: 'Mo', key: keyOf(created.links.moderator) });
    const m = io(server.url, { auth: { token: mod.token, protocolVersion: script.scenarios[0].socketio.auth.protocolVersion }, transports: ['websocket'], forceNew: true });
    const draft = { kind: 'rating', question: 'How was the keynote?', scale: 5, settings: { anonymous: true, resultsVisibility: 'live', allowChange: false, durationSec: null } };
    const made = await m.timeout(5000).emitWithAck('poll:create', { id: 'load-kit-create', sessionId: null, draft });
    expect(made.ok).toBe(true);
    expect((await m.timeout(5000).emitWithAck('poll:launch', { id: 'load-kit-launch', pollId: made.data.id })).ok).toBe(true);

    const runs = await Promise.all(tokens.map((t) => runVirtualUser(server.url, t)));
    for (const acks of runs) {
      expect(acks.map((a) => a.name)).toEqual(['snapshot:request', 'poll:vote', 'reaction:send', 'question:submit']);
      expect(acks.filter((a) => !a.ack.ok)).toEqual([]);
      expect(acks[1]!.ack.data.pollId).toBe(made.data.id);
    }
    // Half joined with the room code, half remote; every vote counted once.
    const snap = await m.timeout(5000).emitWithAck('snapshot:request', { id: 'load-kit-snapshot' });
    const results = snap.data.polls.find((p: any) => p.poll.id === made.data.id).results;
    expect(results.totals).toEqual({ room: 2, remote: 2 });
    m.close();
  });
});
