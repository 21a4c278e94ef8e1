import type { Participant, Snapshot } from '@rally/shared';
import { isoNow } from '../clock.js';
import type { EventRecord } from '../store/store.js';
import { toPublicEvent } from './events.js';
import { MODERATOR_ROLES, STAFF_ROLES, type DomainDeps, type WithStage } from './ports.js';
import { pollsForSnapshot } from './polls/view.js';
import { qaForSnapshot } from './qa/view.js';
import { presenceView } from './presence.js';
import { stageForSnapshot } from './stage/view.js';
import { engagementForSnapshot } from './engagement/live.js';
import { surveyForSnapshot } from './engagement/survey.js';
import { leaderboardForSnapshot } from './engagement/leaderboard.js';
import { quizzesForSnapshot } from './quiz/authoring.js';
import { quizForSnapshot } from './quiz/play.js';
import { revisitsForSnapshot } from './quiz/reinforcement.js';
import { breakoutsForSnapshot } from './breakout/snapshot.js';

const isStaff = (p: Participant) => (STAFF_ROLES as readonly string[]).includes(p.role);

/**
 * [PROTO5] Everything this principal may see, read from the store (never from a node's memory),
 * so a client reconnecting to any node gets the same picture.
 */
export async function buildSnapshot(deps: WithStage<Pick<DomainDeps, 'store' | 'clock' | 'engagement'>>, me: Participant, event: EventRecord): Promise<Snapshot> {
  const [presence, polls, qa, stage, engagement, survey, leaderboard, quizzes, quiz, quizRevisits, breakouts] = await Promise.all([
    isStaff(me) ? presenceView(deps.store, event.id) : undefined,
    pollsForSnapshot(deps.store, me),
    qaForSnapshot(deps.store, me),
    stageForSnapshot(deps, me, event),
    // [ENG6] The dashboard is for moderators and organisers only.
    deps.engagement && (MODERATOR_ROLES as readonly string[]).includes(me.role)
      ? engagementForSnapshot({ store: deps.store, clock: deps.clock, follower: deps.engagement.follower }, event.id)
      : undefined,
    surveyForSnapshot(deps.store, me),
    // [ENG21] Everyone: one read of the stored board, never a fold on connect.
    leaderboardForSnapshot(deps.store, event.id),
    // [QUIZ13] Staff only: drafts hold the correct answers.
    quizzesForSnapshot(deps.store, me),
    // [QUIZ34] The current run, by role: never the answer key to the audience.
    quizForSnapshot(deps, me),
    // [QUIZ41] Attendees: the reinforcement quizzes open to them.
    revisitsForSnapshot(deps, me),
    // [BRK18] Rounds by role: briefs only to staff, and each attendee their own place.
    breakoutsForSnapshot(deps, me),
  ]);
  return {
    serverTime: isoNow(deps.clock),
    event: toPublicEvent(event),
    me,
    ...(presence ? { presence } : {}),
    polls: polls.polls,
    myVotes: polls.myVotes,
    ...(polls.pollAnswers ? { pollAnswers: polls.pollAnswers } : {}),
    qa,
    stage,
    ...(engagement ? { engagement } : {}),
    survey,
    ...(leaderboard ? { leaderboard } : {}),
    ...(quizzes ? { quizzes } : {}),
    ...(quiz ? { quiz } : {}),
    ...(quizRevisits && quizRevisits.length ? { quizRevisits } : {}),
    breakouts,
  };
}
