import { ErrorCode, RallyError } from '@rally/shared';
import { toPublicEvent } from './events.js';
import type { DomainDeps } from './ports.js';

/** [AG1] Moderators set the live session; it must be one of the event's agenda sessions (or none). */
export async function setLiveSession(deps: DomainDeps, eventId: string, sessionId: string | null): Promise<{ liveSessionId: string | null }> {
  const event = await deps.store.getEvent(eventId);
  if (!event) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  if (sessionId !== null && !event.agenda.some((s) => s.id === sessionId)) {
    throw new RallyError(ErrorCode.NOT_FOUND, 'no such session in the agenda');
  }
  const updated = await deps.store.setLiveSession(eventId, sessionId);
  if (!updated) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  deps.publish.toEvent(eventId, 'event:updated', toPublicEvent(updated));
  return { liveSessionId: updated.liveSessionId };
}
