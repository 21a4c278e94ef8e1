import { z } from 'zod';
import { Id, Participant, Presence, PublicEvent } from './model.js';
import { PollAnswer, PollView, VoteInput } from './polls.js';
import { QaSnapshot } from './qa.js';
import { StageSnapshot } from './stage.js';
import { EngagementSnapshot, Leaderboard } from './engagement.js';
import { SurveySnapshot } from './survey.js';
import { StoredQuiz } from './quiz-authoring.js';
import { QuizSnapshot } from './quiz-play.js';
import { QuizRevisit } from './quiz-reinforcement.js';
import { BreakoutSnapshot } from './breakout-protocol.js';

/**
 * Everything a (re)connecting client may see, sent before any delta. Role-dependent parts are
 * optional and filled only for the roles allowed to see them.
 */
export const Snapshot = z.object({
  serverTime: z.iso.datetime(),
  event: PublicEvent,
  me: Participant,
  presence: Presence.optional(),
  /**
   * [POLL24] Polls this principal may see: staff get every poll of the event (drafts too) with
   * results; the audience gets live and closed polls, with results only where visible to them.
   */
  polls: z.array(PollView),
  /** [POLL24] This participant's own votes by poll id; never anyone else's. */
  myVotes: z.record(Id, VoteInput),
  /** Moderators and organisers: every open-text answer awaiting or past moderation. */
  pollAnswers: z.array(PollAnswer).optional(),
  /**
   * [QA23] Questions this principal may see, their upvotes, the vote version, whether they may
   * ask. The server always sends it; optional only so snapshots built before Q&A stay valid.
   */
  qa: QaSnapshot.optional(),
  /**
   * [STAGE25] Announcement, chat, presenter notes (staff) and the room code (stage screen). The
   * server always sends it; optional only so snapshots built before the stage stay valid.
   */
  stage: StageSnapshot.optional(),
  /** [ENG6] Moderators and organisers: the engagement dashboard, settings and the last parity alert. */
  engagement: EngagementSnapshot.optional(),
  /**
   * [ENG21] Everyone, while the organiser shows the leaderboard: the latest board as stored (absent
   * when it is off or none has been computed yet; `engagement:leaderboardUpdated` follows).
   */
  leaderboard: Leaderboard.optional(),
  /** [ENG15] The survey this principal may see and their own answers. */
  survey: SurveySnapshot.optional(),
  /** [QUIZ13] Moderators, organisers and presenters: every quiz of the event, with its answers. Never anyone else. */
  quizzes: z.array(StoredQuiz).optional(),
  /** [QUIZ34] The event's current quiz run, as this principal's role may see it; absent when none is running. */
  quiz: QuizSnapshot.optional(),
  /** [QUIZ41] Attendees: the reinforcement quizzes open to them now, with how far they got. */
  quizRevisits: z.array(QuizRevisit).optional(),
  /** [BRK18] Breakout rounds as this principal's role may see them (absent before any round exists). */
  breakouts: BreakoutSnapshot.optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;
