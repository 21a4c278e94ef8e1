import { z } from 'zod';
import { CommandId, Id, Mode, Participant, TeamName } from './model.js';
import { Poll, PollAnswer, PollDraft, VoteInput, VoteReceipt } from './polls.js';
import { qaCommandSchemas, type QaCommandResults } from './qa.js';
import { RoomCode, stageCommandSchemas, type StageCommandResults } from './stage.js';
import { stageSlotCommandSchemas, type StageSlotCommandResults } from './stage-slot.js';
import { engagementCommandSchemas, type EngagementCommandResults } from './engagement.js';
import { surveyCommandSchemas, type SurveyCommandResults } from './survey.js';
import { quizAuthoringCommandSchemas, type QuizAuthoringCommandResults } from './quiz-authoring.js';
import { quizPlayCommandSchemas, type QuizPlayCommandResults } from './quiz-play.js';
import { quizReinforcementCommandSchemas, type QuizReinforcementCommandResults } from './quiz-reinforcement.js';
import { breakoutCommandSchemas, type BreakoutCommandResults } from './breakout-protocol.js';
import type { Snapshot } from './snapshot.js';

/**
 * Every command a client may send, by Socket.IO event name (`entity:verb`). Each payload carries
 * `id`, a client-generated command id: a retry with the same id is answered from the first result
 * and applied once. Objects are strict: an unknown field is a bad request, not silently dropped.
 */
export const commandSchemas = {
  /** Ask for a fresh snapshot (after a long sleep, for instance). */
  'snapshot:request': z.strictObject({ id: CommandId }),
  /**
   * A participant changes their own team or mode. [STAGE13] An attendee switching to `room` in an
   * event that verifies room mode must send the stage screen's current `roomCode`.
   */
  'participant:update': z.strictObject({
    id: CommandId,
    team: TeamName.optional(),
    mode: Mode.optional(),
    roomCode: RoomCode.optional(),
  }),
  /** A moderator corrects another participant's mode or team. */
  'participant:correct': z.strictObject({
    id: CommandId,
    participantId: Id,
    team: TeamName.optional(),
    mode: Mode.optional(),
  }),
  /** A moderator bans or unbans a participant. A banned participant's sockets are disconnected. */
  'participant:ban': z.strictObject({
    id: CommandId,
    participantId: Id,
    banned: z.boolean(),
  }),
  /** A moderator sets the live agenda session (null: between sessions). */
  'session:setLive': z.strictObject({
    id: CommandId,
    sessionId: Id.nullable(),
  }),

  // Live polls. Rules [POLLn] in docs/spec/polls.md; one line per command in docs/spec/polls-protocol.md.
  /** [POLL1] An organiser or moderator prepares a poll (a draft) for an agenda session, or for none. */
  'poll:create': z.strictObject({ id: CommandId, sessionId: Id.nullable(), draft: PollDraft }),
  /** [POLL2] Replaces a draft's content; a live or closed poll cannot be edited. */
  'poll:update': z.strictObject({ id: CommandId, pollId: Id, draft: PollDraft }),
  /** [POLL2] Deletes a draft. */
  'poll:delete': z.strictObject({ id: CommandId, pollId: Id }),
  /** [POLL4] Copies any poll into a new draft at the end of its session (or of another one). */
  'poll:duplicate': z.strictObject({ id: CommandId, pollId: Id, sessionId: Id.nullable().optional() }),
  /** [POLL3] The full new order of one session's polls. */
  'poll:reorder': z.strictObject({ id: CommandId, sessionId: Id.nullable(), pollIds: z.array(Id).max(500) }),
  /** [POLL6] Puts a draft live. */
  'poll:launch': z.strictObject({ id: CommandId, pollId: Id }),
  /** [POLL9] A presenter's quick poll: created in the live session and launched in one step. */
  'poll:launchAdhoc': z.strictObject({ id: CommandId, draft: PollDraft }),
  /** [POLL7] Closes a live poll. */
  'poll:close': z.strictObject({ id: CommandId, pollId: Id }),
  /** [POLL10] Shows the results to the audience whatever the poll's visibility says. */
  'poll:reveal': z.strictObject({ id: CommandId, pollId: Id }),
  /** [POLL11]–[POLL17] An attendee votes; a repeat replaces or is refused by the poll's allowChange. */
  'poll:vote': z.strictObject({ id: CommandId, pollId: Id, vote: VoteInput }),
  /** [POLL17] A moderator approves (shown on the wall) or rejects an open-text answer. */
  'poll:moderateAnswer': z.strictObject({ id: CommandId, pollId: Id, answerId: Id, approved: z.boolean() }),

  // Moderated Q&A. Rules [QAn] in docs/SPEC.md; schemas and results in ./qa.ts.
  ...qaCommandSchemas,

  // The stage: stream, agenda, reactions, announcements, notes, chat. Rules [STAGEn] in docs/SPEC.md.
  ...stageCommandSchemas,
  ...stageSlotCommandSchemas,

  // Engagement and the survey. Rules [ENGn] in docs/SPEC.md; schemas in ./engagement.ts and ./survey.ts.
  ...engagementCommandSchemas,
  ...surveyCommandSchemas,

  // Quiz authoring. Rules [QUIZ10]–[QUIZ19] in docs/SPEC.md; schemas in ./quiz-authoring.ts.
  ...quizAuthoringCommandSchemas,
  // Quiz live play. Rules [QUIZ20]–[QUIZ39] in docs/SPEC.md; schemas in ./quiz-play.ts.
  ...quizPlayCommandSchemas,
  // The reinforcement quiz. Rules [QUIZ40]–[QUIZ49]; schemas in ./quiz-reinforcement.ts.
  ...quizReinforcementCommandSchemas,

  // Breakout rounds. Rules [BRKn] in docs/SPEC.md; schemas and results in ./breakout-protocol.ts.
  ...breakoutCommandSchemas,
} as const;

export type CommandName = keyof typeof commandSchemas;
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
export type CommandPayload<N extends CommandName> = z.infer<(typeof commandSchemas)[N]>;

/** The `data` of a successful ack, per command. */
export interface CommandResults extends QaCommandResults, StageCommandResults, StageSlotCommandResults, EngagementCommandResults, SurveyCommandResults, QuizAuthoringCommandResults, QuizPlayCommandResults, QuizReinforcementCommandResults, BreakoutCommandResults {
  'snapshot:request': Snapshot;
  'participant:update': Participant;
  'participant:correct': Participant;
  'participant:ban': Participant;
  'session:setLive': { liveSessionId: string | null; liveSessionStartedAt?: string | null };
  'poll:create': Poll;
  'poll:update': Poll;
  'poll:delete': { pollId: string };
  'poll:duplicate': Poll;
  'poll:reorder': { sessionId: string | null; pollIds: string[] };
  'poll:launch': Poll;
  'poll:launchAdhoc': Poll;
  'poll:close': Poll;
  'poll:reveal': Poll;
  'poll:vote': VoteReceipt;
  'poll:moderateAnswer': PollAnswer;
}

// Compile-time check that every command has a result type and nothing else does.
type _SameKeys = [CommandName] extends [keyof CommandResults]
  ? [keyof CommandResults] extends [CommandName]
    ? true
    : never
  : never;
const _check: _SameKeys = true;
void _check;
