import type { Server } from 'socket.io';
import type { ClientToServerEvents, Mode, Role, ServerToClientEvents, SocketData } from '@rally/shared';
import type { BreakoutMove, MovesOrder, PersonalItem, PlaceVideo, Publisher } from '../domain/ports.js';
import { tellRoomWatcher } from './shared-frame-fanout.js';
import { RawJson, expandRefs, refMark, stringifyWithRaw, stringifyWithRefs } from '../domain/raw-json.js';

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
/**
 * [CLU5] Personal facts (or breakout moves) per cross-node message: ~250 bytes each for a quiz
 * result, ~100 for a breakout place with its room's shared parts once. Few and large: the adapter's
 * Redis client writes one command per turn of a busy node's event loop (it waits for the socket to
 * drain in between), so 20 messages of 500 reached the other node over most of a second (bench B7);
 * and bounded, so that one message stays far below Redis's output buffer limit for subscribers.
 */
const PERSONAL_BATCH_MAX = 5000;
/** Personal facts written to this node's sockets in one go, between turns that let I/O and other commands in. */
const LOCAL_CHUNK = 500;
/**
 * [CLU5] [BRK46] The items travel as the bytes of one text: the adapter sends server-side messages
 * over Redis pub/sub msgpack-encoded, and msgpack copies bytes as they are, where 500 result objects
 * cost ~40 µs apiece to decode (bench B6 profiles). Each payload is in it as the JSON it is written
 * to the sockets as (encoded once, on the sending node): a receiving node cuts the text and writes
 * each of its own participants' payloads as is, never parsing nor encoding one again. The parts a
 * payload shares with others (RawJson: a breakout room's member list, the same in each member's
 * place) are in the batch once, each payload referring to them (stringifyWithRefs): a round's places
 * at open are 10,000 payloads of ~1.5 KB, ~1.2 KB of it the room's, 15 MB where 3 MB say the same,
 * and a message that size leaves the sending node only as fast as its busy event loop writes it
 * (bench B7). The text is the parts joined by ITEM, then PARTS_END, then the items joined by ITEM;
 * an item is `participantId SEP payload`, followed by `SEP videoJSON` when the delivering node signs
 * a video token into it ([BRK46]). JSON text never holds a raw control character, nor does an id.
 */
type PersonalBatch = { fact: string; items: Uint8Array };
/**
 * Personal facts ready to write: each payload's JSON text, its shared parts' texts (null: each text
 * is whole), and what the delivering node signs in: the video token's subject, as an object on the
 * node that placed it, as JSON text with references to the shared parts on the others.
 */
type EncodedItem = { participantId: string; text: string; video?: PlaceVideo; videoText?: string };
type Encoded = { items: readonly EncodedItem[]; parts: readonly string[] | null };
const SEP = '\u0001';
const ITEM = '\u0002';
const PARTS_END = '\u0004';
const bytesText = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
function decodeItems(bytes: Uint8Array): Encoded {
  const text = bytesText(bytes);
  const cut = text.indexOf(PARTS_END);
  const parts = cut === 0 ? [] : text.slice(0, cut).split(ITEM);
  const items: EncodedItem[] = [];
  for (const item of text.slice(cut + 1).split(ITEM)) {
    const [participantId, payload, videoText] = item.split(SEP) as [string, string, string | undefined];
    items.push(videoText === undefined ? { participantId, text: payload } : { participantId, text: payload, videoText });
  }
  return { items, parts };
}
const encodeBatch = ({ items, parts }: Encoded) =>
  Buffer.from(`${(parts ?? []).join(ITEM)}${PARTS_END}${items.map((i) => `${i.participantId}${SEP}${i.text}${i.videoText !== undefined ? `${SEP}${i.videoText}` : ''}`).join(ITEM)}`);
/** Each payload whole (this node's sockets only). */
const encodeWhole = <P>(items: readonly PersonalItem<P>[]): Encoded => ({
  items: items.map(({ participantId, payload, video }) => {
    const text = payload instanceof RawJson ? payload.text : stringifyWithRaw(payload);
    return video ? { participantId, text, video } : { participantId, text };
  }),
  parts: null,
});
/** Each payload with its shared parts by reference, the parts once (a batch for every node). */
function encodeShared<P>(items: readonly PersonalItem<P>[]): Encoded {
  const refs = new Map<object, number>();
  const parts: string[] = [];
  const refOf = (part: object, text: () => string) => {
    let n = refs.get(part);
    if (n === undefined) refs.set(part, (n = parts.push(text()) - 1));
    return n;
  };
  const refOfRaw = (part: RawJson) => refOf(part, () => part.text);
  return {
    items: items.map(({ participantId, payload, video }) => {
      const text = stringifyWithRefs(payload, refOfRaw);
      if (!video) return { participantId, text };
      // A room's members share one room object (sendPlaces): in the batch once.
      const videoText = `{"room":${refMark(refOf(video.room, () => JSON.stringify(video.room)))},"name":${JSON.stringify(video.name)}}`;
      return { participantId, text, video, videoText };
    }),
    parts,
  };
}
/** One turn of the event loop with its I/O poll: from an I/O callback, one setImmediate runs before the next poll; two run after it. */
const ioTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
/** The JSON text of an object with one more field (the object's own text, not parsed again). */
const withField = (objectJson: string, name: string, value: unknown) =>
  `${objectJson.slice(0, -1)}${objectJson.length > 2 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}}`;

/** [BRK25] [CLU5] The server-side event that carries a batch of breakout-room moves to the other nodes (JSON bytes, as above). */
const MOVES_BATCH = 'rally:breakoutMoves';
/** [BRK11] The fact that tells a participant their breakout place. */
const PLACE = 'breakout:assigned';
type MovesBatch = { eventId: string; moves: Uint8Array; order?: MovesOrder };

/**
 * `cluster`: the adapter crosses nodes (Redis Streams). Personal facts sent in bulk
 * (toParticipants) then go to this node's sockets directly and to the other nodes as one
 * server-side message per batch (Redis pub/sub, as the adapter sends them), each node delivering
 * to its own sockets: one message per 5,000 participants instead of one stream entry per
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
  const signed = (item: EncodedItem, text: string, parts: readonly string[] | null): RawJson => {
    if ((!item.video && item.videoText === undefined) || !opts.signVideo) return new RawJson(text);
    try {
      const video = item.video ?? (JSON.parse(expandRefs(item.videoText!, parts ?? [])) as PlaceVideo);
      return new RawJson(withField(text, 'video', opts.signVideo(item.participantId, video)));
    } catch {
      return new RawJson(text);
    }
  };
  const deliverLocally = (fact: string, { items, parts }: Encoded) => {
    // Every payload made first (tokens signed), then written back to back: the writes reach the
    // clients' processes in a burst, not one at a time between signatures.
    const ready: [string, RawJson][] = [];
    for (const item of items) {
      const room = rooms.participant(item.participantId);
      if (localRooms.has(room)) ready.push([room, signed(item, parts ? expandRefs(item.text, parts) : item.text, parts)]);
    }
    for (const [room, payload] of ready) emit(io.local.to(room), fact, payload);
  };
  /**
   * [BRK86] Per event, the round whose moves this node's sockets took last, and per participant the
   * placement number of the last move taken: a move read earlier (an opening's, still being written
   * over several turns or crossing nodes) arriving after a later one (a moderator's move) is skipped,
   * or the sockets would end in two rooms. A move of another round starts afresh.
   */
  const lastMoves = new Map<string, { roundId: string; seqs: Map<string, number> }>();
  /** [BRK25] Moves this node's sockets of each participant (io.local: the other nodes move their own). */
  const moveLocally = (eventId: string, moves: readonly BreakoutMove[], order?: MovesOrder) => {
    // [PERF23] Before the places are told (they follow the moves): a snapshot read before this is not used.
    tellRoomWatcher(io, new Set([rooms.breakouts(eventId)]));
    const here = opts.cluster ? io.local : io;
    let taken = order && lastMoves.get(eventId);
    if (order && (!taken || taken.roundId !== order.roundId)) lastMoves.set(eventId, (taken = { roundId: order.roundId, seqs: new Map() }));
    for (const { participantId, roomId, leave } of moves) {
      if (!localRooms.has(rooms.participant(participantId))) continue;
      if (order && taken) {
        if ((taken.seqs.get(participantId) ?? -1) > order.seq) continue;
        taken.seqs.set(participantId, order.seq);
      }
      const sockets = here.in(rooms.participant(participantId));
      const away = leave.filter((r) => r !== roomId).map((r) => rooms.breakoutRoom(eventId, r));
      if (roomId === null) away.push(rooms.breakouts(eventId));
      if (away.length > 0) sockets.socketsLeave(away);
      if (roomId !== null) sockets.socketsJoin([rooms.breakoutRoom(eventId, roomId), rooms.breakouts(eventId)]);
    }
  };
  /** [CLU5] Encodes each item once and sends the other nodes theirs, one message per batch; returns the batches. */
  const sendElsewhere = <P>(fact: string, items: readonly PersonalItem<P>[]): Encoded[] => {
    const batches: Encoded[] = [];
    for (let i = 0; i < items.length; i += PERSONAL_BATCH_MAX) {
      const batch = encodeShared(items.slice(i, i + PERSONAL_BATCH_MAX));
      sideways.serverSideEmit(PERSONAL_BATCH, { fact, items: encodeBatch(batch) });
      batches.push(batch);
    }
    return batches;
  };
  /**
   * [CLU5] Every other node moves its own sockets from one message per batch (not one adapter
   * publish per person). An empty list still goes once: it tells every node the event's places
   * changed ([PERF23]).
   */
  const sendMovesElsewhere = (eventId: string, moves: readonly BreakoutMove[], order?: MovesOrder) => {
    for (let i = 0; i === 0 || i < moves.length; i += PERSONAL_BATCH_MAX) {
      sideways.serverSideEmit(MOVES_BATCH, { eventId, moves: Buffer.from(JSON.stringify(moves.slice(i, i + PERSONAL_BATCH_MAX))), ...(order ? { order } : {}) });
    }
  };
  /** This node's writes of many personal facts, a chunk per turn (the first at once). */
  const deliverInTurns = async (fact: string, { items, parts }: Encoded) => {
    for (let i = 0; i < items.length; i += LOCAL_CHUNK) {
      if (i > 0) await ioTurn();
      deliverLocally(fact, { items: items.slice(i, i + LOCAL_CHUNK), parts });
    }
  };
  // Writes spread over turns are done one after another, in the order they were asked for: what
  // the other nodes send, in the order it came, and this node's own places: a later one (a place
  // after a move, the next round's places) never overtakes an earlier one still being written.
  let writing: Promise<void> = Promise.resolve();
  const inOrder = (work: () => void | Promise<void>): Promise<void> => {
    const done = writing.then(work);
    writing = done.catch(() => undefined);
    return done;
  };
  if (opts.cluster) {
    // A write that throws here has no command to fail: it is dropped, the chain goes on.
    sideways.on(PERSONAL_BATCH, (b) => void inOrder(() => deliverInTurns(b.fact, decodeItems(b.items))).catch(() => undefined));
    sidewaysMoves.on(MOVES_BATCH, (b) => void inOrder(() => moveLocally(b.eventId, JSON.parse(bytesText(b.moves)) as BreakoutMove[], b.order)).catch(() => undefined));
  }
  return {
    toEvent(eventId, fact, payload) {
      emit(io.to(rooms.event(eventId)), fact, payload);
    },
    toRoles(eventId, roles, fact, payload, o) {
      // One emit to the union of rooms: a socket in two of them still gets the fact once.
      const to = io.to(roles.map((r) => rooms.role(eventId, r)));
      emit(o?.outsideBreakouts ? to.except(rooms.breakouts(eventId)) : to, fact, payload);
    },
    toParticipant(participantId, fact, payload) {
      emit(io.to(rooms.participant(participantId)), fact, payload);
    },
    toParticipants(fact, items) {
      // Encoded here, not by Socket.IO: each payload once (a payload may hold parts encoded once for
      // many, RawJson), for this node's sockets and the other nodes alike.
      if (!opts.cluster) return deliverLocally(fact, encodeWhole(items));
      // Each socket once: this node's through io.local, every other node's by that node, from one
      // message per batch, all sent before this node's own writes so the other nodes start at once.
      for (const batch of sendElsewhere(fact, items)) deliverLocally(fact, batch);
    },
    async placeInBreakoutRooms(eventId, moves, places, order) {
      if (!opts.cluster) {
        if (moves) moveLocally(eventId, moves, order);
        return deliverLocally(PLACE, encodeWhole(places));
      }
      // [BRK46] Everything for the other nodes leaves first, then a turn with its I/O between chunks
      // of this node's own work: the messages leave while this node works (a loop that never yields
      // to I/O keeps them queued here). The same pub/sub channel carries moves and places, so
      // on every node a socket is in its room before it hears of it.
      if (moves) sendMovesElsewhere(eventId, moves, order);
      const batches = sendElsewhere(PLACE, places);
      await ioTurn();
      await inOrder(async () => {
        if (moves) moveLocally(eventId, moves, order);
        for (const batch of batches) await deliverInTurns(PLACE, batch);
      });
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
    clearBreakoutRooms(eventId, roomIds) {
      lastMoves.delete(eventId);
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
