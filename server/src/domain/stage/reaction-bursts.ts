import { REACTIONS, STAGE_LIMITS, type Mode, type Reaction, type ReactionBurst } from '@rally/shared';
import type { ReactionSink } from './deps.js';

export interface ReactionBursts extends ReactionSink {
  /** Drops pending bursts and their timers (shutdown). */
  stop(): void;
}

const emptyCounts = (): Record<Reaction, number> => Object.fromEntries(REACTIONS.map((r) => [r, 0])) as Record<Reaction, number>;

/**
 * [STAGE15] Coalesces reactions into bursts: the first reaction of an event opens a window of
 * `intervalMs`; everything arriving in it is counted, and at its end one burst is emitted. So an
 * event gets at most one burst per interval from this node, whatever the rate of reactions, and
 * no message at all while nobody reacts. Each node coalesces its own sockets' reactions; the
 * screen adds up the bursts of all nodes. The buffers live on this node only and are lost with it,
 * which is fine for something that fades from the screen in a second anyway.
 */
export function createReactionBursts(emit: (eventId: string, burst: ReactionBurst) => void, opts: { intervalMs?: number } = {}): ReactionBursts {
  const intervalMs = opts.intervalMs ?? STAGE_LIMITS.burstIntervalMs;
  const pending = new Map<string, { burst: ReactionBurst; timer: ReturnType<typeof setTimeout> }>();

  const flush = (eventId: string) => {
    const p = pending.get(eventId);
    if (!p) return;
    pending.delete(eventId);
    emit(eventId, p.burst);
  };

  return {
    add(eventId: string, emoji: Reaction, cohort: Mode) {
      let p = pending.get(eventId);
      if (!p) {
        const timer = setTimeout(() => flush(eventId), intervalMs);
        timer.unref?.();
        p = { burst: { counts: emptyCounts(), room: 0, remote: 0 }, timer };
        pending.set(eventId, p);
      }
      p.burst.counts[emoji]++;
      p.burst[cohort]++;
    },
    stop() {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
    },
  };
}
