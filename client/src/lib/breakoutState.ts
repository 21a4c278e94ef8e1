import {
  roleIndexFor,
  type BreakoutRound,
  type BreakoutRoundView,
  type BreakoutTemplate,
  type ChatMessage,
  type CommandName,
  type CommandResults,
  type FactPayload,
  type HelpRequest,
  type MyBreakout,
  type RoomOccupancy,
  type Snapshot,
  type Takeaway,
} from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * [BRK70] Breakout rounds as this client knows them, from the snapshot's `breakouts` part and the
 * breakout:* facts. Staff hold every round with the briefs (`rounds`); attendees and the stage screen
 * the current round without them (`round`) and, for an attendee, their own place (`me`). Rounds are
 * kept per id and the highest version wins: facts and acks race, and several nodes send.
 */
export interface BreakoutState {
  /** Whether this server runs video ([BRK44]). */
  video: boolean;
  /** Staff: every round, oldest first. */
  rounds: BreakoutRound[];
  /** Attendees and the stage screen: the event's current round. */
  round: BreakoutRoundView | null;
  templates: BreakoutTemplate[];
  /** An attendee's own place: room, room-mates, role with its private brief. */
  me: MyBreakout | null;
  /** Staff: who is in which room now, per round. */
  occupancy: Record<string, RoomOccupancy>;
  help: HelpRequest[];
  /** Room chats by `roundId:roomId` (attendees: their own room; staff: the rooms they opened). */
  chat: Record<string, ChatMessage[]>;
  takeaways: Takeaway[];
}

export type BreakoutEvent =
  | { name: 'breakout:roundUpdated'; payload: BreakoutRound }
  | { name: 'breakout:roundDeleted'; payload: { roundId: string } }
  | { name: 'breakout:roundChanged'; payload: BreakoutRoundView }
  | { name: 'breakout:assigned'; payload: MyBreakout }
  | { name: 'breakout:occupancyChanged'; payload: RoomOccupancy }
  | { name: 'breakout:broadcasted'; payload: FactPayload<'breakout:broadcasted'> }
  | { name: 'breakout:helpChanged'; payload: HelpRequest }
  | { name: 'breakout:chatPosted'; payload: FactPayload<'breakout:chatPosted'> }
  | { name: 'breakout:chatDeleted'; payload: FactPayload<'breakout:chatDeleted'> }
  | { name: 'breakout:takeawaySubmitted'; payload: Takeaway }
  | { name: 'breakout:templatesChanged'; payload: { templates: BreakoutTemplate[] } }
  /** A staff read of one room's chat (the `breakout:readChat` ack). */
  | { name: 'breakout:chatRead'; payload: { roundId: string; roomId: string; messages: ChatMessage[] } };

export const EMPTY_BREAKOUTS: BreakoutState = { video: false, rounds: [], round: null, templates: [], me: null, occupancy: {}, help: [], chat: {}, takeaways: [] };

export const chatKey = (roundId: string, roomId: string) => `${roundId}:${roomId}`;

/**
 * The snapshot's part. [BRK86] A snapshot is read before it is sent: a place this client already
 * holds for the same round with a higher number (a move told while the snapshot was on its way) is
 * kept, with its room's chat, rather than the snapshot's older one.
 */
export function breakoutsFromSnapshot(s: Snapshot, held?: BreakoutState): BreakoutState {
  const b = s.breakouts;
  if (!b) return EMPTY_BREAKOUTS;
  const newer = held?.me && b.me && held.me.roundId === b.me.roundId && held.me.seq > b.me.seq ? held.me : null;
  const me = newer ?? b.me ?? null;
  const chat: Record<string, ChatMessage[]> = {};
  if (newer?.roomId) chat[chatKey(newer.roundId, newer.roomId)] = held!.chat[chatKey(newer.roundId, newer.roomId)] ?? [];
  else if (b.chat && me?.roomId) chat[chatKey(me.roundId, me.roomId)] = b.chat;
  return {
    video: b.video,
    rounds: b.rounds ?? [],
    round: b.round ?? null,
    templates: b.templates ?? [],
    me,
    occupancy: b.occupancy ? { [b.occupancy.roundId]: b.occupancy } : {},
    help: b.help ?? [],
    chat,
    takeaways: b.takeaways ?? [],
  };
}

/** A broadcast folded into a round's list once (the fact, then the round's next version, carry it). */
function withBroadcast<R extends Pick<BreakoutRoundView, 'broadcasts'>>(r: R, text: string, at: string): R {
  if (r.broadcasts.some((x) => x.at === at && x.text === text)) return r;
  return { ...r, broadcasts: [...r.broadcasts, { text, at }].slice(-20) };
}

/** The audience's round, unless this is a late copy of it: another round replaces it (the newer round is the current one). */
function withRound(s: BreakoutState, r: BreakoutRoundView): BreakoutState {
  if (s.round && s.round.id === r.id && s.round.version >= r.version) return s;
  return { ...s, round: r };
}

export function reduceBreakouts(s: BreakoutState, e: BreakoutEvent): BreakoutState {
  switch (e.name) {
    case 'breakout:roundUpdated': {
      const r = e.payload;
      const i = s.rounds.findIndex((x) => x.id === r.id);
      if (i === -1) return { ...s, rounds: [...s.rounds, r] };
      if (s.rounds[i]!.version >= r.version) return s;
      const rounds = s.rounds.slice();
      rounds[i] = r;
      return { ...s, rounds };
    }
    case 'breakout:roundDeleted':
      return s.rounds.some((x) => x.id === e.payload.roundId) ? { ...s, rounds: s.rounds.filter((x) => x.id !== e.payload.roundId) } : s;
    case 'breakout:roundChanged':
      return withRound(s, e.payload);
    case 'breakout:assigned': {
      // [BRK85] A place that brings its round (an opening) changes the round as roundChanged would.
      const { round, ...me } = e.payload;
      const next = round ? withRound(s, round) : s;
      // [BRK86] An older place of the same round arriving after a newer one (an opening's place
      // overtaken by a move's) is not where this attendee is: kept out, its round view still applied.
      if (s.me && s.me.roundId === me.roundId && s.me.seq > me.seq) return next;
      return { ...next, me };
    }
    case 'breakout:occupancyChanged':
      return { ...s, occupancy: { ...s.occupancy, [e.payload.roundId]: e.payload } };
    case 'breakout:broadcasted': {
      const { roundId, text, at } = e.payload;
      const round = s.round && s.round.id === roundId ? withBroadcast(s.round, text, at) : s.round;
      const rounds = s.rounds.map((r) => (r.id === roundId ? withBroadcast(r, text, at) : r));
      return { ...s, round, rounds };
    }
    case 'breakout:helpChanged': {
      const h = e.payload;
      const i = s.help.findIndex((x) => x.id === h.id);
      if (i === -1) return { ...s, help: [...s.help, h] };
      // Taken is final: a late "not taken" copy does not undo it.
      if (s.help[i]!.takenBy && !h.takenBy) return s;
      const help = s.help.slice();
      help[i] = h;
      return { ...s, help };
    }
    case 'breakout:chatPosted': {
      const { roundId, roomId, ...message } = e.payload;
      const key = chatKey(roundId, roomId);
      const list = s.chat[key] ?? [];
      if (list.some((m) => m.id === message.id)) return s;
      return { ...s, chat: { ...s.chat, [key]: [...list, message].slice(-200) } };
    }
    case 'breakout:chatDeleted': {
      const key = chatKey(e.payload.roundId, e.payload.roomId);
      const list = s.chat[key];
      if (!list?.some((m) => m.id === e.payload.messageId)) return s;
      return { ...s, chat: { ...s.chat, [key]: list.filter((m) => m.id !== e.payload.messageId) } };
    }
    case 'breakout:chatRead':
      return { ...s, chat: { ...s.chat, [chatKey(e.payload.roundId, e.payload.roomId)]: e.payload.messages } };
    case 'breakout:takeawaySubmitted': {
      const t = e.payload;
      // [BRK60] One per room: a resubmit replaces it (an older copy does not).
      const old = s.takeaways.find((x) => x.roundId === t.roundId && x.roomId === t.roomId);
      if (old && old.at > t.at) return s;
      if (old && old.at === t.at && old.text === t.text) return s;
      return { ...s, takeaways: [...s.takeaways.filter((x) => x !== old), t] };
    }
    case 'breakout:templatesChanged':
      return { ...s, templates: e.payload.templates };
  }
}

const FACTS = [
  'breakout:roundUpdated',
  'breakout:roundDeleted',
  'breakout:roundChanged',
  'breakout:assigned',
  'breakout:occupancyChanged',
  'breakout:broadcasted',
  'breakout:helpChanged',
  'breakout:chatPosted',
  'breakout:chatDeleted',
  'breakout:takeawaySubmitted',
  'breakout:templatesChanged',
] as const;

/** Subscribes to the breakout facts. */
export function listenBreakoutFacts(socket: RallySocket, onEvent: (e: BreakoutEvent) => void): void {
  for (const name of FACTS) {
    socket.on(name, ((payload: unknown) => onEvent({ name, payload } as BreakoutEvent)) as never);
  }
}

/** What a successful ack of our own breakout command tells the state at once. */
export function breakoutEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): BreakoutEvent | null {
  switch (name) {
    case 'breakout:create':
    case 'breakout:update':
    case 'breakout:open':
    case 'breakout:extend':
    case 'breakout:broadcast':
    case 'breakout:close':
    case 'breakout:fromTemplate':
      return { name: 'breakout:roundUpdated', payload: data as BreakoutRound };
    case 'breakout:assign':
      return { name: 'breakout:roundUpdated', payload: (data as CommandResults['breakout:assign']).round };
    case 'breakout:delete':
      return { name: 'breakout:roundDeleted', payload: { roundId: (data as CommandResults['breakout:delete']).roundId } };
    case 'breakout:move':
    case 'breakout:swap':
      return { name: 'breakout:occupancyChanged', payload: data as RoomOccupancy };
    case 'breakout:choose':
      return { name: 'breakout:assigned', payload: data as MyBreakout };
    case 'breakout:askHelp':
    case 'breakout:takeHelp':
      return { name: 'breakout:helpChanged', payload: data as HelpRequest };
    case 'breakout:takeaway':
      return { name: 'breakout:takeawaySubmitted', payload: data as Takeaway };
    case 'breakout:readChat':
      return { name: 'breakout:chatRead', payload: data as CommandResults['breakout:readChat'] };
    default:
      return null;
  }
}

// ---- Views derived from the state -------------------------------------------------------------

const LIVE = new Set(['open', 'closing']);

/** Staff: the round to run now: the open (or closing) one, else the newest. */
export function currentStaffRound(s: BreakoutState): BreakoutRound | null {
  return s.rounds.find((r) => LIVE.has(r.status)) ?? s.rounds[s.rounds.length - 1] ?? null;
}

/** The round on screen for attendees and the stage (staff: their current round). */
export function currentRound(s: BreakoutState): BreakoutRoundView | BreakoutRound | null {
  return s.round ?? currentStaffRound(s);
}

/** [BRK51] How many rooms a round has: the audience's view carries the count, not the rooms. */
export const roomCountOf = (r: BreakoutRoundView | BreakoutRound): number => ('roomCount' in r ? r.roomCount : r.rooms.length);

export interface MyRoom {
  round: BreakoutRoundView;
  room: NonNullable<MyBreakout['room']>;
  me: MyBreakout;
}

/**
 * [BRK71] The room an attendee is in now: their assignment names a room of the current round and
 * that round is open or closing. Null otherwise (back on the stage).
 */
export function myRoom(s: BreakoutState): MyRoom | null {
  const round = s.round;
  const me = s.me;
  if (!round || !me || me.roundId !== round.id || !me.room || !LIVE.has(round.status)) return null;
  return { round, room: me.room, me };
}

/** [BRK79] A self-select round is open and this attendee has no room yet: they pick one. */
export function needsRoomChoice(s: BreakoutState): boolean {
  const round = s.round;
  if (!round || round.status !== 'open' || round.strategy.kind !== 'selfSelect') return false;
  return !s.me || s.me.roundId !== round.id || !s.me.roomId;
}

export type RoundClock =
  | { phase: 'draft' }
  | { phase: 'running'; leftMs: number }
  /** [BRK12] One minute or less left. */
  | { phase: 'warning'; leftMs: number }
  /** Time is up, the close not yet begun. */
  | { phase: 'overtime' }
  /** [BRK13] Close-all: back on the stage at closesAt. */
  | { phase: 'closing'; leftMs: number }
  | { phase: 'closed' };

/** [BRK72] Where a round's clock stands at `nowMs` (server clock). */
export function roundClock(r: Pick<BreakoutRoundView, 'status' | 'endsAt' | 'closesAt'>, nowMs: number, warningSec = 60): RoundClock {
  switch (r.status) {
    case 'draft':
      return { phase: 'draft' };
    case 'closed':
      return { phase: 'closed' };
    case 'closing':
      return { phase: 'closing', leftMs: r.closesAt ? Math.max(0, Date.parse(r.closesAt) - nowMs) : 0 };
    case 'open': {
      if (!r.endsAt) return { phase: 'running', leftMs: 0 };
      const leftMs = Date.parse(r.endsAt) - nowMs;
      if (leftMs <= 0) return { phase: 'overtime' };
      return leftMs <= warningSec * 1000 ? { phase: 'warning', leftMs } : { phase: 'running', leftMs };
    }
  }
}

/** "4:05" (or "1:02:03") from milliseconds, rounded up so 0:00 means time is up. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** [BRK73] Each member's role in the current rotation (role names are public; briefs are not). */
export function memberRoles(round: BreakoutRoundView, me: MyBreakout): Array<{ id: string; name: string; role: string | null }> {
  const f = round.format;
  return me.members.map((m, i) => {
    if (f.kind === 'open' || me.rotation === null) return { ...m, role: null };
    const idx = roleIndexFor(i, me.members.length, me.rotation, f.roles.length);
    return { ...m, role: f.roles[idx]?.name ?? null };
  });
}

/**
 * [BRK50] When a rotation hands over to the next (epoch ms): rotations split the duration evenly from
 * the opening. Null for the last rotation (it runs on through extensions), an open format, or a round
 * not opened.
 */
export function rotationEndsAt(round: Pick<BreakoutRoundView, 'openedAt' | 'durationSec' | 'format'>, rotation: number): number | null {
  if (!round.openedAt || round.format.kind === 'open' || rotation >= round.format.rotations - 1) return null;
  return Date.parse(round.openedAt) + ((rotation + 1) * round.durationSec * 1000) / round.format.rotations;
}

/** [BRK52] The subject a scorer scores in this rotation: the member holding role 0. */
export function rotationSubject(me: MyBreakout): { id: string; name: string } | null {
  if (me.rotation === null || me.members.length === 0) return null;
  const n = me.members.length;
  const rotation = me.rotation;
  return me.members.find((_, i) => roleIndexFor(i, n, rotation, n) === 0) ?? null;
}

/** [BRK17] Staff: the room a participant is assigned to in a round (null: none). */
export function roomOfParticipant(occ: RoomOccupancy | undefined, participantId: string): string | null {
  if (!occ) return null;
  for (const [roomId, o] of Object.entries(occ.rooms)) if (o.assigned.includes(participantId)) return roomId;
  return null;
}

/** [BRK77] The takeaway a stage slot names, with its room's name (the takeaway carries it); null when this screen does not hold it. */
export function stageTakeaway(s: BreakoutState, roundId: string, roomId: string): { roomName: string; text: string; byName: string } | null {
  const t = s.takeaways.find((x) => x.roundId === roundId && x.roomId === roomId);
  if (!t) return null;
  return { roomName: t.roomName || 'A breakout room', text: t.text, byName: t.byName };
}

/** [BRK78] The idle stage's line while a round runs: how many rooms, and when everyone is back. */
export function breakoutsInProgress(s: BreakoutState, formatTime: (iso: string) => string): string | null {
  const r = currentRound(s);
  if (!r || !LIVE.has(r.status)) return null;
  const back = r.status === 'closing' ? r.closesAt : r.endsAt;
  const n = roomCountOf(r);
  const rooms = n === 1 ? '1 room' : `${n} rooms`;
  return back ? `Breakouts in progress: ${rooms}, back at ${formatTime(back)}` : `Breakouts in progress: ${rooms}`;
}
