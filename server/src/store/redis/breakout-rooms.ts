/*
 * What happens inside breakout rooms, in the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the hash tag of the round's event (store/redis/keyspace.ts, found
 * through the owner index):
 *   T brk-chat-order:{roundId}:{roomId}   list  message ids, oldest first (the rolling window)
 *   T brk-chat:{roundId}:{roomId}         hash  message id -> ChatMessage JSON
 *   T brk-chat-rooms:{roundId}            set   room ids with chat (so a round's chat can be purged)
 *   T brk-takeaways:{roundId}             hash  room id -> Takeaway JSON
 *   T brk-scorecards:{roundId}            hash  `<rotation>:<scorerId>` -> Scorecard JSON
 *   T brk-video:{roundId}                 set   `<roomId> <participantId>` (ids never hold spaces)
 *
 * Each change is one command or one Lua script, so nothing interleaves with another node's.
 */
import type { ChatMessage, Scorecard, Takeaway } from '@rally/shared';
import type { BreakoutRoomStore } from '../breakout-store.js';
import { compareScorecards, compareTakeaways, ROOM_CHAT_KEEP } from '../breakout-rooms-order.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


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

export function createRedisBreakoutRooms(client: AnyRedis, ks: Keyspace): BreakoutRoomStore & { purgeRoomData(roundId: string, eventId: string | null): Promise<void> } {
  // The round's event is resolved once per call (cached per node). A round the store does not know
  // (room data written for it anyway) gets a slot of its own, `P{round:<id>}:`.
  const tag = async (round: string) => {
    const e = await ks.eventOf(round);
    return e === null ? `${ks.p}{round:${round}}:` : ks.ev(e);
  };
  const key = {
    chatOrder: (t: string, round: string, room: string) => `${t}brk-chat-order:${round}:${room}`,
    chat: (t: string, round: string, room: string) => `${t}brk-chat:${round}:${room}`,
    chatRooms: (t: string, round: string) => `${t}brk-chat-rooms:${round}`,
    takeaways: (t: string, round: string) => `${t}brk-takeaways:${round}`,
    scorecards: (t: string, round: string) => `${t}brk-scorecards:${round}`,
    video: (t: string, round: string) => `${t}brk-video:${round}`,
  };
  const run = luaRunner(client, LUA);

  return {
    async addRoomChat(roundId, roomId, msg) {
      const t = await tag(roundId);
      await run('addChat', [key.chatOrder(t, roundId, roomId), key.chat(t, roundId, roomId), key.chatRooms(t, roundId)], [msg.id, JSON.stringify(msg), String(ROOM_CHAT_KEEP), roomId]);
    },
    async deleteRoomChat(roundId, roomId, messageId) {
      const t = await tag(roundId);
      return Number(await run('deleteChat', [key.chatOrder(t, roundId, roomId), key.chat(t, roundId, roomId)], [messageId])) === 1;
    },
    async listRoomChat(roundId, roomId, limit) {
      const t = await tag(roundId);
      if (limit <= 0) return [];
      const [ids, docs] = (await client.multi().lRange(key.chatOrder(t, roundId, roomId), -limit, -1).hGetAll(key.chat(t, roundId, roomId)).exec()) as unknown as [
        string[],
        Record<string, string>,
      ];
      return ids.flatMap((id) => (docs[id] ? [JSON.parse(docs[id]) as ChatMessage] : []));
    },
    async setTakeaway(tk) {
      const t = await tag(tk.roundId);
      await client.hSet(key.takeaways(t, tk.roundId), tk.roomId, JSON.stringify(tk));
    },
    async listTakeaways(roundId) {
      const t = await tag(roundId);
      const docs = (await client.hVals(key.takeaways(t, roundId))) as string[];
      return docs.map((d) => JSON.parse(String(d)) as Takeaway).sort(compareTakeaways);
    },
    async addScorecard(card) {
      const t = await tag(card.roundId);
      // [BSTORE22] HSETNX is the one-per-(round, rotation, scorer) rule, atomic across nodes.
      return Boolean(await client.hSetNX(key.scorecards(t, card.roundId), `${card.rotation}:${card.scorerId}`, JSON.stringify(card)));
    },
    async listScorecards(roundId) {
      const t = await tag(roundId);
      const docs = (await client.hVals(key.scorecards(t, roundId))) as string[];
      return docs.map((d) => JSON.parse(String(d)) as Scorecard).sort(compareScorecards);
    },
    async setInVideo(roundId, roomId, participantId, inVideo) {
      const t = await tag(roundId);
      const member = `${roomId} ${participantId}`;
      const n = inVideo ? await client.sAdd(key.video(t, roundId), member) : await client.sRem(key.video(t, roundId), member);
      return Number(n) > 0;
    },
    async listInVideo(roundId) {
      const t = await tag(roundId);
      const members = ((await client.sMembers(key.video(t, roundId))) as string[]).map(String).sort();
      const out = new Map<string, string[]>();
      for (const m of members) {
        const [roomId, participantId] = m.split(' ') as [string, string];
        out.set(roomId, [...(out.get(roomId) ?? []), participantId]);
      }
      return out;
    },
    async purgeRoomData(roundId, eventId) {
      // Called once the round is deleted, so its event is given: the owner mapping is gone.
      const t = eventId === null ? await tag(roundId) : ks.ev(eventId);
      const rooms = ((await client.sMembers(key.chatRooms(t, roundId))) as string[]).map(String);
      const keys = [key.chatRooms(t, roundId), key.takeaways(t, roundId), key.scorecards(t, roundId), key.video(t, roundId), ...rooms.flatMap((r) => [key.chatOrder(t, roundId, r), key.chat(t, roundId, r)])];
      await client.del(keys);
    },
  };
}
