import { describe, expect, it } from 'vitest';
import { ClientOfflineError } from 'redis';
import { createLog } from './log.js';

describe('[REL2] logging during a store outage', () => {
  it('[REL2] the same complaint about an unreachable store is written once per window; other failures every time', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLog('warn', {}, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    for (let i = 0; i < 20; i++) log.warn({ err: new ClientOfflineError(), eventId: 'e1' }, 'poll results tick failed');
    log.warn({ err: new ClientOfflineError() }, 'question votes tick failed');
    for (let i = 0; i < 3; i++) log.warn({ err: new TypeError('a bug') }, 'poll results tick failed');
    expect(lines.map((l) => l.msg)).toEqual(['poll results tick failed', 'question votes tick failed', 'poll results tick failed', 'poll results tick failed', 'poll results tick failed']);
    expect(lines[0]!.eventId).toBe('e1');
  });
});

describe('log redaction', () => {
  it('[REL2] an outage line keeps the redaction of tokens and keys', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLog('warn', {}, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    log.warn({ err: new ClientOfflineError(), token: 'secret-token' }, 'handshake failed');
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});
