import { BREAKOUT_LIMITS, ErrorCode, RallyError, type BreakoutRound, type BreakoutTemplate } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { MODERATOR_ROLES, type DomainDeps } from '../ports.js';
import { requireRound } from './access.js';
import { createRound } from './rounds.js';

async function publishTemplates(deps: DomainDeps, eventId: string): Promise<void> {
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'breakout:templatesChanged', { templates: await deps.store.listTemplates(eventId) });
}

/** [BRK20] Saves a round's plan as a template: without its lifecycle, people or facilitators. */
export async function saveTemplate(deps: DomainDeps, eventId: string, roundId: string, name: string): Promise<BreakoutTemplate> {
  const round: BreakoutRound = await requireRound(deps.store, eventId, roundId);
  if ((await deps.store.listTemplates(eventId)).length >= BREAKOUT_LIMITS.templatesPerEvent) {
    throw new RallyError(ErrorCode.BAD_REQUEST, `an event keeps at most ${BREAKOUT_LIMITS.templatesPerEvent} templates: delete one first`);
  }
  const { title, durationSec, audience, strategy, format, rooms } = round;
  const template: BreakoutTemplate = {
    id: newId(),
    eventId,
    name,
    draft: { title, durationSec, audience, strategy, format, rooms: rooms.map((r) => ({ ...r, facilitatorId: null })) },
    createdAt: isoNow(deps.clock),
  };
  await deps.store.saveTemplate(template);
  await publishTemplates(deps, eventId);
  return template;
}

async function requireTemplate(deps: DomainDeps, eventId: string, templateId: string): Promise<BreakoutTemplate> {
  const t = await deps.store.getTemplate(templateId);
  if (!t || t.eventId !== eventId) throw new RallyError(ErrorCode.NOT_FOUND, 'no such template in this event');
  return t;
}

/** [BRK20] A new draft round from a template's plan. */
export async function roundFromTemplate(deps: DomainDeps, eventId: string, templateId: string, sessionId: string | null): Promise<BreakoutRound> {
  const t = await requireTemplate(deps, eventId, templateId);
  return createRound(deps, eventId, sessionId, t.draft);
}

/** [BRK20] Deletes a template (rounds made from it keep their plan). */
export async function deleteTemplate(deps: DomainDeps, eventId: string, templateId: string): Promise<{ templateId: string; deleted: true }> {
  await requireTemplate(deps, eventId, templateId);
  if (!(await deps.store.deleteTemplate(templateId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such template in this event');
  await publishTemplates(deps, eventId);
  return { templateId, deleted: true };
}
