import { pino, type Logger } from 'pino';

export type Log = Logger;

export function createLog(level: string, base: Record<string, unknown> = {}): Log {
  return pino({
    level,
    base: { service: 'rally', ...base },
    // Tokens and keys must never reach logs, whatever a handler decides to log.
    redact: { paths: ['token', '*.token', 'key', '*.key', 'auth', '*.auth', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
