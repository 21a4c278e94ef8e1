import { nextParityAlert, type ParityAlert, type Role } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { EngagementPublisher } from '../domain/engagement/configure.js';
import { judgeParity } from '../domain/engagement/dashboard.js';
import { buildLeaderboard, saveLeaderboard } from '../domain/engagement/leaderboard.js';
import { liveView, type EngagementStoreDeps, type SurveyCache } from '../domain/engagement/live.js';
import type { EngagementPort } from '../domain/engagement/record.js';
import type { LogFollower } from '../domain/engagement/follower.js';
import { flipParityAlert, lastAlert } from '../domain/engagement/settings.js';
import { MODERATOR_ROLES } from '../domain/ports.js';
import type { Log } from '../log.js';
import { factEmitter, rooms, type RallyServer } from './publisher.js';
import { forEachLocalEvent, localEvents, startLoop } from './ticker.js';

export interface EngagementTicker {
  /** One pass now (tests); the timer calls it every intervalMs. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface EngagementTickerDeps {
  store: EngagementStoreDeps;
  clock: Clock;
  log: Log;
  follower: LogFollower;
  engagement: EngagementPort;
  publish: EngagementPublisher;
}

export interface EngagementTickerOptions {
  /** [ENG6] The dashboard refresh. */
  intervalMs?: number;
  /** [ENG11] The leaderboard is recomputed at most this often per event per node. */
  leaderboardEveryMs?: number;
  /** [ENG9] No flip of the parity alert sooner than this after the previous one. */
  parityDwellMs?: number;
  /** Bench stamps on facts (config.benchStamps, see factEmitter). */
  stamps?: boolean;
}

/** Pages of the log a node folds per event per tick: a late joiner of a huge event catches up over a few ticks. */
const PAGES_PER_TICK = 20;

/**
 * [ENG6] [ENG9] [ENG11] Per node, every second, for each event with sockets on this node: tail the
 * log from where this node's fold stands (so it sees every node's entries), then
 *  - send the dashboard to this node's moderators and organisers when it changed (io.local: every
 *    node serves its own sockets, so each moderator gets one copy);
 *  - judge parity and, when it crosses the threshold (with hysteresis and a dwell time), flip the
 *    shared alert with a compare-and-set: of all nodes, the one that flips it publishes the fact
 *    (to every node's moderators) and fires the webhook;
 *  - when the leaderboard is on and it changed, store it (snapshots read it from there) and send it
 *    to this node's sockets of the event.
 */
export function startEngagementTicker(io: RallyServer, deps: EngagementTickerDeps, opts: EngagementTickerOptions = {}): EngagementTicker {
  const intervalMs = opts.intervalMs ?? 1000;
  const leaderboardEveryMs = opts.leaderboardEveryMs ?? 5000;
  const dwellMs = opts.parityDwellMs ?? 10_000;
  // Per node caches of what this node last sent; losing them costs one extra message.
  const sentDashboard = new Map<string, string>();
  const sentLeaderboard = new Map<string, { at: number; json: string }>();
  const surveyCache: SurveyCache = new Map();

  const localRoomSize = (room: string) => io.of('/').adapter.rooms.get(room)?.size ?? 0;
  const emitFact = factEmitter(opts.stamps ?? false);
  const emitLocal = (targets: string[], fact: string, payload: unknown) => emitFact(io.local.to(targets), fact, payload);

  const judge = async (eventId: string, view: Awaited<ReturnType<typeof liveView>>) => {
    const { threshold, alerting } = { threshold: view.config.settings.parityThreshold, alerting: view.config.alerting };
    // Judged as of the dashboard's moment, so the alert and the figure moderators see agree.
    const j = judgeParity(view.state, view.liveSessionId, Date.parse(view.dashboard.at));
    const next = nextParityAlert(alerting, j.parity, threshold, j.judgeable);
    if (next === alerting) return;
    const previous = lastAlert(view.config.alertField);
    const now = deps.clock.now();
    if (previous && now - Date.parse(previous.at) < dwellMs) return;
    const alert: ParityAlert = { alerting: next, scope: j.scope, sessionId: j.sessionId, parity: j.parity, threshold, at: new Date(now).toISOString() };
    if (!(await flipParityAlert(deps.store, eventId, view.config.alertField, alert))) return;
    deps.publish.toRoles(eventId, MODERATOR_ROLES, 'engagement:parityAlerted', alert);
    deps.engagement.moment(eventId, next ? 'engagement.parity_alert' : 'engagement.parity_recovered', alert);
  };

  const leaderboard = async (eventId: string, view: Awaited<ReturnType<typeof liveView>>) => {
    const mode = view.config.settings.leaderboard;
    const last = sentLeaderboard.get(eventId);
    const now = deps.clock.now();
    if (mode === 'off') {
      sentLeaderboard.delete(eventId);
      return;
    }
    if (last && now - last.at < leaderboardEveryMs) return;
    const participants = mode === 'all' ? await deps.store.listParticipants(eventId) : [];
    const ranked = buildLeaderboard(view.state, view.config, participants, mode);
    const json = JSON.stringify(ranked.board);
    if (last?.json !== json) {
      // [ENG21] Stored for snapshots first, only while still on: a board computed as the organiser
      // turned it off is neither kept nor sent (their 'off' would otherwise be overtaken).
      if (!(await saveLeaderboard(deps.store, eventId, ranked))) return;
      emitLocal([rooms.event(eventId)], 'engagement:leaderboardUpdated', ranked.board);
    }
    sentLeaderboard.set(eventId, { at: now, json });
  };

  const tickEvent = async (eventId: string) => {
    const staff = MODERATOR_ROLES.map((r: Role) => rooms.role(eventId, r));
    const watched = staff.some((r) => localRoomSize(r) > 0);
    const view = await liveView({ store: deps.store, clock: deps.clock, follower: deps.follower }, eventId, { maxPages: PAGES_PER_TICK, surveyCache, forDisplay: watched });
    await judge(eventId, view);
    if (watched) {
      // Compared without its timestamp: an unchanged dashboard is not sent again.
      const json = JSON.stringify({ ...view.dashboard, at: null });
      if (sentDashboard.get(eventId) !== json) {
        emitLocal(staff, 'engagement:dashboardUpdated', view.dashboard);
        sentDashboard.set(eventId, json);
      }
    } else sentDashboard.delete(eventId);
    await leaderboard(eventId, view);
  };

  const tick = async () => {
    const events = localEvents(io);
    for (const map of [sentDashboard, sentLeaderboard, surveyCache]) for (const id of map.keys()) if (!events.has(id)) map.delete(id);
    // States of events nobody here watches any more are dropped after a minute.
    deps.follower.evictIdle(60_000);
    await forEachLocalEvent(events, tickEvent, (err, eventId) => deps.log.warn({ err, eventId }, 'engagement tick failed'));
  };

  return { tick, ...startLoop(intervalMs, tick) };
}
