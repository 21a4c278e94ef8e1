import { pino, type Logger } from 'pino';
import { isStoreUnreachable } from './deadline.js';

export type Log = Logger;

/** [REL2] The same complaint about an unreachable store is written at most once per this many ms. */
const OUTAGE_LOG_EVERY_MS = 10_000;

/** A participant token (a JWT: three base64url parts, the first a JSON header). */
const JWT = /eyJ[\w-]{5,}\.[\w-]+\.[\w-]+/g;

/** [OPS61] The configured secrets a log line must never carry: what createLog's `secrets` takes. */
export function secretsToScrub(c: { secret?: string | undefined; adminToken?: string | undefined; livekit?: { apiSecret: string } | undefined; redisUrl?: string | undefined }): string[] {
  const redisPassword = c.redisUrl ? decodeURIComponent(new URL(c.redisUrl).password) : '';
  return [c.secret, c.adminToken, c.livekit?.apiSecret, redisPassword].filter((s): s is string => Boolean(s) && s!.length >= 6);
}

/**
 * [OPS61] The last line of defence, under the field redaction below: whatever a handler or a library
 * error puts in a line (a message quoting a URL, a header), the configured secrets and anything
 * shaped like a participant token are replaced before the line is written.
 */
function scrubbing(destination: pino.DestinationStream, secrets: readonly string[]): pino.DestinationStream {
  const escaped = secrets.map((s) => [s, JSON.stringify(s).slice(1, -1)]).flat();
  return {
    write(line: string) {
      let out = line.replace(JWT, '[redacted]');
      for (const s of escaped) if (out.includes(s)) out = out.split(s).join('[redacted]');
      destination.write(out);
    },
  };
}

export function createLog(
  level: string,
  base: Record<string, unknown> = {},
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
  secrets: readonly string[] = [],
): Log {
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
    redact: {
      paths: [
        ...['token', 'key', 'auth', 'secret', 'apiSecret', 'adminToken', 'password'].flatMap((k) => [k, `*.${k}`]),
        ...['authorization', 'cookie'].flatMap((h) => [`headers.${h}`, `req.headers.${h}`, `*.headers.${h}`]),
      ],
      censor: '[redacted]',
    },
  },
  // Synchronous: Rally logs rarely (no per-request lines), and an asynchronous stdout could put a log
  // line after the start-up links printed with console.log on a busy machine ([CFG7]).
  scrubbing(destination, secrets));
}
