import {
  COMMAND_NAMES,
  ErrorCode,
  HandshakeAuthSchema,
  PROTOCOL_VERSION,
  commandSchemas,
  rateLimited,
  type Ack,
  type CommandName,
} from '@rally/shared';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TokenService } from '../auth/tokens.js';
import { authenticate, requireStanding } from '../domain/identity.js';
import { refuseIfArchived } from '../domain/retention.js';
import type { DomainDeps } from '../domain/ports.js';
import type { StageServices } from '../domain/stage/deps.js';
import type { AskBudget } from '../domain/qa/deps.js';
import { socketClosed, socketOpened } from '../domain/presence.js';
import { buildSnapshot } from '../domain/snapshot.js';
import { SharedSnapshots, attendeeSnapshotJson, readAttendeeShared } from '../domain/shared-snapshot.js';
import { RawJson } from '../domain/raw-json.js';
import { breakoutRoomOnConnect } from '../domain/breakout/placement.js';
import type { QuizTimers } from '../domain/quiz/play.js';
import type { Log } from '../log.js';
import { commandLogFields } from './command-log.js';
import type { Metrics, StoreOp } from '../metrics.js';
import { connectError, describeZodError, errorAck, toErrorBody } from './errors.js';
import { storeUnavailable, withDeadline } from '../deadline.js';
import { COMMAND_RESULT_TTL_S, SELF_RECORDED_COMMANDS, UNRECORDED_COMMANDS, WINDOWED_COMMANDS, commandKey, handlers, type CommandContext } from './handlers.js';
import type { CommandWindow } from './command-window.js';
import { maySend } from './permissions.js';
import { eventReachingAttendees, rooms, takeSlice, type RallyServer } from './publisher.js';
import { mayWriteTo, watchBroadcastRooms } from './shared-frame-fanout.js';
import type { ConnectionLimits } from './connection-limits.js';
import { RateLimited, type RateLimits } from './rate-limits.js';
import { drainingRefusal, type DrainGate } from './drain.js';

type RallySocket = Parameters<Parameters<RallyServer['on']>[1]>[0];
const COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);

/**
 * [SEC10] Attendee commands whose domain function reads the sender and refuses a banned one
 * (requireAttendee, requireSender, castVote, submitSurvey, the quiz answer): the pipeline does not
 * read the participant a second time for them.
 */
const STANDING_CHECKED_IN_DOMAIN: ReadonlySet<CommandName> = new Set<CommandName>(['poll:vote', 'question:submit', 'question:upvote', 'reaction:send', 'chat:send', 'survey:submit', 'quiz:answer']);

export interface RealtimeDeps extends DomainDeps {
  /** Room codes, LiveKit, reaction bursts, the stage budgets and the engagement log. */
  stage: StageServices;
  tokens: TokenService;
  log: Log;
  rateLimits: RateLimits;
  /** [QA20] The separate, smaller budget for asking questions. */
  askBudget: AskBudget;
  nodeId: string;
  /** [QUIZ37] This node's quiz timers. */
  quizTimers?: QuizTimers;
  /** [SEC4] The per-address budget every handshake spends. */
  limits: Pick<ConnectionLimits, 'connect'>;
  /** [REL16] The window of recent ids of the commands that keep no stored result (reactions). */
  commandWindow: CommandWindow;
  /** [SEC3] The client's address behind the trusted proxies, as Express reads it. */
  clientAddress: (headers: IncomingHttpHeaders, remoteAddress: string) => string;
  /** [REL1] How long a command, a handshake or a connection's setup may take before UNAVAILABLE. */
  deadlineMs: number;
  /** [EDGE3] [SEC30] Whether a page on this Origin may open a socket (no Origin: not a browser). */
  originAllowed: (origin: string | undefined) => boolean;
  /** [OPS21] [OPS22] Where commands, their acks and the store's time on their path are counted. */
  metrics?: Metrics;
  /** [OPS31] [OPS33] The node's drain: handshakes refused while it drains, commands counted in flight. */
  drain?: DrainGate;
}

/** [REL1] A connection's setup (presence, breakout room, snapshot) may take this many command deadlines. */
const SETUP_DEADLINE_FACTOR = 5;
/**
 * [REL1] Commands that place the whole audience at once (10,000 people into 500 rooms: bench B7) may
 * take this many command deadlines: on a busy node they take seconds of work, and a staff member
 * told UNAVAILABLE would retry a round open that is in fact under way.
 */
const WHOLE_AUDIENCE_COMMANDS: ReadonlyMap<CommandName, number> = new Map<CommandName, number>([
  ['breakout:assign', 5],
  ['breakout:open', 5],
]);

/**
 * Handshake auth and the command pipeline: schema -> role table -> rate limit -> idempotency ->
 * domain -> ack. Every failure is an error ack; nothing thrown here can reach the process.
 */
export function attachRealtime(io: RallyServer, deps: RealtimeDeps): void {
  const { log, metrics } = deps;
  /** [OPS22] A store call on the command path answered, `startedAt` (performance.now()) after it was made. */
  const storeTook = (op: StoreOp, startedAt: number) => metrics?.storeTime(op, (performance.now() - startedAt) / 1000);
  // [SEC3] Each Engine.IO connection's client address, read from its upgrade request (which is
  // dropped below, before the handshake middleware runs) by the proxies Express trusts.
  const clientAddresses = new WeakMap<object, string>();
  // [SEC30] The Engine.IO connections opened by a page on a foreign Origin, refused at the handshake.
  const foreignOrigins = new WeakSet<object>();

  // Runs on every connection, including connection-state recoveries (skipMiddlewares is off),
  // so a banned participant or a rotated key cannot slip back in through recovery.
  io.use(async (socket, next) => {
    // [OPS31] A draining node takes no one new (nor a recovery): the client tries again after
    // retryAfterMs, when the load balancer sends it to another node.
    if (deps.drain?.draining()) return next(connectError(drainingRefusal().toBody()));
    try {
      // [REL3] A store that does not answer refuses the handshake UNAVAILABLE within the deadline.
      const refusal = await withDeadline(handshake(socket), deps.deadlineMs);
      // [OPS60] Who connected, or why not: never the token itself (it is in the auth payload, not logged).
      if (log.isLevelEnabled('debug')) {
        const { participantId, eventId, role } = socket.data;
        if (refusal) log.debug({ code: (refusal as { data?: { code?: string } }).data?.code }, 'handshake refused');
        else log.debug({ eventId, participantId, role, recovered: socket.recovered }, 'handshake');
      }
      next(refusal);
    } catch (e) {
      const { body, expected } = toErrorBody(e);
      if (!expected) log.error({ err: e }, 'handshake failed');
      else if (log.isLevelEnabled('debug')) log.debug({ code: body.code }, 'handshake refused');
      next(connectError(body));
    }
  });

  /** The handshake's checks; a typed refusal is returned, store failures are thrown. */
  const handshake = async (socket: RallySocket): Promise<Error | undefined> => {
    // [SEC4] First, before the token is verified or anything read: a flood costs one counter each.
    await deps.limits.connect(clientAddresses.get(socket.conn) ?? socket.handshake.address);
    // [EDGE3] [SEC30] Cross-site WebSocket hijacking: refused here rather than at the HTTP upgrade,
    // where Engine.IO can only answer a bare 400 that no browser client can read.
    if (foreignOrigins.has(socket.conn)) {
      return connectError({ code: ErrorCode.ORIGIN_REJECTED, message: 'this page may not connect to Rally: open Rally from its own address' });
    }
    const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return connectError({ code: ErrorCode.UNAUTHORIZED, message: 'missing participant token, please join again' });
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      return connectError({ code: ErrorCode.PROTOCOL_MISMATCH, message: 'Rally was updated: please reload the page' });
    }
    const { participant, claims, event } = await authenticate(deps, auth.data.token);
    // [OPS51] An archived event takes no live connection: it is over, and read-only.
    refuseIfArchived(event);
    // [SEC10] The key generation travels with the socket, so each privileged command re-checks it.
    socket.data = { participantId: participant.id, eventId: participant.eventId, role: participant.role, keyGeneration: claims.keyGeneration };
    return undefined;
  };

  /**
   * [REL4] Recorded commands still running on this node, by idempotency key. A command past its
   * deadline keeps running (what it sent to Redis may still apply); its retry waits for that same
   * attempt instead of starting a second one, so an outcome the client never heard is applied once.
   */
  const inFlight = new Map<string, Promise<unknown>>();

  // [PERF21] The attendees' shared snapshot parts on this node, dropped by every fact that reaches
  // an event's attendees here (every fact any node sends passes through this node's broadcast).
  const sharedSnapshots = new SharedSnapshots((eventId) => readAttendeeShared(deps, eventId));
  watchBroadcastRooms(io, (targets) => {
    if (targets.size === 0) return sharedSnapshots.invalidateAll();
    for (const room of targets) {
      const eventId = eventReachingAttendees(room);
      if (eventId !== null) sharedSnapshots.invalidate(eventId);
    }
  });

  // [STORE39] An ok ack leaves only once what the command wrote is committed. [REL22] So do the
  // engagement entries recorded before it (in SQLite they join the group commit awaited next).
  const acked = async (data: unknown): Promise<Ack<unknown>> => {
    if (deps.engagement) {
      // Not INTERNAL ("nothing was changed"): the command applied, and its retry is answered ok.
      await deps.engagement.durable().catch((err: unknown) => {
        log.warn({ err }, 'engagement entries not stored before the ack');
        throw storeUnavailable();
      });
    }
    const startedAt = performance.now();
    await deps.store.durable();
    storeTook('durable', startedAt);
    return { ok: true, data };
  };

  // [PROTO3] The command pipeline, once per server, not once per socket: a listener per command
  // name on every socket cost ~50 closures per connection (docs/PERFORMANCE.md).
  const run = async (socket: RallySocket, name: CommandName, raw: unknown): Promise<Ack<unknown>> => {
    const { participantId, eventId, role } = socket.data;
    const parsed = commandSchemas[name].safeParse(raw);
    if (!parsed.success) return errorAck(ErrorCode.BAD_REQUEST, describeZodError(parsed.error));
    if (!maySend(role, name)) return errorAck(ErrorCode.FORBIDDEN, `a ${role} may not send ${name}`);
    try {
      await deps.rateLimits.consume(participantId);
    } catch (e) {
      // [PROTO10] As the domain's own budgets do: a RallyError, acked like every other refusal.
      if (e instanceof RateLimited) throw rateLimited(`too many actions; try again in ${Math.ceil(e.retryAfterMs / 1000)} s`, e.retryAfterMs);
      throw e;
    }
    // [SEC10] [SEC11] The role came from the handshake; whether it still holds is decided here, per
    // command: a rotation or ban on another node has returned once the store has it, while its
    // disconnect may still be on its way to this node. The audience's busy commands re-read their
    // sender in the domain and refuse a ban there (their role has no key to rotate), so they skip
    // this second read; every other command pays one, and those are few.
    if (role !== 'attendee' || !STANDING_CHECKED_IN_DOMAIN.has(name)) {
      try {
        const { event } = await requireStanding(deps.store, { participantId, eventId, role, keyGeneration: socket.data.keyGeneration ?? -1 });
        // [OPS51] Archived on another node while this socket's disconnect is on its way.
        refuseIfArchived(event);
      } catch (e) {
        // Told by the ack, then closed: every later command would be refused the same way.
        setImmediate(() => socket.disconnect(true));
        throw e;
      }
    }
    const timing = { connectedAtMs: socket.data.connectedAtMs ?? 0, rttMs: socket.data.rttMs ?? 0 };
    const ctx: CommandContext = { deps, participantId, eventId, role, askBudget: deps.askBudget, timing };
    const handler = handlers[name] as (c: CommandContext, p: unknown) => Promise<unknown>;
    const repeat = WINDOWED_COMMANDS[name] as ((p: unknown) => unknown) | undefined;
    if (repeat) {
      // [REL16] [REL17] Applied once per id within the window; a repeat is acked as the first was.
      const windowId = `${name}:${parsed.data.id}`;
      if (!(await deps.commandWindow.claim(participantId, windowId))) return acked(repeat(parsed.data));
      try {
        return acked(await handler(ctx, parsed.data));
      } catch (e) {
        // [REL19] A refused or failed attempt did not apply: its retry must be able to.
        await deps.commandWindow.release(participantId, windowId).catch(() => {});
        throw e;
      }
    }
    if (UNRECORDED_COMMANDS.has(name)) return acked(await handler(ctx, parsed.data));
    // [PROTO3] A retried command id gets the first result back and is not applied again.
    const key = commandKey(participantId, name, parsed.data.id);
    let attempt = inFlight.get(key);
    if (!attempt) {
      // [PERF2] A vote is its own idempotency record, an upvote's is written in its own step: the
      // store checks the id where it applies it.
      attempt = SELF_RECORDED_COMMANDS.has(name) ? handler(ctx, parsed.data) : (async () => {
        const recallAt = performance.now();
        const prior = await deps.store.recalledCommand(key);
        storeTook('recalled_command', recallAt);
        // Awaited too: the first attempt's writes may still be in this turn's batch.
        if (prior !== undefined) return prior;
        const data = await handler(ctx, parsed.data);
        const rememberAt = performance.now();
        const kept = await deps.store.rememberCommand(key, data, COMMAND_RESULT_TTL_S);
        storeTook('remember_command', rememberAt);
        return kept;
      })();
      const settled = attempt;
      inFlight.set(key, settled);
      void settled.then(
        () => inFlight.delete(key),
        () => inFlight.delete(key),
      );
    }
    return acked(await attempt);
  };

  // Socket.IO calls onAny listeners with the socket as `this`, so one function serves every socket.
  function dispatch(this: RallySocket, name: string, ...args: unknown[]): void {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (a: Ack<unknown>) => void) : undefined;
    const receivedAt = metrics ? performance.now() : 0;
    // [REL10] An ack is written to the socket like a fact: not past its cap.
    // [OPS21] Counted when answered, by name and outcome, with the time since it arrived.
    const reply = (a: Ack<unknown>) => {
      metrics?.commandAnswered(name as CommandName, a.ok ? undefined : a.error.code, (performance.now() - receivedAt) / 1000);
      if (ack && mayWriteTo(io, this)) ack(a);
    };
    // An unknown event name with an ack gets a typed error instead of a silent timeout.
    if (!COMMANDS.has(name)) {
      metrics?.unknownCommand();
      if (ack && mayWriteTo(io, this)) ack(errorAck(ErrorCode.BAD_REQUEST, `unknown command ${name}`));
      return;
    }
    // [OPS33] Past the drain's window: refused, retried with the same id on the node the client moves to.
    if (deps.drain && !deps.drain.acceptingCommands()) return reply({ ok: false, error: drainingRefusal().toBody() });
    const { participantId, eventId } = this.data;
    const startedAt = performance.now();
    // [OPS60] One line per command at debug, with the refusal's code; error when it failed on our
    // side. A refusal is the client's to handle: at info, a flood of refused commands would be a
    // flood of log lines.
    const fields = () => commandLogFields(name as CommandName, args[0], { eventId, participantId }, performance.now() - startedAt);
    // [REL1] Never a hang: past the deadline the answer is UNAVAILABLE with retryAfterMs.
    const work = run(this, name as CommandName, args[0]);
    // [OPS33] In flight until the work itself settles (past its deadline too: its writes may still land).
    deps.drain?.track(work);
    withDeadline(work, deps.deadlineMs * (WHOLE_AUDIENCE_COMMANDS.get(name as CommandName) ?? 1)).then(
      (a) => {
        if (log.isLevelEnabled('debug')) log.debug(a.ok ? fields() : { ...fields(), code: a.error.code }, a.ok ? 'command' : 'command refused');
        reply(a);
      },
      (e: unknown) => {
        const { body, expected } = toErrorBody(e);
        if (!expected) log.error({ err: e, ...fields() }, 'command failed');
        else if (log.isLevelEnabled('debug')) log.debug({ ...fields(), code: body.code }, 'command refused');
        reply({ ok: false, error: body });
      },
    );
  }

  function closed(this: RallySocket): void {
    const { participantId } = this.data;
    const done = deps.drain?.begin();
    deps.store
      .getParticipant(participantId)
      .then((p) => (p ? socketClosed(deps, p, this.id) : undefined))
      .catch((e: unknown) => log.warn({ err: e, participantId }, 'presence removal failed'))
      .finally(() => done?.());
  }

  // The upgrade request (headers, socket, parser state) is not needed once the engine has it:
  // dropping it saves memory per connection (Socket.IO's memory-usage guide). The client's address is kept for the handshake budget ([SEC4]), and
  // the handshake auth reads only its auth payload, not the request; so is whether its Origin may
  // connect ([SEC30]).
  io.engine.on('connection', (raw: { request: IncomingMessage | null; remoteAddress: string }) => {
    if (raw.request) {
      clientAddresses.set(raw, deps.clientAddress(raw.request.headers, raw.remoteAddress));
      if (!deps.originAllowed(raw.request.headers.origin)) foreignOrigins.add(raw);
    }
    raw.request = null;
  });

  io.on('connection', (socket) => {
    const { participantId, eventId, role } = socket.data;
    // Only the auth payload of the handshake is ever read, and only by the middleware above (a
    // recovering socket brings a fresh handshake): keeping headers and token costs memory per socket.
    socket.handshake.headers = {};
    socket.handshake.auth = {};
    socket.join([rooms.event(eventId), rooms.role(eventId, role), rooms.roleSlice(eventId, role, takeSlice()), rooms.participant(participantId)]);
    socket.onAny(dispatch);
    measureRtt(socket, deps.clock.now());
    socket.on('disconnect', closed);

    // [REL3] A setup the store cannot finish in time drops the socket: the client reconnects, and
    // its handshake is answered UNAVAILABLE until the store is back. Longer than a command's: in a
    // reconnect storm a busy node finishes setups late, and dropping one then only adds another.
    void withDeadline((async () => {
      const [me, event] = await Promise.all([deps.store.getParticipant(participantId), deps.store.getEvent(eventId)]);
      if (!me || !event) return void socket.disconnect(true);
      // [STAGE16] Announcements for room or remote reach the per-mode room; setMode moves the
      // sockets when the mode changes. Joined from the stored mode, read after the socket joined
      // its participant room, so a move published meanwhile reaches this socket too. A recovered
      // socket gets its old rooms back, so the other mode's room is left explicitly.
      socket.leave(rooms.mode(eventId, me.mode === 'room' ? 'remote' : 'room'));
      socket.join(rooms.mode(eventId, me.mode));
      await socketOpened(deps, me, socket.id, deps.nodeId);
      // The socket may have closed while presence was being written; undo so it is not left online.
      if (socket.disconnected) return void (await socketClosed(deps, me, socket.id));
      await joinBreakoutRoom(socket, deps, me);
      // [PROTO5] Snapshot first, on every connection and recovery; deltas follow. [PROTO13] Sent
      // node-locally: a socket.emit would be kept for recovery (and, in cluster mode, written to
      // the Redis stream for every connection), yet a recovering socket always gets a fresh one.
      // [PERF20] An attendee's is their own part added to the event's shared part, encoded once.
      if (me.role === 'attendee') {
        const json = attendeeSnapshotJson(deps, await sharedSnapshots.get(event.id), me, event);
        io.local.to(socket.id).emit('snapshot', new RawJson(await json) as never);
      } else io.local.to(socket.id).emit('snapshot', await buildSnapshot(deps, me, event));
    })(), deps.deadlineMs * SETUP_DEADLINE_FACTOR).catch((e: unknown) => {
      const { expected } = toErrorBody(e);
      if (expected) log.warn({ err: e, participantId }, 'connection setup failed: store unavailable');
      else log.error({ err: e, participantId }, 'connection setup failed');
      socket.disconnect(true);
    });
  });
}

/**
 * [BRK23] [BRK25] A (re)connecting socket joins the breakout room its participant is in now (placing
 * a late joiner first), and leaves any other it held (a recovered socket gets its old rooms back,
 * and the round may have closed meanwhile). Read after presence was written, so a placement or a
 * close published meanwhile reaches this socket through its participant room either way.
 */
async function joinBreakoutRoom(socket: RallySocket, deps: RealtimeDeps, me: Parameters<typeof breakoutRoomOnConnect>[1]): Promise<void> {
  const place = await breakoutRoomOnConnect(deps, me);
  const mine = place?.roomId ? rooms.breakoutRoom(me.eventId, place.roomId) : null;
  const prefix = rooms.breakoutRoom(me.eventId, '');
  for (const r of socket.rooms) if (r !== mine && (r.startsWith(prefix) || (!mine && r === rooms.breakouts(me.eventId)))) socket.leave(r);
  if (mine) socket.join([mine, rooms.breakouts(me.eventId)]);
}

/**
 * [QUIZ35] Fair timing needs each socket's round trip: Engine.IO's heartbeat is a server ping the
 * client answers with a pong, so the time between sending one and receiving the other is the round
 * trip, measured without any client code. socket.data keeps the smallest of the last few (0 until
 * the first): a heartbeat that waited on a busy event loop reads long, and a long round trip would
 * credit answers with time they did not take (seen in bench B6 after a storm).
 */
const RTT_SAMPLES = 4;
function measureRtt(socket: RallySocket, connectedAtMs: number): void {
  socket.data.connectedAtMs = connectedAtMs;
  let pingAt = 0;
  const samples: number[] = [];
  socket.conn.on('packetCreate', (p: { type: string }) => {
    if (p.type === 'ping') pingAt = performance.now();
  });
  socket.conn.on('packet', (p: { type: string }) => {
    if (p.type !== 'pong' || pingAt === 0) return;
    samples.push(Math.round(performance.now() - pingAt));
    if (samples.length > RTT_SAMPLES) samples.shift();
    socket.data.rttMs = Math.min(...samples);
    pingAt = 0;
  });
}
