import type { Participant } from '@rally/shared';
import { isoNow } from '../../clock.js';
import type { EngagementKind } from '../engagement/log.js';
import type { Departure } from './attendance-grace.js';
import type { StageDeps } from './deps.js';

/*
 * [STAGE8] Session attendance goes to the engagement log: an attendee joins (first socket open)
 * and leaves (last socket closed), and enters and leaves the live session, whether they come and
 * go or the session changes under them. Staff and the stage screen are not the audience and are
 * not logged. [STAGE46] A last socket closed is a `left` only once the reconnection grace has
 * passed without them back: a blink of the venue Wi-Fi is one stay, not four log entries each.
 */

export type AttendanceDeps = Pick<StageDeps, 'store' | 'clock' | 'stage'>;

const logged = (p: Participant) => p.role === 'attendee';

async function append(deps: AttendanceDeps, p: Participant, kind: EngagementKind, sessionId: string | null, at: string) {
  await deps.stage.engagement.append({ eventId: p.eventId, participantId: p.id, mode: p.mode, team: p.team, sessionId, kind, at });
}

/** The participant came online (their first socket). */
export async function attendeeOnline(deps: AttendanceDeps, p: Participant, liveSessionId: string | null): Promise<void> {
  if (!logged(p)) return;
  const at = isoNow(deps.clock);
  // [STAGE46] Back on this node within their grace: the stay goes on. Only a session that changed
  // meanwhile is news (the change's own entries skipped them: they were offline then).
  const back = deps.stage.attendance?.resume(p.id);
  if (back) {
    if (back.sessionId === liveSessionId) return;
    if (back.sessionId !== null) await append(deps, back.participant, 'sessionLeft', back.sessionId, back.at);
    if (liveSessionId !== null) await append(deps, p, 'sessionEntered', liveSessionId, at);
    return;
  }
  await append(deps, p, 'joined', liveSessionId, at);
  if (liveSessionId !== null) await append(deps, p, 'sessionEntered', liveSessionId, at);
}

/** The participant went offline (their last socket closed): a `left` now, or once their grace has passed ([STAGE46]). */
export async function attendeeOffline(deps: AttendanceDeps, p: Participant, liveSessionId: string | null): Promise<void> {
  if (!logged(p)) return;
  const at = isoNow(deps.clock);
  const grace = deps.stage.attendance;
  if (grace && grace.graceMs > 0) return grace.depart({ participant: p, sessionId: liveSessionId, at }, deps.clock.now());
  await writeDeparture(deps, { participant: p, sessionId: liveSessionId, at });
}

/** The entries of a departure, at the time the last socket closed. */
async function writeDeparture(deps: AttendanceDeps, d: Departure): Promise<void> {
  if (d.sessionId !== null) await append(deps, d.participant, 'sessionLeft', d.sessionId, d.at);
  await append(deps, d.participant, 'left', d.sessionId, d.at);
}

/**
 * [STAGE46] The departures whose grace has passed: a `left` for each, unless the participant is
 * online again (on another node, which logged its own `joined`); then only the `sessionLeft` of a
 * session that changed while they were away. Run by the node's sweep (startAttendanceSweep).
 */
export async function settleDepartures(deps: AttendanceDeps): Promise<void> {
  const due = deps.stage.attendance?.due(deps.clock.now()) ?? [];
  await Promise.all(
    due.map(async (d) => {
      const p = d.participant;
      if (!(await deps.store.presenceIsOnline(p.eventId, p.id))) return writeDeparture(deps, d);
      if (d.sessionId === null) return;
      const live = (await deps.store.getEvent(p.eventId))?.liveSessionId ?? null;
      if (d.sessionId !== live) await append(deps, p, 'sessionLeft', d.sessionId, d.at);
    }),
  );
}

/**
 * [STAGE46] Every node sweeps its departures once a second. `stop` (shutdown, after the sockets
 * have closed) writes every departure still in its grace at once: the node is going, and whoever
 * comes back elsewhere logs a `joined` there.
 */
export function startAttendanceSweep(deps: AttendanceDeps, opts: { everyMs?: number; onError: (e: unknown) => void }): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (!deps.stage.attendance?.size) return;
    running = running.then(() => settleDepartures(deps)).catch(opts.onError);
  }, opts.everyMs ?? 1000);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      const all = deps.stage.attendance?.takeAll() ?? [];
      await Promise.all(all.map((d) => writeDeparture(deps, d))).catch(opts.onError);
    },
  };
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
