import type { PollResults, Role } from '@rally/shared';
import { loadResults, presentAttendees } from '../domain/polls/results.js';
import { AUDIENCE_ROLES, POLL_STAFF_ROLES, resultRoles } from '../domain/polls/visibility.js';
import type { Log } from '../log.js';
import type { Store } from '../store/store.js';
import { factEmitter, ROLE_SLICES, rooms, type RallyServer } from './publisher.js';
import { forEachLocalEvent, localEvents, startLoop } from './ticker.js';

export interface ResultsTicker {
  /** Stops the timer and waits for a tick in progress, so nothing reads a store being closed. */
  stop(): Promise<void>;
}

/**
 * [POLL23] The fan-out budget: results frames one node writes per event per 250 ms. Each frame
 * costs ~15 µs of CPU (docs/PERFORMANCE.md, B0/B4), so 2,500 frames are ~40 ms, a sixth of a core.
 */
export const RESULTS_FRAMES_PER_TICK = 2500;
/** [POLL23] The slowest cadence: a vote still shows within 750 ms (issue #8, B3) on any audience size. */
export const RESULTS_MAX_INTERVAL_MS = 500;

/**
 * [POLL23] How often a poll's results go to an event's sockets on this node: every `baseMs`
 * (250 ms) while at most RESULTS_FRAMES_PER_TICK sockets receive them, else as many base intervals
 * as keep the node within that budget, but never slower than RESULTS_MAX_INTERVAL_MS.
 */
export function resultsIntervalMs(recipients: number, baseMs = 250): number {
  const steps = Math.max(1, Math.ceil(recipients / RESULTS_FRAMES_PER_TICK));
  return Math.max(baseMs, Math.min(steps * baseMs, RESULTS_MAX_INTERVAL_MS));
}

export interface ResultsTickerOptions {
  /** [POLL23] The base interval (250 ms): at most one results message per poll per interval, per node. */
  intervalMs?: number;
  /** Bench stamps on facts (config.benchStamps, see factEmitter). */
  stamps?: boolean;
}

interface Sent {
  version: number;
  results: PollResults;
  roles: Role[];
  /** The trailing reliable copy was sent. */
  settled: boolean;
}

/**
 * [POLL23] Coalesced poll results. Votes never fan out one by one: every interval, each node
 * asks the store which live polls changed (one call per event that has sockets on this node)
 * and sends each changed poll's aggregate to its own sockets only (io.local). Every node learns
 * of changes from the store, not from the node that took the vote, so with N nodes a client
 * still gets at most one message per poll per interval.
 *
 * While a poll changes, results go out volatile: a client whose connection is backed up skips a
 * stale aggregate instead of queueing it. Because a dropped message might be the last one, the
 * first tick that finds no change sends the same results once more, reliably. A poll with no
 * voters yet is not sent at all: poll:launched carried its first results ([POLL6]), so a launch
 * costs one frame per attendee, not two (docs/PERFORMANCE.md, B2). When a node first sees a poll
 * that already has votes (it started late, or its sockets came back) it sends them reliably at
 * once, with no second copy. Final results at close are sent by the closing path.
 */
export function startResultsTicker(io: RallyServer, deps: { store: Store; log: Log }, opts: ResultsTickerOptions = {}): ResultsTicker {
  const intervalMs = opts.intervalMs ?? 250;
  // Per node, per event: what this node last sent. Only a cache of our own emissions; losing it
  // (restart) costs one extra message per live poll.
  const sent = new Map<string, Map<string, Sent>>();

  // Per event: when its results may go out next ([POLL23] cadence by audience size).
  const due = new Map<string, number>();

  const emitFact = factEmitter(opts.stamps ?? false);
  const roomSize = (room: string) => io.of('/').adapter.rooms.get(room)?.size ?? 0;
  /**
   * One results message to the allowed roles' sockets on this node, slice by slice ([POLL23]): a
   * large audience is written in ROLE_SLICES steps with the event loop free in between (votes,
   * acks), instead of one block of ~15 µs × audience.
   */
  const emit = async (eventId: string, s: Sent, volatile: boolean) => {
    for (let k = 0; k < ROLE_SLICES; k++) {
      if (k > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const target = io.local.to(s.roles.map((r) => rooms.roleSlice(eventId, r, k)));
      emitFact(volatile ? target.volatile : target, 'poll:resultsUpdated', s.results);
    }
  };

  const tickEvent = async (eventId: string) => {
    const now = Date.now();
    if ((due.get(eventId) ?? 0) > now) return;
    // Everyone who may get results: staff and audience rooms (what a visible poll goes to).
    const audience = [...POLL_STAFF_ROLES, ...AUDIENCE_ROLES].reduce((n, r) => n + roomSize(rooms.role(eventId, r)), 0);
    // Half a base interval early: timers drift, and a due event must not wait a whole base interval more.
    due.set(eventId, now + resultsIntervalMs(audience, intervalMs) - intervalMs / 2);
    const versions = await deps.store.livePollVersions(eventId);
    const before = sent.get(eventId) ?? new Map<string, Sent>();
    const after = new Map<string, Sent>();
    for (const { pollId, version } of versions) {
      const last = before.get(pollId);
      if (last && last.version >= version) {
        if (!last.settled) await emit(eventId, last, false);
        after.set(pollId, { ...last, settled: true });
        continue;
      }
      const poll = await deps.store.getPoll(pollId);
      if (!poll || poll.state !== 'live') continue;
      const results = await loadResults(deps.store, poll, await presentAttendees(deps.store, eventId));
      // Closed between the two reads: the closing path sends the final results itself.
      if (!results || results.state !== 'live') continue;
      // First sight of this poll on this node: reliable, so nothing is left to settle; and nothing
      // at all without voters, which is what poll:launched already told everyone allowed to see it.
      const s: Sent = { version: results.version, results, roles: resultRoles(poll), settled: !last };
      if (last || results.totals.room + results.totals.remote > 0) await emit(eventId, s, !s.settled);
      after.set(pollId, s);
    }
    if (after.size > 0) sent.set(eventId, after);
    else sent.delete(eventId);
  };

  const tick = async () => {
    const events = localEvents(io);
    for (const eventId of sent.keys()) if (!events.has(eventId)) sent.delete(eventId);
    for (const eventId of due.keys()) if (!events.has(eventId)) due.delete(eventId);
    await forEachLocalEvent(events, tickEvent, (err, eventId) => deps.log.warn({ err, eventId }, 'poll results tick failed'));
  };

  return startLoop(intervalMs, tick);
}
