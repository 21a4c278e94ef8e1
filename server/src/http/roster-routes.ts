import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ErrorCode, Id, RallyError } from '@rally/shared';
import { requireEvent } from '../domain/events.js';
import { TEMPLATE_ROSTER, describeRosterErrors, importRoster, parseRosterCsv, parseRosterJson, rosterCsvRows, type RosterImportError } from '../domain/breakout/roster.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

const EventParams = z.object({ id: Id });

/**
 * The roster routes read their own body (app.ts leaves it alone): a list of 20,000 people is far
 * bigger than the app's 64 kB, and CSV and JSON alike are read as text so errors can name lines.
 */
export const ROSTER_BODY_PATH = /^\/api\/events\/[^/]+\/roster(\/|\?|$)/;
const fileBody = express.text({ type: ['text/csv', 'text/plain', 'application/json'], limit: '4mb' });

/**
 * [BRK36]–[BRK38] The attendee list over REST, for the organiser (ADMIN_TOKEN) and the event's
 * moderators (their participant token), like the quiz routes: the list holds names and emails.
 */
export function rosterRouter(deps: ExportAuthDeps): Router {
  const r = Router();

  const authorized: RequestHandler = (req, _res, next) => {
    try {
      const { id } = parseBody(EventParams, req.params);
      authorizeExport(deps, req, id, 'attendee list').then(() => next(), next);
    } catch (e) {
      next(e);
    }
  };

  /** [BRK36] The CSV template: the columns and three example lines. Public: it holds no event's data. */
  r.get('/events/:id/roster/template.csv', (_req, res) => {
    res.type('text/csv; charset=utf-8').set('content-disposition', 'attachment; filename="rally-attendee-list-template.csv"').send(toCsv(rosterCsvRows(TEMPLATE_ROSTER)));
  });

  r.get('/events/:id/roster', authorized, async (req, res) => {
    const event = await requireEvent(deps.store, parseBody(EventParams, req.params).id);
    res.set('cache-control', 'no-store').json({ entries: await deps.store.listRoster(event.id) });
  });

  /**
   * [BRK36] [BRK37] Replaces the event's list with a file: text/csv (a header row, one person a
   * line) or application/json (`{ entries }`). Any problem: 400 naming every bad line, nothing stored.
   */
  r.put('/events/:id/roster', authorized, fileBody, async (req, res) => {
    const event = await requireEvent(deps.store, parseBody(EventParams, req.params).id);
    if (typeof req.body !== 'string') throw new RallyError(ErrorCode.BAD_REQUEST, 'send the list as text/csv or application/json');
    let outcome;
    if (req.is('application/json')) {
      let value: unknown;
      try {
        value = JSON.parse(req.body.replace(/^\uFEFF/, ''));
      } catch {
        throw new RallyError(ErrorCode.BAD_REQUEST, 'the body is not valid JSON');
      }
      outcome = parseRosterJson(value);
    } else outcome = parseRosterCsv(req.body);
    if (!outcome.ok) return void sendImportErrors(res, outcome.errors);
    res.json({ entries: await importRoster(deps.store, event.id, outcome) });
  });

  return r;
}

/** [BRK37] 400 with every error: `error.message` has the first few, `errors` all of them (up to the cap). */
function sendImportErrors(res: Response, errors: RosterImportError[]) {
  res.status(400).json({ error: { code: ErrorCode.BAD_REQUEST, message: describeRosterErrors(errors) }, errors });
}
