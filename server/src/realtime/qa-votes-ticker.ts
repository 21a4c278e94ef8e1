import type { Log } from '../log.js';
import type { QaStore } from '../store/qa-store.js';
import { Role } from '@rally/shared';
import { factEmitter, ROLE_SLICES, rooms, type RallyServer } from './publisher.js';
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

/**
 * [QA10] The fan-out budget per event per node: count frames per base interval (the results
 * ticker's 10,000 frames a second, [POLL23]). A larger audience gets the counts less often, never
 * slower than QA_VOTES_MAX_INTERVAL_MS: at 10,000 watchers every frame is ~10 µs of a core that
 * the upvotes themselves need (docs/PERFORMANCE.md, B5).
 */
export const QA_VOTES_FRAMES_PER_TICK = 5000;
export const QA_VOTES_MAX_INTERVAL_MS = 1000;

/** [QA10] How often an event's counts go to its sockets on this node, by how many sockets there are. */
export function qaVotesIntervalMs(recipients: number, baseMs = QA_VOTES_INTERVAL_MS): number {
  const steps = Math.max(1, Math.ceil(recipients / QA_VOTES_FRAMES_PER_TICK));
  return Math.max(baseMs, Math.min(steps * baseMs, QA_VOTES_MAX_INTERVAL_MS));
}

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

  // Per event: when its counts may go out next (cadence by audience size).
  const due = new Map<string, number>();

  const emitFact = factEmitter(opts.stamps ?? false);
  /**
   * One message to every socket of the event on this node, slice by slice (as poll results,
   * [POLL23]): the event loop is free between slices for the upvotes and their acks, instead of
   * one block of ~10 µs × audience.
   */
  const emit = async (eventId: string, version: number, votes: Record<string, number>, volatile: boolean) => {
    const payload = { version, votes };
    for (let k = 0; k < ROLE_SLICES; k++) {
      if (k > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const target = io.local.to(Role.options.map((r) => rooms.roleSlice(eventId, r, k)));
      emitFact(volatile ? target.volatile : target, 'question:votesUpdated', payload);
    }
  };

  const tickEvent = async (eventId: string) => {
    const nowMs = Date.now();
    if ((due.get(eventId) ?? 0) > nowMs) return;
    const audience = io.of('/').adapter.rooms.get(rooms.event(eventId))?.size ?? 0;
    // Half a base interval early: timers drift, and a due event must not wait a whole base interval more.
    due.set(eventId, nowMs + qaVotesIntervalMs(audience, intervalMs) - intervalMs / 2);
    const last = sent.get(eventId);
    const version = await deps.store.qaVersion(eventId);
    if (last && version <= last.version) {
      if (last.unsettled) {
        const unsettled = last.unsettled;
        last.unsettled = null;
        await emit(eventId, last.version, unsettled, false);
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
    sent.set(eventId, s);
    if (Object.keys(changed).length > 0) {
      s.unsettled = { ...(s.unsettled ?? {}), ...changed };
      await emit(eventId, now.version, changed, true);
    }
  };

  const tick = async () => {
    const events = localEvents(io);
    for (const eventId of sent.keys()) if (!events.has(eventId)) sent.delete(eventId);
    for (const eventId of due.keys()) if (!events.has(eventId)) due.delete(eventId);
    await forEachLocalEvent(events, tickEvent, (err, eventId) => deps.log.warn({ err, eventId }, 'question votes tick failed'));
  };

  return { tick, ...startLoop(intervalMs, tick) };
}
