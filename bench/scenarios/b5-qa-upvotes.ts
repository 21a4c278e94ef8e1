import { pendingScenario } from './pending.js';

/** B5: Q&A, 5,000 upvotes/s for 10 s with 10,000 watching the question list. */
export const b5QaUpvotes = pendingScenario('B5', 'Q&A upvote storm: 5,000/s for 10 s, 10,000 watching', 'the server has question:submit / question:upvote → coalesced question:votesUpdated (20fe02c); needs the rate-sending load-worker op');
