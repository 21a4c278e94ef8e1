import type { BreakoutLocator } from '../qa/deps.js';
import type { DomainDeps } from '../ports.js';
import { runningRound } from './access.js';

/** [BRK27] [QA4] Q&A's view of breakouts: the asker's room in the event's open round, if any. */
export function breakoutLocator(deps: Pick<DomainDeps, 'store'>): BreakoutLocator {
  return {
    async roomOf(eventId, participantId) {
      const round = await runningRound(deps.store, eventId);
      return round?.status === 'open' ? deps.store.roomOf(round.id, participantId) : null;
    },
  };
}
