import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { Id, RoundDraft } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { Publisher } from '../domain/ports.js';
import { createRound, updateRound } from '../domain/breakout/rounds.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

export interface BreakoutRoundRoutesDeps extends ExportAuthDeps {
  clock: Clock;
  publish: Publisher;
}

const EventParams = z.object({ id: Id });
const RoundParams = z.object({ id: Id, roundId: Id });
export const CreateBody = z.strictObject({ sessionId: Id.nullable().default(null), draft: RoundDraft });
/** [BRK91] `sessionId` moves the draft to another agenda session (absent: unchanged). */
export const UpdateBody = z.strictObject({ draft: RoundDraft, sessionId: Id.nullable().optional() });

/**
 * These routes parse their own bodies (app.ts leaves them alone): a plan of 500 rooms with names and
 * topics is bigger than the app's 64 kB (and than a socket frame, 16 KB: [BRK5]).
 */
export const BREAKOUT_ROUND_BODY_PATH = /^\/api\/events\/[^/]+\/breakouts\/rounds(\/|\?|$)/;
const jsonBody = express.json({ limit: '512kb' });

/**
 * [BRK5] A round's plan over REST, as `breakout:create` / `breakout:update` do it, for the
 * organiser (ADMIN_TOKEN) and the event's moderators: a plan of many rooms (up to 500) outgrows a
 * socket frame. Writes publish the same facts as the commands.
 */
export function breakoutRoundRouter(deps: BreakoutRoundRoutesDeps): Router {
  const r = Router();
  const domain = { store: deps.store, clock: deps.clock, publish: deps.publish };

  /** Who may plan the event's rounds is checked before a body is read. */
  const authorized: RequestHandler = (req, _res, next) => {
    try {
      const { id } = parseBody(EventParams, req.params);
      authorizeExport(deps, req, id, 'breakout rounds').then(() => next(), next);
    } catch (e) {
      next(e);
    }
  };

  r.post('/events/:id/breakouts/rounds', authorized, jsonBody, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    const body = parseBody(CreateBody, req.body);
    res.status(201).json(await createRound(domain, id, body.sessionId, body.draft));
  });

  r.put('/events/:id/breakouts/rounds/:roundId', authorized, jsonBody, async (req, res) => {
    const { id, roundId } = parseBody(RoundParams, req.params);
    const body = parseBody(UpdateBody, req.body);
    res.json(await updateRound(domain, id, roundId, body.draft, body.sessionId));
  });

  return r;
}
