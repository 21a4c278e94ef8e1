import { z } from 'zod';
import { CommandId, Id, Mode } from './model.js';
import { SurveyResults } from './survey.js';

/*
 * Engagement: the log of every attendee interaction, the live dashboard folded from it, scores,
 * parity and the settings that drive them. Rules cited as [ENGn] are in docs/SPEC.md
 * ("Engagement"). Surveys are in ./survey.ts.
 */

/**
 * [ENG2] Every kind of log entry, in display order. Adding a kind (quiz answers, breakout rooms)
 * is one line here: the dashboard's activities, the scores, the exports' columns and the
 * settings' weights are all derived from this table.
 *
 * - `participation`: doing it counts as interacting (participation rates, parity).
 * - `once`: 'ref' counts one per participant per `ref` (upvoting a question again after taking
 *   the upvote back), 'session' one per participant per session (re-entering after a reload);
 *   'each' counts every entry.
 * - `column`: the per-participant export's column for the count (null: not exported as a count).
 */
export const ENGAGEMENT_KINDS = {
  joined: { label: 'Joined', defaultWeight: 0, participation: false, once: 'each', column: null },
  left: { label: 'Left', defaultWeight: 0, participation: false, once: 'each', column: null },
  sessionEntered: { label: 'Sessions attended', defaultWeight: 1, participation: false, once: 'session', column: 'sessions_attended' },
  sessionLeft: { label: 'Left a session', defaultWeight: 0, participation: false, once: 'each', column: null },
  modeChanged: { label: 'Mode switches', defaultWeight: 0, participation: false, once: 'each', column: null },
  voted: { label: 'Poll votes', defaultWeight: 3, participation: true, once: 'each', column: 'votes' },
  asked: { label: 'Questions', defaultWeight: 5, participation: true, once: 'each', column: 'questions' },
  upvoted: { label: 'Upvotes', defaultWeight: 1, participation: true, once: 'ref', column: 'upvotes' },
  reacted: { label: 'Reactions', defaultWeight: 1, participation: true, once: 'each', column: 'reactions' },
  chatted: { label: 'Chat messages', defaultWeight: 2, participation: true, once: 'each', column: 'chat_messages' },
  surveyAnswered: { label: 'Survey answers', defaultWeight: 5, participation: true, once: 'each', column: 'survey_submitted' },
  /** [QUIZ36] An answer given to a live quiz question (one per question: the store keeps the first). */
  quizAnswered: { label: 'Quiz answers', defaultWeight: 2, participation: true, once: 'each', column: 'quiz_answers' },
  /** [BRK43] Joined a breakout room's video call (LiveKit's webhook); once per round (`ref`: the round id). */
  breakoutJoined: { label: 'Breakout rooms joined', defaultWeight: 3, participation: true, once: 'ref', column: 'breakouts_joined' },
  /** [BRK43] Left a breakout room's video call. */
  breakoutLeft: { label: 'Left a breakout call', defaultWeight: 0, participation: false, once: 'each', column: null },
  /** [BRK52] Gave a rubric scorecard in a structured round. */
  scorecardGiven: { label: 'Scorecards given', defaultWeight: 3, participation: true, once: 'each', column: 'scorecards_given' },
} as const satisfies Record<string, { label: string; defaultWeight: number; participation: boolean; once: 'each' | 'ref' | 'session'; column: string | null }>;

export type EngagementKind = keyof typeof ENGAGEMENT_KINDS;
export const ENGAGEMENT_KIND_NAMES = Object.keys(ENGAGEMENT_KINDS) as EngagementKind[];
export const EngagementKind = z.enum(ENGAGEMENT_KIND_NAMES as [EngagementKind, ...EngagementKind[]]);
/** Kinds that count as interacting, in display order. */
export const PARTICIPATION_KINDS = ENGAGEMENT_KIND_NAMES.filter((k) => ENGAGEMENT_KINDS[k].participation);

/** [ENG5] Weights are whole points, 0–100, per kind. */
export const Weight = z.number().int().min(0).max(100);
export type EngagementWeights = Record<EngagementKind, number>;
export const DEFAULT_WEIGHTS = Object.fromEntries(ENGAGEMENT_KIND_NAMES.map((k) => [k, ENGAGEMENT_KINDS[k].defaultWeight])) as EngagementWeights;

/**
 * [ENG1] One recorded interaction. `cursor` is the log's own position (opaque: a number in
 * embedded mode, a stream id in cluster mode) and orders entries for readers. `participantId` is
 * null for an anonymous question ([ENG19]); `ref` names what the interaction was about (a poll
 * id, a question id, an emoji, a chat message id, a session id) and is absent when that would tie
 * a person to an anonymous poll. [ENG24] A `modeChanged` entry's `mode` is the cohort switched to
 * and its `ref` the cohort switched from (`room` or `remote`).
 */
export const EngagementEntry = z.object({
  cursor: z.string(),
  eventId: Id,
  participantId: Id.nullable(),
  /** The participant's cohort at that moment (for `modeChanged`, the cohort switched to). */
  mode: Mode,
  team: z.string().nullable(),
  /** The live agenda session at that moment (the one entered or left, for session entries). */
  sessionId: Id.nullable(),
  kind: EngagementKind,
  at: z.iso.datetime(),
  ref: z.string().optional(),
  /** The breakout room the participant was in, when the interaction came from one. */
  breakoutRoomId: Id.optional(),
});
export type EngagementEntry = z.infer<typeof EngagementEntry>;
/** An entry before the log gives it its cursor. */
export type NewEngagementEntry = Omit<EngagementEntry, 'cursor'>;

export const LeaderboardMode = z.enum(['off', 'teams', 'all']);
export type LeaderboardMode = z.infer<typeof LeaderboardMode>;

export const ENGAGEMENT_LIMITS = {
  /** [ENG9] Parity is only judged once both cohorts have this many attendees present in scope. */
  parityMinPresent: 3,
  /** [ENG9] An alert clears only once parity is back this far above the threshold. */
  parityHysteresis: 0.05,
  /** [ENG6] Minutes of per-minute activity the dashboard carries. */
  timelineMinutes: 15,
  /** [ENG11] Entries of the top list of the leaderboard. */
  leaderboardSize: 10,
  /** [ENG14] Entries per page of the log API. */
  maxPage: 1000,
} as const;

/** [ENG5] [ENG9] What organisers tune per event; every event starts from the defaults. */
export const EngagementSettings = z.object({
  weights: z.record(EngagementKind, Weight),
  /** [ENG9] Alert when remote participation / room participation falls below this (0.8: 80 %). */
  parityThreshold: z.number().min(0).max(2),
  /** [ENG11] Who the engagement leaderboard shows to everyone: nobody, teams, or teams and people. */
  leaderboard: LeaderboardMode,
  /** An outbound webhook is set (its URL and secret are only ever shown to the organiser's token). */
  webhookConfigured: z.boolean(),
});
export type EngagementSettings = z.infer<typeof EngagementSettings>;

export const DEFAULT_ENGAGEMENT_SETTINGS: EngagementSettings = { weights: DEFAULT_WEIGHTS, parityThreshold: 0.8, leaderboard: 'off', webhookConfigured: false };

/** A change to the settings: only the fields present, weights merged per kind. */
export const EngagementSettingsPatch = z.strictObject({
  weights: z.partialRecord(EngagementKind, Weight).optional(),
  parityThreshold: z.number().min(0).max(2).optional(),
  leaderboard: LeaderboardMode.optional(),
});
export type EngagementSettingsPatch = z.infer<typeof EngagementSettingsPatch>;

const Cohorts = z.object({ room: z.number().int().min(0), remote: z.number().int().min(0) });
export type CohortNumbers = z.infer<typeof Cohorts>;
/** [ENG22] Person-equivalents: each attendee counts 1 in all, split between cohorts by their time in each. */
const WeightedCohorts = z.object({ room: z.number().min(0), remote: z.number().min(0) });
export type WeightedCohortNumbers = z.infer<typeof WeightedCohorts>;
const Rates = z.object({ room: z.number().min(0).max(1), remote: z.number().min(0).max(1), all: z.number().min(0).max(1) });
export type ParticipationRates = z.infer<typeof Rates>;

/** [ENG7] One activity (a participation kind) in one scope. */
export const ActivityFigures = z.object({
  kind: EngagementKind,
  label: z.string(),
  /** Interactions per cohort. */
  count: Cohorts,
  /** Distinct attendees who did it, per cohort. */
  participants: Cohorts,
  /** room and remote time-weighted as participation is ([ENG23]); all: distinct people. */
  rate: Rates,
});
export type ActivityFigures = z.infer<typeof ActivityFigures>;

/** [ENG7] Figures of one scope (the whole event, or one session), all folded from the log. */
export const ScopeFigures = z.object({
  /** Distinct attendees with any entry in the scope, per cohort (someone who switched cohort counts in both). */
  present: Cohorts,
  /** Distinct attendees with a participation entry in the scope, per cohort they acted in. */
  interacted: Cohorts,
  /**
   * [ENG22] [ENG23] The time-weighted figures the per-cohort rates and parity are computed from,
   * 2 decimals: `present` splits each attendee between the cohorts by their time in each (someone
   * remote for 1 minute and in the room for 59 counts 0.02 remote and 0.98 room); `interacted`
   * is the part of that presence in a cohort where they took part.
   */
  weighted: z.object({ present: WeightedCohorts, interacted: WeightedCohorts }),
  /** room and remote: weighted interacted / weighted present; all: distinct people, each once. */
  participation: Rates,
  /** [ENG8] remote rate / room rate; null until both cohorts have someone present and the room rate is above 0. */
  parity: z.number().min(0).nullable(),
  activities: z.array(ActivityFigures),
  /** [ENG10] Questions by where they came from; anonymous questions included. */
  questionsByOrigin: z.object({ room: z.number().int(), remote: z.number().int(), breakout: z.number().int() }),
});
export type ScopeFigures = z.infer<typeof ScopeFigures>;

/** [ENG6] Interactions per kind in one minute (UTC), per cohort. Absent kinds: none. */
export const MinuteFigures = z.object({ minute: z.iso.datetime(), counts: z.partialRecord(EngagementKind, Cohorts) });
export type MinuteFigures = z.infer<typeof MinuteFigures>;

export const TeamScore = z.object({
  team: z.string(),
  /** Distinct attendees with entries in this team. */
  members: z.number().int(),
  total: z.number().int(),
  /** [ENG12] total / members, 2 decimals: per capita, so team sizes do not decide. */
  average: z.number(),
});
export type TeamScore = z.infer<typeof TeamScore>;

export const ParityState = z.object({
  /** The scope parity is judged on: the live session when there is one, else the whole event. */
  scope: z.enum(['session', 'event']),
  value: z.number().nullable(),
  threshold: z.number(),
  /** [ENG9] The alert as shared by every node. */
  alerting: z.boolean(),
});
export type ParityState = z.infer<typeof ParityState>;

/** [ENG6] The moderators' live dashboard. */
export const EngagementDashboard = z.object({
  eventId: Id,
  /** When it was computed (the "now" of per-minute figures). */
  at: z.iso.datetime(),
  /** The last log entry folded in, and how many entries that makes. */
  cursor: z.string().nullable(),
  entries: z.number().int(),
  /** [ENG6] Attendees online now, from live presence (not the log). */
  online: z.object({ room: z.number().int(), remote: z.number().int(), byTeam: z.array(z.object({ team: z.string().nullable(), room: z.number().int(), remote: z.number().int() })) }),
  event: ScopeFigures,
  /** The live session's figures, since the log first saw it. */
  session: z.object({ sessionId: Id, figures: ScopeFigures }).nullable(),
  parity: ParityState,
  /** [ENG6] The last ENGAGEMENT_LIMITS.timelineMinutes minutes, oldest first, the current (partial) one last. */
  timeline: z.array(MinuteFigures),
  /** [ENG6] Interactions in the last complete minute, per participation kind (reactions per minute, chat activity). */
  lastMinute: z.partialRecord(EngagementKind, Cohorts),
  /** [ENG12] Every team with entries, best average first. */
  teams: z.array(TeamScore),
  /** [ENG16] The survey's results; null without a survey. */
  survey: SurveyResults.nullable(),
});
export type EngagementDashboard = z.infer<typeof EngagementDashboard>;

/** [ENG9] Moderators: the parity alert was raised (or cleared). */
export const ParityAlert = z.object({
  alerting: z.boolean(),
  scope: z.enum(['session', 'event']),
  sessionId: Id.nullable(),
  parity: z.number().nullable(),
  threshold: z.number(),
  at: z.iso.datetime(),
});
export type ParityAlert = z.infer<typeof ParityAlert>;

/** [ENG11] What everyone sees when the organiser turns the leaderboard on. */
export const Leaderboard = z.object({
  mode: LeaderboardMode,
  teams: z.array(TeamScore.extend({ rank: z.number().int() })),
  /** Empty unless mode is 'all'. */
  participants: z.array(z.object({ rank: z.number().int(), name: z.string(), team: z.string().nullable(), score: z.number().int() })),
});
export type Leaderboard = z.infer<typeof Leaderboard>;

/** [ENG14] A page of the log API. */
export const EngagementPage = z.object({
  entries: z.array(EngagementEntry),
  /** Pass as `after` to read on; the same cursor again when nothing new was written yet. */
  nextCursor: z.string().nullable(),
  /** More entries were already written after this page. */
  hasMore: z.boolean(),
});
export type EngagementPage = z.infer<typeof EngagementPage>;

/** Commands, merged into commandSchemas. */
export const engagementCommandSchemas = {
  /** [ENG5] [ENG9] [ENG11] Moderators and organisers tune weights, the parity threshold and the leaderboard. */
  'engagement:configure': z.strictObject({ id: CommandId, settings: EngagementSettingsPatch }),
} as const;

export interface EngagementCommandResults {
  'engagement:configure': EngagementSettings;
}

/** Facts, merged into factSchemas. */
export const engagementFactSchemas = {
  /** [ENG6] Moderators and organisers on each node, every second while it changes. */
  'engagement:dashboardUpdated': EngagementDashboard,
  /** [ENG9] Moderators and organisers: parity fell below the threshold, or recovered. */
  'engagement:parityAlerted': ParityAlert,
  /** [ENG5] Moderators and organisers: the settings changed. */
  'engagement:settingsChanged': EngagementSettings,
  /** [ENG11] Everyone, while the leaderboard is on: it changed (at most every 5 s per node). [ENG21] Mode 'off' (empty lists): it was turned off, hide it. */
  'engagement:leaderboardUpdated': Leaderboard,
} as const;

/** [ENG6] The engagement part of a moderator's or organiser's snapshot. */
export const EngagementSnapshot = z.object({
  settings: EngagementSettings,
  dashboard: EngagementDashboard.nullable(),
  parityAlert: ParityAlert.nullable(),
});
export type EngagementSnapshot = z.infer<typeof EngagementSnapshot>;

// Pure rules shared with the client.

/** [ENG7] Interacted over present, 0 when nobody is present (never above 1 by construction). */
export const rate = (interacted: number, present: number): number => (present <= 0 ? 0 : Math.min(1, interacted / present));

/**
 * [ENG8] remote rate / room rate; null when a cohort has nobody present or the room rate is 0.
 * `present` is the time-weighted presence ([ENG22]).
 */
export function parityOf(f: { present: { room: number; remote: number }; participation: { room: number; remote: number } }): number | null {
  if (f.present.room === 0 || f.present.remote === 0 || f.participation.room === 0) return null;
  return Math.round((f.participation.remote / f.participation.room) * 1000) / 1000;
}

/** [ENG5] Score = Σ weight(kind) × count(kind). */
export function engagementScore(counts: Partial<Record<EngagementKind, number>>, weights: EngagementWeights): number {
  let score = 0;
  for (const k of ENGAGEMENT_KIND_NAMES) score += (counts[k] ?? 0) * (weights[k] ?? 0);
  return score;
}

/**
 * [ENG9] The alert with hysteresis: it is raised when parity falls below the threshold (both
 * cohorts present enough to judge), and cleared only once parity is back at threshold +
 * ENGAGEMENT_LIMITS.parityHysteresis, so a value hovering at the threshold does not flap.
 * Unjudgeable parity (null) keeps the current state.
 */
export function nextParityAlert(alerting: boolean, parity: number | null, threshold: number, judgeable: boolean): boolean {
  if (parity === null || !judgeable) return alerting;
  if (!alerting) return parity < threshold;
  return parity < threshold + ENGAGEMENT_LIMITS.parityHysteresis;
}
