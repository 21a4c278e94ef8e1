import { ErrorCode, RallyError, Role, type Participant } from '@rally/shared';
import { isoNow, type Clock } from '../clock.js';
import { eventEndMs } from '../store/schema-version.js';
import type { EventRecord, Store } from '../store/store.js';
import { deleteParticipant, DELETED_NAME, type PrivacyDeps } from './engagement/privacy.js';
import { requireEvent } from './events.js';
import type { Publisher } from './ports.js';

/*
 * [OPS50]–[OPS57] What happens to an event once it is over: the organiser archives it (read-only,
 * everything kept, exports still work) or deletes it (everything of it, in either store), and a
 * configured retention erases the personal data of events over for longer than RETENTION_DAYS.
 */

export interface RetentionDeps {
  store: Store;
  clock: Clock;
  publish: Pick<Publisher, 'toEvent' | 'disconnectRoles'>;
  /** Nodes that cache something per event drop it (the engagement log follower). */
  forget(eventId: string): void;
}

const DAY_MS = 86_400_000;
const EVERYONE = Role.options;

/** [OPS50] Over: its last agenda session has ended, or (no agenda) it was archived. */
export function isFinished(e: Pick<EventRecord, 'agenda' | 'archivedAt'>, nowMs: number): boolean {
  const end = eventEndMs(e);
  return end !== null && end <= nowMs;
}

/** [OPS51] Archived events take no change: sockets, joins and REST writes are refused with this. */
export function refuseIfArchived(e: Pick<EventRecord, 'archivedAt'>): void {
  if (e.archivedAt) throw new RallyError(ErrorCode.EVENT_ARCHIVED, 'this event is over and was archived by the organiser: it can be read and exported, not changed');
}

/**
 * [OPS51] Archives an event whose agenda is over (or that has none): read-only from now on; everyone
 * connected is told and disconnected. Archiving again changes nothing.
 */
export async function archiveEvent(deps: RetentionDeps, eventId: string): Promise<EventRecord> {
  const e = await requireEvent(deps.store, eventId);
  if (e.archivedAt) return e;
  const agendaEnd = eventEndMs({ agenda: e.agenda });
  if (agendaEnd !== null && agendaEnd > deps.clock.now()) {
    throw new RallyError(ErrorCode.INVALID_STATE, `this event has not finished: its last session ends at ${new Date(agendaEnd).toISOString()}`);
  }
  const archived = await deps.store.markEvent(eventId, 'archivedAt', isoNow(deps.clock));
  if (!archived) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  deps.publish.toEvent(eventId, 'session:ended', { reason: 'event-archived', message: 'this event is over and was archived by the organiser' });
  deps.publish.disconnectRoles(eventId, EVERYONE);
  return archived;
}

/**
 * [OPS52] Deletes a finished (or archived) event and all its data; everyone connected is told and
 * disconnected first. Its join code is free again.
 */
export async function deleteEvent(deps: RetentionDeps, eventId: string): Promise<{ eventId: string; deleted: true }> {
  const e = await requireEvent(deps.store, eventId);
  if (!isFinished(e, deps.clock.now())) {
    throw new RallyError(ErrorCode.INVALID_STATE, 'only a finished event can be deleted: wait for its last session to end, or archive it first');
  }
  deps.publish.toEvent(eventId, 'session:ended', { reason: 'event-deleted', message: 'this event is over and was deleted by the organiser' });
  deps.publish.disconnectRoles(eventId, EVERYONE);
  await deps.store.deleteEvent(eventId);
  deps.forget(eventId);
  return { eventId, deleted: true };
}

export interface SweepDeps extends RetentionDeps {
  disconnect: PrivacyDeps['disconnect'];
}

/**
 * [OPS55] Erases the personal data of one event: every participant as the organiser's "delete
 * participant" does ([ENG18]: name, email, team, engagement and survey links, names on questions and
 * chat), their names in breakout rooms (chat, takeaways, help requests), and the attendee list
 * (names and emails). Aggregates stay: poll results, counts per cohort, team
 * and session, quiz and team standings by (now nameless) participant. Then the event is marked.
 */
export async function erasePersonalData(deps: SweepDeps, eventId: string): Promise<{ participants: number }> {
  const people = (await deps.store.listParticipants(eventId)).filter((p: Participant) => p.role !== 'admin' && !(p.name === DELETED_NAME && p.banned));
  const privacy = { store: deps.store, disconnect: deps.disconnect };
  // A few at a time: an event of thousands is swept without flooding the store.
  for (let i = 0; i < people.length; i += 20) {
    await Promise.all(people.slice(i, i + 20).map((p) => deleteParticipant(privacy, eventId, p.id)));
  }
  await deps.store.eraseBreakoutNames(eventId, people.map((p) => p.id), DELETED_NAME);
  await deps.store.putRoster(eventId, []);
  await deps.store.markEvent(eventId, 'personalDataErasedAt', isoNow(deps.clock));
  deps.forget(eventId);
  return { participants: people.length };
}

/**
 * [OPS55] [OPS56] One pass of the retention sweep: events over for more than `days` whose personal
 * data is still held, found through the end index, at most `limit` per pass. In cluster mode one
 * node a pass: the pass's slot is claimed with the store's first-writer-wins record.
 */
export async function sweepRetention(deps: SweepDeps, opts: { days: number; nodeId: string; slotMs: number; limit?: number }): Promise<string[]> {
  const now = deps.clock.now();
  const slot = Math.floor(now / opts.slotMs);
  const claim = `retention-sweep:${slot}`;
  const owner = await deps.store.rememberCommand(claim, opts.nodeId, Math.max(1, Math.ceil(opts.slotMs / 1000)));
  if (owner !== opts.nodeId) return [];
  const ids = await deps.store.eventsEndedBefore(now - opts.days * DAY_MS, opts.limit ?? 20);
  for (const id of ids) await erasePersonalData(deps, id);
  return ids;
}

export interface RetentionTimer {
  stop(): void;
}

/** [OPS56] The sweep every `everyMs` while RETENTION_DAYS is set; failures are logged and retried next time. */
export function startRetention(deps: SweepDeps, opts: { days: number | undefined; nodeId: string; everyMs: number; onError(e: unknown): void }): RetentionTimer {
  if (opts.days === undefined) return { stop() {} };
  const days = opts.days;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepRetention(deps, { days, nodeId: opts.nodeId, slotMs: opts.everyMs })
      .catch(opts.onError)
      .finally(() => (running = false));
  }, opts.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
