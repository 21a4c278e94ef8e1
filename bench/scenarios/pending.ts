import type { Mode } from '../lib/target.js';
import type { RunOptions, Scenario } from '../lib/scenario.js';

/**
 * A scenario not written yet. It is listed in every report as "not yet implemented" with what it
 * waits for, so the gap stays visible; replacing `pending` with a `run` (b0-broadcast.ts has the
 * broadcast shape, b1-connect.ts the holding one) makes it live.
 */
export function pendingScenario(id: string, title: string, status: string, modes: readonly Mode[] = ['embedded', 'cluster']): Scenario {
  return {
    id,
    title,
    modes,
    pending: `not yet implemented: ${status}`,
    budgetMs: (_o: RunOptions) => 0,
    async run() {
      throw new Error(`${id} is not implemented yet`);
    },
  };
}
