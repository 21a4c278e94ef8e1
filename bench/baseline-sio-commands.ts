/**
 * The command baseline (issue 18): the least a Socket.IO server can do with the storm's commands.
 * The same engine as Rally's (lib/bare-sio.ts); each client is one participant; every command it
 * sends (the very packets the load processes send Rally: poll:vote, question:upvote, quiz:answer,
 * reaction:send) is kept in a Map, the latest per participant (per participant and question for
 * upvotes), and acked `{ ok: true, data }` with the data shape Rally's ack has. Nothing else: no
 * auth, no validation, no rate limit, no idempotency record, no store, no fan-out of results.
 * The bench runs it in the same scenario as Rally's storm, with the same clients and pattern, and
 * reports Rally's CPU per command and ack p99 as ratios to its figures (docs/PERFORMANCE.md).
 *
 * B8's reconnect storm has it too: a client whose handshake auth asks for `snapshotBytes` gets a
 * `snapshot` of that many bytes of JSON on connecting (Rally's attendee snapshot's size), so a
 * reconnection here is a handshake plus the same bytes out, and nothing else: no token, no
 * presence, no attendance, no store read.
 */
import { serveBareSio } from './lib/bare-sio.js';

type Ack = (reply: { ok: true; data: unknown }) => void;
type Payload = Record<string, unknown> | null | undefined;

/** The latest command per participant (key below), as Rally keeps one vote per participant. Never pruned: the process lives for one mode's storm scenarios, and its keys are bounded by clients × what they vote on. */
const latest = new Map<string, Payload>();
/** question:upvote answers with the question's count, as Rally's does. */
const upvotes = new Map<string, number>();

/** Per command: the Map key (participant, and what it is about) and the ack data (Rally's shapes, docs/PROTOCOL.md). */
const COMMANDS: Record<string, (who: string, p: Payload) => { key: string; data: unknown }> = {
  'poll:vote': (who, p) => ({ key: `${who}:${String(p?.pollId)}`, data: { pollId: p?.pollId, vote: p?.vote, filtered: false } }),
  'question:upvote': (who, p) => {
    const key = `${who}:${String(p?.questionId)}`;
    const was = (latest.get(key)?.up ?? false) === true;
    const up = p?.up === true;
    const q = String(p?.questionId);
    const votes = (upvotes.get(q) ?? 0) + (up === was ? 0 : up ? 1 : -1);
    upvotes.set(q, votes);
    return { key, data: { questionId: p?.questionId, up, votes } };
  },
  'quiz:answer': (who, p) => ({ key: `${who}:${String(p?.questionId)}`, data: { runId: p?.runId, questionId: p?.questionId, received: true } }),
  'reaction:send': (who, p) => ({ key: `${who}:reaction`, data: { emoji: p?.emoji } }),
};

/** Snapshot payloads by size, built once: `{ me, pad }` whose JSON is `bytes` long. */
const snapshots = new Map<number, { me: string; pad: string }>();
const MAX_SNAPSHOT_BYTES = 1 << 20;
function snapshotOf(bytes: number, me: string): { me: string; pad: string } {
  let s = snapshots.get(bytes);
  if (!s) {
    const overhead = JSON.stringify({ me, pad: '' }).length;
    s = { me, pad: 'x'.repeat(Math.max(0, bytes - overhead)) };
    snapshots.set(bytes, s);
  }
  // The client's own part, as Rally's `me`: the same length as the id it was built with.
  return { me, pad: s.pad };
}

serveBareSio((io) => {
  io.on('connection', (socket) => {
    const asked = (socket.handshake.auth as { snapshotBytes?: unknown } | undefined)?.snapshotBytes;
    if (typeof asked === 'number' && asked > 0 && asked <= MAX_SNAPSHOT_BYTES) socket.emit('snapshot', snapshotOf(Math.round(asked), socket.id));
    for (const [name, handle] of Object.entries(COMMANDS)) {
      socket.on(name, (p: Payload, ack: unknown) => {
        const { key, data } = handle(socket.id, p);
        latest.set(key, p);
        if (typeof ack === 'function') (ack as Ack)({ ok: true, data });
      });
    }
  });
});
