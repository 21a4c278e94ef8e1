import { pendingScenario } from './pending.js';

/**
 * B9: cluster with 20,000 attendees (10,000 per node, two load processes). B2 and B3 must hold;
 * CPU per broadcast ≤ 1.25× one node's. Runs B2/B3's code with attendees = 20,000 once they exist.
 */
export const b9Cluster20k = pendingScenario('B9', 'Cluster: 20,000 attendees over two nodes (B2/B3 hold)', 'B2 and B3 in the bench, and presence that does not cost O(N) per connection (see docs/PERFORMANCE.md)', ['cluster']);
