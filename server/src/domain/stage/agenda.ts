import { ErrorCode, RallyError, stageOf, type AgendaSession, type PublicEvent } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { toPublicEvent } from '../events.js';
import type { EventRecord } from '../../store/store.js';
import { setHighlight } from '../qa/moderation.js';
import { liveSessionChanged } from './attendance.js';
import { requireStageEvent } from './common.js';
import type { StageDeps } from './deps.js';
import { liveSessionChangedHere } from './live-session.js';

/**
 * [AG1] [STAGE6] Moderators set the live session (or none). It must be in the agenda; switching
 * stamps when it started (the presenter's session timer), setting the live one again keeps that
 * time. Everyone gets event:updated; attendance moves with the session ([STAGE8]).
 */
export async function setLiveSession(
  deps: StageDeps,
  eventId: string,
  sessionId: string | null,
): Promise<{ liveSessionId: string | null; liveSessionStartedAt: string | null }> {
  const outcome = await deps.store.setLive(eventId, sessionId, isoNow(deps.clock));
  liveSessionChangedHere(eventId);
  if (!outcome.ok) throw new RallyError(ErrorCode.NOT_FOUND, outcome.reason === 'no-event' ? 'no such event' : 'no such session in the agenda');
  deps.publish.toEvent(eventId, 'event:updated', toPublicEvent(outcome.event));
  if (outcome.changed) {
    await stageAfterSessionChange(deps, outcome.event, outcome.stageCleared);
    await liveSessionChanged(deps, eventId, outcome.previous, outcome.event.liveSessionId);
  }
  return { liveSessionId: outcome.event.liveSessionId, liveSessionStartedAt: stageOf(outcome.event).liveSessionStartedAt };
}

/**
 * [STAGE32] [STAGE34] The store already put the stage back to idle and cleared the announcements in
 * the step that changed the session; everyone is told, and the question highlight follows the slot.
 */
async function stageAfterSessionChange(deps: StageDeps, event: EventRecord, stageCleared: boolean): Promise<void> {
  if (stageCleared && event.onStage) deps.publish.toEvent(event.id, 'stage:changed', event.onStage);
  if (event.announcementsClearedAt) deps.publish.toEvent(event.id, 'announcement:cleared', { clearedAt: event.announcementsClearedAt });
  await setHighlight(deps, event.id, null);
}

/** What would be orphaned by dropping a session: its polls and questions. */
async function usedSessions(deps: Pick<StageDeps, 'store'>, eventId: string): Promise<Map<string, { polls: number; questions: number }>> {
  const [polls, questions] = await Promise.all([deps.store.listPolls(eventId), deps.store.listQuestions(eventId)]);
  const used = new Map<string, { polls: number; questions: number }>();
  const bump = (sessionId: string | null, what: 'polls' | 'questions') => {
    if (sessionId === null) return;
    const u = used.get(sessionId) ?? { polls: 0, questions: 0 };
    u[what]++;
    used.set(sessionId, u);
  };
  for (const p of polls) bump(p.sessionId, 'polls');
  for (const q of questions) bump(q.sessionId, 'questions');
  return used;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * [STAGE5] Replaces the agenda (the schema already checked ids and times). A session that polls or
 * questions belong to cannot be dropped, only renamed or retimed: they would belong to nothing.
 * Dropping the live session ends it, in the same store step.
 */
export async function setAgenda(deps: StageDeps, eventId: string, agenda: AgendaSession[]): Promise<PublicEvent> {
  const current = await requireStageEvent(deps, eventId);
  const kept = new Set(agenda.map((s) => s.id));
  const dropped = current.agenda.filter((s) => !kept.has(s.id));
  if (dropped.length > 0) {
    const used = await usedSessions(deps, eventId);
    for (const s of dropped) {
      const u = used.get(s.id);
      if (!u) continue;
      const what = [u.polls ? plural(u.polls, 'poll') : '', u.questions ? plural(u.questions, 'question') : ''].filter(Boolean).join(' and ');
      throw new RallyError(ErrorCode.CONFLICT, `“${s.title}” has ${what}; keep it in the agenda (you can rename or retime it)`);
    }
  }
  const result = await deps.store.setAgenda(eventId, agenda, isoNow(deps.clock));
  liveSessionChangedHere(eventId);
  if (!result) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  const event = toPublicEvent(result.event);
  deps.publish.toEvent(eventId, 'event:updated', event);
  if (result.clearedLive !== null) {
    await stageAfterSessionChange(deps, result.event, result.stageCleared);
    await liveSessionChanged(deps, eventId, result.clearedLive, null);
  }
  return event;
}
