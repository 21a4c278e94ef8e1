/*
 * The engagement part of the Redis adapter (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P eng-log:{eventId}       stream  one entry per interaction, field `e` = the entry as JSON
 *                                     (without cursor); the stream id is the cursor
 *   P eng-batch:{batchId}     string  a batch already applied (expires after BATCH_MEMORY_SECONDS)
 *   P eng-tomb:{eventId}      hash    participantId -> tombstone id of deleted participants
 *   P eng-config:{eventId}    hash    settings and shared flags, field -> JSON text
 *   P eng-board:{eventId}     string  the latest leaderboard ([ESTORE8]), read by every snapshot
 *
 * Stream ids only grow, and XADD is atomic, so an entry is never readable before one with a
 * smaller id: a reader following the last id it saw (XRANGE with an exclusive start) gets every
 * entry once. Stream entries cannot be rewritten in place, so deleting a participant records a
 * tombstone that every read applies ([ESTORE5]); the stored id is a random key whose participant
 * record no longer holds anything personal.
 */
import type { RedisClientType } from 'redis';
import { ErrorCode, RallyError, type EngagementEntry, type NewEngagementEntry } from '@rally/shared';
import { BATCH_MEMORY_SECONDS, MAX_APPEND_BATCH, type EngagementStore } from '../engagement-store.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

const LUA = {
  // All or nothing, once per batch id. KEYS: batch marker, then one stream per event of the batch.
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

export function createRedisEngagement(client: AnyRedis, prefix: string): EngagementStore {
  const p = prefix;
  const key = {
    log: (eventId: string) => `${p}eng-log:${eventId}`,
    batch: (batchId: string) => `${p}eng-batch:${batchId}`,
    tomb: (eventId: string) => `${p}eng-tomb:${eventId}`,
    config: (eventId: string) => `${p}eng-config:${eventId}`,
    board: (eventId: string) => `${p}eng-board:${eventId}`,
  };

  const run = luaRunner(client, LUA);

  return {
    async appendEngagement(batchId, entries) {
      if (entries.length > MAX_APPEND_BATCH) throw new RangeError(`at most ${MAX_APPEND_BATCH} entries per batch`);
      if (entries.length === 0) return;
      const keys = [key.batch(batchId)];
      const slot = new Map<string, number>();
      const args = [String(BATCH_MEMORY_SECONDS)];
      for (const e of entries) {
        let i = slot.get(e.eventId);
        if (i === undefined) {
          keys.push(key.log(e.eventId));
          i = keys.length;
          slot.set(e.eventId, i);
        }
        args.push(String(i), JSON.stringify(e satisfies NewEngagementEntry));
      }
      await run('append', keys, args);
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
