import type { Announcement, ChatMessage, OnStage, ChatSettings, CommandName, CommandResults, FactPayload, PresenterNote, ReactionBurst, RoomCodeInfo, Snapshot } from '@rally/shared';
import { NOTHING_ON_STAGE, STAGE_LIMITS } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * The stage part of the client state ([STAGE25]): the room code (stage screen), the latest
 * announcement, presenter notes (staff), the chat window and its settings, and the latest reaction
 * burst (a sequence number, so a screen can animate each burst once).
 */
export interface StageState {
  /** [STAGE31] What the stage shows now: every screen renders its activity from this. */
  onStage: OnStage;
  roomCode: RoomCodeInfo | null;
  /** [STAGE34] Null once cleared; an expired one stays here, hide it with announcementShowing(). */
  announcement: Announcement | null;
  notes: PresenterNote[];
  chat: { messages: ChatMessage[]; settings: ChatSettings; banned: boolean };
  /** Moderators: chat bans changed since the snapshot, by participant id (the snapshot has no list). */
  chatBans: Record<string, boolean>;
  /** The last burst and how many bursts arrived since the snapshot ([STAGE15]). */
  burst: { seq: number; burst: ReactionBurst } | null;
}

export type StageEvent =
  | { name: 'stage:changed'; payload: OnStage }
  | { name: 'announcement:cleared'; payload: FactPayload<'announcement:cleared'> }
  | { name: 'stage:roomCodeRotated'; payload: RoomCodeInfo }
  | { name: 'reaction:aggregated'; payload: ReactionBurst }
  | { name: 'announcement:posted'; payload: Announcement }
  | { name: 'note:posted' | 'note:readConfirmed'; payload: PresenterNote }
  | { name: 'chat:messagePosted'; payload: ChatMessage }
  | { name: 'chat:messageDeleted'; payload: FactPayload<'chat:messageDeleted'> }
  | { name: 'chat:settingsChanged'; payload: ChatSettings }
  /** `me` is the participant this client is, so a ban of someone else only concerns moderators' lists. */
  | { name: 'chat:banChanged'; payload: FactPayload<'chat:banChanged'>; me?: string };

export const EMPTY_STAGE: StageState = {
  onStage: NOTHING_ON_STAGE,
  roomCode: null,
  announcement: null,
  notes: [],
  chat: { messages: [], settings: { slowModeSec: 0 }, banned: false },
  chatBans: {},
  burst: null,
};

export function stageFromSnapshot(s: Snapshot): StageState {
  const st = s.stage;
  if (!st) return EMPTY_STAGE;
  return {
    onStage: st.onStage ?? NOTHING_ON_STAGE,
    roomCode: st.roomCode ?? null,
    announcement: st.announcement,
    notes: st.notes ?? [],
    chat: { messages: st.chat.messages.slice(-STAGE_LIMITS.chatWindow), settings: st.chat.settings, banned: st.chat.banned },
    chatBans: {},
    burst: null,
  };
}

function upsertNote(notes: PresenterNote[], n: PresenterNote): PresenterNote[] {
  const i = notes.findIndex((x) => x.id === n.id);
  if (i === -1) return [...notes, n];
  const old = notes[i]!;
  // A read receipt is one-way: a late copy of the unread note never takes it back.
  if (old.readAt && !n.readAt) return notes;
  const copy = notes.slice();
  copy[i] = n;
  return copy;
}

export function reduceStage(s: StageState, e: StageEvent, meId?: string): StageState {
  switch (e.name) {
    case 'stage:changed':
      // A late copy of an older change (ack and fact race) never replaces a newer one.
      return e.payload.version > s.onStage.version ? { ...s, onStage: e.payload } : s;
    case 'announcement:cleared':
      if (!s.announcement || Date.parse(s.announcement.at) > Date.parse(e.payload.clearedAt)) return s;
      return { ...s, announcement: null };
    case 'stage:roomCodeRotated':
      return { ...s, roomCode: e.payload };
    case 'reaction:aggregated':
      return { ...s, burst: { seq: (s.burst?.seq ?? 0) + 1, burst: e.payload } };
    case 'announcement:posted':
      if (s.announcement && Date.parse(s.announcement.at) > Date.parse(e.payload.at)) return s;
      return { ...s, announcement: e.payload };
    case 'note:posted':
    case 'note:readConfirmed':
      return { ...s, notes: upsertNote(s.notes, e.payload) };
    case 'chat:messagePosted': {
      if (s.chat.messages.some((m) => m.id === e.payload.id)) return s;
      const messages = [...s.chat.messages, e.payload].slice(-STAGE_LIMITS.chatWindow);
      return { ...s, chat: { ...s.chat, messages } };
    }
    case 'chat:messageDeleted': {
      const messages = s.chat.messages.filter((m) => m.id !== e.payload.messageId);
      return messages.length === s.chat.messages.length ? s : { ...s, chat: { ...s.chat, messages } };
    }
    case 'chat:settingsChanged':
      return { ...s, chat: { ...s.chat, settings: e.payload } };
    case 'chat:banChanged': {
      const me = e.me ?? meId;
      const chatBans = { ...s.chatBans, [e.payload.participantId]: e.payload.banned };
      if (!me || e.payload.participantId !== me) return { ...s, chatBans };
      return { ...s, chatBans, chat: { ...s.chat, banned: e.payload.banned } };
    }
  }
}

const STAGE_FACTS = [
  'stage:changed',
  'announcement:cleared',
  'stage:roomCodeRotated',
  'reaction:aggregated',
  'announcement:posted',
  'note:posted',
  'note:readConfirmed',
  'chat:messagePosted',
  'chat:messageDeleted',
  'chat:settingsChanged',
  'chat:banChanged',
] as const;

/** Subscribes to every stage fact; each one becomes a StageEvent. */
export function listenStageFacts(socket: RallySocket, onEvent: (e: StageEvent) => void): void {
  const on = socket.on.bind(socket) as unknown as (name: string, fn: (payload: unknown) => void) => void;
  for (const name of STAGE_FACTS) on(name, (payload) => onEvent({ name, payload } as StageEvent));
  // [STAGE32] A launch moves the slot inside poll:launched (one message per attendee, not two).
  on('poll:launched', (payload) => {
    const onStage = (payload as { onStage?: OnStage }).onStage;
    if (onStage) onEvent({ name: 'stage:changed', payload: onStage });
  });
}

/** What a successful ack of our own stage command tells the state at once. */
export function stageEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): StageEvent | null {
  switch (name) {
    case 'announcement:send':
      return { name: 'announcement:posted', payload: data as Announcement };
    case 'stage:show':
    case 'stage:clear':
      return { name: 'stage:changed', payload: data as OnStage };
    case 'announcement:clear':
      return { name: 'announcement:cleared', payload: data as CommandResults['announcement:clear'] };
    case 'note:send':
      return { name: 'note:posted', payload: data as PresenterNote };
    case 'note:markRead':
      return { name: 'note:readConfirmed', payload: data as PresenterNote };
    case 'chat:send':
      return { name: 'chat:messagePosted', payload: data as ChatMessage };
    case 'chat:delete':
      return { name: 'chat:messageDeleted', payload: data as CommandResults['chat:delete'] };
    case 'chat:setSlowMode':
      return { name: 'chat:settingsChanged', payload: data as ChatSettings };
    case 'chat:banParticipant':
      return { name: 'chat:banChanged', payload: data as CommandResults['chat:banParticipant'] };
    default:
      return null;
  }
}

/** [STAGE34] The announcement to draw now: null once cleared or past its lifetime (server clock). */
export function announcementShowing(s: StageState, nowServerMs: number): Announcement | null {
  const a = s.announcement;
  if (!a) return null;
  return a.expiresAt && Date.parse(a.expiresAt) <= nowServerMs ? null : a;
}

/** Is this announcement for a participant in this mode? (Moderators see every one.) */
export function announcementFor(a: Announcement, mode: 'room' | 'remote', staff: boolean): boolean {
  if (staff) return true;
  return a.audience === 'all' || a.audience === mode;
}

/** Milliseconds until this participant may chat again under slow mode, from their own last message. */
export function slowModeWaitMs(s: StageState, meId: string, nowServerMs: number): number {
  const sec = s.chat.settings.slowModeSec;
  if (sec <= 0) return 0;
  for (let i = s.chat.messages.length - 1; i >= 0; i--) {
    const m = s.chat.messages[i]!;
    if (m.authorId !== meId) continue;
    return Math.max(0, Date.parse(m.at) + sec * 1000 - nowServerMs);
  }
  return 0;
}

/** [STAGE6] The presenter's session timer: elapsed since the live session started, remaining to its end. */
export function sessionTimer(startedAt: string | null, endsAt: string | null, nowServerMs: number): { elapsedMs: number | null; remainingMs: number | null } {
  const start = startedAt ? Date.parse(startedAt) : NaN;
  const end = endsAt ? Date.parse(endsAt) : NaN;
  return {
    elapsedMs: Number.isFinite(start) ? Math.max(0, nowServerMs - start) : null,
    remainingMs: Number.isFinite(end) ? end - nowServerMs : null,
  };
}

/** 75 -> "1:15", 3725 -> "1:02:05"; negative values get a leading minus. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const body = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return neg ? `-${body}` : body;
}
