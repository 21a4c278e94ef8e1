import { closeDuePolls } from '../domain/polls/lifecycle.js';
import type { DomainDeps } from '../domain/ports.js';
import type { Log } from '../log.js';
import { startLoop } from './ticker.js';

export interface PollDeadlines {
  stop(): Promise<void>;
}

/**
 * [POLL8] Every node sweeps for live polls past their stored deadline and closes them through the
 * store's compare-and-set, so however many nodes see a deadline, one closes the poll and
 * announces it. A node started after a crash picks up deadlines that passed while it was down.
 */
export function startPollDeadlines(deps: DomainDeps & { log: Log }, opts: { intervalMs?: number } = {}): PollDeadlines {
  const sweep = () =>
    closeDuePolls(deps).then(
      () => undefined,
      (err: unknown) => deps.log.warn({ err }, 'closing polls at their deadline failed'),
    );
  return startLoop(opts.intervalMs ?? 500, sweep);
}
