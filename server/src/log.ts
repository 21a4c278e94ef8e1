import { pino, type Logger } from 'pino';

export type Log = Logger;

export function createLog(level: string, base: Record<string, unknown> = {}): Log {
  return pino({
    level,
    base: { service: 'rally', ...base },
    // Tokens and keys must never reach logs, whatever a handler decides to log.
    redact: { paths: ['token', '*.token', 'key', '*.key', 'auth', '*.auth', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  },
  // Synchronous: Rally logs rarely (no per-request lines), and an asynchronous stdout could put a log
  // line after the start-up links printed with console.log on a busy machine ([CFG7]).
  pino.destination({ dest: 1, sync: true }));
}
