import { z } from 'zod';
import { Id } from './model.js';

/*
 * [BRK1..] Breakout rounds: the model. A round has rooms and a duration; it is prepared ahead (per
 * agenda session, or from a saved template) or created live, filled by an assignment strategy, opened
 * (everyone assigned switches to their room), extended, and closed (a short countdown, then everyone
 * is back on the stage). Structured formats (role-play, teach-back, deal clinic) add roles with
 * private briefs, timed rotations and a rubric scorecard. The wire (commands, facts, snapshot part)
 * is in breakout-protocol.ts; the attendee list in breakout-roster.ts.
 */

export const BREAKOUT_LIMITS = {
  roomsPerRound: 500,
  roomCapacityMax: 100,
  /** [BRK3] A round lasts 1 minute to 4 hours; one extension adds 1 to 30 minutes. */
  durationSecMin: 60,
  durationSecMax: 4 * 3600,
  extendSecMax: 30 * 60,
  /** [BRK13] Close-all: this many seconds of countdown, then everyone is back on the stage. */
  closeCountdownSec: 30,
  /** [BRK12] Rooms are warned this long before the end. */
  warningSec: 60,
  nameMax: 60,
  topicMax: 200,
  broadcastMax: 280,
  chatMax: 500,
  takeawayMax: 280,
  briefMax: 4000,
  commentMax: 1000,
  rolesMax: 6,
  criteriaMax: 10,
  rotationsMax: 10,
  /** [BRK90] A teach-back's concepts: one per rotation at most, each this long at most. */
  conceptMax: 200,
  templatesPerEvent: 100,
  /** [BRK40] Video tokens live this long; the client asks again before they expire. */
  videoTokenTtlSec: 15 * 60,
} as const;

export const BreakoutRoom = z.object({
  id: Id,
  name: z.string().trim().min(1).max(BREAKOUT_LIMITS.nameMax),
  topic: z.string().trim().max(BREAKOUT_LIMITS.topicMax).default(''),
  /** [BRK2] Most people the room takes; assignment never puts more in it. */
  capacity: z.number().int().min(1).max(BREAKOUT_LIMITS.roomCapacityMax),
  /** [BRK31] The participant placed first as its facilitator, if any. */
  facilitatorId: Id.nullable().default(null),
});
export type BreakoutRoom = z.output<typeof BreakoutRoom>;

/** [BRK4] Who goes: the remote sellers only (the room does it at its tables), or everyone. */
export const BreakoutAudience = z.enum(['remote', 'everyone']);
export type BreakoutAudience = z.infer<typeof BreakoutAudience>;

/** [BRK30] Attributes a strategy can group or mix by (from the attendee list, and the participant). */
export const BreakoutAttribute = z.enum(['team', 'region', 'title', 'tenure', 'mode']);
export type BreakoutAttribute = z.infer<typeof BreakoutAttribute>;

/** [BRK30] How people are put in rooms. */
export const AssignmentStrategy = z.discriminatedUnion('kind', [
  /** Moderators move people by hand (also while the round is open). */
  z.object({ kind: z.literal('manual') }),
  /** Shuffled; room sizes differ by at most one (capacity permitting). */
  z.object({ kind: z.literal('random') }),
  /** `group`: the same value together; `mix`: values spread across rooms. Sizes still balanced. */
  z.object({ kind: z.literal('attribute'), attribute: BreakoutAttribute, how: z.enum(['group', 'mix']) }),
  /** Attendees pick a room themselves, up to its capacity. */
  z.object({ kind: z.literal('selfSelect') }),
  /** The attendee list's `room` column (by room name); the rest random. */
  z.object({ kind: z.literal('roster') }),
]);
export type AssignmentStrategy = z.infer<typeof AssignmentStrategy>;

/** [BRK50] One line of a rubric, scored 1–5. */
export const RubricCriterion = z.object({
  id: Id,
  label: z.string().trim().min(1).max(120),
});
export type RubricCriterion = z.infer<typeof RubricCriterion>;

/**
 * [BRK50] A role in a structured round, as everyone may see it: the brief is private ([BRK51]).
 * Role 0 is the subject of each rotation (the seller, the teacher, the deal's presenter); roles that
 * `scores` fill in the scorecard about the subject.
 */
export const BreakoutRole = z.object({
  id: Id,
  name: z.string().trim().min(1).max(40),
  scores: z.boolean(),
});
export type BreakoutRole = z.infer<typeof BreakoutRole>;

/** [BRK51] Staff see (and author) the brief; an attendee gets only their own role's, in their own assignment. */
export const BreakoutRoleWithBrief = BreakoutRole.extend({
  brief: z.string().trim().max(BREAKOUT_LIMITS.briefMax).default(''),
});
export type BreakoutRoleWithBrief = z.output<typeof BreakoutRoleWithBrief>;

export const StructuredKind = z.enum(['rolePlay', 'teachBack', 'dealClinic']);
export type StructuredKind = z.infer<typeof StructuredKind>;

/**
 * [BRK90] A teach-back's concepts, one per rotation: rotation r's teacher (role 0) gets concept
 * r mod n in their private brief. Optional (absent on rounds stored before it existed); private
 * like the briefs, so only the staff's format carries it.
 */
const Concepts = z.array(z.string().trim().min(1).max(BREAKOUT_LIMITS.conceptMax)).max(BREAKOUT_LIMITS.rotationsMax);

function formatSchemas<R extends z.ZodTypeAny, E extends z.ZodRawShape>(role: R, extra: E) {
  return z.discriminatedUnion('kind', [
    /** A plain discussion: no roles. */
    z.object({ kind: z.literal('open') }),
    /**
     * [BRK50] Roles, rotations (each lasting the round's duration divided by `rotations`, so everyone
     * plays every role when rotations = room size) and a rubric.
     */
    z.object({
      kind: StructuredKind,
      roles: z.array(role).min(2).max(BREAKOUT_LIMITS.rolesMax),
      rotations: z.number().int().min(1).max(BREAKOUT_LIMITS.rotationsMax),
      rubric: z.array(RubricCriterion).min(1).max(BREAKOUT_LIMITS.criteriaMax),
      ...extra,
    }),
  ]);
}

/** [BRK50] A round's format as authored and as staff see it (briefs and concepts included). */
export const BreakoutFormat = formatSchemas(BreakoutRoleWithBrief, { concepts: Concepts.optional() });
export type BreakoutFormat = z.output<typeof BreakoutFormat>;
/** [BRK51] The same without the briefs (nor [BRK90] concepts): what attendees and the stage screen receive. */
export const BreakoutPublicFormat = formatSchemas(BreakoutRole, {});
export type BreakoutPublicFormat = z.output<typeof BreakoutPublicFormat>;

/**
 * [BRK10] draft → open → closing (the close-all countdown) → closed. A closed round stays for its
 * takeaways, scorecards and exports; it cannot be reopened (duplicate it through a template).
 */
export const RoundStatus = z.enum(['draft', 'open', 'closing', 'closed']);
export type RoundStatus = z.infer<typeof RoundStatus>;

/** What a moderator authors: everything but the lifecycle. */
export const RoundDraft = z.strictObject({
  title: z.string().trim().min(1).max(120),
  durationSec: z.number().int().min(BREAKOUT_LIMITS.durationSecMin).max(BREAKOUT_LIMITS.durationSecMax),
  audience: BreakoutAudience.default('remote'),
  strategy: AssignmentStrategy.default({ kind: 'random' }),
  format: BreakoutFormat.default({ kind: 'open' }),
  rooms: z.array(BreakoutRoom).max(BREAKOUT_LIMITS.roomsPerRound),
});
export type RoundDraft = z.output<typeof RoundDraft>;
export type RoundDraftInput = z.input<typeof RoundDraft>;

/** A broadcast from the moderators to every room ([BRK14]); the round keeps the last few. */
export const BreakoutBroadcast = z.object({ text: z.string(), at: z.iso.datetime() });
export type BreakoutBroadcast = z.infer<typeof BreakoutBroadcast>;

const lifecycle = {
  id: Id,
  eventId: Id,
  sessionId: Id.nullable(),
  status: RoundStatus,
  /** Set when opened. */
  openedAt: z.iso.datetime().nullable(),
  /** [BRK11] When the rooms' time is up (moves with extensions). */
  endsAt: z.iso.datetime().nullable(),
  /** [BRK13] When close-all (or the end of time) brings everyone back: set on entering `closing`. */
  closesAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  broadcasts: z.array(BreakoutBroadcast).max(20),
  /**
   * [BRK28] Structured rounds: the last rotation whose roles were handed out (0 from opening). Absent
   * on open rounds and on rounds stored before it existed (read as 0). Clients derive the rotation of
   * now from `openedAt` ([rotationAt]); this is the servers' record that each rotation is announced once.
   */
  rotation: z.number().int().min(0).optional(),
  /** Bumped by every change; compare-and-set in the stores, and a late copy never replaces a newer one. */
  version: z.number().int().min(0),
};

/** [BRK1] A round as stored and as staff see it. */
export const BreakoutRound = RoundDraft.extend(lifecycle);
export type BreakoutRound = z.output<typeof BreakoutRound>;

/**
 * [BRK51] A round as attendees and the stage screen see it: the format without briefs and, but for
 * a self-select round (its picker lists them), no rooms list: `roomCount` says how many, and each
 * attendee's own room comes in their `MyBreakout`. At 500 rooms the list is ~40 kB, and every
 * attendee gets this view on each open, extend, broadcast and close ([BRK18]).
 */
export const BreakoutRoundView = RoundDraft.omit({ format: true, rooms: true }).extend({
  ...lifecycle,
  format: BreakoutPublicFormat,
  roomCount: z.number().int().min(0),
  rooms: RoundDraft.shape.rooms.optional(),
});
export type BreakoutRoundView = z.output<typeof BreakoutRoundView>;

/** [BRK51] The audience's view of a round: the briefs stripped, the rooms only where attendees pick one. */
export function roundView(r: BreakoutRound): BreakoutRoundView {
  const format: BreakoutPublicFormat =
    r.format.kind === 'open'
      ? r.format
      : { kind: r.format.kind, rotations: r.format.rotations, rubric: r.format.rubric, roles: r.format.roles.map(({ id, name, scores }) => ({ id, name, scores })) };
  const { rooms, ...rest } = r;
  return { ...rest, format, roomCount: rooms.length, ...(r.strategy.kind === 'selfSelect' ? { rooms } : {}) };
}

/** [BRK20] A saved plan: a round without its lifecycle, people or facilitators. */
export const BreakoutTemplate = z.object({
  id: Id,
  eventId: Id,
  name: z.string().trim().min(1).max(120),
  draft: RoundDraft,
  createdAt: z.iso.datetime(),
});
export type BreakoutTemplate = z.output<typeof BreakoutTemplate>;

/** [BRK50] Where one member stands in one rotation of a structured round. */
export interface RotationSeat {
  rotation: number;
  roleIndex: number;
}

/**
 * [BRK50] Member `i` (of `n`, in the room's member order) plays role index
 * min((i − r) mod n, roles − 1) in rotation r: role 0, the subject, moves one seat per rotation, the
 * next roles follow it, and extra members share the last role. So with rotations = n everyone is the
 * subject once.
 */
export function roleIndexFor(memberIndex: number, members: number, rotation: number, roles: number): number {
  const seat = (((memberIndex - rotation) % members) + members) % members;
  return Math.min(seat, roles - 1);
}

/**
 * [BRK90] The concept rotation `rotation`'s teacher teaches in a teach-back with concepts (concept
 * r mod n, so fewer concepts than rotations repeat), else null.
 */
export function conceptFor(format: BreakoutFormat, rotation: number): string | null {
  if (format.kind !== 'teachBack' || !format.concepts?.length) return null;
  return format.concepts[rotation % format.concepts.length]!;
}

/** [BRK50] The rotation running at `now` (0-based), or null outside the round's time. */
export function rotationAt(round: Pick<BreakoutRound, 'openedAt' | 'endsAt' | 'durationSec' | 'format'>, nowMs: number): number | null {
  if (!round.openedAt || round.format.kind === 'open') return round.openedAt ? 0 : null;
  const start = Date.parse(round.openedAt);
  if (nowMs < start) return null;
  const each = (round.durationSec * 1000) / round.format.rotations;
  return Math.min(round.format.rotations - 1, Math.floor((nowMs - start) / each));
}
