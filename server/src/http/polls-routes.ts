import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ErrorCode, Id, RallyError } from '@rally/shared';
import type { TokenService } from '../auth/tokens.js';
import { requireEvent } from '../domain/events.js';
import { authenticate } from '../domain/identity.js';
import { exportRows } from '../domain/polls/export.js';
import type { Store } from '../store/store.js';
import { toCsv } from './csv.js';
import { parseBody } from './validate.js';

interface Deps {
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
 * their panel with their own participant token; named answers must never reach anyone else.
 */
async function authorizeExport(deps: Deps, req: Request, eventId: string): Promise<void> {
  const token = bearer(req);
  if (!token) throw new RallyError(ErrorCode.UNAUTHORIZED, 'exports need Authorization: Bearer <ADMIN_TOKEN or a moderator token>');
  if (deps.adminToken && sameSecret(token, deps.adminToken)) return;
  const { participant } = await authenticate(deps, token);
  if (participant.eventId !== eventId || (participant.role !== 'moderator' && participant.role !== 'admin')) {
    throw new RallyError(ErrorCode.FORBIDDEN, "only this event's moderators and organisers may export its results");
  }
}

export function pollsRouter(deps: Deps): Router {
  const r = Router();

  /** [POLL25] Results of every launched poll of the event as one CSV table. */
  r.get('/events/:id/polls/results.csv', async (req, res) => {
    const { id } = parseBody(z.object({ id: Id }), req.params);
    await authorizeExport(deps, req, id);
    const event = await requireEvent(deps.store, id);
    const csv = toCsv(await exportRows(deps.store, event));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="rally-polls-${event.code}.csv"`)
      .set('cache-control', 'no-store')
      .send(csv);
  });

  return r;
}
