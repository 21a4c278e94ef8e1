import type { AgendaSession, Announcement, OnStage, StageSlot, Branding, ChatMessage, EventSettings, PresenterNote, StageStream } from '@rally/shared';
import type { EventRecord } from './store.js';


/** Event fields the stage may replace; absent fields are left alone. */
export interface EventStagePatch {
  name?: string;
  stream?: StageStream;
  branding?: Branding;
  settings?: EventSettings;
}

export type SetLiveOutcome =
  /** `stageCleared`: the change of session took something off the stage ([STAGE32]). */
  | { ok: true; event: EventRecord; previous: string | null; changed: boolean; stageCleared: boolean }
  | { ok: false; reason: 'no-event' | 'no-session' };

export type ChatPostOutcome =
  | { ok: true }
  | { ok: false; reason: 'banned' }
  /** Slow mode: the participant's previous message is too recent. */
  | { ok: false; reason: 'slow'; retryAfterMs: number };

/** How many announcements are kept per event, newest first. */
export const ANNOUNCEMENTS_KEPT = 20;
/** How many presenter notes are kept per event. */
export const NOTES_KEPT = 200;

/**
 * The stage part of the storage port. Both adapters implement it (store/sqlite/stage.ts,
 * store/redis/stage.ts) and pass one contract suite (server/test/store/stage-contract.ts). Every
 * change is one SQLite transaction or one Lua script. Rules [SSTOREn] in docs/SPEC.md.
 *
 * The event record itself belongs to the main adapter; the methods here patch its stage fields
 * with the same encoding, each in one atomic step, so an agenda edit and a session switch racing
 * on two nodes never leave a live session that is not in the agenda.
 */
export interface StageStore {
  /** [SSTORE1] Sets the fields present in the patch; null for an unknown event. */
  patchEventStage(eventId: string, patch: EventStagePatch): Promise<EventRecord | null>;
  /**
   * [SSTORE2] Compare-and-set of the live session: a session not in the agenda is refused; setting
   * the session that is live already changes nothing (its start time is kept); otherwise the
   * start time becomes `startedAt` (null with no session), and in the same step ([SSTORE10]) the
   * stage slot goes back to idle and announcements up to `startedAt` are cleared.
   */
  setLive(eventId: string, sessionId: string | null, startedAt: string): Promise<SetLiveOutcome>;
  /**
   * [SSTORE3] Replaces the agenda; when the live session is not in it any more, clears the live
   * session in the same step and names it in `clearedLive` (clearing the stage as setLive does, at
   * `at`). Null for an unknown event.
   */
  setAgenda(eventId: string, agenda: AgendaSession[], at: string): Promise<{ event: EventRecord; clearedLive: string | null; stageCleared: boolean } | null>;

  /**
   * [SSTORE10] Compare-and-set of the stage slot: with `ifShowing` (a slotKey), only when that is
   * what the stage shows now. Showing what is already shown changes nothing. A change bumps the
   * version by one and stamps `at`. Null for an unknown event.
   */
  setOnStage(eventId: string, slot: StageSlot, at: string, opts?: { ifShowing?: string }): Promise<{ changed: boolean; onStage: OnStage } | null>;
  /** [SSTORE10] Announcements sent at or before `at` are cleared; false for an unknown event. */
  clearAnnouncements(eventId: string, at: string): Promise<boolean>;

  /** [SSTORE4] Keeps the newest ANNOUNCEMENTS_KEPT per event. */
  addAnnouncement(eventId: string, a: Announcement): Promise<void>;
  /** Newest first. */
  recentAnnouncements(eventId: string): Promise<Announcement[]>;

  /** [SSTORE5] Keeps the newest NOTES_KEPT per event. */
  addNote(eventId: string, note: PresenterNote): Promise<void>;
  /** Oldest first. */
  listNotes(eventId: string): Promise<PresenterNote[]>;
  /**
   * [SSTORE5] The first read wins: sets readAt and readBy once; later calls change nothing
   * (changed false) and return the note as first read. Null for a note not of this event.
   */
  markNoteRead(eventId: string, noteId: string, by: string, at: string): Promise<{ note: PresenterNote; changed: boolean } | null>;

  /**
   * [SSTORE6] [SSTORE7] Stores a message, atomically refusing it when the author is banned from
   * chat, or (unless exempt) when slow mode is on and their previous message is more recent than
   * the slow-mode interval at nowMs. Keeps the newest STAGE_LIMITS.chatWindow messages.
   */
  postChat(eventId: string, message: ChatMessage, opts: { slowModeExempt: boolean; nowMs: number }): Promise<ChatPostOutcome>;
  /** Oldest first, at most STAGE_LIMITS.chatWindow. */
  listChat(eventId: string): Promise<ChatMessage[]>;
  /** [SSTORE6] Removes a message of this event; null when there is none. */
  deleteChat(eventId: string, messageId: string): Promise<ChatMessage | null>;
  setChatSlowMode(eventId: string, seconds: number): Promise<void>;
  chatSlowMode(eventId: string): Promise<number>;
  /** [SSTORE8] Bans are per event. */
  setChatBan(eventId: string, participantId: string, banned: boolean): Promise<void>;
  isChatBanned(eventId: string, participantId: string): Promise<boolean>;
  /** [SSTORE9] Privacy deletion ([ENG18]): the author's kept messages show `name` from now on; nothing else changes. */
  eraseChatAuthor(eventId: string, authorId: string, name: string): Promise<void>;
}
