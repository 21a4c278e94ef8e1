import type { Scenario } from '../lib/scenario.js';
import { b0Broadcast } from './b0-broadcast.js';
import { b1Connect } from './b1-connect.js';
import { b2PollLaunch } from './b2-poll-launch.js';
import { b3VoteStorm } from './b3-vote-storm.js';
import { b4VoteSustained } from './b4-vote-sustained.js';
import { b5QaUpvotes } from './b5-qa-upvotes.js';
import { b6QuizClose } from './b6-quiz-close.js';
import { b7Breakouts } from './b7-breakouts.js';
import { b8Reconnect } from './b8-reconnect.js';
import { b9Cluster20k } from './b9-cluster-20k.js';
import { b10EmbeddedSqlite } from './b10-embedded-sqlite.js';

/**
 * Every scenario, in run order. Within a mode they share one audience (see lib/audience.ts), so
 * the order matters: B1 first (its memory figures want a fresh server), B8 last of the 10,000-size
 * ones (it drops everyone), then B9 (its own audience of 2 × N) and B10 (a report view over B2
 * and B3). B2–B5 leave closed polls and upvoted questions in the event, so B8's snapshots carry
 * them, as a real event's would by then. B6 runs after B8 (on the reconnected audience), so a quick
 * run, which skips what no longer fits in its two minutes, keeps B8 before it; it ends its quiz.
 * B7 closes its round (a 30 s countdown) and leaves it closed in the event. A new scenario is one file plus
 * one line here.
 */
export const SCENARIOS: readonly Scenario[] = [
  b1Connect,
  b0Broadcast,
  b2PollLaunch,
  b3VoteStorm,
  b4VoteSustained,
  b5QaUpvotes,
  b7Breakouts,
  b8Reconnect,
  b6QuizClose,
  b9Cluster20k,
  b10EmbeddedSqlite,
];
