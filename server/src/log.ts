import { pino, type Logger } from 'pino';
import { isStoreUnreachable } from './deadline.js';

export type Log = Logger;

/** [REL2] The same complaint about an unreachable store is written at most once per this many ms. */
const OUTAGE_LOG_EVERY_MS = 10_000;

export function createLog(level: string, base: Record<string, unknown> = {}, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Log {
  // [REL2] During a store outage every ticker fails every tick (10 lines a second per node): one
  // line per message per window, with how many were left out, says as much and costs less.
  const lastOutageLine = new Map<string, { at: number; suppressed: number }>();
  return pino({
    level,
    hooks: {
      logMethod(args, method) {
        const [first, msg] = args as unknown[];
        const err = typeof first === 'object' && first !== null ? (first as { err?: unknown }).err : undefined;
        if (err === undefined || typeof msg !== 'string' || !isStoreUnreachable(err)) return method.apply(this, args);
        const now = Date.now();
        const seen = lastOutageLine.get(msg);
        if (seen && now - seen.at < OUTAGE_LOG_EVERY_MS) return void seen.suppressed++;
        lastOutageLine.set(msg, { at: now, suppressed: 0 });
        const extra = seen?.suppressed ? { suppressed: seen.suppressed } : {};
        return method.apply(this, [{ ...(first as object), ...extra }, ...args.slice(1)] as typeof args);
      },
    },
    base: { service: 'rally', ...base },
    // Tokens and keys must never reach logs, whatever a handler decides to log.
    redact: { paths: ['token', '*.token', 'key', '*.key', 'auth', '*.auth', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  },
  // Synchronous: Rally logs rarely (no per-request lines), and an asynchronous stdout could put a log
  // line after the start-up links printed with console.log on a busy machine ([CFG7]).
  destination);
}
