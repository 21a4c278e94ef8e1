import type { CohortCounts, Participant, Presence } from '@rally/shared';
import type { Store } from '../store/store.js';
import { STAFF_ROLES, type DomainDeps, type WithStage } from './ports.js';
import { attendeeOffline, attendeeOnline } from './stage/attendance.js';

/** The projector is not an audience member: it never counts as online in presence. */
const counted = (p: Participant) => p.role !== 'screen';

/** [PRES1] Who is online now, split room/remote. */
export async function presenceView(store: Store, eventId: string): Promise<Presence> {
  const [onlineIds, everyone] = await Promise.all([store.presenceOnline(eventId), store.listParticipants(eventId)]);
  const ids = new Set(onlineIds);
  const online = everyone.filter((p) => ids.has(p.id) && counted(p));
  return { online, counts: countCohorts(online) };
}

/** [PRES3] Cohort counts are of the audience (attendees); staff are listed but not counted. */
export function countCohorts(online: readonly Participant[]): CohortCounts {
  let room = 0;
  let remote = 0;
  for (const p of online) {
    if (p.role !== 'attendee') continue;
    if (p.mode === 'room') room++;
    else remote++;
  }
  return { room, remote };
}

/**
 * [PRES2] A participant is online while at least one of their sockets is open, on any node.
 * [STAGE8] Coming online and going offline is attendance, for the engagement log.
 */
export async function socketOpened(deps: WithStage<DomainDeps>, p: Participant, socketId: string, nodeId: string): Promise<void> {
  const { changed } = await deps.store.presenceAdd(p.eventId, p.id, socketId, nodeId);
  if (!changed) return;
  if (counted(p)) await announce(deps, p, true);
  await attendeeOnline(deps, p, await liveSessionOf(deps.store, p.eventId));
}

export async function socketClosed(deps: WithStage<DomainDeps>, p: Participant, socketId: string): Promise<void> {
  const { changed } = await deps.store.presenceRemove(p.eventId, p.id, socketId);
  if (!changed) return;
  if (counted(p)) await announce(deps, p, false);
  await attendeeOffline(deps, p, await liveSessionOf(deps.store, p.eventId));
}

const liveSessionOf = async (store: Store, eventId: string) => (await store.getEvent(eventId))?.liveSessionId ?? null;

/** Re-announce an online participant whose mode or team changed, so counts stay right. */
export async function participantChanged(deps: DomainDeps, p: Participant): Promise<void> {
  const online = await deps.store.presenceOnline(p.eventId);
  if (online.includes(p.id) && counted(p)) await announce(deps, p, true);
}

async function announce(deps: DomainDeps, participant: Participant, online: boolean): Promise<void> {
  const { counts } = await presenceView(deps.store, participant.eventId);
  deps.publish.toRoles(participant.eventId, STAFF_ROLES, 'presence:changed', { participant, online, counts });
}
