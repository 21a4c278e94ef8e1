import { randomBytes, randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '@rally/shared';

// Per process: the last id's time and random part, so ids made in the same millisecond still sort in creation order.
let lastMs = 0;
let lastTail = 0n;

/**
 * [ID9] 32 hex digits: 12 of milliseconds since the epoch, then 20 of randomness. Ids sort by creation
 * time, and within one process strictly in creation order (a repeat millisecond, or a clock that steps
 * back, adds a random step to the previous tail instead of drawing a new one), so lists ordered by
 * time with the id as tie-break keep the order things happened in.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // 79 random bits: the top bit stays clear so increments never overflow the 20 digits.
    lastTail = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
  } else {
    lastTail += 1n + BigInt(randomBytes(4).readUInt32BE());
  }
  return lastMs.toString(16).padStart(12, '0') + lastTail.toString(16).padStart(20, '0');
}

/**
 * [SEC23] 32 random hex digits, the shape of newId's but with no time in them and no order: for items
 * that must not say when they were made nor which came first (an anonymous poll's open-text answers,
 * shown to the minute and listed alphabetically; a time-sortable id would give both back).
 */
export const newUnorderedId = (): string => randomBytes(16).toString('hex');

/**
 * Ids unique across processes and restarts without a random draw each: a random prefix drawn once,
 * then a counter. For ids made at a high rate that need no order and reveal nothing (the engagement
 * recorder's batch ids, one per event-loop turn that logs something: a draw each cost a reconnect
 * storm ~1 % of its CPU).
 */
export function sequentialIds(): () => string {
  const prefix = randomBytes(12).toString('base64url');
  let n = 0;
  return () => `${prefix}.${(n++).toString(36)}`;
}

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** 128-bit secret for role links, URL safe. */
export const newSecretKey = (): string => randomBytes(16).toString('base64url');
