import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ErrorCode, RallyError } from '@rally/shared';

/** Guards organiser routes with the ADMIN_TOKEN bearer token (constant-time comparison). */
export function requireAdmin(adminToken: string | undefined): RequestHandler {
  const expected = adminToken ? Buffer.from(adminToken) : null;
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return next(new RallyError(ErrorCode.UNAUTHORIZED, 'organiser routes need Authorization: Bearer <ADMIN_TOKEN>'));
    }
    next();
  };
}
