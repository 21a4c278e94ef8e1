import { Router } from 'express';
import { z } from 'zod';
import { CreateEventRequest, ErrorCode, Id, JoinCode, JoinRequest, RallyError } from '@rally/shared';
import type { TokenService } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Publisher } from '../domain/ports.js';
import type { StageServices } from '../domain/stage/deps.js';
import { createEvent, eventResponse, requireEvent, rotateEventKeys, toPublicEvent } from '../domain/events.js';
import { join } from '../domain/identity.js';
import type { Store } from '../store/store.js';
import { requireAdmin } from './admin-auth.js';
import { parseBody } from './validate.js';

interface Deps {
  store: Store;
  clock: Clock;
  tokens: TokenService;
  publish: Publisher;
  publicUrl: string;
  adminToken: string | undefined;
  stage: Pick<StageServices, 'roomCodes' | 'budgets'>;
}

/** Events and identity over REST: everything the browser does is scriptable here too. */
export function eventsRouter(deps: Deps): Router {
  const r = Router();
  const admin = requireAdmin(deps.adminToken);

  r.get('/events/by-code/:code', async (req, res) => {
    const { code } = parseBody(z.object({ code: JoinCode }), req.params);
    const e = await deps.store.getEventByCode(code);
    if (!e) throw new RallyError(ErrorCode.NOT_FOUND, `no event has the code ${code}`);
    res.json({ event: toPublicEvent(e) });
  });

  r.post('/events', admin, async (req, res) => {
    const body = parseBody(CreateEventRequest, req.body);
    const e = await createEvent(deps, body);
    res.status(201).json(eventResponse(deps.publicUrl, e));
  });

  r.get('/events', admin, async (_req, res) => {
    const events = await deps.store.listEvents();
    res.json({ events: events.map((e) => eventResponse(deps.publicUrl, e)) });
  });

  r.get('/events/:id', admin, async (req, res) => {
    const { id } = parseBody(z.object({ id: Id }), req.params);
    res.json(eventResponse(deps.publicUrl, await requireEvent(deps.store, id)));
  });

  r.post('/events/:id/keys/rotate', admin, async (req, res) => {
    const { id } = parseBody(z.object({ id: Id }), req.params);
    res.json(eventResponse(deps.publicUrl, await rotateEventKeys(deps, id)));
  });

  r.post('/join', async (req, res) => {
    const body = parseBody(JoinRequest, req.body);
    // req.ip honours X-Forwarded-For only from the local proxy (trust proxy: loopback), so a client
    // cannot pick its own address to dodge the wrong-room-code limit.
    res.json(await join(deps, body, req.ip));
  });

  return r;
}
