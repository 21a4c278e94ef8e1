import type { Scenario } from '../lib/scenario.js';
import { b0Broadcast } from './b0-broadcast.js';
import { b1Connect } from './b1-connect.js';
import { b2PollLaunch } from './b2-poll-launch.js';
import { b3VoteStorm } from './b3-vote-storm.js';
import { b4VoteSustained } from './b4-vote-sustained.js';
import { b5QaUpvotes } from './b5-qa-upvotes.js';
import { b8Reconnect } from './b8-reconnect.js';
import { b9Cluster20k } from './b9-cluster-20k.js';
import { b10EmbeddedSqlite } from './b10-embedded-sqlite.js';

/**
 * Every scenario, in run order. Within a mode they share one audience (see lib/audience.ts), so
 * the order matters: B1 first (its memory figures want a fresh server), B8 last of the 10,000-size
 * ones (it drops everyone). B6 and B7 are reserved. A new scenario is one file plus one line here.
 */
export const SCENARIOS: readonly Scenario[] = [b1Connect, b0Broadcast, b2PollLaunch, b3VoteStorm, b4VoteSustained, b5QaUpvotes, b8Reconnect, b9Cluster20k, b10EmbeddedSqlite];
