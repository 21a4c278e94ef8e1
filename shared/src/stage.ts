import { z } from 'zod';
import { AgendaSession, CommandId, EventSettingsPatch, Id, JOIN_CODE_ALPHABET, Mode, Role, type PublicEvent } from './model.js';
import { textLength } from './poll-tally.js';
import { Branding, StageStream } from './stage-config.js';
import { AnnouncementLifetimeSec, OnStage } from './stage-slot.js';

/*
 * The stage experience: venue-verified presence (room codes), the stream, agenda editing,
 * reactions, announcements, presenter notes and the event chat. Rules cited as [STAGEn] are in
 * docs/SPEC.md ("The stage").
 */

export const STAGE_LIMITS = {
  /** [STAGE10] Characters of a room code, from JOIN_CODE_ALPHABET. */
  roomCodeLength: 4,
  /** [STAGE10] A room code changes every minute. */
  roomCodePeriodMs: 60_000,
  agendaSessions: 100,
  /** [STAGE14] Reactions per participant per window. */
  reactionsPerWindow: 10,
  reactionWindowSec: 10,
  /** [STAGE15] At most one burst per event per node per interval. */
  burstIntervalMs: 500,
  announcement: 280,
  note: 500,
  chat: 500,
  /** [STAGE21] Messages per participant per window, on top of slow mode. */
  chatPerWindow: 5,
  chatWindowSec: 10,
  /** [STAGE23] The rolling window of recent messages kept and sent in snapshots. */
  chatWindow: 100,
  maxSlowModeSec: 300,
  /** [STAGE3] Lifetime of a LiveKit stage token. */
  streamTokenTtlSec: 600,
} as const;

/** [STAGE14] The five reactions, in display order. */
export const REACTIONS = ['👏', '🔥', '🎉', '💡', '❤️'] as const;
export const Reaction = z.enum(REACTIONS);
export type Reaction = z.infer<typeof Reaction>;

/**
 * [STAGE10] What an attendee types (or the QR link carries): 4 characters from the join-code
 * alphabet, read case-insensitively with spaces ignored.
 */
export const RoomCode = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z
      .string()
      .length(STAGE_LIMITS.roomCodeLength, 'the room code is the 4 characters shown on the stage screen')
      .regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]+$`), 'the room code is the 4 characters shown on the stage screen'),
  );

/** Control characters other than tab and newline, and lone surrogates (they do not survive UTF-8). */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]|[\uD800-\uDFFF]/u;

/** Trimmed plain text of 1..limit characters (counted as a person counts them), no control characters. */
const boundedText = (limit: number, what: string) =>
  z
    .string()
    .max(4 * limit, `${what} are at most ${limit} characters`)
    .trim()
    .min(1, `the ${what.replace(/s$/, '')} is empty`)
    .refine((s) => textLength(s) <= limit, `${what} are at most ${limit} characters`)
    .refine((s) => !UNSAFE_TEXT.test(s), 'control characters are not allowed');

export const AnnouncementText = boundedText(STAGE_LIMITS.announcement, 'announcements');
export const NoteText = boundedText(STAGE_LIMITS.note, 'notes');
export const ChatText = boundedText(STAGE_LIMITS.chat, 'chat messages');

/**
 * [STAGE5] A whole agenda: unique session ids, each ending after it starts. Sessions with polls
 * or questions cannot be dropped (the server answers CONFLICT naming them).
 */
export const Agenda = z
  .array(AgendaSession)
  .max(STAGE_LIMITS.agendaSessions, `an agenda has at most ${STAGE_LIMITS.agendaSessions} sessions`)
  .superRefine((sessions, ctx) => {
    const seen = new Set<string>();
    sessions.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `the session id "${s.id}" is used twice` });
      seen.add(s.id);
      if (Date.parse(s.endsAt) <= Date.parse(s.startsAt)) ctx.addIssue({ code: 'custom', path: [i, 'endsAt'], message: `"${s.title}" must end after it starts` });
    });
  });

/** [STAGE10] The stage screen's current room code. */
export const RoomCodeInfo = z.object({
  code: z.string(),
  /** When the screen will show the next code. The code is still accepted for a minute after. */
  validUntil: z.iso.datetime(),
  /** The QR target: the event's join link carrying the code (`?room=CODE`). */
  joinUrl: z.string(),
});
export type RoomCodeInfo = z.infer<typeof RoomCodeInfo>;

/** [STAGE12] Why a join asking for `room` was marked remote instead. */
export const JoinNotice = z.object({
  reason: z.enum(['room-code-required', 'room-code-invalid', 'room-code-blocked']),
  message: z.string(),
});
export type JoinNotice = z.infer<typeof JoinNotice>;

/** [STAGE3] A LiveKit subscribe-only token for the stage room. */
export const StreamToken = z.object({
  /** The LiveKit server to connect to (ws:// or wss://). */
  url: z.string(),
  token: z.string(),
  roomName: z.string(),
  expiresAt: z.iso.datetime(),
});
export type StreamToken = z.infer<typeof StreamToken>;

/** [STAGE15] Reactions that arrived at one node during one interval. Bursts from several nodes add up. */
export const ReactionBurst = z.object({
  counts: z.record(Reaction, z.number().int().min(0)),
  /** Reactions from each cohort in this burst. */
  room: z.number().int().min(0),
  remote: z.number().int().min(0),
});
export type ReactionBurst = z.infer<typeof ReactionBurst>;

/** [STAGE16] all: everyone; room / remote: that cohort; breakouts: everyone in a breakout room. */
export const AnnouncementAudience = z.enum(['all', 'remote', 'room', 'breakouts']);
export type AnnouncementAudience = z.infer<typeof AnnouncementAudience>;

export const Announcement = z.object({
  id: Id,
  text: z.string(),
  audience: AnnouncementAudience,
  at: z.iso.datetime(),
  /** [STAGE34] When it leaves every screen by itself; null (or absent, in older records): until cleared. */
  expiresAt: z.iso.datetime().nullable().optional(),
});
export type Announcement = z.infer<typeof Announcement>;

/** [STAGE18] A private note from the control desk to the presenters. */
export const PresenterNote = z.object({
  id: Id,
  text: z.string(),
  /** The sending moderator's display name. */
  from: z.string(),
  at: z.iso.datetime(),
  /** The first presenter to mark it read, and when. */
  readAt: z.iso.datetime().nullable(),
  readBy: z.string().nullable(),
});
export type PresenterNote = z.infer<typeof PresenterNote>;

/**
 * [STAGE20] A chat message. Chat is a named conversation, so the author's id travels with the name:
 * clients mark their own messages and moderators ban authors by it.
 */
export const ChatMessage = z.object({
  id: Id,
  authorId: Id,
  authorName: z.string(),
  authorRole: Role,
  /** The author's cohort when they wrote it. */
  mode: Mode,
  /** Plain text, with profanity replaced by asterisks. Render it as text. */
  text: z.string(),
  /** [STAGE22] The profanity filter replaced something. */
  censored: z.boolean(),
  at: z.iso.datetime(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatSettings = z.object({
  /** [STAGE21] 0: off; otherwise one message per participant per this many seconds. */
  slowModeSec: z.number().int().min(0).max(STAGE_LIMITS.maxSlowModeSec),
});
export type ChatSettings = z.infer<typeof ChatSettings>;

/** Commands, merged into commandSchemas. */
export const stageCommandSchemas = {
  /** [STAGE2] Sets how remote attendees watch. */
  'stage:setStream': z.strictObject({ id: CommandId, stream: StageStream }),
  /** [STAGE3] A subscribe-only LiveKit token for the event's stage room. */
  'stage:streamToken': z.strictObject({ id: CommandId }),
  /** [STAGE4] Logo and colours. */
  'event:setBranding': z.strictObject({ id: CommandId, branding: Branding }),
  /** [STAGE5] Replaces the whole agenda. */
  'agenda:set': z.strictObject({ id: CommandId, agenda: Agenda }),
  /** [STAGE14] One reaction. */
  'reaction:send': z.strictObject({ id: CommandId, emoji: Reaction }),
  /** [STAGE16] A banner for an audience. */
  'announcement:send': z.strictObject({ id: CommandId, text: AnnouncementText, audience: AnnouncementAudience, lifetimeSec: AnnouncementLifetimeSec.optional() }),
  /** [STAGE18] A private note to the presenters. */
  'note:send': z.strictObject({ id: CommandId, text: NoteText }),
  /** [STAGE19] A presenter's read receipt. */
  'note:markRead': z.strictObject({ id: CommandId, noteId: Id }),
  /** [STAGE20] A chat message. */
  'chat:send': z.strictObject({ id: CommandId, text: ChatText }),
  /** [STAGE24] Removes a message for everyone. */
  'chat:delete': z.strictObject({ id: CommandId, messageId: Id }),
  /** [STAGE21] 0 turns slow mode off. */
  'chat:setSlowMode': z.strictObject({ id: CommandId, seconds: z.number().int().min(0).max(STAGE_LIMITS.maxSlowModeSec) }),
  /** [STAGE24] Stops (or lets again) a participant chatting. */
  'chat:banParticipant': z.strictObject({ id: CommandId, participantId: Id, banned: z.boolean() }),
} as const;

/** `data` of successful acks, merged into CommandResults. */
export interface StageCommandResults {
  'stage:setStream': PublicEvent;
  'stage:streamToken': StreamToken;
  'event:setBranding': PublicEvent;
  'agenda:set': PublicEvent;
  'reaction:send': { emoji: Reaction };
  'announcement:send': Announcement;
  'note:send': PresenterNote;
  'note:markRead': PresenterNote;
  'chat:send': ChatMessage;
  'chat:delete': { messageId: string };
  'chat:setSlowMode': ChatSettings;
  'chat:banParticipant': { participantId: string; banned: boolean };
}

/** Facts, merged into factSchemas. */
export const stageFactSchemas = {
  /** [STAGE11] Stage screens: the new room code, once a minute. */
  'stage:roomCodeRotated': RoomCodeInfo,
  /** [STAGE15] Everyone: reactions coalesced per node, at most one per event per 500 ms per node. */
  'reaction:aggregated': ReactionBurst,
  /** [STAGE16] The announcement's audience (and moderators). */
  'announcement:posted': Announcement,
  /** [STAGE18] Presenters and moderators: a new note. */
  'note:posted': PresenterNote,
  /** [STAGE19] Presenters and moderators: a note was read (readAt, readBy set). */
  'note:readConfirmed': PresenterNote,
  /** [STAGE20] Everyone: a new chat message. */
  'chat:messagePosted': ChatMessage,
  /** [STAGE24] Everyone: drop this message. */
  'chat:messageDeleted': z.object({ messageId: Id }),
  /** [STAGE21] Everyone: slow mode changed. */
  'chat:settingsChanged': ChatSettings,
  /** [STAGE24] Moderators, and the participant concerned. */
  'chat:banChanged': z.object({ participantId: Id, banned: z.boolean() }),
} as const;

/** [STAGE25] The stage part of a snapshot. */
export const StageSnapshot = z.object({
  /** [STAGE31] What the stage shows now. */
  onStage: OnStage,
  /** [STAGE11] Stage screens only. */
  roomCode: RoomCodeInfo.optional(),
  /** [STAGE17] [STAGE34] The latest announcement meant for this principal, unless cleared or expired. */
  announcement: Announcement.nullable(),
  /** [STAGE18] Presenters, moderators and organisers: the notes, oldest first. */
  notes: z.array(PresenterNote).optional(),
  chat: z.object({
    /** [STAGE23] The latest messages, oldest first. */
    messages: z.array(ChatMessage),
    settings: ChatSettings,
    /** [STAGE24] This participant may not chat. */
    banned: z.boolean(),
  }),
});
export type StageSnapshot = z.infer<typeof StageSnapshot>;

/**
 * [STAGE7] What attendees see as now and next. Now is the live session. Next is the session after
 * it in start order (ties keep agenda order); between sessions, the first one not yet over at
 * `nowMs`. Pure, so every screen agrees.
 */
export function nowAndNext(
  agenda: readonly AgendaSession[],
  liveSessionId: string | null,
  nowMs: number,
): { now: AgendaSession | null; next: AgendaSession | null } {
  const ordered = agenda.map((s, i) => ({ s, i })).sort((a, b) => Date.parse(a.s.startsAt) - Date.parse(b.s.startsAt) || a.i - b.i).map((x) => x.s);
  const at = liveSessionId === null ? -1 : ordered.findIndex((s) => s.id === liveSessionId);
  if (at >= 0) return { now: ordered[at]!, next: ordered[at + 1] ?? null };
  return { now: null, next: ordered.find((s) => Date.parse(s.endsAt) > nowMs) ?? null };
}

// REST bodies (organiser token).

/** [STAGE27] PATCH /api/events/:id: any of the event's editable fields. */
export const EditEventRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    stream: StageStream.optional(),
    branding: Branding.optional(),
    settings: EventSettingsPatch.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one of name, stream, branding, settings');
export type EditEventRequest = z.input<typeof EditEventRequest>;

/** [STAGE5] PUT /api/events/:id/agenda. */
export const SetAgendaRequest = z.strictObject({ agenda: Agenda });
export type SetAgendaRequest = z.input<typeof SetAgendaRequest>;
