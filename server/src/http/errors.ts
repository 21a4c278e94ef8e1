import type { ErrorRequestHandler, Response } from 'express';
import { ErrorCode, type RallyErrorBody } from '@rally/shared';
import type { Log } from '../log.js';
import { toErrorBody } from '../realtime/errors.js';

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BANNED: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  PROTOCOL_MISMATCH: 400,
  ORIGIN_REJECTED: 403,
  EVENT_ARCHIVED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export const sendError = (res: Response, body: RallyErrorBody) => {
  // [PROTO10] The standard header too, in whole seconds, for generic HTTP clients.
  if (body.retryAfterMs !== undefined) res.set('Retry-After', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
  return res.status(STATUS[body.code]).json({ error: body });
};

/** Last middleware: every error becomes `{ error: { code, message } }` with a matching status. */
export function errorHandler(log: Log): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    // [REL1] Already answered (UNAVAILABLE past the deadline): the late failure has no one to reach.
    if (res.headersSent) return;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') return sendError(res, { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'request body too large' });
    if (type === 'entity.parse.failed') return sendError(res, { code: ErrorCode.BAD_REQUEST, message: 'request body is not valid JSON' });
    const { body, expected } = toErrorBody(err);
    if (!expected) log.error({ err }, 'request failed');
    sendError(res, body);
  };
}
