import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, RallyError } from '@rally/shared';
import { parseConfig } from '../config.js';
import { addressKey, createConnectionLimits, type ConnectionLimits } from './connection-limits.js';

/**
 * The product's default budgets (an empty environment), in memory, on a fake clock: the venue and
 * the flood below are played at their real pace, hours of them in a second.
 */
const DEFAULTS = parseConfig({}).limits;
/** The spec's numbers (docs/SPEC.md, Security): the burst and hourly windows per address, the event's ceiling. */
const [ADDRESS_BURST, ADDRESS_HOURLY] = DEFAULTS.joinPerAddress.map((w) => w.points) as [number, number];
const EVENT_CEILING = DEFAULTS.joinPerEvent[0]!.points;
const NAT = '198.51.100.7';

type Outcome = { ok: true } | { ok: false; retryAfterMs: number; message: string };
const outcome = (p: Promise<void>): Promise<Outcome> =>
  p.then(
    () => ({ ok: true }) as const,
    (e: unknown) => {
      if (e instanceof RallyError && e.code === ErrorCode.RATE_LIMITED) return { ok: false, retryAfterMs: e.retryAfterMs ?? -1, message: e.message };
      throw e;
    },
  );

/** What a person joining does: one join request, one new participant, one socket handshake. */
async function personJoins(limits: ConnectionLimits, address: string, eventId: string): Promise<Outcome[]> {
  return [await outcome(limits.connect(address)), await outcome(limits.newParticipant(address, eventId)), await outcome(limits.connect(address))];
}

describe('abuse limits at their defaults (fake clock)', () => {
  let limits: ConnectionLimits;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2027-01-20T09:00:00Z') });
    limits = createConnectionLimits(undefined, DEFAULTS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[SEC1] a venue of 1,000 behind one address joining over 3 minutes is never refused', async () => {
    const refused: Outcome[] = [];
    for (let i = 0; i < 1000; i++) {
      refused.push(...(await personJoins(limits, NAT, 'evt-sko')).filter((o) => !o.ok));
      vi.advanceTimersByTime(180);
    }
    expect(refused).toEqual([]);
  });

  it('[SEC1] the QR-code rush: 1,000 behind one address within 30 seconds are never refused', async () => {
    const refused: Outcome[] = [];
    for (let i = 0; i < 1000; i++) {
      refused.push(...(await personJoins(limits, NAT, 'evt-sko')).filter((o) => !o.ok));
      vi.advanceTimersByTime(30);
    }
    expect(refused).toEqual([]);
  });

  it('[SEC2] a flood of thousands a second from one address is refused, each refusal with retryAfterMs', async () => {
    // 5,000 new participants asked for within one second.
    const results: Outcome[] = [];
    for (let i = 0; i < 5000; i++) {
      results.push(await outcome(limits.newParticipant(NAT, 'evt-sko')));
      if (i % 5 === 4) vi.advanceTimersByTime(1);
    }
    const created = results.filter((r) => r.ok).length;
    expect(created).toBe(ADDRESS_BURST);
    const refusals = results.filter((r): r is Extract<Outcome, { ok: false }> => !r.ok);
    expect(refusals.length).toBeGreaterThan(4000);
    for (const r of refusals) {
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(10_000);
      expect(r.message).toMatch(/from your network/);
    }
  });

  it('[SEC2] a flood kept up for an hour from one address creates at most a few venues', async () => {
    let created = 0;
    // A burst of 600 (more than the burst window holds) every 30 s for an hour.
    for (let burst = 0; burst < 120; burst++) {
      for (let i = 0; i < 600; i++) if ((await outcome(limits.newParticipant(NAT, `evt-${burst % 7}`))).ok) created++;
      vi.advanceTimersByTime(30_000);
    }
    // A venue is 1,000; a script on one address gets no more than three of them an hour.
    expect(created).toBe(ADDRESS_HOURLY);
  }, 30_000);

  it('[SEC4] a venue reconnecting at once (2,000 handshakes in 10 s) passes; a handshake flood is refused', async () => {
    const storm: Outcome[] = [];
    for (let i = 0; i < 2000; i++) {
      storm.push(await outcome(limits.connect(NAT)));
      vi.advanceTimersByTime(5);
    }
    expect(storm.filter((o) => !o.ok)).toEqual([]);

    const other = '203.0.113.50';
    const flood: Outcome[] = [];
    for (let i = 0; i < 5000; i++) flood.push(await outcome(limits.connect(other)));
    const refused = flood.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(refused.length).toBeGreaterThan(2500);
    expect(refused.every((r) => r.retryAfterMs > 0 && r.retryAfterMs <= 10_000)).toBe(true);
  });

  it('[SEC5] an event takes at most its ceiling of new participants from every address together', async () => {
    const results: Outcome[] = [];
    for (let i = 0; i < 3000; i++) results.push(await outcome(limits.newParticipant(`10.${i >> 8}.${i & 255}.1`, 'evt-swarm')));
    const refusals = results.filter((r): r is Extract<Outcome, { ok: false }> => !r.ok);
    expect(results.length - refusals.length).toBe(EVENT_CEILING);
    expect(refusals.every((r) => /this event/.test(r.message) && r.retryAfterMs > 0)).toBe(true);
    // Another event is not held back by this one's swarm.
    expect((await outcome(limits.newParticipant('192.0.2.1', 'evt-other'))).ok).toBe(true);
  });

  it('[SEC5] one flooding address does not spend its event\'s ceiling beyond its own budget', async () => {
    for (let i = 0; i < 5000; i++) await outcome(limits.newParticipant(NAT, 'evt-sko'));
    // Everyone else behind other addresses still gets in: the venue's remote attendees.
    const others: Outcome[] = [];
    for (let i = 0; i < 1000; i++) others.push(await outcome(limits.newParticipant(`172.16.${i >> 8}.${i & 255}`, 'evt-sko')));
    expect(others.filter((o) => !o.ok)).toEqual([]);
  });
});

describe('who shares a budget', () => {
  it('[SEC1] an IPv6 client is counted by its /64; an IPv4-mapped address as its IPv4 address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:0db8:0001:0002:ffff::'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('198.51.100.7')).not.toBe(addressKey('198.51.100.8'));
    expect(addressKey('::1')).toBe(addressKey('::2'));
  });
});
