import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';

/**
 * [PERF13] Upvotes in the Redis adapter, batched as votes are ([PERF3], vote-batch.ts): every
 * upvote toggle made in one turn of the event loop goes to Redis in one script call per event,
 * which applies them one after another, each still its own atomic decision (the script runs whole):
 * the question's state, the sender's standing when asked, the toggle, its count and the event's
 * Q&A version. Each caller's promise settles with its own toggle's reply once the script returned,
 * so nothing is acknowledged before Redis applied it. One script serves both store methods:
 * recordUpvote (the command's step, standing checked) and toggleUpvote (demo seeding and the
 * domain's path without a command record, no standing check).
 *
 * [CLU21] Every key of one call is in its event's slot (keyspace.ts), six per upvote in KEYS in this
 * order: question, its voters, the participant, the event's votes, the participant's upvotes, the
 * event's Q&A version. ARGV, five per upvote: participantId, '1' up / '0' down, questionId,
 * '1' check the sender / '0' not, the team JSON the sender was decided with.
 * Each reply: {'missing'} | {'state', state JSON} | {'stale'} | {'ok', votes} changed |
 * {'same', votes} already so.
 */
const TOGGLE_UPVOTES = `
local out = {}
local u = 0
while 5 * u < #ARGV do
  local a, k = 5 * u, 6 * u
  u = u + 1
  local pid, up, qid, check, team = ARGV[a + 1], ARGV[a + 2] == '1', ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local question, voters, participant, votes, my, version = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5], KEYS[k + 6]
  local reply
  local state = redis.call('HGET', question, 'state')
  if not state then reply = {'missing'}
  elseif state ~= '"approved"' then reply = {'state', state}
  else
    if check == '1' then
      local f = redis.call('HMGET', participant, 'banned', 'team', 'mode')
      if not f[3] or f[1] == 'true' or (f[2] or 'null') ~= team then reply = {'stale'} end
    end
    if not reply then
      local changed
      if up then changed = redis.call('SADD', voters, pid) else changed = redis.call('SREM', voters, pid) end
      if changed == 0 then
        reply = {'same', redis.call('HGET', votes, qid) or '0'}
      else
        local n
        if up then
          redis.call('SADD', my, qid)
          n = redis.call('HINCRBY', votes, qid, 1)
        else
          redis.call('SREM', my, qid)
          n = redis.call('HINCRBY', votes, qid, -1)
          if n <= 0 then redis.call('HDEL', votes, qid) end
        end
        redis.call('INCR', version)
        reply = {'ok', tostring(n)}
      end
    end
  end
  out[#out + 1] = reply
end
return out`;

/** Upvotes sent in one script call at most: a bigger turn is split, each part still one call. */
const BATCH_MAX = 500;

export interface UpvoteToggle {
  questionId: string;
  participantId: string;
  up: boolean;
  /** [PERF1] Confirm the sender is stored as decided (exists, not banned, this team), or null: no check. */
  voter: { team: string | null } | null;
  /**
   * Work the caller started before asking (recordUpvote's read of the command record): the toggle
   * keeps its place in the turn's order and runs only if this resolves true, else it is `gated`.
   */
  gate?: Promise<boolean>;
}

export type UpvoteReply =
  /** No such question (no event owns it, or its record is gone). */
  | { status: 'missing' }
  /** The question is not approved: its state, JSON-encoded. */
  | { status: 'state'; state: string }
  | { status: 'stale' }
  /** ok: changed; same: it was already so. votes: the question's count right after. */
  | { status: 'ok' | 'same'; votes: number }
  /** The gate said no: nothing was sent. */
  | { status: 'gated' };

interface Queued {
  toggle: UpvoteToggle;
  resolve: (r: UpvoteReply) => void;
  reject: (e: unknown) => void;
}

/**
 * The upvote toggle of the Redis adapter: `toggle(t)` joins the turn's batch and settles with its
 * own reply. The toggles of a turn are applied in the order they were asked for, whatever order
 * their gates and event look-ups finish in, and turn after turn in order: what one caller sees is
 * what it would see one at a time.
 */
export function createUpvoteBatcher(client: AnyRedis, ks: Keyspace): (t: UpvoteToggle) => Promise<UpvoteReply> {
  const run = luaRunner(client, { toggleUpvotes: TOGGLE_UPVOTES });
  let queue: Queued[] = [];
  /** The previous turn's preparation: a turn's script calls are sent after the previous turn's. */
  let prepared: Promise<void> = Promise.resolve();

  const sendEvent = async (e: string, batch: Queued[]) => {
    const t = ks.ev(e);
    const keys: string[] = [];
    const args: string[] = [];
    for (const { toggle: x } of batch) {
      keys.push(`${t}question:${x.questionId}`, `${t}qa-voters:${x.questionId}`, `${t}participant:${x.participantId}`, `${t}qa-votes:${e}`, `${t}qa-my:${e}:${x.participantId}`, `${t}qa-version:${e}`);
      args.push(x.participantId, x.up ? '1' : '0', x.questionId, x.voter ? '1' : '0', JSON.stringify(x.voter?.team ?? null));
    }
    let replies: unknown[][];
    try {
      replies = (await run('toggleUpvotes', keys, args)) as unknown[][];
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, k) => {
      const r = replies[k]!.map(String);
      if (r[0] === 'missing' || r[0] === 'stale') return b.resolve({ status: r[0] });
      if (r[0] === 'state') return b.resolve({ status: 'state', state: r[1]! });
      b.resolve({ status: r[0] as 'ok' | 'same', votes: Number(r[1]) });
    });
  };

  /** Gates and events of a turn (the events are cached per node after a question's first upvote). */
  const prepare = async (all: Queued[]) => {
    const ready = await Promise.allSettled(all.map(async ({ toggle: t }) => ((await (t.gate ?? true)) ? ks.eventOf(t.questionId) : false)));
    // [CLU21] One call per event (one hash slot each), in the order the toggles were asked for.
    const byEvent = new Map<string, Queued[]>();
    all.forEach((q, k) => {
      const r = ready[k]!;
      if (r.status === 'rejected') return q.reject(r.reason);
      if (r.value === false) return q.resolve({ status: 'gated' });
      if (r.value === null) return q.resolve({ status: 'missing' });
      const list = byEvent.get(r.value);
      if (list) list.push(q);
      else byEvent.set(r.value, [q]);
    });
    for (const [e, list] of byEvent) for (let k = 0; k < list.length; k += BATCH_MAX) void sendEvent(e, list.slice(k, k + BATCH_MAX));
  };

  const flush = () => {
    const all = queue;
    queue = [];
    // Never a rejected link: a later turn must not wait on a failed one (a settled caller ignores the reject).
    prepared = prepared.then(() => prepare(all)).catch((e: unknown) => {
      for (const q of all) q.reject(e);
    });
  };

  return (toggle) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ toggle, resolve, reject });
    });
}
