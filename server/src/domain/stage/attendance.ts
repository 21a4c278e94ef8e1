import type { Participant } from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { EngagementKind } from '../engagement/log.js';
import type { StageDeps } from './deps.js';

/*
 * [STAGE8] Session attendance goes to the engagement log: an attendee joins (first socket open)
 * and leaves (last socket closed), and enters and leaves the live session, whether they come and
 * go or the session changes under them. Staff and the stage screen are not the audience and are
 * not logged.
 */

type AttendanceDeps = Pick<StageDeps, 'store' | 'clock' | 'stage'>;

const logged = (p: Participant) => p.role === 'attendee';

async function append(deps: AttendanceDeps, p: Participant, kind: EngagementKind, sessionId: string | null, at: string) {
  await deps.stage.engagement.append({ eventId: p.eventId, participantId: p.id, mode: p.mode, team: p.team, sessionId, kind, at });
}

/** The participant came online (their first socket). */
export async function attendeeOnline(deps: AttendanceDeps, p: Participant, liveSessionId: string | null): Promise<void> {
  if (!logged(p)) return;
  const at = isoNow(deps.clock);
  await append(deps, p, 'joined', liveSessionId, at);
  if (liveSessionId !== null) await append(deps, p, 'sessionEntered', liveSessionId, at);
}

/** The participant went offline (their last socket closed). */
export async function attendeeOffline(deps: AttendanceDeps, p: Participant, liveSessionId: string | null): Promise<void> {
  if (!logged(p)) return;
  const at = isoNow(deps.clock);
  if (liveSessionId !== null) await append(deps, p, 'sessionLeft', liveSessionId, at);
  await append(deps, p, 'left', liveSessionId, at);
}

/**
 * The live session changed: everyone online leaves the old one and enters the new one. O(online)
 * by nature (one entry each), but only the online participants are read, and the entries go to the
 * log's in-memory buffer in one synchronous pass (the recorder writes them in batches, [ENG4]),
 * not one awaited append after another.
 */
export async function liveSessionChanged(deps: AttendanceDeps, eventId: string, from: string | null, to: string | null): Promise<void> {
  if (from === to) return;
  const onlineIds = await deps.store.presenceOnline(eventId);
  const online = await Promise.all(onlineIds.map((id) => deps.store.getParticipant(id)));
  const at = isoNow(deps.clock);
  const appends: Promise<void>[] = [];
  for (const p of online) {
    if (!p || p.eventId !== eventId || !logged(p)) continue;
    if (from !== null) appends.push(append(deps, p, 'sessionLeft', from, at));
    if (to !== null) appends.push(append(deps, p, 'sessionEntered', to, at));
  }
  await Promise.all(appends);
}
