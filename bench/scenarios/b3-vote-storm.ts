import { pendingScenario } from './pending.js';

/**
 * B3: 10,000 unique votes plus 1,000 duplicate retries (same command id) within 1 s. Targets: 0 lost,
 * 0 double-counted (final tally = 10,000), ack p99 ≤ 500 ms, ≤ 4 poll:results per second per client,
 * a vote visible in poll:results within 750 ms p99.
 */
export const b3VoteStorm = pendingScenario('B3', 'Vote storm: 10,000 votes + 1,000 retries in 1 s', 'the server has poll:vote → coalesced poll:resultsUpdated (ea9e059); needs a load-worker op that sends votes at a rate with retries under the same command id');
