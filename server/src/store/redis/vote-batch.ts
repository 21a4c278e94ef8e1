import { ErrorCode, RallyError } from '@rally/shared';
import type { CastVoteInput, CastVoteOutcome, StoredVote } from '../store.js';
import { VOTE_COMMAND_IDS } from '../store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';

/**
 * [PERF3] Votes in the Redis adapter: every castVote made in one turn of the event loop goes to
 * Redis in one script call, which applies them one after another (each is still one atomic step:
 * the script runs whole). A vote storm was one round trip and one script run per vote, plus the
 * reads and the idempotency record around it (docs/PERFORMANCE.md). Each caller's promise settles
 * with its own vote's outcome once the script has returned, so nothing is acknowledged before
 * Redis applied it ([STORE39]).
 *
 * [CLU21] One script call per event of the turn (one hash slot each, store/redis/keyspace.ts): the
 * votes of a turn are grouped by their poll's event, and every key a vote touches is in KEYS, six
 * per vote in ARGV order: poll, votes, tally, answers, answer statuses, participant.
 * ARGV[1] is how many command ids a record keeps; then, per vote, 12 fixed fields then its counters:
 *   pollId, participantId, vote JSON without its closing brace (commandIds are appended in Lua),
 *   fingerprint, allowChange (1/0), answer id or '', answer JSON or '', command id or '',
 *   check voter (1/0), mode JSON, team JSON, counter count, counters...
 * A vote record keeps the ids of the commands applied to it ([PERF2]) as its last field, so Lua
 * adds one by cutting the JSON there: cjson would turn an empty `counters` array into an object.
 */
const CAST_VOTES = `
local keep = tonumber(ARGV[1])
local out = {}
local i = 2
local v = 0
while i <= #ARGV do
  local k = 6 * v
  v = v + 1
  local pollId, pid, doc, fp, allowChange = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  local answerId, answerDoc, cmd, check, mode, team = ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9], ARGV[i+10]
  local n = tonumber(ARGV[i+11])
  local first = i + 12
  i = first + n
  local pollKey, votesKey, tallyKey, answersKey, statusKey, participantKey = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5], KEYS[k + 6]
  local prevJson = redis.call('HGET', votesKey, pid)
  local prev = prevJson and cjson.decode(prevJson) or nil
  local ids = {}
  if prev and type(prev.commandIds) == 'table' then ids = prev.commandIds end
  local repeated = false
  if cmd ~= '' then for _, id in ipairs(ids) do if id == cmd then repeated = true end end end
  local reply
  if repeated then
    reply = {'repeat', prevJson}
  else
    local state = redis.call('HGET', pollKey, 'state')
    if not state then reply = {'missing'}
    elseif state ~= '"live"' then reply = {'state', state}
    else
      if check == '1' then
        local f = redis.call('HMGET', participantKey, 'banned', 'mode', 'team')
        if f[2] ~= mode or f[1] == 'true' or (f[3] or 'null') ~= team then reply = {'stale'} end
      end
      if not reply then
        if cmd ~= '' then
          ids[#ids + 1] = cmd
          while #ids > keep do table.remove(ids, 1) end
        end
        local tail = '}'
        if #ids > 0 then tail = ',"commandIds":' .. cjson.encode(ids) .. '}' end
        if prev and prev.fingerprint == fp then
          if cmd ~= '' then
            local cut = string.find(prevJson, ',"commandIds":[', 1, true)
            redis.call('HSET', votesKey, pid, string.sub(prevJson, 1, (cut or #prevJson) - 1) .. tail)
          end
          reply = {'unchanged', redis.call('HGET', pollKey, 'version')}
        elseif prev and allowChange ~= '1' then
          reply = {'conflict'}
        else
          local status = 'recorded'
          if prev then
            for _, c in ipairs(prev.counters) do
              if redis.call('HINCRBY', tallyKey, c, -1) <= 0 then redis.call('HDEL', tallyKey, c) end
            end
            -- JSON null decodes to cjson.null, which is truthy in Lua: test for a string.
            if type(prev.answerId) == 'string' then
              redis.call('HDEL', answersKey, prev.answerId)
              redis.call('HDEL', statusKey, prev.answerId)
            end
            status = 'replaced'
          end
          for k = first, first + n - 1 do redis.call('HINCRBY', tallyKey, ARGV[k], 1) end
          redis.call('HSET', votesKey, pid, doc .. tail)
          if answerId ~= '' then
            redis.call('HSET', answersKey, answerId, answerDoc)
            redis.call('HSET', statusKey, answerId, 'pending')
          end
          reply = {status, tostring(redis.call('HINCRBY', pollKey, 'version', 1))}
        end
      end
    end
  end
  out[#out + 1] = reply
end
return out`;

/** Votes sent in one script call at most: a bigger turn is split, each part still one call. */
const BATCH_MAX = 500;

interface Pending {
  args: string[];
  resolve: (o: CastVoteOutcome) => void;
  reject: (e: unknown) => void;
}

export function createVoteBatcher(client: AnyRedis, ks: Keyspace, hooks: { stale(participantId: string): void; notLive(pollId: string): void }) {
  const run = luaRunner(client, { castVotes: CAST_VOTES });
  let queue: { input: CastVoteInput; pending: Pending }[] = [];

  /** The six keys of one vote, in the event's slot (the order the script reads them in). */
  const voteKeys = (e: string, pollId: string, participantId: string) => {
    const t = ks.ev(e);
    return [`${t}poll:${pollId}`, `${t}votes:${pollId}`, `${t}tally:${pollId}`, `${t}answers:${pollId}`, `${t}answer-status:${pollId}`, `${t}participant:${participantId}`];
  };

  /** [CLU21] A turn's votes, one script call per event. */
  const send = async (all: typeof queue) => {
    // Cached per node after a poll's first vote, so this is no round trip on the hot path.
    const events = await Promise.allSettled(all.map(({ input }) => ks.eventOf(input.pollId)));
    const byEvent = new Map<string, typeof queue>();
    all.forEach((b, k) => {
      const e = events[k]!;
      if (e.status === 'rejected') return b.pending.reject(e.reason);
      if (e.value === null) return b.pending.reject(new RallyError(ErrorCode.NOT_FOUND, 'no such poll'));
      byEvent.set(e.value, [...(byEvent.get(e.value) ?? []), b]);
    });
    await Promise.all([...byEvent].map(([e, batch]) => sendEvent(e, batch)));
  };

  const sendEvent = async (e: string, batch: typeof queue) => {
    const keys: string[] = [];
    const args = [String(VOTE_COMMAND_IDS)];
    for (const b of batch) {
      keys.push(...voteKeys(e, b.input.pollId, b.input.participantId));
      args.push(...b.pending.args);
    }
    let replies: unknown[][];
    try {
      replies = (await run('castVotes', keys, args)) as unknown[][];
    } catch (e) {
      for (const b of batch) b.pending.reject(e);
      return;
    }
    batch.forEach(({ input, pending }, k) => {
      const reply = replies[k]!.map(String);
      switch (reply[0]) {
        case 'missing':
          return pending.reject(new RallyError(ErrorCode.NOT_FOUND, 'no such poll'));
        case 'state':
          hooks.notLive(input.pollId);
          return pending.reject(new RallyError(ErrorCode.INVALID_STATE, reply[1] === '"draft"' ? 'this poll has not started yet' : 'this poll is closed'));
        case 'conflict':
          return pending.reject(new RallyError(ErrorCode.CONFLICT, 'you already voted in this poll, and this poll does not allow changing a vote'));
        case 'stale':
          hooks.stale(input.participantId);
          return pending.resolve({ status: 'stale' });
        case 'repeat':
          return pending.resolve({ status: 'repeat', vote: JSON.parse(reply[1]!) as StoredVote });
        default:
          return pending.resolve({ status: reply[0] as 'recorded' | 'replaced' | 'unchanged', version: Number(reply[1]) });
      }
    });
  };

  const flush = () => {
    const all = queue;
    queue = [];
    for (let k = 0; k < all.length; k += BATCH_MAX) void send(all.slice(k, k + BATCH_MAX));
  };

  return (input: CastVoteInput): Promise<CastVoteOutcome> =>
    new Promise((resolve, reject) => {
      const { pollId, allowChange, answer, commandId, voter, ...vote } = input;
      const doc = JSON.stringify(vote satisfies Omit<StoredVote, 'commandIds'>);
      const answerDoc = answer ? JSON.stringify({ id: answer.id, pollId, participantId: input.participantId, text: answer.text, flagged: answer.flagged, at: input.at }) : '';
      const args = [
        pollId,
        input.participantId,
        doc.slice(0, -1),
        input.fingerprint,
        allowChange ? '1' : '0',
        answer?.id ?? '',
        answerDoc,
        commandId ?? '',
        voter ? '1' : '0',
        JSON.stringify(input.cohort),
        JSON.stringify(voter?.team ?? null),
        String(input.counters.length),
        ...input.counters,
      ];
      if (queue.length === 0) setImmediate(flush);
      queue.push({ input, pending: { args, resolve, reject } });
    });
}
