import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JOIN_CODE_ALPHABET } from '@rally/shared';
import { fakeClock } from '../../../test/helpers/domain-kit.js';
import { MAX_CLOCK_SKEW_MS, createRoomCodes } from './room-code.js';

const SECRET = 'room-code-test-secret-0123456789-abcdef';
const MINUTE = 60_000;
// 09:00:00.000 UTC: a minute boundary.
const START = Date.UTC(2027, 0, 20, 9, 0, 0);

/** A code of the alphabet that is none of the given ones. */
const otherThan = (...codes: string[]) => {
  for (const a of JOIN_CODE_ALPHABET) {
    const c = a.repeat(4);
    if (!codes.includes(c)) return c;
  }
  throw new Error('unreachable');
};

describe('room codes', () => {
  it('[STAGE1] are 4 characters of the join-code alphabet, the same on every node, different per event, secret and minute', () => {
    const clock = fakeClock(START);
    const nodeA = createRoomCodes(SECRET, clock);
    const nodeB = createRoomCodes(SECRET, clock);
    const a = nodeA.current('ev_1').code;
    expect(a).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{4}$`));
    expect(nodeB.current('ev_1').code).toBe(a);
    // Another event, another secret, another minute: other codes (checked over many to rule out a fluke).
    const events = new Set(Array.from({ length: 50 }, (_, i) => nodeA.current(`ev_${i}`).code));
    expect(events.size).toBeGreaterThan(45);
    expect(createRoomCodes(`${SECRET}-other`, clock).current('ev_1').code).not.toBe(a);
    const minutes = new Set<string>();
    for (let i = 0; i < 50; i++) {
      minutes.add(nodeA.current('ev_1').code);
      clock.advance(MINUTE);
    }
    expect(minutes.size).toBeGreaterThan(45);
  });

  it('[STAGE1] [STAGE10] rotate at the minute boundary, and say until when the screen shows the code', () => {
    const clock = fakeClock(START + 59_999);
    const codes = createRoomCodes(SECRET, clock);
    const first = codes.current('ev_1');
    expect(first.validUntilMs).toBe(START + MINUTE);
    clock.advance(1);
    const second = codes.current('ev_1');
    expect(second.validUntilMs).toBe(START + 2 * MINUTE);
    expect(second.code).not.toBe(first.code);
  });

  it('[STAGE10] a code is accepted in its minute and the next, and refused from the one after: a photographed code expires within two minutes', () => {
    const clock = fakeClock(START);
    const codes = createRoomCodes(SECRET, clock);
    const shown = codes.current('ev_1').code;
    expect(codes.verify('ev_1', shown)).toBe(true);
    clock.advance(MINUTE + 30_000); // next minute: the screen shows another code, this one still works
    expect(codes.current('ev_1').code).not.toBe(shown);
    expect(codes.verify('ev_1', shown)).toBe(true);
    clock.advance(29_999); // 09:01:59.999
    expect(codes.verify('ev_1', shown)).toBe(true);
    clock.advance(1); // 09:02:00.000: two minutes after it appeared
    expect(codes.verify('ev_1', shown)).toBe(false);
  });

  it('[STAGE10] wherever in its minute a code is seen, it works for the rest of that minute and at most two minutes after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 * MINUTE }), fc.integer({ min: 0, max: 5 * MINUTE }), (offset, later) => {
        const clock = fakeClock(START + offset);
        const codes = createRoomCodes(SECRET, clock);
        const seen = codes.current('ev_p').code;
        clock.advance(later);
        const ok = codes.verify('ev_p', seen);
        if (later < MINUTE) expect(ok).toBe(true);
        if (later >= 2 * MINUTE) expect(ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('[STAGE10] tolerates a few seconds of clock skew between nodes: the next code is accepted only in the last 5 s of a minute', () => {
    const clock = fakeClock(START);
    const codes = createRoomCodes(SECRET, clock);
    const ahead = createRoomCodes(SECRET, { now: () => clock.now() + MINUTE });
    const next = ahead.current('ev_1').code;
    clock.advance(MINUTE - MAX_CLOCK_SKEW_MS - 1);
    expect(codes.verify('ev_1', next)).toBe(false);
    clock.advance(1);
    expect(codes.verify('ev_1', next)).toBe(true);
  });

  it('[STAGE10] is read case-insensitively with spaces ignored; forged, other events\' and malformed codes are refused', () => {
    const clock = fakeClock(START + 12_345);
    const codes = createRoomCodes(SECRET, clock);
    const code = codes.current('ev_1').code;
    expect(codes.verify('ev_1', ` ${code.slice(0, 2).toLowerCase()} ${code.slice(2)} `)).toBe(true);
    const previous = createRoomCodes(SECRET, { now: () => clock.now() - MINUTE }).current('ev_1').code;
    const next = createRoomCodes(SECRET, { now: () => clock.now() + MINUTE }).current('ev_1').code;
    expect(codes.verify('ev_1', otherThan(code, previous, next))).toBe(false);
    const elsewhere = codes.current('ev_2').code;
    if (elsewhere !== code && elsewhere !== previous) expect(codes.verify('ev_1', elsewhere)).toBe(false);
    for (const bad of ['', 'ABC', 'ABCDE', '0000', `${code}!`]) expect(codes.verify('ev_1', bad)).toBe(false);
  });
});
