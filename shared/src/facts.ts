import { z } from 'zod';
import { CohortCounts, Id, Participant, PublicEvent } from './model.js';
import { Poll, PollAnswer, PollLaunched, PollResults } from './polls.js';
import { qaFactSchemas } from './qa.js';
import { stageFactSchemas } from './stage.js';
import { stageSlotFactSchemas } from './stage-slot.js';
import { engagementFactSchemas } from './engagement.js';
import { surveyFactSchemas } from './survey.js';
import { quizAuthoringFactSchemas } from './quiz-authoring.js';
import { quizPlayFactSchemas } from './quiz-play.js';
import { quizReinforcementFactSchemas } from './quiz-reinforcement.js';
import { breakoutFactSchemas } from './breakout-protocol.js';
import { Snapshot } from './snapshot.js';

/** Everything the server tells clients, by Socket.IO event name (past tense). */
export const factSchemas = {
  /** First message after every (re)connection: the whole state this principal may see. */
  snapshot: Snapshot,
  /**
   * [PRES4] To moderators, presenters and the stage screen: participants came online or went offline
   * (or changed while online). Coalesced per event: at most one per ~500 ms per node, each
   * participant once with their latest state, in order; counts are the latest at sending.
   */
  'presence:changed': z.object({
    changes: z.array(z.object({ participant: Participant, online: z.boolean() })),
    counts: CohortCounts,
  }),
  /** A participant's name, team, mode or ban changed (to moderators and to that participant). */
  'participant:updated': Participant,
  /** Event-wide fields changed (live session, agenda, settings). */
  'event:updated': PublicEvent,
  /** Sent to a participant just before the server disconnects them (ban, key rotation). */
  'session:ended': z.object({ reason: z.enum(['banned', 'keys-rotated', 'deleted', 'event-archived', 'event-deleted']), message: z.string() }),
  /**
   * [OPS32] This node is shutting down (a rolling restart): reconnect after `reconnectInMs` (each
   * socket its own random share of the drain window), and the load balancer sends the new
   * connection to another node. Commands not yet acked are sent again there with the same ids.
   */
  'server:drainStarted': z.object({ reconnectInMs: z.number().int().min(0), message: z.string() }),
  /** Liveness probe target for clients measuring one-way latency. */
  'server:time': z.object({ serverTime: z.iso.datetime(), eventId: Id }),

  // Live polls. Authoring facts go to presenters, moderators and organisers only (drafts are not
  // the audience's business); lifecycle facts go to everyone in the event.
  /** A draft was created (also by duplicate). */
  'poll:created': Poll,
  /** A draft's content changed. */
  'poll:updated': Poll,
  'poll:deleted': z.object({ pollId: Id, sessionId: Id.nullable() }),
  /** A session's polls have this order now. */
  'poll:reordered': z.object({ sessionId: Id.nullable(), pollIds: z.array(Id) }),
  /**
   * Everyone: a poll went live. Staff, and the audience when results show live, also get its first
   * results in `results` (no votes yet); the others get the bare poll ([POLL6], [POLL22]).
   */
  'poll:launched': PollLaunched,
  /** Everyone: a poll closed (by hand or at its deadline). Final results follow as poll:resultsUpdated. */
  'poll:closed': Poll,
  /** Everyone: the presenter revealed the results; the audience's poll:resultsUpdated follows. */
  'poll:revealed': Poll,
  /**
   * [POLL23] Coalesced results, to those allowed to see them: at most one per poll per tick while
   * votes come in, one more when they stop, and one at close; none at launch (poll:launched carries
   * the first results). Keep the highest version.
   */
  'poll:resultsUpdated': PollResults,
  /** Moderators: an open-text answer arrived and awaits moderation (status pending). */
  'poll:answerSubmitted': PollAnswer,
  /** Moderators: an answer was approved or rejected (by any moderator). */
  'poll:answerModerated': PollAnswer,

  // Moderated Q&A: each question message goes to whoever may see it, in their view ([QA7]).
  ...qaFactSchemas,

  // The stage ([STAGEn]): room codes for the screen, reaction bursts, announcements, notes, chat.
  ...stageFactSchemas,
  ...stageSlotFactSchemas,

  // Engagement ([ENGn]): the moderators' dashboard, parity alerts, settings, the leaderboard, the survey.
  ...engagementFactSchemas,
  ...surveyFactSchemas,

  // Quiz authoring ([QUIZ13]): staff only, drafts hold the correct answers.
  ...quizAuthoringFactSchemas,
  // Quiz live play ([QUIZ32] [QUIZ33]): phases per role, each player their own result.
  ...quizPlayFactSchemas,
  // The reinforcement quiz ([QUIZ41]): listed to everyone, no answer key.
  ...quizReinforcementFactSchemas,
  ...breakoutFactSchemas,
} as const;

export type FactName = keyof typeof factSchemas;
export type FactPayload<N extends FactName> = z.infer<(typeof factSchemas)[N]>;
