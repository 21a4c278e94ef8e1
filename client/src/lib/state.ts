import type { CohortCounts, FactPayload, Participant, Presence, PublicEvent, Snapshot } from '@rally/shared';
import { pollsFromSnapshot, reducePolls, type PollEvent, type PollsState } from './pollState';
import { qaFromSnapshot, reduceQa, type QaEvent, type QaState } from './qaState';
import { reduceStage, stageFromSnapshot, type StageEvent, type StageState } from './stageState';
import { engagementFromSnapshot, reduceEngagement, type EngagementEvent, type EngagementState } from './engagementState';
import { reduceSurvey, surveyFromSnapshot, type SurveyEvent, type SurveyState } from './surveyState';
import { quizzesFromSnapshot, reduceQuizzes, type QuizEvent, type QuizzesState } from './quizState';
import { quizPlayFromSnapshot, reduceQuizPlay, type QuizPlayEvent, type QuizPlayState } from './quizPlayState';
import { breakoutsFromSnapshot, reduceBreakouts, type BreakoutEvent, type BreakoutState } from './breakoutState';

/** What a screen renders: the last snapshot with every delta since applied. */
export interface RallyState {
  event: PublicEvent;
  me: Participant;
  /** Only for roles the server shows presence to (moderator, presenter, screen). */
  presence: Presence | null;
  /** serverTime - clientTime at the last snapshot, for countdowns measured on the server clock. */
  clockOffsetMs: number;
  /** Polls, their results, my votes, open-text answers (lib/pollState.ts). */
  polls: PollsState;
  /** Questions, vote counts, my upvotes, the highlight, my asking ban (lib/qaState.ts). */
  qa: QaState;
  /** Room code, announcement, notes, chat, the latest reaction burst (lib/stageState.ts). */
  stage: StageState;
  /** Engagement settings, dashboard and parity alert (staff), the leaderboard (lib/engagementState.ts). */
  engagement: EngagementState;
  /** The survey and my answers (lib/surveyState.ts). */
  survey: SurveyState;
  /** Authored quizzes, staff only (lib/quizState.ts). */
  quizzes: QuizzesState;
  /** Quiz runs: the phase per run as this role sees it, my answers and results (lib/quizPlayState.ts). */
  quizPlay: QuizPlayState;
  /** Breakout rounds, my room, occupancy, help, room chat, takeaways (lib/breakoutState.ts). */
  breakouts: BreakoutState;
}

export type RallyAction =
  | { type: 'snapshot'; snapshot: Snapshot; receivedAt: number }
  | { type: 'presence'; change: FactPayload<'presence:changed'> }
  | { type: 'participant'; participant: Participant }
  | { type: 'event'; event: PublicEvent }
  | { type: 'poll'; event: PollEvent }
  | { type: 'qa'; event: QaEvent }
  | { type: 'stage'; event: StageEvent }
  | { type: 'engagement'; event: EngagementEvent }
  | { type: 'survey'; event: SurveyEvent }
  | { type: 'quiz'; event: QuizEvent }
  | { type: 'quizPlay'; event: QuizPlayEvent }
  | { type: 'breakout'; event: BreakoutEvent }
  | { type: 'reset' };

function upsert(list: Participant[], p: Participant): Participant[] {
  const i = list.findIndex((x) => x.id === p.id);
  if (i === -1) return [...list, p];
  const copy = list.slice();
  copy[i] = p;
  return copy;
}

/**
 * [PRES4] A batch applied in one pass over the list, O(list + batch): a reconnect storm's batch holds
 * thousands of changes, and an upsert or filter per change copied the whole list each time. The
 * result is what applying the changes one by one gives: people who stayed keep their place (with
 * their latest record), and people who came online, or went and came back, follow in the order of
 * their last arrival.
 */
function applyPresence(list: Participant[], changes: readonly { participant: Participant; online: boolean }[]): Participant[] {
  const listed = new Set(list.map((p) => p.id));
  /** For people in the list: their latest record, or null once they went offline. */
  const stayed = new Map<string, Participant | null>();
  /** People appended during the batch, in order of arrival (a Map keeps its first insertion's place). */
  const arrived = new Map<string, Participant>();
  for (const { participant: p, online } of changes) {
    if (arrived.has(p.id)) {
      if (online) arrived.set(p.id, p);
      else arrived.delete(p.id);
    } else if (listed.has(p.id) && stayed.get(p.id) !== null) {
      stayed.set(p.id, online ? p : null);
    } else if (online) {
      arrived.set(p.id, p);
    }
  }
  if (stayed.size === 0 && arrived.size === 0) return list;
  const kept = stayed.size === 0 ? list : list.flatMap((p) => (stayed.has(p.id) ? (stayed.get(p.id) ?? []) : [p]));
  return arrived.size === 0 ? kept : [...kept, ...arrived.values()];
}

/**
 * Deltas only ever refine a snapshot: before the first snapshot there is nothing to refine, so they
 * are dropped (the snapshot that follows every (re)connection already includes them).
 */
export function reduce(state: RallyState | null, action: RallyAction): RallyState | null {
  switch (action.type) {
    case 'reset':
      return null;
    case 'snapshot': {
      const s = action.snapshot;
      const serverMs = Date.parse(s.serverTime);
      return {
        event: s.event,
        me: s.me,
        presence: s.presence ? { online: dedupe(s.presence.online), counts: s.presence.counts } : null,
        clockOffsetMs: Number.isFinite(serverMs) ? serverMs - action.receivedAt : 0,
        polls: pollsFromSnapshot(s),
        qa: qaFromSnapshot(s),
        stage: stageFromSnapshot(s),
        engagement: engagementFromSnapshot(s),
        survey: surveyFromSnapshot(s),
        quizzes: quizzesFromSnapshot(s),
        quizPlay: quizPlayFromSnapshot(s),
        breakouts: breakoutsFromSnapshot(s, state?.breakouts),
      };
    }
    case 'presence': {
      if (!state) return state;
      // [PRES4] A coalesced batch: each participant's latest state, applied in order.
      const { changes, counts } = action.change;
      let me = state.me;
      for (const { participant } of changes) if (participant.id === me.id) me = participant;
      if (!state.presence) return { ...state, me };
      return { ...state, me, presence: { online: applyPresence(state.presence.online, changes), counts: normalizeCounts(counts) } };
    }
    case 'participant': {
      if (!state) return state;
      const p = action.participant;
      const me = p.id === state.me.id ? p : state.me;
      const presence =
        state.presence && state.presence.online.some((x) => x.id === p.id)
          ? { ...state.presence, online: upsert(state.presence.online, p) }
          : state.presence;
      return { ...state, me, presence };
    }
    case 'event':
      return state ? { ...state, event: action.event } : state;
    case 'poll': {
      if (!state) return state;
      const polls = reducePolls(state.polls, action.event);
      return polls === state.polls ? state : { ...state, polls };
    }
    case 'qa': {
      if (!state) return state;
      const qa = reduceQa(state.qa, action.event);
      return qa === state.qa ? state : { ...state, qa };
    }
    case 'stage': {
      if (!state) return state;
      const stage = reduceStage(state.stage, action.event, state.me.id);
      return stage === state.stage ? state : { ...state, stage };
    }
    case 'engagement': {
      if (!state) return state;
      const engagement = reduceEngagement(state.engagement, action.event);
      return engagement === state.engagement ? state : { ...state, engagement };
    }
    case 'survey': {
      if (!state) return state;
      const survey = reduceSurvey(state.survey, action.event);
      return survey === state.survey ? state : { ...state, survey };
    }
    case 'quiz': {
      if (!state) return state;
      const quizzes = reduceQuizzes(state.quizzes, action.event);
      return quizzes === state.quizzes ? state : { ...state, quizzes };
    }
    case 'quizPlay': {
      if (!state) return state;
      const quizPlay = reduceQuizPlay(state.quizPlay, action.event);
      return quizPlay === state.quizPlay ? state : { ...state, quizPlay };
    }
    case 'breakout': {
      if (!state) return state;
      const breakouts = reduceBreakouts(state.breakouts, action.event);
      return breakouts === state.breakouts ? state : { ...state, breakouts };
    }
  }
}

function dedupe(list: Participant[]): Participant[] {
  const seen = new Map<string, Participant>();
  for (const p of list) seen.set(p.id, p);
  return [...seen.values()];
}

function normalizeCounts(c: CohortCounts): CohortCounts {
  return { room: Math.max(0, c.room), remote: Math.max(0, c.remote) };
}
