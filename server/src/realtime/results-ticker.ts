import type { PollResults, Role } from '@rally/shared';
import { loadResults, presentAttendees } from '../domain/polls/results.js';
import { resultRoles } from '../domain/polls/visibility.js';
import type { Log } from '../log.js';
import type { Store } from '../store/store.js';
import { factEmitter, rooms, type RallyServer } from './publisher.js';
import { forEachLocalEvent, localEvents, startLoop } from './ticker.js';

export interface ResultsTicker {
  /** Stops the timer and waits for a tick in progress, so nothing reads a store being closed. */
  stop(): Promise<void>;
}

export interface ResultsTickerOptions {
  /** [POLL23] At most one results message per poll per interval, per node. */
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
 * first tick that finds no change sends the same results once more, reliably. The first results a
 * node sends for a poll (at launch: nothing to change yet) go out reliably at once and need no
 * second copy, so a launch costs one results broadcast to the audience, not two (each is a frame
 * per attendee: docs/PERFORMANCE.md, B2). Final results at close are sent by the closing path.
 */
export function startResultsTicker(io: RallyServer, deps: { store: Store; log: Log }, opts: ResultsTickerOptions = {}): ResultsTicker {
  const intervalMs = opts.intervalMs ?? 250;
  // Per node, per event: what this node last sent. Only a cache of our own emissions; losing it
  // (restart) costs one extra message per live poll.
  const sent = new Map<string, Map<string, Sent>>();

  const emitFact = factEmitter(opts.stamps ?? false);
  const emit = (eventId: string, s: Sent, volatile: boolean) => {
    const target = io.local.to(s.roles.map((r) => rooms.role(eventId, r)));
    emitFact(volatile ? target.volatile : target, 'poll:resultsUpdated', s.results);
  };

  const tickEvent = async (eventId: string) => {
    const versions = await deps.store.livePollVersions(eventId);
    const before = sent.get(eventId) ?? new Map<string, Sent>();
    const after = new Map<string, Sent>();
    for (const { pollId, version } of versions) {
      const last = before.get(pollId);
      if (last && last.version >= version) {
        if (!last.settled) emit(eventId, last, false);
        after.set(pollId, { ...last, settled: true });
        continue;
      }
      const poll = await deps.store.getPoll(pollId);
      if (!poll || poll.state !== 'live') continue;
      const results = await loadResults(deps.store, poll, await presentAttendees(deps.store, eventId));
      // Closed between the two reads: the closing path sends the final results itself.
      if (!results || results.state !== 'live') continue;
      // First sight of this poll on this node: reliable, so nothing is left to settle.
      const s: Sent = { version: results.version, results, roles: resultRoles(poll), settled: !last };
      emit(eventId, s, !s.settled);
      after.set(pollId, s);
    }
    if (after.size > 0) sent.set(eventId, after);
    else sent.delete(eventId);
  };

  const tick = async () => {
    const events = localEvents(io);
    for (const eventId of sent.keys()) if (!events.has(eventId)) sent.delete(eventId);
    await forEachLocalEvent(events, tickEvent, (err, eventId) => deps.log.warn({ err, eventId }, 'poll results tick failed'));
  };

  return startLoop(intervalMs, tick);
}
