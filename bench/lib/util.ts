import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The shared monotonic clock. On Linux `process.hrtime.bigint()` is CLOCK_MONOTONIC, the same
 * clock in every process on the host, so a stamp taken in one process can be subtracted from a
 * reading in another. Every process measures from the same base (passed from the runner) so the
 * numbers stay small enough to be exact as doubles.
 */
let HR_BASE = process.hrtime.bigint();
export function setHrBase(base: string | bigint): void {
  HR_BASE = BigInt(base);
}
export const hrBase = (): string => HR_BASE.toString();
/** Milliseconds since the shared base, with sub-microsecond resolution. */
export const hrMs = (): number => Number(process.hrtime.bigint() - HR_BASE) / 1e6;
/** A server-side stamp (`process.hrtime.bigint()` as a decimal string) on the same base. */
export const hrStampToMs = (stamp: string): number => Number(BigInt(stamp) - HR_BASE) / 1e6;

export class TimeoutError extends Error {}

/** Races a promise against a deadline; the loser is ignored (never an unhandled rejection). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  p.catch(() => {});
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Runs `fn` over items with at most `limit` in flight; bounded by the item count. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export const round = (x: number | null | undefined, digits = 1): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let seq = 0;
/** A command id the protocol accepts (8–64 of A–Z a–z 0–9 _ -). */
export const commandId = (prefix = 'b'): string => `${prefix}${process.pid.toString(36)}-${Date.now().toString(36)}-${(seq++).toString(36)}`;
