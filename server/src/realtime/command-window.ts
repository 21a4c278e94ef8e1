import type { RedisClientType } from 'redis';
import { luaRunner } from '../store/redis/lua.js';

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
export interface CommandWindow {
  /** True the first time this participant's id is seen within the window (and it is now taken); false for a repeat. */
  claim(participantId: string, commandId: string): Promise<boolean>;
  /** Gives an id back, so a retry of an attempt that was refused or failed is applied then ([REL19]). */
  release(participantId: string, commandId: string): Promise<void>;
}

export interface CommandWindowOptions {
  /** Ids kept per participant. */
  size?: number;
  /** How long after a participant's latest id the window is kept. */
  ttlMs?: number;
  /** Embedded: participants kept at most. */
  maxParticipants?: number;
}

export const COMMAND_WINDOW = { size: 16, ttlMs: 3 * 60_000, maxParticipants: 20_000 } as const;

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

/** The embedded window; `now` is a parameter for the unit tests. */
export function memoryWindow(size: number, ttlMs: number, maxParticipants: number, now: () => number): CommandWindow {
  // Insertion order is recency: a participant's entry is re-inserted at every claim.
  const windows = new Map<string, { ids: string[]; lastMs: number }>();
  return {
    async claim(participantId, commandId) {
      const t = now();
      const w = windows.get(participantId);
      const ids = w && t - w.lastMs < ttlMs ? w.ids : [];
      if (ids.includes(commandId)) return false;
      ids.unshift(commandId);
      if (ids.length > size) ids.length = size;
      windows.delete(participantId);
      windows.set(participantId, { ids, lastMs: t });
      // The least recently active go first: expired ones, or the oldest when there are too many.
      for (const [pid, old] of windows) {
        if (windows.size <= maxParticipants && t - old.lastMs < ttlMs) break;
        windows.delete(pid);
      }
      return true;
    },
    async release(participantId, commandId) {
      const w = windows.get(participantId);
      const i = w ? w.ids.indexOf(commandId) : -1;
      if (i >= 0) w!.ids.splice(i, 1);
    },
  };
}
