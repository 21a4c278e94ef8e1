/*
 * The engagement part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T eng-log:{eventId}       stream  one entry per interaction, field `e` = the entry as JSON
 *                                     (without cursor); the stream id is the cursor
 *   T eng-batch:{batchId}     string  a batch already applied to this event (expires after BATCH_MEMORY_SECONDS)
 *   T eng-tomb:{eventId}      hash    participantId -> tombstone id of deleted participants
 *   T eng-config:{eventId}    hash    settings and shared flags, field -> JSON text
 *   T eng-board:{eventId}     string  the latest leaderboard ([ESTORE8]), read by every snapshot
 *
 * Stream ids only grow, and XADD is atomic, so an entry is never readable before one with a
 * smaller id: a reader following the last id it saw (XRANGE with an exclusive start) gets every
 * entry once. Stream entries cannot be rewritten in place, so deleting a participant records a
 * tombstone that every read applies ([ESTORE5]); the stored id is a random key whose participant
 * record no longer holds anything personal.
 */
import { ErrorCode, RallyError, type EngagementEntry, type NewEngagementEntry } from '@rally/shared';
import { BATCH_MEMORY_SECONDS, MAX_APPEND_BATCH, type EngagementStore } from '../engagement-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


const LUA = {
  // All or nothing, once per batch id and event. KEYS: batch marker, the event's stream.
  // ARGV: marker ttl, then (stream index into KEYS, entry JSON) pairs in log order.
  append: `
    if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
    for i = 2, #ARGV, 2 do
      redis.call('XADD', KEYS[tonumber(ARGV[i])], '*', 'e', ARGV[i + 1])
    end
    return 1`,
  // KEYS: config hash. ARGV: field, expected ('' with flag 0: absent), flag, next.
  cas: `
    local current = redis.call('HGET', KEYS[1], ARGV[1])
    if ARGV[3] == '0' then
      if current then return 0 end
    elseif current ~= ARGV[2] then
      return 0
    end
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
    return 1`,
  // KEYS: config hash, board key. ARGV: guard field, its required value, board.
  putBoard: `
    if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
    redis.call('SET', KEYS[2], ARGV[3])
    return 1`,
};

const CURSOR = /^[0-9]{1,20}-[0-9]{1,20}$/;

export function createRedisEngagement(client: AnyRedis, ks: Keyspace): EngagementStore {
  const ev = ks.ev;
  const key = {
    log: (eventId: string) => `${ev(eventId)}eng-log:${eventId}`,
    // [CLU24] One marker per batch and event: a batch spanning events is applied event by event.
    batch: (eventId: string, batchId: string) => `${ev(eventId)}eng-batch:${batchId}`,
    tomb: (eventId: string) => `${ev(eventId)}eng-tomb:${eventId}`,
    config: (eventId: string) => `${ev(eventId)}eng-config:${eventId}`,
    board: (eventId: string) => `${ev(eventId)}eng-board:${eventId}`,
  };

  const run = luaRunner(client, LUA);

  return {
    async appendEngagement(batchId, entries) {
      if (entries.length > MAX_APPEND_BATCH) throw new RangeError(`at most ${MAX_APPEND_BATCH} entries per batch`);
      if (entries.length === 0) return;
      // [CLU24] One script per event of the batch (one slot each), in the order the batch first
      // names them; each is all-or-nothing and once per (batch, event), so a retried batch applies
      // exactly the events a failed attempt did not.
      const byEvent = new Map<string, string[]>();
      for (const e of entries) byEvent.set(e.eventId, [...(byEvent.get(e.eventId) ?? []), JSON.stringify(e satisfies NewEngagementEntry)]);
      for (const [eventId, docs] of byEvent) {
        await run('append', [key.batch(eventId, batchId), key.log(eventId)], [String(BATCH_MEMORY_SECONDS), ...docs.flatMap((d) => ['2', d])]);
      }
    },
    async readEngagement(eventId, after, limit) {
      if (after !== null && !CURSOR.test(after)) throw new RallyError(ErrorCode.BAD_REQUEST, 'after: not a cursor of this log');
      const [raw, tombs] = await Promise.all([
        client.xRange(key.log(eventId), after === null ? '-' : `(${after}`, '+', { COUNT: limit + 1 }),
        client.hGetAll(key.tomb(eventId)),
      ]);
      const tomb = (tombs ?? {}) as Record<string, string>;
      const page = (raw as { id: string; message: Record<string, string> }[]).slice(0, limit);
      const entries = page.map((r): EngagementEntry => {
        const e = JSON.parse(r.message['e']!) as NewEngagementEntry;
        const pid = e.participantId !== null ? (tomb[e.participantId] ?? e.participantId) : null;
        return { cursor: r.id, ...e, participantId: pid };
      });
      return { entries, nextCursor: entries.at(-1)?.cursor ?? after, hasMore: raw.length > limit };
    },
    async countEngagement(eventId) {
      return Number(await client.xLen(key.log(eventId)));
    },
    async pseudonymiseEngagement(eventId, participantId, tombstoneId) {
      await client.hSet(key.tomb(eventId), participantId, tombstoneId);
    },
    async engagementConfig(eventId) {
      return { ...((await client.hGetAll(key.config(eventId))) as Record<string, string>) };
    },
    async patchEngagementConfig(eventId, fields) {
      if (Object.keys(fields).length === 0) return;
      await client.hSet(key.config(eventId), fields);
    },
    async casEngagementConfig(eventId, field, expected, next) {
      const changed = await run('cas', [key.config(eventId)], [field, expected ?? '', expected === null ? '0' : '1', next]);
      return Number(changed) === 1;
    },
    async putLeaderboard(eventId, board, whileField) {
      const stored = await run('putBoard', [key.config(eventId), key.board(eventId)], [whileField.field, whileField.value, board]);
      return Number(stored) === 1;
    },
    async storedLeaderboard(eventId) {
      const board = await client.get(key.board(eventId));
      return board === null ? null : String(board);
    },
    async clearLeaderboard(eventId) {
      await client.del(key.board(eventId));
    },
  };
}
