import type { DomainDeps } from '../domain/ports.js';
import { refreshLobby, tickDueRuns, tickRun, type QuizTimers } from '../domain/quiz/play.js';
import type { Log } from '../log.js';
import { startLoop } from './ticker.js';

export interface QuizClock {
  timers: QuizTimers;
  /** [QUIZ20] Who is here changed in this event: its run's lobby count is refreshed at the next sweep. */
  presenceChanged(eventId: string): void;
  stop(): Promise<void>;
}

/**
 * [QUIZ23] [QUIZ37] A run's timed steps on this node: a timer at the due time for the transitions
 * this node made (prompt), and a sweep of every run due by the store's index (a run whose node died,
 * a timer lost), like poll deadlines. Transitions are compare-and-set, so however many nodes see a
 * run due, one moves it and publishes.
 */
export function startQuizClock(deps: DomainDeps & { log: Log }, opts: { sweepMs?: number } = {}): QuizClock {
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const fail = (err: unknown) => deps.log.warn({ err }, 'a quiz timer failed');
  const timers: QuizTimers = {
    at(runId, atMs) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        tickRun({ ...deps, quizTimers: timers }, runId).catch(fail);
              // A few ms late rather than early: a tick before the due time would change nothing.
      }, Math.max(0, atMs - deps.clock.now()) + 5);
      timer.unref();
      pending.add(timer);
    },
  };
  // Events whose presence changed since the last sweep: one lobby refresh each per sweep, however
  // many people arrived (a reconnect storm costs one read per event, not one per arrival).
  const lobbies = new Set<string>();
  const sweep = async () => {
    const events = [...lobbies];
    lobbies.clear();
    for (const eventId of events) await refreshLobby({ ...deps, quizTimers: timers }, eventId).catch(fail);
    await tickDueRuns({ ...deps, quizTimers: timers }).catch(fail);
  };
  const loop = startLoop(opts.sweepMs ?? 500, sweep);
  return {
    timers,
    presenceChanged: (eventId) => void lobbies.add(eventId),
    async stop() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await loop.stop();
    },
  };
}
