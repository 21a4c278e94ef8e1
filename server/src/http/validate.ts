import { ErrorCode, RallyError } from '@rally/shared';
import type { z } from 'zod';
import { describeZodError } from '../realtime/errors.js';

/** Parses a request body or params with a schema; a failure is a typed BAD_REQUEST. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new RallyError(ErrorCode.BAD_REQUEST, describeZodError(r.error));
  return r.data;
}
