import { Router } from 'express';
import { z } from 'zod';
import { Id } from '@rally/shared';
import { requireEvent } from '../domain/events.js';
import { exportRows } from '../domain/polls/export.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

// The same guard as every export: the organiser, or the event's moderators (./export-auth.ts).
type Deps = ExportAuthDeps;

export function pollsRouter(deps: Deps): Router {
  const r = Router();

  /** [POLL25] Results of every launched poll of the event as one CSV table. */
  r.get('/events/:id/polls/results.csv', async (req, res) => {
    const { id } = parseBody(z.object({ id: Id }), req.params);
    await authorizeExport(deps, req, id, 'results');
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
