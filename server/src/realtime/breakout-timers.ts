import type { DomainDeps, BreakoutTimers } from '../domain/ports.js';
import { tickDueRounds, tickRound } from '../domain/breakout/rounds.js';
import type { Log } from '../log.js';
import { startLoop } from './ticker.js';

export interface BreakoutClock {
  timers: BreakoutTimers;
  stop(): Promise<void>;
}

/**
 * [BRK26] Breakout rounds' timed steps on this node: a timer at the due time for the steps this
 * node made (open, extend, close), and a sweep of every round due by the store's index (a round
 * another node opened, a node that died, a timer lost). Steps are compare-and-set, so however many
 * nodes see a round due, one moves it and publishes.
 */
export function startBreakoutClock(deps: DomainDeps & { log: Log }, opts: { sweepMs?: number } = {}): BreakoutClock {
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const fail = (err: unknown) => deps.log.warn({ err }, 'a breakout timer failed');
  const timers: BreakoutTimers = {
    at(roundId, atMs) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        tickRound({ ...deps, breakoutTimers: timers }, roundId).catch(fail);
        // A few ms late rather than early: a tick before the due time would change nothing.
      }, Math.max(0, atMs - deps.clock.now()) + 5);
      timer.unref();
      pending.add(timer);
    },
  };
  const loop = startLoop(opts.sweepMs ?? 1000, () => tickDueRounds({ ...deps, breakoutTimers: timers }).catch(fail));
  return {
    timers,
    async stop() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await loop.stop();
    },
  };
}
