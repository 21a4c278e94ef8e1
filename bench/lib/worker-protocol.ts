import type { HistJSON } from './hist.js';

/**
 * Runner <-> bench/load-worker.ts. Every request has an id and gets exactly one reply; each op is
 * bounded by its own timeout inside the worker and by the runner's timeout around it.
 */
export interface WorkerOps {
  init: { args: { index: number; hrBase: string; lifetimeMs: number }; result: { pid: number } };
  /** POST /api/join `count` times (names bench-<worker>-<i>), `concurrency` in flight. */
  join: {
    args: { urls: string[]; code: string; count: number; concurrency: number; timeoutMs: number };
    result: { joined: number; failed: number; errors: string[]; ms: number };
  };
  /** Opens Socket.IO clients [start, start+count) of the joined list; each counts once it has its snapshot. */
  connect: {
    args: { urls: string[]; start: number; count: number; timeoutMs: number };
    result: { connected: number; failed: number; errors: string[]; connectMs: HistJSON };
  };
  /** Opens `count` bare WebSocket clients to the baseline server. */
  wsConnect: {
    args: { url: string; count: number; timeoutMs: number };
    result: { connected: number; failed: number; errors: string[]; connectMs: HistJSON };
  };
  /**
   * Bare Socket.IO clients. The broadcast baseline's (default): every event they receive counts as
   * an arrival of `__sio`. With `commands`: the command baseline's, which storms with `bare` use.
   */
  sioConnect: {
    args: { url: string; count: number; timeoutMs: number; commands?: boolean };
    result: { connected: number; failed: number; errors: string[]; connectMs: HistJSON };
  };
  /** Closes and forgets the command baseline's clients; `unexpected`: how many had lost their connection before. */
  sioCommandsClose: { args: Record<string, never>; result: { closed: number; unexpected: number } };
  /**
   * B8's baseline: drops every command-baseline client's connection at once, as `drop` does Rally's,
   * and waits until each is back with a `snapshot`: they reconnect asking the bare server for one of
   * `snapshotBytes` (Rally's, as `drop` measured it), so both storms move the same bytes.
   */
  sioCommandsDrop: {
    args: { timeoutMs: number; snapshotBytes: number };
    result: { dropped: number; back: number; backMs: HistJSON; reconnectAttempts: number; errors: string[] };
  };
  /** The command baseline's clients: how many are connected, how many lost their connection since the last ask. */
  sioCommandsStatus: { args: Record<string, never>; result: { clients: number; connected: number; lost: number } };
  /** Start recording arrival times of `fact` on every connected client (max `max` per client). */
  watch: { args: { fact: string; max: number }; result: { watching: number } };
  /** Resolves once every watched client has seen `count` arrivals of `fact`, or at the timeout. */
  waitArrivals: {
    args: { fact: string; count: number; timeoutMs: number };
    result: { complete: boolean; reached: number; watching: number };
  };
  /** One-way latencies: arrival k on each client minus t0s[k] (both on the shared hr clock). */
  collectArrivals: {
    args: { fact: string; t0s: number[] };
    result: {
      latencyMs: HistJSON;
      /** Arrival minus the server's own hrtime stamp (empty while the server does not stamp facts). */
      stampedLatencyMs: HistJSON;
      delivered: number;
      expected: number;
      extra: number;
      clientsComplete: number;
      watching: number;
    };
  };
  /**
   * Stay connected for `durationMs`; every `probeEveryMs`, `probesPerTick` random clients send the
   * acked `probeCommand` and the round trip is recorded.
   */
  hold: {
    args: { durationMs: number; probeEveryMs: number; probesPerTick: number; probeCommand: string };
    result: { probeAckMs: HistJSON; probesOk: number; probesFailed: number; probeErrors: string[] };
  };
  /**
   * Drops every client's connection at once (the TCP socket is destroyed, no close handshake, as a
   * venue Wi-Fi blip would) and waits until each is back with a snapshot of its own identity.
   */
  drop: {
    args: { timeoutMs: number };
    result: {
      dropped: number;
      back: number;
      stateOk: number;
      recovered: number;
      backMs: HistJSON;
      reconnectAttempts: number;
      errors: string[];
      /** Length of the JSON of the first snapshot this process got back (one sample: the attendees' snapshots differ only in their own part). */
      snapshotBytes: number | null;
    };
  };
  /**
   * Sends `opsPerClient` acked commands from every connected client, spread evenly over
   * `durationMs` from `startAtMs` (shared clock), and re-sends a `retryFraction` of them under the
   * same command id. See lib/worker-storm.ts.
   */
  storm: { args: StormArgs; result: StormResult };
  /** Records every arrival of a coalesced fact (poll results, question counts) per client. */
  watchTicks: { args: { fact: TickFact; pollId?: string }; result: { watching: number } };
  /** Per-client message rates and converged views of the watched ticks, and vote visibility. */
  tickStats: { args: TickStatsArgs; result: TickStatsResult };
  stats: {
    args: Record<string, never>;
    result: {
      clients: number;
      connected: number;
      unexpectedDisconnects: number;
      disconnectReasons: Record<string, number>;
      pings: number;
      rssBytes: number;
      heapUsedBytes: number;
      cpuMs: number;
    };
  };
  /** B6: every client answers the quiz question once when it opens (see lib/worker-quiz.ts). */
  quizArm: { args: QuizArmArgs; result: { armed: number } };
  /** Resolves once every armed client's answer is acked or timed out (or at `timeoutMs`). */
  quizAnswers: { args: { timeoutMs: number }; result: QuizAnswersResult };
  /** Waits for every answering client's own quiz:answerScored and checks it. */
  quizResults: { args: QuizResultsArgs; result: QuizResultsResult };
  /** B7: every client watches for its breakout room and then asks for its video token (see lib/worker-breakout.ts). */
  brkArm: { args: BrkArmArgs; result: { armed: number } };
  /** Resolves once every armed client holds its token (or was refused / timed out), or at `timeoutMs`. */
  brkOpened: { args: BrkOpenArgs; result: BrkOpenResult };
  /** Every client in a room asks for its token again at the same moment (the token's cost alone). */
  brkRefresh: { args: BrkRefreshArgs; result: BrkRefreshResult };
  /** After close-all: waits until every client that had a room is told it is back on the stage. */
  brkBack: { args: BrkBackArgs; result: BrkBackResult };
  /** Closes every client (an expected disconnect) and forgets them. */
  closeAll: { args: Record<string, never>; result: { closed: number } };
}

export type WorkerOp = keyof WorkerOps;

/**
 * What each op of a storm sends. `vote`: op j of client i votes optionIds[(i + j) % n], so a
 * client's consecutive votes differ (each one changes the tally). `upvote`: op j of client i
 * toggles its upvote on questionIds[(i + j) % n] (up if it was not up, else back down).
 */
export type StormPlan =
  | { kind: 'vote'; pollId: string; optionIds: string[] }
  | { kind: 'upvote'; questionIds: string[] }
  /** quiz:answer as B6's phones send it (lib/worker-quiz.ts): op j of client i picks option (i + j) % options. */
  | { kind: 'answer'; runId: string; questionId: string; options: number };

export interface StormArgs {
  plan: StormPlan;
  opsPerClient: number;
  durationMs: number;
  /** hrMs() on the shared clock at which op 0 is due (every load process starts together). */
  startAtMs: number;
  /** Share of ops sent a second time with the same command id (a client retrying a lost ack). */
  retryFraction: number;
  /** The retry goes this long after the original, whether or not its ack came (uniform). */
  retryDelayMs: [number, number];
  ackTimeoutMs: number;
  /** Return okAckTimes (B3's visibility ranking needs them; long storms do not). */
  keepAckTimes?: boolean;
  /** Send from the command baseline's clients (sioConnect with `commands`) instead of Rally's. */
  bare?: boolean;
  /** At most this many ops from this load process (the first ones of the schedule): the same rate for a shorter time. */
  limitOps?: number;
}

export interface StormResult {
  clients: number;
  sent: number;
  ok: number;
  /** Error acks by code (RATE_LIMITED, CONFLICT, ...). */
  refusals: Record<string, number>;
  timedOut: number;
  retriesSent: number;
  retriesOk: number;
  /** Retries whose ack data equals the original's (the command id was honoured). */
  retriesSameReceipt: number;
  retriesRefused: number;
  retriesTimedOut: number;
  /** Ops answered UNAVAILABLE (past the command deadline), sent again under their id after the storm. */
  unavailableRetried: number;
  /** Of those, answered ok then (from the command's record when the first attempt had landed). */
  unavailableSettled: number;
  ackMs: HistJSON;
  retryAckMs: HistJSON;
  /** How late the generator sent each op against its schedule (a slow load process shows here). */
  sendLagMs: HistJSON;
  firstSendAt: number;
  lastSendAt: number;
  lastAckAt: number;
  /** hrMs of every original op acked ok: the runner ranks them across load processes. */
  okAckTimes: number[];
  /** Clients with at least one vote acked ok. */
  voters: number;
  /** vote: clients whose last ok vote is this option. upvote: clients whose upvote is on. */
  expected: Record<string, number>;
  /** Ops whose outcome is unknown (no ack): exactness cannot be decided for their target. */
  unknown: number;
}

export type TickFact = 'poll:resultsUpdated' | 'question:votesUpdated';

export interface TickStatsArgs {
  fact: TickFact;
  /** Window for the rate figures, hrMs on the shared clock. */
  fromMs: number;
  toMs: number;
  /** Every load process's okAckTimes, sorted: the k-th acked vote is in any tally with total ≥ k. */
  ackTimesSorted?: number[];
  /** The server's final view (poll: { total }, Q&A: count per question id); each client's last view is compared with it. */
  expect: Record<string, number>;
}

export interface TickStatsResult {
  watching: number;
  messages: number;
  /**
   * Per client, messages per second while they came: (messages − 1) / max(1 s, first → last
   * arrival) within [fromMs, toMs]. Intervals, not points, so a steady 4 Hz ticker reads 4.0
   * (a sliding window that counts points reads 5 whenever a 250 ms timer fires at 249.x ms).
   */
  ratePerClient: HistJSON;
  /** Per client, the densest stretch: 4 / (shortest span of 4 consecutive gaps), per second. */
  peakPerClient: HistJSON;
  /** Gaps between consecutive messages on a client, within the window (all clients). */
  gapMs: HistJSON;
  /** Clients whose view after the last message equals `expect` (the coalesced updates converged). */
  converged: number;
  /** A few clients' views that did not, for the report. */
  mismatches: string[];
  /** Vote send → first results message on the voter's own client whose total includes it. */
  visibleMs: HistJSON;
  notVisible: number;
}

export interface WorkerRequest<K extends WorkerOp = WorkerOp> {
  id: number;
  op: K;
  args: WorkerOps[K]['args'];
}

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** B6: what every client answers, and how. Client i picks option (i + salt) % options. */
export interface QuizArmArgs {
  runId: string;
  questionId: string;
  options: number;
  /** Each client answers at a uniform random delay in [0, spreadMs) after the question reaches it. */
  spreadMs: number;
  ackTimeoutMs: number;
}

export interface QuizAnswersResult {
  clients: number;
  /** Clients that saw the question open. */
  shown: number;
  sent: number;
  ok: number;
  refusals: Record<string, number>;
  timedOut: number;
  ackMs: HistJSON;
  firstSendAt: number;
  lastSendAt: number;
  lastAckAt: number;
  /** Acked answers per option index. */
  okByOption: number[];
}

export interface QuizResultsArgs {
  /** Shared-clock instant of the lock (t0 of the lock → own result latency). */
  lockAtMs: number;
  /** Shared-clock instant the presenter sent "next" (the reveal). */
  revealAtMs: number;
  correct: number[];
  timeLimitMs: number;
  timeoutMs: number;
}

export interface QuizResultsResult {
  /** Clients whose answer was acked ok: each must get its own result. */
  expected: number;
  /** Of those, how many got one. */
  received: number;
  /** answerScored messages beyond the first for this question on a client. */
  extra: number;
  /** Lock → own result, over the clients that got one. */
  fromLockMs: HistJSON;
  fromRevealMs: HistJSON;
  stampedMs: HistJSON;
  correctSeen: number;
  /** The result's `correct` agrees with the option the client sent. */
  correctnessOk: number;
  /** points = scoreAnswer at the client's own claimed time, to the point. */
  pointsExact: number;
  /** Of the others, points above what the claim earns (the server's heartbeat rtt took more off). */
  pointsFavoured: number;
  /** points within the [QUIZ6] clamp: at least what the claim earns, at most full points. */
  pointsInBound: number;
  /** total = points (one question, no streak). */
  totalOk: number;
  pointsSum: number;
  mismatches: string[];
  /** [total, rank] per result, for the runner's ranking check. */
  ranks: [number, number | null][];
  players: number[];
  /** One result's wire frame, for the baselines (the same size as the personal results). */
  frame: string | null;
}

export interface BrkArmArgs {
  roundId: string;
  ackTimeoutMs: number;
}

export interface BrkOpenArgs {
  /** hrMs() when the moderator sent breakout:open. */
  openAtMs: number;
  timeoutMs: number;
}

export interface BrkOpenResult {
  clients: number;
  /** Clients told a room. */
  assigned: number;
  /** Clients told two different rooms (must be 0: nobody moves during B7). */
  inTwoRooms: number;
  /** Clients never told a room. */
  inNoRoom: number;
  tokensOk: number;
  /** Tokens whose roomId is the room the client was told. */
  tokenRoomOk: number;
  refusals: Record<string, number>;
  timedOut: number;
  /** open sent → own breakout:assigned. */
  assignedMs: HistJSON;
  /** open sent → own token in hand. */
  tokenMs: HistJSON;
  /** breakout:videoToken ack round trip. */
  tokenAckMs: HistJSON;
  /** server stamp → own breakout:assigned. */
  stampedMs: HistJSON;
  lastAssignedAt: number;
  lastTokenAt: number;
  /** [participantId, roomId] as each client was told. */
  placements: [string, string][];
  frame: string | null;
  /** The open round as an attendee receives it (breakout:roundChanged), bytes of the frame; 0 when not seen. */
  roundFrameBytes: number;
}

export interface BrkRefreshArgs {
  roundId: string;
  startAtMs: number;
  ackTimeoutMs: number;
  timeoutMs: number;
}

export interface BrkRefreshResult {
  sent: number;
  ok: number;
  refusals: Record<string, number>;
  ackMs: HistJSON;
  firstSendAt: number;
  lastAckAt: number;
}

export interface BrkBackArgs {
  /** The round's closesAt on the shared clock (hrMs), converted by the runner from the server's clock. */
  closesAtMs: number;
  /** How much earlier than closesAtMs a "back" may arrive and still count as on time (clock conversion error). */
  toleranceMs: number;
  timeoutMs: number;
}

export interface BrkBackResult {
  expected: number;
  back: number;
  /** Told they were back before the round closed. */
  early: number;
  /** Further roomId-null facts after the first. */
  extra: number;
  /** closesAt → own breakout:assigned with roomId null. */
  fromCloseMs: HistJSON;
  stampedMs: HistJSON;
  lastBackAt: number;
}
