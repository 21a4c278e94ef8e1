import { createHmac, timingSafeEqual } from 'node:crypto';
import { JOIN_CODE_ALPHABET, STAGE_LIMITS } from '@rally/shared';
import type { Clock } from '../../clock.js';

/*
 * [STAGE1] [STAGE10] Venue-verified presence. A room code is derived, never stored: an HMAC of the
 * event id and the minute under a key derived from the server secret. Every node computes the
 * same code without talking to the others, and nobody without the secret can predict the next one.
 */

const PERIOD = STAGE_LIMITS.roomCodePeriodMs;
const LENGTH = STAGE_LIMITS.roomCodeLength;
/**
 * Nodes' clocks are a few seconds apart at worst (NTP). Accepting the next minute's code during
 * the last seconds of a minute lets a screen served by a node slightly ahead be read on a node
 * slightly behind. It never extends how long a code stays valid.
 */
export const MAX_CLOCK_SKEW_MS = 5_000;
// Rejection sampling keeps the characters uniform: 250 is the largest multiple of 25 below 256.
const UNBIASED_BELOW = Math.floor(256 / JOIN_CODE_ALPHABET.length) * JOIN_CODE_ALPHABET.length;

export const roomCodeSlot = (ms: number): number => Math.floor(ms / PERIOD);

/** The code of one event in one minute (slot), given the derived key. Pure. */
export function roomCodeAt(key: Buffer, eventId: string, slot: number): string {
  let code = '';
  // 32 bytes almost always give 4 characters; if not, the digest is hashed again (still deterministic).
  for (let digest = createHmac('sha256', key).update(`${eventId}:${slot}`).digest(); ; digest = createHmac('sha256', key).update(digest).digest()) {
    for (const byte of digest) {
      if (byte >= UNBIASED_BELOW) continue;
      code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
      if (code.length === LENGTH) return code;
    }
  }
}

/** Upper case, spaces removed: how a code is compared. */
export const normaliseRoomCode = (input: string): string => input.replace(/\s+/g, '').toUpperCase();

export interface RoomCodes {
  /** The code the stage screen shows now, and when it shows the next one. */
  current(eventId: string): { code: string; validUntilMs: number };
  /**
   * [STAGE10] True for this minute's code and the previous minute's (so a code expires at most two
   * minutes after it first appeared), and for the next minute's in the last seconds of this one.
   */
  verify(eventId: string, input: string): boolean;
}

/**
 * Room codes for one server secret. The secret comes from the composition root; a key is derived
 * from it so that room codes and participant tokens never use the same key for different messages.
 */
export function createRoomCodes(secret: string, clock: Clock): RoomCodes {
  const key = createHmac('sha256', secret).update('rally room codes v1').digest();
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    current(eventId) {
      const slot = roomCodeSlot(clock.now());
      return { code: roomCodeAt(key, eventId, slot), validUntilMs: (slot + 1) * PERIOD };
    },
    verify(eventId, input) {
      const code = normaliseRoomCode(input);
      if (code.length !== LENGTH) return false;
      const now = clock.now();
      const slot = roomCodeSlot(now);
      const slots = new Set([slot, slot - 1, roomCodeSlot(now + MAX_CLOCK_SKEW_MS)]);
      // Every candidate is compared (no early exit), so the time taken says nothing about which matched.
      let ok = false;
      for (const s of slots) ok = same(roomCodeAt(key, eventId, s), code) || ok;
      return ok;
    },
  };
}
