import { z } from 'zod';
import { CommandId, Id } from './model.js';

/*
 * [STAGE30..] The stage slot: what the projector shows now. One stored fact per event, changed by
 * `stage:show` / `stage:clear`, implicitly by launching a poll or showing a question, and cleared by a
 * change of the live session. Every screen (stage, presenter, attendee "Live now", moderators) renders
 * from it, so they cannot disagree. Announcements are an overlay beside it, never a second slot.
 */

/** What the stage shows. */
export const StageSlot = z.discriminatedUnion('kind', [
  /** The join information (QR, code) and the agenda: nothing live. */
  z.object({ kind: z.literal('idle') }),
  /** A poll: live (vote now) or closed (its results, when the audience may see them). */
  z.object({ kind: z.literal('poll'), pollId: Id }),
  /** One approved audience question. */
  z.object({ kind: z.literal('question'), questionId: Id }),
  /** The engagement leaderboard (people, or teams). */
  z.object({ kind: z.literal('leaderboard'), board: z.enum(['people', 'teams']) }),
  /** A quiz run, in whatever phase it is ([QUIZ30]). */
  z.object({ kind: z.literal('quiz'), runId: Id }),
  /** [BRK60] One breakout room's takeaway, brought back to the stage. */
  z.object({ kind: z.literal('takeaway'), roundId: Id, roomId: Id }),
]);
export type StageSlot = z.infer<typeof StageSlot>;
export type StageSlotKind = StageSlot['kind'];

export const IDLE_SLOT: StageSlot = { kind: 'idle' };

/** [STAGE31] The slot as stored and sent: what, since when, changed how often. */
export const OnStage = z.object({
  slot: StageSlot,
  /** Bumped by every change, so a late copy of an older change never replaces a newer one. */
  version: z.number().int().min(0),
  /** When it was set (server clock); null before anything was ever shown. */
  at: z.iso.datetime().nullable(),
});
export type OnStage = z.infer<typeof OnStage>;

export const NOTHING_ON_STAGE: OnStage = { slot: IDLE_SLOT, version: 0, at: null };

/** Two slots show the same thing. */
export function sameSlot(a: StageSlot, b: StageSlot): boolean {
  return slotKey(a) === slotKey(b);
}

/** A stable string for a slot (`poll:<id>`), for comparisons and compare-and-set in the stores. */
export function slotKey(s: StageSlot): string {
  switch (s.kind) {
    case 'idle':
      return 'idle';
    case 'poll':
      return `poll:${s.pollId}`;
    case 'question':
      return `question:${s.questionId}`;
    case 'leaderboard':
      return `leaderboard:${s.board}`;
    case 'quiz':
      return `quiz:${s.runId}`;
    case 'takeaway':
      return `takeaway:${s.roundId}:${s.roomId}`;
  }
}

/** [STAGE34] How long an announcement stays: until cleared, or this many seconds (5 s to 1 hour). */
export const AnnouncementLifetimeSec = z.number().int().min(5).max(3600);

export const stageSlotCommandSchemas = {
  /** [STAGE30] Puts something on the stage. */
  'stage:show': z.strictObject({ id: CommandId, slot: StageSlot }),
  /** [STAGE30] Back to idle (join information). */
  'stage:clear': z.strictObject({ id: CommandId }),
  /** [STAGE34] Takes the announcements off every screen. */
  'announcement:clear': z.strictObject({ id: CommandId }),
} as const;

export interface StageSlotCommandResults {
  'stage:show': OnStage;
  'stage:clear': OnStage;
  'announcement:clear': { clearedAt: string };
}

export const stageSlotFactSchemas = {
  /** [STAGE31] Everyone in the event: the stage slot changed. */
  'stage:changed': OnStage,
  /** [STAGE34] Everyone: announcements sent at or before `clearedAt` are gone. */
  'announcement:cleared': z.object({ clearedAt: z.iso.datetime() }),
} as const;
