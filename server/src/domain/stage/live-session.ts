import { ErrorCode, RallyError } from '@rally/shared';
import type { StageDeps } from './deps.js';

/**
 * [PERF9] Per node, per event: the live agenda session as last read, for the engagement entry of a
 * reaction (reading the whole event per tap was most of a reaction's store work in cluster mode). A
 * cache of the store, never a source of truth: kept `LIVE_SESSION_CACHE_MS` at most, dropped at once
 * by this node's own session switch (agenda.ts), so a switch made on another node reaches the
 * entries within that time, as the engagement service's own cache does for votes and answers.
 */
export const LIVE_SESSION_CACHE_MS = 500;

const cached = new Map<string, { until: number; sessionId: Promise<string | null> }>();

/** The event's live session; NOT_FOUND when the event does not exist. */
export function liveSessionOf(deps: Pick<StageDeps, 'store' | 'clock'>, eventId: string): Promise<string | null> {
  const now = deps.clock.now();
  const hit = cached.get(eventId);
  if (hit && hit.until > now) return hit.sessionId;
  const sessionId = deps.store.getEvent(eventId).then((e) => {
    if (!e) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
    return e.liveSessionId;
  });
  cached.set(eventId, { until: now + LIVE_SESSION_CACHE_MS, sessionId });
  sessionId.catch(() => cached.delete(eventId));
  if (cached.size > 10_000) cached.clear();
  return sessionId;
}

/** This node switched the event's live session: the next read is fresh. */
export function liveSessionChangedHere(eventId: string): void {
  cached.delete(eventId);
}
