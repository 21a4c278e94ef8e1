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
import { authenticate } from '../domain/identity.js';
import type { DomainDeps } from '../domain/ports.js';
import type { StageServices } from '../domain/stage/deps.js';
import type { AskBudget } from '../domain/qa/deps.js';
import { socketClosed, socketOpened } from '../domain/presence.js';
import { buildSnapshot } from '../domain/snapshot.js';
import { breakoutRoomOnConnect } from '../domain/breakout/placement.js';
import type { QuizTimers } from '../domain/quiz/play.js';
import type { Log } from '../log.js';
import { connectError, describeZodError, errorAck, toErrorBody } from './errors.js';
import { UNRECORDED_COMMANDS, handlers, type CommandContext } from './handlers.js';
import { maySend } from './permissions.js';
import { rooms, takeSlice, type RallyServer } from './publisher.js';
import type { ConnectionLimits } from './connection-limits.js';
import { RateLimited, type RateLimits } from './rate-limits.js';

type RallySocket = Parameters<Parameters<RallyServer['on']>[1]>[0];
const COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);

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
  /** [SEC3] The client's address behind the trusted proxies, as Express reads it. */
  clientAddress: (headers: IncomingHttpHeaders, remoteAddress: string) => string;
  /** [EDGE3] [SEC30] Whether a page on this Origin may open a socket (no Origin: not a browser). */
  originAllowed: (origin: string | undefined) => boolean;
}

// Long enough for a client's retries after a drop; short enough that the table stays small.
const COMMAND_RESULT_TTL_S = 6 * 60 * 60;

/**
 * Handshake auth and the command pipeline: schema -> role table -> rate limit -> idempotency ->
 * domain -> ack. Every failure is an error ack; nothing thrown here can reach the process.
 */
export function attachRealtime(io: RallyServer, deps: RealtimeDeps): void {
  const { log } = deps;
  // [SEC3] Each Engine.IO connection's client address, read from its upgrade request (which is
  // dropped below, before the handshake middleware runs) by the proxies Express trusts.
  const clientAddresses = new WeakMap<object, string>();
  // [SEC30] The Engine.IO connections opened by a page on a foreign Origin, refused at the handshake.
  const foreignOrigins = new WeakSet<object>();

  // Runs on every connection, including connection-state recoveries (skipMiddlewares is off),
  // so a banned participant or a rotated key cannot slip back in through recovery.
  io.use(async (socket, next) => {
    try {
      // [SEC4] First, before the token is verified or anything read: a flood costs one counter each.
      await deps.limits.connect(clientAddresses.get(socket.conn) ?? socket.handshake.address);
      // [EDGE3] [SEC30] Cross-site WebSocket hijacking: refused here rather than at the HTTP upgrade,
      // where Engine.IO can only answer a bare 400 that no browser client can read.
      if (foreignOrigins.has(socket.conn)) {
        return next(connectError({ code: ErrorCode.ORIGIN_REJECTED, message: 'this page may not connect to Rally: open Rally from its own address' }));
      }
      const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
      if (!auth.success) return next(connectError({ code: ErrorCode.UNAUTHORIZED, message: 'missing participant token, please join again' }));
      if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
        return next(connectError({ code: ErrorCode.PROTOCOL_MISMATCH, message: 'Rally was updated: please reload the page' }));
      }
      const { participant } = await authenticate(deps, auth.data.token);
      socket.data = { participantId: participant.id, eventId: participant.eventId, role: participant.role };
      next();
    } catch (e) {
      const { body, expected } = toErrorBody(e);
      if (!expected) log.error({ err: e }, 'handshake failed');
      next(connectError(body));
    }
  });

  // [STORE39] An ok ack leaves only once what the command wrote is committed.
  const acked = async (data: unknown): Promise<Ack<unknown>> => {
    await deps.store.durable();
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
    const timing = { connectedAtMs: socket.data.connectedAtMs ?? 0, rttMs: socket.data.rttMs ?? 0 };
    const ctx: CommandContext = { deps, participantId, eventId, role, askBudget: deps.askBudget, timing };
    const handler = handlers[name] as (c: CommandContext, p: unknown) => Promise<unknown>;
    if (UNRECORDED_COMMANDS.has(name)) return acked(await handler(ctx, parsed.data));
    // [PROTO3] A retried command id gets the first result back and is not applied again.
    const key = `cmd:${participantId}:${name}:${parsed.data.id}`;
    const prior = await deps.store.recalledCommand(key);
    // Awaited too: the first attempt's writes may still be in this turn's batch.
    if (prior !== undefined) return acked(prior);
    const data = await handler(ctx, parsed.data);
    return acked(await deps.store.rememberCommand(key, data, COMMAND_RESULT_TTL_S));
  };

  // Socket.IO calls onAny listeners with the socket as `this`, so one function serves every socket.
  function dispatch(this: RallySocket, name: string, ...args: unknown[]): void {
    const last = args[args.length - 1];
    const reply = typeof last === 'function' ? (last as (a: Ack<unknown>) => void) : () => {};
    // An unknown event name with an ack gets a typed error instead of a silent timeout.
    if (!COMMANDS.has(name)) return reply(errorAck(ErrorCode.BAD_REQUEST, `unknown command ${name}`));
    const participantId = this.data.participantId;
    run(this, name as CommandName, args[0]).then(reply, (e: unknown) => {
      const { body, expected } = toErrorBody(e);
      if (!expected) log.error({ err: e, command: name, participantId }, 'command failed');
      reply({ ok: false, error: body });
    });
  }

  function closed(this: RallySocket): void {
    const { participantId } = this.data;
    deps.store
      .getParticipant(participantId)
      .then((p) => (p ? socketClosed(deps, p, this.id) : undefined))
      .catch((e: unknown) => log.warn({ err: e, participantId }, 'presence removal failed'));
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

    void (async () => {
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
      io.local.to(socket.id).emit('snapshot', await buildSnapshot(deps, me, event));
    })().catch((e: unknown) => {
      log.error({ err: e, participantId }, 'connection setup failed');
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
