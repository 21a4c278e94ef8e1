import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ErrorCode, RallyError } from '@rally/shared';
import type { TokenService } from '../auth/tokens.js';
import { authenticate } from '../domain/identity.js';
import type { Store } from '../store/store.js';

export interface ExportAuthDeps {
  store: Store;
  tokens: TokenService;
  adminToken: string | undefined;
}

const bearer = (req: Request): string | null => {
  const header = req.get('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
};

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Exports are for the organiser (ADMIN_TOKEN) and for the event's moderators, who download from
 * their panel with their own participant token; named answers and questions must never reach
 * anyone else. `what` names the export in the refusal.
 */
export async function authorizeExport(deps: ExportAuthDeps, req: Request, eventId: string, what: string): Promise<void> {
  const token = bearer(req);
  if (!token) throw new RallyError(ErrorCode.UNAUTHORIZED, 'exports need Authorization: Bearer <ADMIN_TOKEN or a moderator token>');
  if (deps.adminToken && sameSecret(token, deps.adminToken)) return;
  const { participant } = await authenticate(deps, token);
  if (participant.eventId !== eventId || (participant.role !== 'moderator' && participant.role !== 'admin')) {
    throw new RallyError(ErrorCode.FORBIDDEN, `only this event's moderators and organisers may export its ${what}`);
  }
}
