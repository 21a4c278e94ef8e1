import { Router } from 'express';
import { z } from 'zod';
import { CreateEventRequest, ErrorCode, Id, JoinCode, JoinRequest, RallyError } from '@rally/shared';
import type { TokenService } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Publisher } from '../domain/ports.js';
import type { StageServices } from '../domain/stage/deps.js';
import { createEvent, eventResponse, requireEvent, rotateEventKeys, toPublicEvent } from '../domain/events.js';
import { join } from '../domain/identity.js';
import type { ConnectionLimits } from '../realtime/connection-limits.js';
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
  /** [SEC1] [SEC4] [SEC5] */
  limits: ConnectionLimits;
}

/** Events and identity over REST: everything the browser does is scriptable here too. */
export function eventsRouter(deps: Deps): Router {
  const r = Router();
  const admin = requireAdmin(deps.adminToken);
  const identity = { ...deps, newParticipants: deps.limits };

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
    // [SEC3] req.ip honours X-Forwarded-For only from the proxies TRUST_PROXY names, so a client
    // cannot pick its own address to dodge these budgets or the wrong-room-code limit.
    const from = req.ip ?? 'unknown';
    // [SEC4] Before anything is read: a flood is turned away at the cost of one counter.
    await deps.limits.connect(from);
    const body = parseBody(JoinRequest, req.body);
    res.json(await join(identity, body, from));
  });

  return r;
}
