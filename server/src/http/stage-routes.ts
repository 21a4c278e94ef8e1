import { Router } from 'express';
import { z } from 'zod';
import { EditEventRequest, Id, SetAgendaRequest } from '@rally/shared';
import { eventResponse, requireEvent } from '../domain/events.js';
import type { DomainDeps, WithStage } from '../domain/ports.js';
import { setAgenda } from '../domain/stage/agenda.js';
import { editEvent } from '../domain/stage/event-settings.js';
import { requireAdmin } from './admin-auth.js';
import { parseBody } from './validate.js';

interface Deps extends WithStage<DomainDeps> {
  publicUrl: string;
  adminToken: string | undefined;
}

/**
 * The organiser's edits of a running event over REST (scripts, the organiser page). Everyone in
 * the event hears of them as event:updated, exactly as when a moderator changes them live.
 */
export function stageRouter(deps: Deps): Router {
  const r = Router();
  const admin = requireAdmin(deps.adminToken);
  const params = z.object({ id: Id });

  /** [STAGE27] Name, stream, branding, settings: only the fields given change. */
  r.patch('/events/:id', admin, async (req, res) => {
    const { id } = parseBody(params, req.params);
    const body = parseBody(EditEventRequest, req.body);
    await editEvent(deps, id, body);
    res.json(eventResponse(deps.publicUrl, await requireEvent(deps.store, id)));
  });

  /** [STAGE5] The whole agenda. */
  r.put('/events/:id/agenda', admin, async (req, res) => {
    const { id } = parseBody(params, req.params);
    const { agenda } = parseBody(SetAgendaRequest, req.body);
    await setAgenda(deps, id, agenda);
    res.json(eventResponse(deps.publicUrl, await requireEvent(deps.store, id)));
  });

  return r;
}
