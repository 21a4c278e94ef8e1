import { Router } from 'express';
import { z } from 'zod';
import { Id } from '@rally/shared';
import { requireEvent } from '../domain/events.js';
import { qaExportRows } from '../domain/qa/export.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

export function qaRouter(deps: ExportAuthDeps): Router {
  const r = Router();

  /** [QA24] Every question of the event as one CSV table. */
  r.get('/events/:id/questions.csv', async (req, res) => {
    const { id } = parseBody(z.object({ id: Id }), req.params);
    await authorizeExport(deps, req, id, 'questions');
    const event = await requireEvent(deps.store, id);
    const csv = toCsv(await qaExportRows(deps.store, event));
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="rally-questions-${event.code}.csv"`)
      .set('cache-control', 'no-store')
      .send(csv);
  });

  return r;
}
