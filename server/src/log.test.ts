import { describe, expect, it } from 'vitest';
import { ClientOfflineError } from 'redis';
import { createLog, secretsToScrub } from './log.js';

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

describe('[OPS61] no secret, token or key in a log line', () => {
  const SECRET = 'the-signing-secret-0123456789-abcdef';
  const ADMIN = 'the-admin-token-xyz';
  const LK = 'the-livekit-api-secret-0123456789-abcd';
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwMSJ9.c2lnbmF0dXJlLXBhcnQ';

  it('[OPS61] configured secrets, the Redis password and token-shaped strings are scrubbed wherever they appear', () => {
    const out: string[] = [];
    const secrets = secretsToScrub({ secret: SECRET, adminToken: ADMIN, livekit: { apiSecret: LK }, redisUrl: 'redis://:redis-pass-123@redis:6379' });
    const log = createLog('trace', {}, { write: (l: string) => void out.push(l) }, secrets);
    log.error({ err: new Error(`connect to redis://:redis-pass-123@redis:6379 failed`) }, 'redis connection error');
    log.warn({ detail: `signed with ${SECRET}`, header: `Bearer ${ADMIN}` }, `token ${JWT} refused`);
    log.info({ nested: { apiSecret: LK, note: `livekit ${LK}` } }, 'livekit call');
    log.info({ req: { headers: { authorization: 'Bearer abc-authz', cookie: 'sid=abc-cookie' } } }, 'request');
    log.info({ token: 'field-token', payload: { key: 'field-key', secret: 'field-secret' } }, 'fields');
    const all = out.join('');
    for (const s of [SECRET, ADMIN, LK, JWT, 'redis-pass-123', 'abc-authz', 'abc-cookie', 'field-token', 'field-key', 'field-secret']) expect(all).not.toContain(s);
    // The lines are still there, still JSON, saying what happened.
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['redis connection error', 'token [redacted] refused', 'livekit call', 'request', 'fields']);
  });
});
