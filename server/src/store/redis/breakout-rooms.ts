/*
 * What happens inside breakout rooms, in the Redis adapter (node-redis v5).
 *
 * Keys, under the adapter's prefix P:
 *   P brk-chat-order:{roundId}:{roomId}   list  message ids, oldest first (the rolling window)
 *   P brk-chat:{roundId}:{roomId}         hash  message id -> ChatMessage JSON
 *   P brk-chat-rooms:{roundId}            set   room ids with chat (so a round's chat can be purged)
 *   P brk-takeaways:{roundId}             hash  room id -> Takeaway JSON
 *   P brk-scorecards:{roundId}            hash  `<rotation>:<scorerId>` -> Scorecard JSON
 *   P brk-video:{roundId}                 set   `<roomId> <participantId>` (ids never hold spaces)
 *
 * Each change is one command or one Lua script, so nothing interleaves with another node's.
 */
import type { RedisClientType } from 'redis';
import type { ChatMessage, Scorecard, Takeaway } from '@rally/shared';
import type { BreakoutRoomStore } from '../breakout-store.js';
import { compareScorecards, compareTakeaways, ROOM_CHAT_KEEP } from '../breakout-rooms-order.js';
import { luaRunner } from './lua.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

const LUA = {
  // [BSTORE20] KEYS: order, messages, rooms. ARGV: id, JSON, keep, roomId.
  addChat: `
    redis.call('RPUSH', KEYS[1], ARGV[1])
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    redis.call('SADD', KEYS[3], ARGV[4])
    local keep = tonumber(ARGV[3])
    local n = redis.call('LLEN', KEYS[1])
    if n > keep then
      local old = redis.call('LRANGE', KEYS[1], 0, n - keep - 1)
      redis.call('LTRIM', KEYS[1], n - keep, -1)
      redis.call('HDEL', KEYS[2], unpack(old))
    end
    return 1`,
  // KEYS: order, messages. ARGV: id.
  deleteChat: `
    if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return 0 end
    redis.call('LREM', KEYS[1], 0, ARGV[1])
    return 1`,
};

export function createRedisBreakoutRooms(client: AnyRedis, prefix: string): BreakoutRoomStore & { purgeRoomData(roundId: string): Promise<void> } {
  const key = {
    chatOrder: (round: string, room: string) => `${prefix}brk-chat-order:${round}:${room}`,
    chat: (round: string, room: string) => `${prefix}brk-chat:${round}:${room}`,
    chatRooms: (round: string) => `${prefix}brk-chat-rooms:${round}`,
    takeaways: (round: string) => `${prefix}brk-takeaways:${round}`,
    scorecards: (round: string) => `${prefix}brk-scorecards:${round}`,
    video: (round: string) => `${prefix}brk-video:${round}`,
  };
  const run = luaRunner(client, LUA);

  return {
    async addRoomChat(roundId, roomId, msg) {
      await run('addChat', [key.chatOrder(roundId, roomId), key.chat(roundId, roomId), key.chatRooms(roundId)], [msg.id, JSON.stringify(msg), String(ROOM_CHAT_KEEP), roomId]);
    },
    async deleteRoomChat(roundId, roomId, messageId) {
      return Number(await run('deleteChat', [key.chatOrder(roundId, roomId), key.chat(roundId, roomId)], [messageId])) === 1;
    },
    async listRoomChat(roundId, roomId, limit) {
      if (limit <= 0) return [];
      const [ids, docs] = (await client.multi().lRange(key.chatOrder(roundId, roomId), -limit, -1).hGetAll(key.chat(roundId, roomId)).exec()) as unknown as [
        string[],
        Record<string, string>,
      ];
      return ids.flatMap((id) => (docs[id] ? [JSON.parse(docs[id]) as ChatMessage] : []));
    },
    async setTakeaway(t) {
      await client.hSet(key.takeaways(t.roundId), t.roomId, JSON.stringify(t));
    },
    async listTakeaways(roundId) {
      const docs = (await client.hVals(key.takeaways(roundId))) as string[];
      return docs.map((d) => JSON.parse(String(d)) as Takeaway).sort(compareTakeaways);
    },
    async addScorecard(card) {
      // [BSTORE22] HSETNX is the one-per-(round, rotation, scorer) rule, atomic across nodes.
      return Boolean(await client.hSetNX(key.scorecards(card.roundId), `${card.rotation}:${card.scorerId}`, JSON.stringify(card)));
    },
    async listScorecards(roundId) {
      const docs = (await client.hVals(key.scorecards(roundId))) as string[];
      return docs.map((d) => JSON.parse(String(d)) as Scorecard).sort(compareScorecards);
    },
    async setInVideo(roundId, roomId, participantId, inVideo) {
      const member = `${roomId} ${participantId}`;
      const n = inVideo ? await client.sAdd(key.video(roundId), member) : await client.sRem(key.video(roundId), member);
      return Number(n) > 0;
    },
    async listInVideo(roundId) {
      const members = ((await client.sMembers(key.video(roundId))) as string[]).map(String).sort();
      const out = new Map<string, string[]>();
      for (const m of members) {
        const [roomId, participantId] = m.split(' ') as [string, string];
        out.set(roomId, [...(out.get(roomId) ?? []), participantId]);
      }
      return out;
    },
    async purgeRoomData(roundId) {
      const rooms = ((await client.sMembers(key.chatRooms(roundId))) as string[]).map(String);
      const keys = [key.chatRooms(roundId), key.takeaways(roundId), key.scorecards(roundId), key.video(roundId), ...rooms.flatMap((r) => [key.chatOrder(roundId, r), key.chat(roundId, r)])];
      await client.del(keys);
    },
  };
}
