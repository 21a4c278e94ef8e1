import type { RedisClientType } from 'redis';
import { luaRunner } from '../store/redis/lua.js';
import { COMMAND_WINDOW, memoryWindow, type CommandWindow } from '../store/command-window-memory.js';

export { COMMAND_WINDOW, memoryWindow, type CommandWindow };

type AnyRedis = RedisClientType<any, any, any, any, any>;

/**
 * [REL16] [REL17] [REL18] "A command id applies once" for commands too frequent to keep a stored
 * result for (reactions: a store write and a durability wait per tap is what [STAGE14] avoids).
 * A retry comes from the client's own pending queue, right after a drop: so each participant's
 * last `size` ids for `ttlMs` after their latest one are enough, whatever the event's size.
 *
 * In cluster mode the window is a short Redis list per participant (a retry may land on another
 * node), claimed in one script: one round trip, no durability wait. Embedded, a Map in memory,
 * bounded in participants too (the least recently active are forgotten first).
 */

export interface CommandWindowOptions {
  /** Ids kept per participant. */
  size?: number;
  /** How long after a participant's latest id the window is kept. */
  ttlMs?: number;
  /** Embedded: participants kept at most. */
  maxParticipants?: number;
}


// LPOS finds a repeat; otherwise the id goes first, the list is cut to `size` and its expiry pushed back.
const CLAIM = `
if redis.call('LPOS', KEYS[1], ARGV[1]) then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

export function createCommandWindow(redis?: AnyRedis, opts: CommandWindowOptions = {}): CommandWindow {
  const size = opts.size ?? COMMAND_WINDOW.size;
  const ttlMs = opts.ttlMs ?? COMMAND_WINDOW.ttlMs;
  if (redis) {
    const run = luaRunner(redis, { claim: CLAIM });
    const key = (participantId: string) => `rally:cmd-window:${participantId}`;
    return {
      claim: async (participantId, commandId) => Number(await run('claim', [key(participantId)], [commandId, String(size), String(ttlMs)])) === 1,
      release: async (participantId, commandId) => void (await redis.lRem(key(participantId), 1, commandId)),
    };
  }
  return memoryWindow(size, ttlMs, opts.maxParticipants ?? COMMAND_WINDOW.maxParticipants, Date.now);
}

