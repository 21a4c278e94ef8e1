import { ENGAGEMENT_LIMITS, type EngagementDashboard, type EngagementSettings, type ScopeFigures, type SurveyResults } from '@rally/shared';
import type { TeamCohortCounts } from '../../store/store.js';
import { scopeFigures, type FoldState } from './fold.js';
import { lastMinute, teamScores, timeline } from './views.js';

export interface ParityJudgement {
  scope: 'session' | 'event';
  sessionId: string | null;
  figures: ScopeFigures;
  parity: number | null;
  /** [ENG9] Both cohorts have enough (time-weighted) attendees present in scope for parity to mean something. */
  judgeable: boolean;
}

/**
 * [ENG9] Parity is judged on the live session when there is one, else on the whole event, as of
 * asOfMs. [ENG22] Presence is time-weighted, also for the minimum: someone remote for a minute
 * before entering the room code does not make the remote cohort judgeable.
 */
export function judgeParity(state: FoldState, liveSessionId: string | null, asOfMs: number): ParityJudgement {
  const figures = liveSessionId !== null ? scopeFigures(state.sessions.get(liveSessionId), asOfMs) : scopeFigures(state.event, asOfMs);
  const min = ENGAGEMENT_LIMITS.parityMinPresent;
  const present = figures.weighted.present;
  return {
    scope: liveSessionId !== null ? 'session' : 'event',
    sessionId: liveSessionId,
    figures,
    parity: figures.parity,
    judgeable: present.room >= min && present.remote >= min,
  };
}

export interface DashboardInputs {
  eventId: string;
  asOfMs: number;
  settings: EngagementSettings;
  /** Attendees online now per team and cohort (live presence, [STORE37]). */
  online: readonly TeamCohortCounts[];
  liveSessionId: string | null;
  /** The shared alert state. */
  alerting: boolean;
  survey: SurveyResults | null;
}

/** [ENG6] The dashboard: the log's figures, plus live presence and the survey's results. */
export function buildDashboard(state: FoldState, input: DashboardInputs): EngagementDashboard {
  const judged = judgeParity(state, input.liveSessionId, input.asOfMs);
  const byTeam = new Map<string | null, { room: number; remote: number }>();
  const online = { room: 0, remote: 0 };
  for (const c of input.online) {
    if (c.room === 0 && c.remote === 0) continue;
    online.room += c.room;
    online.remote += c.remote;
    const t = byTeam.get(c.team) ?? { room: 0, remote: 0 };
    t.room += c.room;
    t.remote += c.remote;
    byTeam.set(c.team, t);
  }
  return {
    eventId: input.eventId,
    at: new Date(input.asOfMs).toISOString(),
    cursor: state.cursor,
    entries: state.entries,
    online: {
      ...online,
      byTeam: [...byTeam].map(([team, c]) => ({ team, ...c })).sort((a, b) => (a.team ?? '\uffff').localeCompare(b.team ?? '\uffff')),
    },
    event: judged.scope === 'event' ? judged.figures : scopeFigures(state.event, input.asOfMs),
    session: input.liveSessionId !== null ? { sessionId: input.liveSessionId, figures: judged.figures } : null,
    parity: { scope: judged.scope, value: judged.parity, threshold: input.settings.parityThreshold, alerting: input.alerting },
    timeline: timeline(state, input.asOfMs),
    lastMinute: lastMinute(state, input.asOfMs),
    teams: teamScores(state, input.settings.weights),
    survey: input.survey,
  };
}
