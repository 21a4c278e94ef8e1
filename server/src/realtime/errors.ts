import { ErrorCode, RallyError, type Ack, type RallyErrorBody } from '@rally/shared';
import type { z } from 'zod';
import { isStoreUnreachable, storeUnavailable } from '../deadline.js';

export const errorAck = (code: ErrorCode, message: string): Ack<never> => ({ ok: false, error: { code, message } });

/** One readable line from a zod failure: the first issue with its path. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const path = issue.path.length ? issue.path.join('.') : 'payload';
  return `${path}: ${issue.message}`;
}

/**
 * Turns anything thrown into a body safe to send: unknown errors never leak their text. [REL2] An
 * unreachable store is UNAVAILABLE with retryAfterMs, not INTERNAL: the client retries the same id.
 */
export function toErrorBody(e: unknown): { body: RallyErrorBody; expected: boolean } {
  if (e instanceof RallyError) return { body: e.toBody(), expected: true };
  if (isStoreUnreachable(e)) return { body: storeUnavailable().toBody(), expected: true };
  return { body: { code: ErrorCode.INTERNAL, message: 'something went wrong on our side; nothing was changed' }, expected: false };
}

/** A Socket.IO connect error carrying a typed body in `data` for the client. */
export function connectError(body: RallyErrorBody): Error & { data: RallyErrorBody } {
  const err = new Error(body.message) as Error & { data: RallyErrorBody };
  err.data = body;
  return err;
}
