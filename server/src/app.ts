import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { Server } from 'socket.io';
import type { RedisClientType } from 'redis';
import type { Participant } from '@rally/shared';
import type { TokenService } from './auth/tokens.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { errorHandler, sendError } from './http/errors.js';
import { durableResponses } from './http/durable-responses.js';
import { requestDeadline } from './http/request-deadline.js';
import { eventsRouter } from './http/events-routes.js';
import { archivedGuard, retentionRouter } from './http/retention-routes.js';
import { startRetention } from './domain/retention.js';
import { healthRouter } from './http/health-routes.js';
import { apiDocsRouter } from './http/api-docs.js';
import { pollsRouter } from './http/polls-routes.js';
import { qaRouter } from './http/qa-routes.js';
import { QUIZ_BODY_PATH, quizRouter } from './http/quiz-routes.js';
import { ROSTER_BODY_PATH, rosterRouter } from './http/roster-routes.js';
import { breakoutScorecardRouter } from './http/breakout-scorecard-routes.js';
import { BREAKOUT_ROUND_BODY_PATH, breakoutRoundRouter } from './http/breakout-round-routes.js';
import { stageRouter } from './http/stage-routes.js';
import { LIVEKIT_WEBHOOK_PATH, livekitWebhookRouter } from './http/livekit-webhook-routes.js';
import { onVideoPresence } from './domain/breakout/video.js';
import { publishOccupancy } from './domain/breakout/notify.js';
import type { PlaceVideo } from './domain/ports.js';
import type { EngagementLog } from './domain/engagement/log.js';
import { createEngagementService } from './domain/engagement/service.js';
import type { WebhookOptions } from './domain/engagement/webhooks.js';
import { engagementRouter } from './http/engagement-routes.js';
import { startEngagementTicker } from './realtime/engagement-ticker.js';
import type { StageServices } from './domain/stage/deps.js';
import { createReactionBursts } from './domain/stage/reaction-bursts.js';
import { createAttendanceGrace } from './domain/stage/attendance-grace.js';
import { startAttendanceSweep } from './domain/stage/attendance.js';
import { createPresenceFeed } from './domain/presence-feed.js';
import { createRoomCodes } from './domain/stage/room-code.js';
import type { Log } from './log.js';
import { createMetrics, metricsHandler, type Metrics } from './metrics.js';
import { createStageMedia } from './media/livekit.js';
import { createBreakoutMedia } from './media/breakout-video.js';
import { createAskBudget } from './realtime/ask-limits.js';
import { startPollDeadlines } from './realtime/poll-deadlines.js';
import { startQuizClock } from './realtime/quiz-timers.js';
import { startBreakoutClock } from './realtime/breakout-timers.js';
import { ioPublisher, rooms, type RallyServer } from './realtime/publisher.js';
import { createRateLimits, createStageBudgets } from './realtime/rate-limits.js';
import { createConnectionLimits } from './realtime/connection-limits.js';
import { clientAddressOf } from './http/client-address.js';
import { startRoomCodeTicker } from './realtime/room-code-ticker.js';
import { startQaVotesTicker } from './realtime/qa-votes-ticker.js';
import { startResultsTicker } from './realtime/results-ticker.js';
import { attachRealtime } from './realtime/socket-server.js';
import { createRecoveringAdapter } from './realtime/streams-adapter.js';
import { IndexedSessionAdapter } from './realtime/indexed-session-adapter.js';
import { countFanout, installSharedFrameFanout, setOutboundBudget } from './realtime/shared-frame-fanout.js';
import { createOutboundBudget, type OutboundBudget } from './realtime/outbound-budget.js';
import { createCommandWindow } from './realtime/command-window.js';
import { createDrain, drainingRefusal, type DrainOutcome } from './realtime/drain.js';
import type { Store } from './store/store.js';

type AnyRedis = RedisClientType<any, any, any, any, any>;

export interface AppDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Log;
  tokens: TokenService;
  /** Cluster mode: a connected client used for the Socket.IO adapter and shared rate limits. */
  redis?: AnyRedis;
  nodeId: string;
  /** Poll timers; the defaults are the product's (results every 250 ms, deadlines every 500 ms). */
  polls?: { resultsIntervalMs?: number; deadlineIntervalMs?: number };
  /** Where the stage's engagement entries go; by default a bounded in-memory log (domain/engagement/log.ts). */
  engagementLog?: EngagementLog;
  /**
   * Engagement timers and webhook delivery; the defaults are the product's (dashboard every
   * second, log written every event-loop turn and a failed write retried every 100 ms (flushMs),
   * parity alert flips at least 10 s apart).
   */
  engagement?: { tickMs?: number; flushMs?: number; parityDwellMs?: number; leaderboardEveryMs?: number; webhooks?: WebhookOptions };
  /** Stage timers; the defaults are the product's (bursts every 500 ms, room-code checks every second). */
  stage?: { burstIntervalMs?: number; roomCodeCheckMs?: number; attendanceGraceMs?: number };
  /** [QUIZ37] How often every node sweeps for quiz runs due; the product's default is 500 ms. */
  quiz?: { sweepMs?: number };
  /** [BRK26] How often every node sweeps for breakout rounds due; the product's default is 1 s. */
  breakouts?: { sweepMs?: number };
  /** [OPS56] How often the retention sweep runs (with RETENTION_DAYS); the product's default is 1 h. */
  retention?: { everyMs?: number };
  /** [PRES4] Presence batching interval; the product's default is 500 ms. */
  presenceIntervalMs?: number;
}

export interface App {
  http: HttpServer;
  io: RallyServer;
  /** Room codes, LiveKit, budgets, reactions and engagement, as the domain gets them (tests use them too). */
  stage: StageServices;
  /** [REL10] This node's cap on what waits to be written to each socket (tests read its figures). */
  outbound: OutboundBudget;
  /** [OPS80] The Express app (Socket.IO wraps the HTTP server's listener): tests walk its routes. */
  web: express.Express;
  /** [OPS20] This node's metrics. */
  metrics: Metrics;
  /** [OPS25] With METRICS_PORT: the internal server for /metrics alone (index.ts listens on it). */
  metricsHttp?: HttpServer;
  /**
   * [OPS30]–[OPS34] The graceful drain before close(): /readyz 503 and newcomers refused at once,
   * clients told to reconnect elsewhere (each after its own delay within DRAIN_WINDOW_MS), commands
   * in flight finished and acked, all within DRAIN_TIMEOUT_MS. Called once; later calls share it.
   */
  drain(): Promise<DrainOutcome>;
  /** Stops accepting, closes sockets and the HTTP server, flushes engagement. The store is closed by its owner. */
  close(): Promise<void>;
}

export const MAX_FRAME_BYTES = 16 * 1024;
const CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

export function createApp(deps: AppDeps): App {
  const { config, store, clock, log, tokens } = deps;
  // index.ts fills the secret in (generated in embedded mode): room codes are derived from it.
  if (!config.secret) throw new Error('createApp needs config.secret');

  const app = express();
  app.disable('x-powered-by');
  // [SEC3] Only the proxies named in TRUST_PROXY (default: loopback) may say who the client is.
  app.set('trust proxy', config.trustProxy);
  const isHttps = config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          // Stage streams (HLS) come from the venue encoder or a CDN, not from us.
          mediaSrc: ["'self'", 'blob:', 'https:', 'http:'],
          connectSrc: ["'self'", 'ws:', 'wss:', 'https:', 'http:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          upgradeInsecureRequests: isHttps ? [] : null,
        },
      },
      strictTransportSecurity: isHttps,
    }),
  );
  // Quiz routes parse their own bodies ([QUIZ15] [QUIZ17]): quizzes outgrow 64 kB, and an import's
  // errors name the lines of the file as sent. So do the attendee list routes ([BRK36]). LiveKit's
  // webhook keeps its raw body ([BRK43]: signed).
  // Breakout round plans too ([BRK5]: 500 rooms outgrow 64 kB).
  const ownBody = (url: string) => QUIZ_BODY_PATH.test(url) || ROSTER_BODY_PATH.test(url) || LIVEKIT_WEBHOOK_PATH.test(url) || BREAKOUT_ROUND_BODY_PATH.test(url);
  app.use(express.json({ limit: '64kb', type: (req: IncomingMessage) => /^application\/json\b/i.test(req.headers['content-type'] ?? '') && !ownBody(req.url ?? '') }));
  // [REL1] Before durableResponses: a request past its deadline is answered at once, not after a commit.
  app.use('/api', requestDeadline(config.commandDeadlineMs, ownBody));
  app.use(durableResponses(store));
  // [OPS33] Requests count as in flight until answered: a drain waits for them as for commands.
  app.use((_req, res, next) => {
    const done = drain.begin();
    res.once('close', done);
    next();
  });
  // [OPS31] A draining node takes no new participant: retried after retryAfterMs, by then elsewhere.
  // Middleware, not a route: the join route itself is the events router's ([OPS80] lists routes).
  app.use('/api/join', (req, res, next) => (req.method === 'POST' && drain.draining() ? void sendError(res, drainingRefusal().toBody()) : next()));


  const http = createServer(app);
  // [PROTO12] Broadcasts write their one shared frame straight to idle WebSockets.
  installSharedFrameFanout();
  const allowed = new Set(config.allowedOrigins);
  const io: RallyServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    httpCompression: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // Recovery replays missed packets after a short drop; auth still runs (skipMiddlewares false).
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    // [CLU4] The Redis Streams adapter, with restores that share reads and decodes in a storm.
    // Embedded: the in-memory session-aware adapter with indexed restores (a reconnect storm's
    // restores cost what they replay, not every packet kept).
    adapter: deps.redis ? createRecoveringAdapter(deps.redis) : IndexedSessionAdapter,
  });
  const drain = createDrain(io, log, config.drain);

  // [REL10] [REL11] [REL12] What waits to be written to one socket is capped.
  const outbound = createOutboundBudget(config.outbound);
  setOutboundBudget(io, outbound, (socket, queuedBytes) => {
    const data = (socket as { data?: { participantId?: string } }).data;
    log.warn({ participantId: data?.participantId, queuedBytes }, 'socket disconnected: too much waiting to be written to it (client not reading)');
  });
  // [OPS20] Counted whether or not /metrics is served (cheap); process metrics only when it is.
  const metricsOn = config.metrics.token !== undefined || config.metrics.port !== undefined;
  const metrics = createMetrics({ defaultMetrics: metricsOn });
  countFanout(io, (n) => metrics.fanout(n));
  if (deps.redis) metrics.watchRedis(deps.redis, 'adapter');
  metrics.countAttendees(() => connectedAttendees(io));
  // [BRK40] Breakout rooms' calls on the same LiveKit as the stage (or none: [BRK44]).
  const breakoutMedia = createBreakoutMedia(config.livekit, { log });
  const publish = ioPublisher(io, {
    stamps: config.benchStamps,
    cluster: Boolean(deps.redis),
    // [BRK46] Each node signs the video tokens of the places it delivers to its own sockets.
    ...(breakoutMedia.configured ? { signVideo: (identity: string, v: PlaceVideo) => breakoutMedia.signToken({ room: v.room, identity, name: v.name, access: 'member' }) } : {}),
  });
  // [SEC1] [SEC4] [SEC5] [SEC7] Joins and handshakes per address and per event, in Redis when clustered.
  const limits = createConnectionLimits(deps.redis, config.limits);
  // [PRES4] Presence changes reach staff coalesced, per event, per node.
  const presenceFeed = createPresenceFeed(publish, {
    intervalMs: deps.presenceIntervalMs,
    countsNow: (eventId) => store.presenceCounts(eventId),
    // [QUIZ20] A quiz lobby counts people as they arrive (the clock is started below, before any socket).
    onSent: (eventId) => quizClock.presenceChanged(eventId),
  });
  // [ENG4] The node's engagement recorder, log follower and webhook sender.
  const engagement = createEngagementService({ store, clock, log, recorder: { intervalMs: deps.engagement?.flushMs }, webhooks: deps.engagement?.webhooks });
  // [STAGE15] Each node coalesces its own sockets' reactions and broadcasts the bursts (volatile:
  // a backed-up client skips a burst rather than queueing it). Screens add up the nodes' bursts.
  const reactionBursts = createReactionBursts((eventId, burst) => io.to(rooms.event(eventId)).volatile.emit('reaction:aggregated', burst), {
    intervalMs: deps.stage?.burstIntervalMs,
  });
  const stage: StageServices = {
    roomCodes: createRoomCodes(config.secret, clock),
    publicUrl: config.publicUrl,
    media: createStageMedia(config.livekit),
    reactions: reactionBursts,
    budgets: createStageBudgets(deps.redis),
    engagement: deps.engagementLog ?? engagement,
    // [STAGE46] A last socket closed is a `left` once this grace has passed without a return.
    attendance: createAttendanceGrace(deps.stage?.attendanceGraceMs),
  };
  const attendanceSweep = startAttendanceSweep({ store, clock, stage }, { onError: (err) => log.warn({ err }, 'attendance sweep failed') });
  // [QUIZ37] Quiz runs' timed steps: this node's timers and the sweep of due runs.
  const quizClock = startQuizClock({ store, clock, publish, log, engagement }, { sweepMs: deps.quiz?.sweepMs });
  // [BRK26] Breakout rounds' timed steps: this node's timers and the sweep of due rounds.
  const breakoutClock = startBreakoutClock({ store, clock, publish, log, engagement, breakoutMedia }, { sweepMs: deps.breakouts?.sweepMs });
  attachRealtime(io, {
    quizTimers: quizClock.timers,
    breakoutTimers: breakoutClock.timers,
    stage,
    engagement,
    store,
    clock,
    log,
    tokens,
    publish,
    presenceFeed,
    rateLimits: createRateLimits(deps.redis),
    commandWindow: createCommandWindow(deps.redis),
    askBudget: createAskBudget(deps.redis),
    nodeId: deps.nodeId,
    limits,
    clientAddress: clientAddressOf(app),
    // [EDGE3] A browser page on another origin must not open a socket with our user's storage.
    // Non-browser clients send no Origin and are authenticated by token alone.
    originAllowed: (origin) => {
      if (!origin || allowed.has(origin)) return true;
      log.warn({ origin }, 'socket handshake refused: origin not allowed');
      return false;
    },
    breakoutMedia,
    deadlineMs: config.commandDeadlineMs,
    metrics,
    drain,
  });
  // Routes come after the socket server so REST actions can publish facts too.
  app.use(healthRouter(store, () => drain.draining()));
  // [OPS25] On the main port only behind METRICS_TOKEN; with METRICS_PORT on its own server instead.
  let metricsHttp: HttpServer | undefined;
  if (config.metrics.port !== undefined) {
    const internal = express();
    internal.disable('x-powered-by');
    internal.get('/metrics', metricsHandler(metrics, config.metrics.token));
    metricsHttp = createServer(internal);
  }
  if (config.metrics.port === undefined && config.metrics.token !== undefined) app.get('/metrics', metricsHandler(metrics, config.metrics.token));
  else {
    const where = metricsHttp ? 'metrics are served on METRICS_PORT' : 'metrics are off: set METRICS_TOKEN or METRICS_PORT';
    app.get('/metrics', (_req, res) => void res.status(404).json({ error: { code: 'NOT_FOUND', message: where } }));
  }
  // [OPS51] Before every router: an archived event takes no change over REST.
  app.use('/api/events/:id', archivedGuard(store));
  app.use('/api', eventsRouter({ store, clock, tokens, publish, publicUrl: config.publicUrl, adminToken: config.adminToken, stage, limits }));
  const retention = { store, clock, publish, forget: (eventId: string) => engagement.follower.forget(eventId) };
  app.use('/api', retentionRouter({ ...retention, adminToken: config.adminToken, publicUrl: config.publicUrl }));
  app.use('/api', stageRouter({ store, clock, publish, stage, publicUrl: config.publicUrl, adminToken: config.adminToken }));
  app.use('/api', pollsRouter({ store, tokens, adminToken: config.adminToken }));
  app.use('/api', qaRouter({ store, tokens, adminToken: config.adminToken }));
  app.use('/api', quizRouter({ store, clock, publish, tokens, adminToken: config.adminToken }));
  app.use('/api', rosterRouter({ store, tokens, adminToken: config.adminToken }));
  app.use('/api', breakoutScorecardRouter({ store, tokens, adminToken: config.adminToken }));
  app.use('/api', breakoutRoundRouter({ store, clock, publish, tokens, adminToken: config.adminToken }));
  const disconnectDeleted = (p: Participant) => {
    publish.toParticipant(p.id, 'session:ended', { reason: 'deleted', message: 'the organiser deleted your data from this event' });
    publish.disconnectParticipant(p.id);
  };
  app.use(
    '/api',
    engagementRouter({
      store,
      clock,
      tokens,
      adminToken: config.adminToken,
      follower: engagement.follower,
      engagement,
      publish,
      disconnect: disconnectDeleted,
    }),
  );
  app.use(
    '/api',
    livekitWebhookRouter({
      livekit: config.livekit,
      store,
      clock,
      media: breakoutMedia,
      log,
      onOutcome: (o) => metrics.webhook(o),
      // [BRK43] Engagement, the room's in-video set, and staff's occupancy view ([BRK17]) when it moved.
      onVideoPresence: (p) => onVideoPresence({ store, engagement, breakoutMedia, inVideoChanged: (round) => publishOccupancy({ store, clock, publish }, round) }, p),
    }),
  );
  // [OPS82] The REST API and the socket protocol, described from the schemas above.
  app.use('/api', apiDocsRouter(config.publicUrl));
  app.use('/api', (_req, res) => void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such API route' } }));

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    // Single-page app: every other GET gets index.html and the client router takes over.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile('index.html', { root: CLIENT_DIST, maxAge: 0 }));
  } else {
    app.get('/', (_req, res) => void res.type('text').send('The web client is not built yet: run `npm run build` (npm start does it for you).'));
  }
  app.use(errorHandler(log));

  // [OPS55] [OPS56] Personal data of events over for RETENTION_DAYS, erased by one node per pass.
  const retentionTimer = startRetention(
    { ...retention, disconnect: disconnectDeleted },
    { days: config.retentionDays, nodeId: deps.nodeId, everyMs: deps.retention?.everyMs ?? 3_600_000, onError: (err) => log.error({ err }, 'retention sweep failed') },
  );
  const resultsTicker = startResultsTicker(io, { store, log }, { intervalMs: deps.polls?.resultsIntervalMs, stamps: config.benchStamps });
  const pollDeadlines = startPollDeadlines({ store, clock, publish, log, engagement }, { intervalMs: deps.polls?.deadlineIntervalMs });
  const qaVotesTicker = startQaVotesTicker(io, { store, log }, { stamps: config.benchStamps });
  const roomCodeTicker = startRoomCodeTicker(io, { store, clock, stage, log }, { checkIntervalMs: deps.stage?.roomCodeCheckMs });
  const engagementTicker = startEngagementTicker(
    io,
    { store, clock, log, follower: engagement.follower, engagement, publish },
    { intervalMs: deps.engagement?.tickMs, parityDwellMs: deps.engagement?.parityDwellMs, leaderboardEveryMs: deps.engagement?.leaderboardEveryMs, stamps: config.benchStamps },
  );

  return {
    http,
    io,
    stage,
    outbound,
    web: app,
    metrics,
    metricsHttp,
    drain: () => drain.run(),
    async close() {
      drain.markDraining();
      // Timers first: a tick must not read a store its owner is about to close.
      reactionBursts.stop();
      retentionTimer.stop();
      await Promise.all([quizClock.stop(), breakoutClock.stop(), resultsTicker.stop(), pollDeadlines.stop(), qaVotesTicker.stop(), roomCodeTicker.stop(), engagementTicker.stop()]);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      // [OPS33] The presence writes of the sockets just closed, before the flush below.
      await drain.idle(2000);
      presenceFeed.stop();
      // [STAGE46] Those still within their reconnection grace leave now, before the flush below.
      await attendanceSweep.stop();
      // [ENG4] After the sockets: what they logged on the way out is written too.
      await engagement.close();
      http.closeAllConnections?.();
      if (metricsHttp?.listening) {
        metricsHttp.closeAllConnections();
        await new Promise<void>((resolve) => metricsHttp.close(() => resolve()));
      }
    },
  };
}

/**
 * [OPS21] Attendees with a socket set up on this node, per cohort: the socket joins its mode's room
 * once its participant is read (socket-server.ts), so one still being set up is not counted yet.
 * Counted at each scrape, from the sockets this node holds, so the nodes' figures add up.
 */
function connectedAttendees(io: RallyServer): { room: number; remote: number } {
  const room = new Set<string>();
  const remote = new Set<string>();
  for (const socket of io.of('/').sockets.values()) {
    const { role, eventId, participantId } = socket.data;
    if (role !== 'attendee') continue;
    if (socket.rooms.has(rooms.mode(eventId, 'room'))) room.add(participantId);
    else if (socket.rooms.has(rooms.mode(eventId, 'remote'))) remote.add(participantId);
  }
  return { room: room.size, remote: remote.size };
}
