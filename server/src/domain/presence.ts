import type { CohortCounts, Participant, Presence } from '@rally/shared';
import type { Store } from '../store/store.js';
import { STAFF_ROLES, type DomainDeps, type WithStage } from './ports.js';
import { attendeeOffline, attendeeOnline } from './stage/attendance.js';

/** The projector is not an audience member: it never appears in presence. */
const listed = (p: Participant) => p.role !== 'screen';

/**
 * [BRK35] Presence goes to every staff role, the projector and presenters included: it never carries
 * the email a participant gave at join (the organiser's attendee list has it for those who need it).
 */
export function withoutEmail(p: Participant): Participant {
  if (p.email === undefined) return p;
  const { email: _email, ...rest } = p;
  return rest;
}

/**
 * [PRES1] Who is online now, for a staff snapshot. O(participants): once per staff connection,
 * never on an attendee's path. [PRES3] Counts come from the store, kept as presence changes.
 */
export async function presenceView(store: Store, eventId: string): Promise<Presence> {
  const [onlineIds, everyone, counts] = await Promise.all([store.presenceOnline(eventId), store.listParticipants(eventId), store.presenceCounts(eventId)]);
  const ids = new Set(onlineIds);
  return { online: everyone.filter((p) => ids.has(p.id) && listed(p)).map(withoutEmail), counts };
}

/**
 * [PRES2] A participant is online while at least one of their sockets is open, on any node.
 * [STAGE8] Coming online and going offline is attendance, for the engagement log.
 * O(1) in the size of the event: the store returns the counts with the change ([STORE36]).
 */
export async function socketOpened(deps: WithStage<DomainDeps>, p: Participant, socketId: string, nodeId: string): Promise<void> {
  const { changed, counts } = await deps.store.presenceAdd(p.eventId, p.id, socketId, nodeId);
  if (!changed) return;
  if (listed(p)) announce(deps, p, true, counts);
  // Read after presenceAdd, so a session switched meanwhile is seen either here or by
  // liveSessionChanged (which lists who is online), never by neither.
  await attendeeOnline(deps, p, await liveSessionOf(deps.store, p.eventId));
}

export async function socketClosed(deps: WithStage<DomainDeps>, p: Participant, socketId: string): Promise<void> {
  const { changed, counts } = await deps.store.presenceRemove(p.eventId, p.id, socketId);
  if (!changed) return;
  if (listed(p)) announce(deps, p, false, counts);
  await attendeeOffline(deps, p, await liveSessionOf(deps.store, p.eventId));
}

const liveSessionOf = async (store: Store, eventId: string) => (await store.getEvent(eventId))?.liveSessionId ?? null;

/**
 * [ID6] Re-announce an online participant whose mode or team changed. The store already moved their
 * count with the update ([STORE36]); this tells staff the new counts and the new record.
 */
export async function participantChanged(deps: DomainDeps, p: Participant): Promise<void> {
  if (!listed(p) || !(await deps.store.presenceIsOnline(p.eventId, p.id))) return;
  announce(deps, p, true, await deps.store.presenceCounts(p.eventId));
}

/** [PRES4] Through the node's coalescing feed; without one (domain tests), as a batch of one. */
function announce(deps: DomainDeps, full: Participant, online: boolean, counts: CohortCounts): void {
  const participant = withoutEmail(full);
  if (deps.presenceFeed) return deps.presenceFeed.changed(participant.eventId, { participant, online }, counts);
  deps.publish.toRoles(participant.eventId, STAFF_ROLES, 'presence:changed', { changes: [{ participant, online }], counts });
}
