import {
  type EngagementDashboard,
  type EngagementSnapshot,
  type ScopeFigures,
  type SurveyResults,
  type TeamScore,
} from '@rally/shared';
import type { Clock } from '../../clock.js';
import type { EngagementStore } from '../../store/engagement-store.js';
import type { Store } from '../../store/store.js';
import type { SurveyStore } from '../../store/survey-store.js';
import { buildDashboard } from './dashboard.js';
import { scopeFigures, type FoldState } from './fold.js';
import type { LogFollower } from './follower.js';
import { lastAlert, loadConfig, type EngagementConfig } from './settings.js';
import { loadSurveyResults } from './survey.js';
import { teamScores } from './views.js';

export type EngagementStoreDeps = EngagementStore & SurveyStore & Pick<Store, 'getEvent' | 'listParticipants' | 'presenceTeamCounts'>;

export interface LiveDeps {
  store: EngagementStoreDeps;
  clock: Clock;
  follower: LogFollower;
}

export interface LiveView {
  state: FoldState;
  config: EngagementConfig;
  liveSessionId: string | null;
  dashboard: EngagementDashboard;
}

/** Reuses survey results while the survey's version is unchanged (one cache per caller). */
export type SurveyCache = Map<string, { version: number; results: SurveyResults | null }>;

async function surveyOf(store: SurveyStore, eventId: string, cache?: SurveyCache): Promise<SurveyResults | null> {
  if (!cache) return loadSurveyResults(store, eventId);
  const version = await store.surveyVersion(eventId);
  const hit = cache.get(eventId);
  if (hit && hit.version === version) return hit.results;
  const results = await loadSurveyResults(store, eventId);
  cache.set(eventId, { version, results });
  return results;
}

/** [ENG6] The dashboard as of now: the log followed to its end, presence, settings, survey. */
export async function liveView(deps: LiveDeps, eventId: string, opts: { maxPages?: number; surveyCache?: SurveyCache; forDisplay?: boolean } = {}): Promise<LiveView> {
  // Presence and survey reads are only worth it when someone will see the dashboard.
  const display = opts.forDisplay ?? true;
  const [state, config, event, presence, survey] = await Promise.all([
    deps.follower.stateOf(eventId, { maxPages: opts.maxPages }),
    loadConfig(deps.store, eventId),
    deps.store.getEvent(eventId),
    // [ENG6] Attendees online now by team and cohort, the same presence as the panel's, kept by
    // the store ([STORE37]): this runs every second per watched event, so it reads counts, never
    // participant records.
    display ? deps.store.presenceTeamCounts(eventId) : [],
    display ? surveyOf(deps.store, eventId, opts.surveyCache) : null,
  ]);
  const liveSessionId = event?.liveSessionId ?? null;
  const dashboard = buildDashboard(state, {
    eventId,
    asOfMs: deps.clock.now(),
    settings: config.settings,
    online: presence,
    liveSessionId,
    alerting: config.alerting,
    survey,
  });
  return { state, config, liveSessionId, dashboard };
}

/** [ENG6] The engagement part of a moderator's or organiser's snapshot. */
export async function engagementForSnapshot(deps: LiveDeps, eventId: string): Promise<EngagementSnapshot> {
  const view = await liveView(deps, eventId);
  return { settings: view.config.settings, dashboard: view.dashboard, parityAlert: lastAlert(view.config.alertField) };
}

export interface EngagementSummary {
  eventId: string;
  at: string;
  cursor: string | null;
  entries: number;
  event: ScopeFigures;
  /** Every session of the agenda, in agenda order, with its figures (zeros when nobody was logged in it). */
  sessions: { sessionId: string; title: string; figures: ScopeFigures }[];
  teams: TeamScore[];
  survey: SurveyResults | null;
  settings: EngagementDashboard['parity'] & { weights: Record<string, number> };
}

/** [ENG14] What a CRM or LMS pipeline pulls: the whole event, every session, teams and the survey. */
export async function engagementSummary(deps: LiveDeps, eventId: string): Promise<EngagementSummary> {
  const [view, event] = await Promise.all([liveView(deps, eventId), deps.store.getEvent(eventId)]);
  // Every scope as of the same moment as the dashboard's figures ([ENG22]).
  const asOfMs = Date.parse(view.dashboard.at);
  return {
    eventId,
    at: view.dashboard.at,
    cursor: view.state.cursor,
    entries: view.state.entries,
    event: scopeFigures(view.state.event, asOfMs),
    sessions: (event?.agenda ?? []).map((s) => ({ sessionId: s.id, title: s.title, figures: scopeFigures(view.state.sessions.get(s.id), asOfMs) })),
    teams: view.dashboard.teams,
    survey: view.dashboard.survey,
    settings: { ...view.dashboard.parity, weights: view.config.settings.weights },
  };
}

