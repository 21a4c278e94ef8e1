import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { Id } from '@rally/shared';
import { archiveEvent, deleteEvent, refuseIfArchived, type RetentionDeps } from '../domain/retention.js';
import { eventResponse } from '../domain/events.js';
import { requireAdmin } from './admin-auth.js';
import { parseBody } from './validate.js';

const EventParams = z.object({ id: Id });

/** [OPS51] [OPS52] The organiser archives or deletes a finished event. */
export function retentionRouter(deps: RetentionDeps & { adminToken: string | undefined; publicUrl: string }): Router {
  const r = Router();
  const admin = requireAdmin(deps.adminToken);

  r.post('/events/:id/archive', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(eventResponse(deps.publicUrl, await archiveEvent(deps, id)));
  });

  r.delete('/events/:id', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await deleteEvent(deps, id));
  });

  return r;
}

/** What an archived event still takes: archiving again, deleting it, deleting a participant's data ([ENG18]). */
const STILL_ALLOWED: [string, RegExp][] = [
  ['POST', /^\/archive\/?$/],
  ['DELETE', /^\/?$/],
  ['DELETE', /^\/participants\/[^/]+\/?$/],
];

/**
 * [OPS51] Mounted on /api/events/:id before the routers: every request that would change an
 * archived event (any method but GET and HEAD) is refused with EVENT_ARCHIVED. Reads and exports pass.
 * It runs before the routes' own authentication, so whether the caller may write at all is still
 * theirs to decide for events that are not archived.
 */
export function archivedGuard(store: RetentionDeps['store']): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || STILL_ALLOWED.some(([m, p]) => m === req.method && p.test(req.path))) return next();
    // Every write under /api/events/:id needs a token: without one the route answers 401, and a
    // stranger learns nothing about the event (nor costs a store read).
    if (!req.get('authorization')) return next();
    const parsed = Id.safeParse(req.params.id);
    if (!parsed.success) return next();
    store
      .getEvent(parsed.data)
      .then((e) => {
        if (e) refuseIfArchived(e);
        next();
      })
      .catch(next);
  };
}
