import type { Log } from '../log.js';
import type { QaStore } from '../store/qa-store.js';
import { factEmitter, rooms, type RallyServer } from './publisher.js';
import { forEachLocalEvent, localEvents, startLoop } from './ticker.js';

export interface QaVotesTicker {
  /** One pass now (tests); the timer calls the same. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface QaVotesTickerOptions {
  /** [QA10] At most one vote-count message per event per interval, per node. */
  intervalMs?: number;
  /** Bench stamps on facts (config.benchStamps, see factEmitter). */
  stamps?: boolean;
}

/**
 * [QA10] The default cadence: 500 ms, so a watching client gets at most 2 list updates per second
 * (the Q&A list re-sorts on each, and issue 8 caps that at 2/s). Poll results keep 250 ms.
 */
export const QA_VOTES_INTERVAL_MS = 500;

interface Sent {
  version: number;
  votes: Record<string, number>;
  /** Counts sent volatile since the last reliable message: what a dropped message may have lost. */
  unsettled: Record<string, number> | null;
}

/**
 * [QA10] Coalesced vote counts, the polls results ticker's pattern for Q&A: upvotes never fan out
 * one by one. Every interval each node asks the store for the vote version of each event that
 * has sockets on this node; when it moved, it reads the counts and sends the questions whose
 * count changed to its own sockets only (io.local), so with N nodes a client still gets at most
 * one message per interval. Counts are absolute and carry the version, so a lost or late message
 * never makes a count wrong for longer than the next one.
 *
 * While votes come in, messages go out volatile (a backed-up client skips a stale count); the
 * first tick without a change re-sends, reliably, every count sent volatile since the last
 * reliable message. The first tick that sees an event sends all its counts, because sockets that
 * got their snapshot before this node's first look may have missed changes since.
 */
export function startQaVotesTicker(io: RallyServer, deps: { store: Pick<QaStore, 'qaVersion' | 'questionVotes'>; log: Log }, opts: QaVotesTickerOptions = {}): QaVotesTicker {
  const intervalMs = opts.intervalMs ?? QA_VOTES_INTERVAL_MS;
  // Per node, per event: what this node last sent. Only a cache of our own emissions.
  const sent = new Map<string, Sent>();

  const emitFact = factEmitter(opts.stamps ?? false);
  const emit = (eventId: string, version: number, votes: Record<string, number>, volatile: boolean) => {
    const target = io.local.to(rooms.event(eventId));
    emitFact(volatile ? target.volatile : target, 'question:votesUpdated', { version, votes });
  };

  const tickEvent = async (eventId: string) => {
    const last = sent.get(eventId);
    const version = await deps.store.qaVersion(eventId);
    if (last && version <= last.version) {
      if (last.unsettled) {
        emit(eventId, last.version, last.unsettled, false);
        last.unsettled = null;
      }
      return;
    }
    const now = await deps.store.questionVotes(eventId);
    const before = last?.votes ?? {};
    const changed: Record<string, number> = {};
    for (const [id, n] of Object.entries(now.votes)) if (before[id] !== n) changed[id] = n;
    // A question that lost its last vote is absent from the counts: send its 0.
    for (const id of Object.keys(before)) if (!(id in now.votes)) changed[id] = 0;
    const s: Sent = { version: now.version, votes: now.votes, unsettled: last?.unsettled ?? null };
    if (Object.keys(changed).length > 0) {
      emit(eventId, now.version, changed, true);
      s.unsettled = { ...(s.unsettled ?? {}), ...changed };
    }
    sent.set(eventId, s);
  };

  const tick = async () => {
    const events = localEvents(io);
    for (const eventId of sent.keys()) if (!events.has(eventId)) sent.delete(eventId);
    await forEachLocalEvent(events, tickEvent, (err, eventId) => deps.log.warn({ err, eventId }, 'question votes tick failed'));
  };

  return { tick, ...startLoop(intervalMs, tick) };
}
