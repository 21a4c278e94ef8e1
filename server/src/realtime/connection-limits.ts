import { isIP } from 'node:net';
import type { RedisClientType } from 'redis';
import { rateLimited } from '@rally/shared';
import type { AbuseLimits, LimitWindow } from '../config.js';
import type { NewParticipantBudget } from '../domain/identity.js';
import { createLimiter, type Limiter } from './rate-limits.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

/**
 * [SEC1] [SEC4] [SEC5] The budgets that keep a flood from one address (or a swarm on one event)
 * out while a venue behind one shared address gets in. In cluster mode the counters live in Redis,
 * so spreading requests over the nodes buys nothing ([SEC7]).
 */
export interface ConnectionLimits extends NewParticipantBudget {
  /** [SEC4] Every join request and socket handshake from `address`; throws RATE_LIMITED. */
  connect(address: string): Promise<void>;
}

/**
 * A budget of several fixed windows on one key, shortest first: every window must have room. A
 * window is charged only when the shorter ones had room, as a token bucket would: a flood refused
 * by the burst window does not also drain the hour, so the venue behind the same address is back
 * in as soon as the burst window turns, while a script that keeps getting through exhausts the
 * long window and waits it out.
 */
function windowsOf(redis: AnyRedis | undefined, name: string, windows: readonly LimitWindow[]) {
  const limiters: Limiter[] = [...windows].sort((a, b) => a.durationS - b.durationS).map((w) => createLimiter(redis, { name: `${name}-${w.durationS}s`, ...w }));
  /** The wait in ms when some window is spent, else 0. */
  return async (key: string): Promise<number> => {
    for (const l of limiters) {
      const r = await l.take(key);
      if (!r.ok) return Math.max(1, r.retryAfterMs);
    }
    return 0;
  };
}

/**
 * [SEC1] Who shares a budget. An IPv6 client usually holds a whole /64 (one home, one phone), so
 * its budget is the prefix's, or it could rotate through 2^64 fresh ones; an IPv4-mapped IPv6
 * address is the IPv4 address it maps.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

const inSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createConnectionLimits(redis: AnyRedis | undefined, limits: AbuseLimits): ConnectionLimits {
  const connect = windowsOf(redis, 'connect-address', limits.connectPerAddress);
  const perAddress = windowsOf(redis, 'join-address', limits.joinPerAddress);
  const perEvent = windowsOf(redis, 'join-event', limits.joinPerEvent);
  return {
    async connect(address) {
      const wait = await connect(addressKey(address));
      if (wait > 0) throw rateLimited(`Too many connections from your network right now; try again in ${inSeconds(wait)} s`, wait);
    },
    async newParticipant(address, eventId) {
      // The address first: an address already refused must not spend the event's budget, or one
      // flooding address would lock a whole venue out of its event.
      const addressWait = await perAddress(addressKey(address));
      if (addressWait > 0) throw rateLimited(`Too many people are joining from your network right now; try again in ${inSeconds(addressWait)} s`, addressWait);
      const eventWait = await perEvent(eventId);
      if (eventWait > 0) throw rateLimited(`Too many people are joining this event right now; try again in ${inSeconds(eventWait)} s`, eventWait);
    },
  };
}
