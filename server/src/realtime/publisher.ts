import type { Server } from 'socket.io';
import type { ClientToServerEvents, Mode, Role, ServerToClientEvents, SocketData } from '@rally/shared';
import type { BreakoutMove, PersonalItem, PlaceVideo, Publisher } from '../domain/ports.js';
import { tellRoomWatcher } from './shared-frame-fanout.js';
import { RawJson, stringifyWithRaw } from '../domain/raw-json.js';

export type RallyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Room names. Rooms reach every node through the adapter, so publishing never needs to know where a socket is. */
export const rooms = {
  event: (eventId: string) => `ev:${eventId}`,
  role: (eventId: string, role: Role) => `ev:${eventId}:${role}`,
  participant: (participantId: string) => `p:${participantId}`,
  /** [STAGE16] Every socket of the event's participants in that mode; sockets move when the mode changes. */
  mode: (eventId: string, mode: Mode) => `ev:${eventId}:mode:${mode}`,
  /** [STAGE16] Sockets in any breakout room of the event (joined by the breakouts capability). */
  breakouts: (eventId: string) => `ev:${eventId}:breakouts`,
  /** [BRK25] The sockets of one breakout room's members; they move with the assignment. */
  breakoutRoom: (eventId: string, roomId: string) => `ev:${eventId}:brk:${roomId}`,
  /**
   * [POLL23] One slice of a role's sockets on this node: every socket of the role is in exactly
   * one of ROLE_SLICES slices, so a large per-tick fan-out can go out slice by slice and let the
   * event loop take votes in between.
   */
  roleSlice: (eventId: string, role: Role, slice: number) => `ev:${eventId}:${role}:s${slice}`,
};

const STAFF_ROOM_ROLES: ReadonlySet<string> = new Set<Role>(['presenter', 'moderator', 'screen', 'admin']);

/**
 * [PERF21] The event whose attendees a broadcast to `room` may reach, or null: every room of an
 * event (the event, a role or its slices, a mode, the breakout rooms) but the other roles' own.
 * Participants' and sockets' own rooms carry personal facts, never what all attendees see.
 */
export function eventReachingAttendees(room: string): string | null {
  if (!room.startsWith('ev:')) return null;
  const colon = room.indexOf(':', 3);
  if (colon === -1) return room.slice(3);
  const next = room.indexOf(':', colon + 1);
  const role = room.slice(colon + 1, next === -1 ? undefined : next);
  return STAFF_ROOM_ROLES.has(role) ? null : room.slice(3, colon);
}

/** How many slices each role room is split into ([POLL23]). */
export const ROLE_SLICES = 8;
let nextSlice = 0;
/** Slices are dealt round robin, so they stay even however sockets come and go. */
export const takeSlice = (): number => (nextSlice = (nextSlice + 1) % ROLE_SLICES);

const OTHER_MODE: Record<Mode, Mode> = { room: 'remote', remote: 'room' };

/** A room broadcast: encoded once and written to every socket in it (never a per-socket loop). */
type Target = { emit: unknown };
export type EmitFact = (target: Target, fact: string, payload: unknown) => void;

/**
 * How facts leave this node. With bench stamps on (RALLY_BENCH_STAMPS=1), each fact carries a
 * trailing argument: process.hrtime.bigint() as a decimal string, the host's monotonic clock, so
 * the bench's load processes can measure fan-out latency apart from the command path
 * (docs/PERFORMANCE.md). Clients ignore extra arguments. Chosen once, so off costs nothing and the
 * wire is unchanged.
 */
export function factEmitter(stamps: boolean): EmitFact {
  if (!stamps) return (target, fact, payload) => void (target.emit as (e: string, p: unknown) => boolean)(fact, payload);
  return (target, fact, payload) => void (target.emit as (e: string, p: unknown, t: string) => boolean)(fact, payload, process.hrtime.bigint().toString());
}

/** [CLU5] The server-side event that carries a batch of personal facts to the other nodes. */
const PERSONAL_BATCH = 'rally:personalFacts';
/** [CLU5] Personal facts per cross-node message (~250 bytes each for a quiz result, ~2 KB for a breakout place). */
const PERSONAL_BATCH_MAX = 500;
/**
 * [CLU5] [BRK46] The items travel as the bytes of one text: the adapter sends server-side messages
 * over Redis pub/sub msgpack-encoded, and msgpack copies bytes as they are, where 500 result objects
 * cost ~40 µs apiece to decode (bench B6 profiles). Each payload is in it as the JSON it is written
 * to the sockets as (encoded once, on the sending node): a receiving node cuts the text and writes
 * each of its own participants' payloads as is, never parsing nor encoding one again (a round's
 * places at open are 10,000 payloads of ~2 KB: bench B7). An item is `participantId SEP payloadJSON`,
 * followed by `SEP videoJSON` when the delivering node signs a video token into it ([BRK46]); items
 * are joined by ITEM. JSON text never holds a raw control character, nor does an id.
 */
type PersonalBatch = { fact: string; items: Uint8Array };
/** A personal fact ready to write: its payload as JSON text, and what the delivering node signs into it. */
type EncodedItem = { participantId: string; payload: RawJson; video?: PlaceVideo };
const SEP = '\u0001';
const ITEM = '\u0002';
const bytesText = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
function decodeItems(bytes: Uint8Array): EncodedItem[] {
  const out: EncodedItem[] = [];
  for (const item of bytesText(bytes).split(ITEM)) {
    const [participantId, payload, video] = item.split(SEP) as [string, string, string | undefined];
    out.push(video === undefined ? { participantId, payload: new RawJson(payload) } : { participantId, payload: new RawJson(payload), video: JSON.parse(video) as PlaceVideo });
  }
  return out;
}
const encodeItems = (items: readonly EncodedItem[]) =>
  Buffer.from(items.map((i) => `${i.participantId}${SEP}${i.payload.text}${i.video ? `${SEP}${JSON.stringify(i.video)}` : ''}`).join(ITEM));
const encodeItem = <P>({ participantId, payload, video }: PersonalItem<P>): EncodedItem => {
  const json = payload instanceof RawJson ? payload : new RawJson(stringifyWithRaw(payload));
  return video ? { participantId, payload: json, video } : { participantId, payload: json };
};
/** The JSON text of an object with one more field (the object's own text, not parsed again). */
const withField = (objectJson: string, name: string, value: unknown) =>
  `${objectJson.slice(0, -1)}${objectJson.length > 2 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}}`;

/** [BRK25] [CLU5] The server-side event that carries a batch of breakout-room moves to the other nodes (JSON bytes, as above). */
const MOVES_BATCH = 'rally:breakoutMoves';
type MovesBatch = { eventId: string; moves: Uint8Array };

/**
 * `cluster`: the adapter crosses nodes (Redis Streams). Personal facts sent in bulk
 * (toParticipants) then go to this node's sockets directly and to the other nodes as one
 * server-side message per batch (Redis pub/sub, as the adapter sends them), each node delivering
 * to its own sockets: one message per 500 participants instead of one stream entry per
 * participant, which every node would decode ([CLU5]).
 */
export function ioPublisher(
  io: RallyServer,
  opts: {
    stamps?: boolean;
    cluster?: boolean;
    /** [BRK46] Signs a breakout place's video token for one of this node's participants (absent: no video on this server). */
    signVideo?: (participantId: string, video: PlaceVideo) => unknown;
  } = {},
): Publisher {
  const emit = factEmitter(opts.stamps ?? false);
  const sideways = io as unknown as { on(e: string, h: (b: PersonalBatch) => void): void; serverSideEmit(e: string, b: PersonalBatch | MovesBatch): boolean };
  const sidewaysMoves = io as unknown as { on(e: string, h: (b: MovesBatch) => void): void };
  // [BRK46] This node's rooms. A participant with no socket here is skipped before the emit, which
  // would encode the packet first and only then find nobody to write it to: in cluster mode every
  // node is handed every item of a batch, and most participants are on another node.
  const localRooms = io.of('/').adapter.rooms;
  /** [BRK46] The place with its video token in it, or as it is when no token can be signed here (the client asks). */
  const signed = (item: EncodedItem): RawJson => {
    if (!item.video || !opts.signVideo) return item.payload;
    try {
      return new RawJson(withField(item.payload.text, 'video', opts.signVideo(item.participantId, item.video)));
    } catch {
      return item.payload;
    }
  };
  const deliverLocally = (fact: string, items: readonly EncodedItem[]) => {
    for (const item of items) {
      const room = rooms.participant(item.participantId);
      if (localRooms.has(room)) emit(io.local.to(room), fact, signed(item));
    }
  };
  /** [BRK25] Moves this node's sockets of each participant (io.local: the other nodes move their own). */
  const moveLocally = (eventId: string, moves: readonly BreakoutMove[]) => {
    // [PERF23] Before the places are told (they follow the moves): a snapshot read before this is not used.
    tellRoomWatcher(io, new Set([rooms.breakouts(eventId)]));
    const here = opts.cluster ? io.local : io;
    for (const { participantId, roomId, leave } of moves) {
      if (!localRooms.has(rooms.participant(participantId))) continue;
      const sockets = here.in(rooms.participant(participantId));
      const away = leave.filter((r) => r !== roomId).map((r) => rooms.breakoutRoom(eventId, r));
      if (roomId === null) away.push(rooms.breakouts(eventId));
      if (away.length > 0) sockets.socketsLeave(away);
      if (roomId !== null) sockets.socketsJoin([rooms.breakoutRoom(eventId, roomId), rooms.breakouts(eventId)]);
    }
  };
  /** [CLU5] Encodes each item once and sends the other nodes theirs, one message per batch; returns the encoded items. */
  const sendElsewhere = <P>(fact: string, items: readonly PersonalItem<P>[]): EncodedItem[] => {
    const encoded = items.map(encodeItem);
    for (let i = 0; i < encoded.length; i += PERSONAL_BATCH_MAX) sideways.serverSideEmit(PERSONAL_BATCH, { fact, items: encodeItems(encoded.slice(i, i + PERSONAL_BATCH_MAX)) });
    return encoded;
  };
  if (opts.cluster) {
    sideways.on(PERSONAL_BATCH, (b) => deliverLocally(b.fact, decodeItems(b.items)));
    sidewaysMoves.on(MOVES_BATCH, (b) => moveLocally(b.eventId, JSON.parse(bytesText(b.moves)) as BreakoutMove[]));
  }
  return {
    toEvent(eventId, fact, payload) {
      emit(io.to(rooms.event(eventId)), fact, payload);
    },
    toRoles(eventId, roles, fact, payload) {
      // One emit to the union of rooms: a socket in two of them still gets the fact once.
      emit(io.to(roles.map((r) => rooms.role(eventId, r))), fact, payload);
    },
    toParticipant(participantId, fact, payload) {
      emit(io.to(rooms.participant(participantId)), fact, payload);
    },
    toParticipants(fact, items) {
      // Encoded here, not by Socket.IO: each payload once (a payload may hold parts encoded once for
      // many, RawJson), for this node's sockets and the other nodes alike.
      if (!opts.cluster) return deliverLocally(fact, items.map(encodeItem));
      // Each socket once: this node's through io.local, every other node's by that node, from one
      // message per batch, all sent before this node's own writes so the other nodes start at once.
      deliverLocally(fact, sendElsewhere(fact, items));
    },
    async toParticipantsOthersFirst(fact, items) {
      if (!opts.cluster) return deliverLocally(fact, items.map(encodeItem));
      const encoded = sendElsewhere(fact, items);
      await new Promise<void>((resolve) => setImmediate(resolve));
      deliverLocally(fact, encoded);
    },
    toAudience(eventId, audience, fact, payload) {
      const targets = [
        ...audience.roles.map((r) => rooms.role(eventId, r)),
        ...audience.modes.map((m) => rooms.mode(eventId, m)),
        ...(audience.breakouts ? [rooms.breakouts(eventId)] : []),
      ];
      if (targets.length > 0) emit(io.to(targets), fact, payload);
    },
    setMode(eventId, participantId, mode) {
      // Through the adapter, so the participant's sockets move on whichever nodes hold them.
      io.in(rooms.participant(participantId)).socketsLeave(rooms.mode(eventId, OTHER_MODE[mode]));
      io.in(rooms.participant(participantId)).socketsJoin(rooms.mode(eventId, mode));
    },
    setBreakoutRooms(eventId, moves) {
      if (!opts.cluster) return moveLocally(eventId, moves);
      // [CLU5] As toParticipants: every other node moves its own sockets from one message per batch
      // (not one adapter publish per person), this node its own. The same pub/sub channel carries
      // the personal-fact batches, so a move sent before a fact arrives before it on every node.
      // An empty list still goes once: it tells every node the event's places changed ([PERF23]).
      for (let i = 0; i === 0 || i < moves.length; i += PERSONAL_BATCH_MAX) {
        const batch = moves.slice(i, i + PERSONAL_BATCH_MAX);
        sideways.serverSideEmit(MOVES_BATCH, { eventId, moves: Buffer.from(JSON.stringify(batch)) });
        moveLocally(eventId, batch);
      }
    },
    clearBreakoutRooms(eventId, roomIds) {
      io.in(rooms.breakouts(eventId)).socketsLeave([rooms.breakouts(eventId), ...roomIds.map((r) => rooms.breakoutRoom(eventId, r))]);
    },
    toBreakoutRoom(eventId, roomId, fact, payload) {
      emit(io.to(rooms.breakoutRoom(eventId, roomId)), fact, payload);
    },
    disconnectParticipant(participantId) {
      io.in(rooms.participant(participantId)).disconnectSockets(true);
    },
    disconnectRoles(eventId, roles) {
      io.in(roles.map((r) => rooms.role(eventId, r))).disconnectSockets(true);
    },
  };
}
