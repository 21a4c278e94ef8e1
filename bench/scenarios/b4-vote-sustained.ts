import { pendingScenario } from './pending.js';

/** B4: 2,000 votes/s for 60 s (attendees changing their vote where allowed). Target: ack p99 ≤ 100 ms. */
export const b4VoteSustained = pendingScenario('B4', 'Sustained voting: 2,000 votes/s for 60 s', 'the server has poll:vote (ea9e059); needs the same rate-sending load-worker op as B3');
