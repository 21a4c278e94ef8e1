import { pendingScenario } from './pending.js';

/**
 * B2: a presenter launches a poll to 10,000 attendees. Targets: p99 one-way ≤ 250 ms; server CPU
 * per recipient ≤ 1.3× the bare-ws baseline. Shape: b0-broadcast.ts with `poll:launch` as the
 * trigger and `poll:launched` as the watched fact (ideally stamped by the server, see PERFORMANCE.md).
 */
export const b2PollLaunch = pendingScenario('B2', 'Poll launch to every attendee', 'the server has poll:launch / poll:launchAdhoc → poll:launched (commit ea9e059); the scenario is B0 with that trigger and fact');
