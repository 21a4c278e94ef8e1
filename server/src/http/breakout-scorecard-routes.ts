import { Router, type Request } from 'express';
import { z } from 'zod';
import { Id } from '@rally/shared';
import { requireEvent } from '../domain/events.js';
import { scorecardEntries, scorecardPage, scorecardRows } from '../domain/breakout/scorecard-export.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

const EventParams = z.object({ id: Id });
export const ListQuery = z.strictObject({ roundId: Id.optional(), after: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const FileQuery = z.strictObject({ roundId: Id.optional() });

/**
 * [BRK52] Scorecards out of Rally, for the organiser (ADMIN_TOKEN) and the event's moderators, like
 * every export: they name who scored whom.
 */
export function breakoutScorecardRouter(deps: ExportAuthDeps): Router {
  const r = Router();
  const guarded = async (req: Request) => {
    const { id } = parseBody(EventParams, req.params);
    await authorizeExport(deps, req, id, 'scorecards');
    return requireEvent(deps.store, id);
  };

  /** Page by page after the cursor (`nextCursor`), optionally one round. */
  r.get('/events/:id/breakouts/scorecards', async (req, res) => {
    const event = await guarded(req);
    const { roundId, after, limit } = parseBody(ListQuery, req.query);
    const all = await scorecardEntries(deps, event.id, roundId);
    res.set('cache-control', 'no-store').json(scorecardPage(all, after ?? null, limit));
  });

  /** One line per scorecard and criterion. */
  r.get('/events/:id/breakouts/scorecards.csv', async (req, res) => {
    const event = await guarded(req);
    const { roundId } = parseBody(FileQuery, req.query);
    const rows = scorecardRows(await scorecardEntries(deps, event.id, roundId));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', 'attachment; filename="rally-scorecards.csv"')
      .set('cache-control', 'no-store')
      .send(toCsv(rows));
  });

  return r;
}
