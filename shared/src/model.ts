import { z } from 'zod';
import { Branding, StageStream } from './stage-config.js';

/** Who a principal is. `screen` is the venue projector: it sees, it never acts. */
export const Role = z.enum(['attendee', 'presenter', 'moderator', 'admin', 'screen']);
export type Role = z.infer<typeof Role>;

/** Where a participant takes part from. */
export const Mode = z.enum(['room', 'remote']);
export type Mode = z.infer<typeof Mode>;

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, _ and -');

/** Client-generated id carried by every command so a retry is applied once. */
export const CommandId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);

/**
 * Join codes use an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B) so a code read off a
 * projector or said aloud is typed right the first time.
 */
export const JOIN_CODE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const JOIN_CODE_LENGTH = 6;
export const JoinCode = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.string().length(JOIN_CODE_LENGTH).regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]+$`), 'not a Rally join code'));

export const DisplayName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(60, 'names are at most 60 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'control characters are not allowed');

export const TeamName = z.string().trim().min(1).max(40);

export const SessionKind = z.enum(['keynote', 'breakout', 'workshop', 'awards', 'break']);
export type SessionKind = z.infer<typeof SessionKind>;

export const AgendaSession = z.object({
  id: Id,
  title: z.string().trim().min(1).max(120),
  kind: SessionKind,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  speakers: z.array(z.string().trim().min(1).max(80)).max(10).default([]),
});
export type AgendaSession = z.infer<typeof AgendaSession>;

export const EventSettings = z.object({
  /** Organiser's choice for Q&A; carried from the foundation so later capabilities share one shape. */
  allowAnonymousQuestions: z.boolean().default(true),
  moderation: z.enum(['pre', 'post']).default('pre'),
  /**
   * [STAGE12] An attendee is `room` only with the stage screen's current room code (absent counts
   * as true: events from before the setting are verified too). false: the mode is taken as chosen.
   */
  verifyRoomMode: z.boolean().optional(),
});
export type EventSettings = z.infer<typeof EventSettings>;

/** Some settings, to merge into the current ones: no defaults, so an omitted setting stays as it is. */
export const EventSettingsPatch = z.strictObject({
  allowAnonymousQuestions: z.boolean().optional(),
  moderation: z.enum(['pre', 'post']).optional(),
  verifyRoomMode: z.boolean().optional(),
});
export type EventSettingsPatch = z.infer<typeof EventSettingsPatch>;

/** What every principal of an event may see of it. Never carries the role keys. */
export const PublicEvent = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  teams: z.array(z.string()),
  agenda: z.array(AgendaSession),
  liveSessionId: Id.nullable(),
  settings: EventSettings,
  // The stage fields below are always sent by the server; they are optional only so events built
  // before the stage (fixtures, cached copies) stay valid. Read them with stageOf() (stage-config.ts).
  /** [STAGE6] When the live session was set live (the presenter's session timer); null with none. */
  liveSessionStartedAt: z.iso.datetime().nullable().optional(),
  /** [STAGE2] How remote attendees watch the stage. */
  stream: StageStream.optional(),
  /** [STAGE4] Logo and colours for every screen. */
  branding: Branding.optional(),
  createdAt: z.iso.datetime(),
  /** [OPS51] When the organiser archived the event (read-only since); null or absent: not archived. */
  archivedAt: z.iso.datetime().nullable().optional(),
});
export type PublicEvent = z.infer<typeof PublicEvent>;

export const Participant = z.object({
  id: Id,
  eventId: Id,
  name: z.string(),
  role: Role,
  mode: Mode,
  team: z.string().nullable(),
  banned: z.boolean(),
  joinedAt: z.iso.datetime(),
  /**
   * [BRK35] The email given at join, lower-cased: it links the participant to the attendee list's
   * attributes, looked up when rooms are assigned (so a list imported later applies too). Sent only
   * to the participant and to staff.
   */
  email: z.string().nullable().optional(),
});
export type Participant = z.infer<typeof Participant>;

export const CohortCounts = z.object({ room: z.number().int(), remote: z.number().int() });
export type CohortCounts = z.infer<typeof CohortCounts>;

/** Moderators' and presenters' live view of who is connected now. */
export const Presence = z.object({
  online: z.array(Participant),
  counts: CohortCounts,
});
export type Presence = z.infer<typeof Presence>;
