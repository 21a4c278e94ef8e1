import type { CommandName, CommandResults, EngagementDashboard, EngagementSettings, Leaderboard, ParityAlert, Snapshot } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * The engagement part of the client state ([ENG6]): moderators and organisers get the settings,
 * the live dashboard and the last parity alert in their snapshot, then deltas; everyone gets the
 * leaderboard while it is on ([ENG11]). Attendees' state keeps `settings` null.
 */
export interface EngagementState {
  settings: EngagementSettings | null;
  dashboard: EngagementDashboard | null;
  parityAlert: ParityAlert | null;
  /** [ENG11] Everyone: the board while it is on (from the snapshot, then its facts); null when off. */
  leaderboard: Leaderboard | null;
}

export type EngagementEvent =
  | { name: 'engagement:dashboardUpdated'; payload: EngagementDashboard }
  | { name: 'engagement:parityAlerted'; payload: ParityAlert }
  | { name: 'engagement:settingsChanged'; payload: EngagementSettings }
  | { name: 'engagement:leaderboardUpdated'; payload: Leaderboard };

export const EMPTY_ENGAGEMENT: EngagementState = { settings: null, dashboard: null, parityAlert: null, leaderboard: null };

/** [PROTO5] Everything from the snapshot, nothing kept from before it: a board the snapshot lacks is off. */
export function engagementFromSnapshot(s: Snapshot): EngagementState {
  const e = s.engagement;
  const leaderboard = onBoard(s.leaderboard ?? null);
  if (!e) return { ...EMPTY_ENGAGEMENT, leaderboard };
  return { settings: e.settings, dashboard: e.dashboard, parityAlert: e.parityAlert, leaderboard };
}

/** [ENG21] A board in mode 'off' means: hide it. */
const onBoard = (b: Leaderboard | null): Leaderboard | null => (b && b.mode !== 'off' ? b : null);

/** An older copy (a late packet, a snapshot answered before the last tick) never replaces a newer one. */
const older = (next: { at: string }, current: { at: string } | null) => current !== null && Date.parse(next.at) < Date.parse(current.at);

export function reduceEngagement(s: EngagementState, e: EngagementEvent): EngagementState {
  switch (e.name) {
    case 'engagement:dashboardUpdated': {
      if (older(e.payload, s.dashboard)) return s;
      // The dashboard carries the shared alert state too; an alert fact newer than it still wins in parityAlerting().
      return { ...s, dashboard: e.payload };
    }
    case 'engagement:parityAlerted':
      return older(e.payload, s.parityAlert) ? s : { ...s, parityAlert: e.payload };
    case 'engagement:settingsChanged':
      return { ...s, settings: e.payload };
    case 'engagement:leaderboardUpdated':
      return { ...s, leaderboard: onBoard(e.payload) };
  }
}

/**
 * [ENG9] Is the parity alert raised now? The alert fact flips at once on every node; the
 * dashboard's copy follows on the next tick. Whichever of the two is newer decides.
 */
export function parityAlerting(s: EngagementState): boolean {
  const d = s.dashboard;
  const a = s.parityAlert;
  if (!d) return a?.alerting ?? false;
  if (!a) return d.parity.alerting;
  return Date.parse(a.at) > Date.parse(d.at) ? a.alerting : d.parity.alerting;
}

const ENGAGEMENT_FACTS = ['engagement:dashboardUpdated', 'engagement:parityAlerted', 'engagement:settingsChanged', 'engagement:leaderboardUpdated'] as const;

/** Subscribes to every engagement fact; each one becomes an EngagementEvent. */
export function listenEngagementFacts(socket: RallySocket, onEvent: (e: EngagementEvent) => void): void {
  const on = socket.on.bind(socket) as unknown as (name: string, fn: (payload: unknown) => void) => void;
  for (const name of ENGAGEMENT_FACTS) on(name, (payload) => onEvent({ name, payload } as EngagementEvent));
}

/** What a successful ack of our own engagement command tells the state at once. */
export function engagementEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): EngagementEvent | null {
  if (name === 'engagement:configure') return { name: 'engagement:settingsChanged', payload: data as EngagementSettings };
  return null;
}
