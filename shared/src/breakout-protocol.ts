import { z } from 'zod';
import { CommandId, Id } from './model.js';
import { AssignmentStrategy, BREAKOUT_LIMITS, BreakoutRole, BreakoutRoom, BreakoutRound, BreakoutRoundView, BreakoutTemplate, RoundDraft } from './breakout.js';
import { ChatMessage, StreamToken } from './stage.js';

/*
 * [BRK10..] Breakout rounds over the wire. Staff (moderators, organisers) author and run rounds and
 * get `breakout:roundUpdated` with the briefs; attendees and the stage screen get
 * `breakout:roundChanged` without them, and each attendee their own `breakout:assigned`.
 */

const text = (max: number) =>
  z
    .string()
    .max(4 * max)
    .trim()
    .min(1, 'the text is empty')
    .refine((s) => [...s].length <= max, `at most ${max} characters`);

/** [BRK40] A LiveKit token for one breakout room's call; `canPublish` false for stage viewers. */
export const BreakoutVideoToken = StreamToken.extend({ roomId: Id, canPublish: z.boolean() });
export type BreakoutVideoToken = z.infer<typeof BreakoutVideoToken>;

/** [BRK11] One attendee's place in the round: their room, their room-mates, their role now. */
export const MyBreakout = z.object({
  roundId: Id,
  /** Null: not in a room (not in the audience, or the round closed). */
  roomId: Id.nullable(),
  /** [BRK11] The room itself (null with roomId): the audience's round view carries no rooms list ([BRK51]). */
  room: BreakoutRoom.pick({ id: true, name: true, topic: true, capacity: true }).nullable(),
  /** Room-mates (the participant included), in the room's member order ([BRK50] rotations use it). */
  members: z.array(z.object({ id: Id, name: z.string() })),
  /** [BRK51] Structured rounds: this participant's role in the current rotation, with its private brief. */
  role: BreakoutRole.extend({ brief: z.string() }).nullable(),
  rotation: z.number().int().min(0).nullable(),
  /**
   * [BRK86] The order of this place among the round's places: the round's placement number when the
   * server read it (every change of who is in which room raises it). A client keeps, per round, the
   * place with the highest `seq` and ignores one for the same round with a lower one (places travel
   * by several paths and nodes: an older one can arrive last); equal numbers: the later one. A place
   * for another round than the one held always replaces it.
   */
  seq: z.number().int().min(0),
  /**
   * [BRK45] The room's video token, signed with the place itself when the round is running and this
   * server has video: the place and the means to join it arrive together. Absent otherwise (and in
   * the snapshot): ask with `breakout:videoToken`, as for every renewal.
   */
  video: BreakoutVideoToken.optional(),
  /**
   * [BRK85] The round as of this place, when the place comes with a change of the round that its
   * attendee is not told of otherwise (a round opening: one message where there were two per
   * attendee). A client applies it as it would a `breakout:roundChanged`. Absent otherwise (and in
   * the snapshot).
   */
  round: BreakoutRoundView.optional(),
});
export type MyBreakout = z.infer<typeof MyBreakout>;

/** [BRK16] "Ask for help" from a room; the first moderator to take it is shown to the others. */
export const HelpRequest = z.object({
  id: Id,
  roundId: Id,
  roomId: Id,
  participantId: Id,
  name: z.string(),
  at: z.iso.datetime(),
  takenBy: z.object({ id: Id, name: z.string(), at: z.iso.datetime() }).nullable(),
});
export type HelpRequest = z.infer<typeof HelpRequest>;

/** [BRK17] Staff: who is assigned to each room, and who is in its video call now (from LiveKit's webhooks). */
export const RoomOccupancy = z.object({
  roundId: Id,
  rooms: z.record(Id, z.object({ assigned: z.array(Id), inVideo: z.array(Id) })),
  /** Assigned people not in any room (the round's audience without a place, e.g. rooms full). */
  unassigned: z.array(Id),
});
export type RoomOccupancy = z.infer<typeof RoomOccupancy>;

/** [BRK60] A room's best takeaway, submitted by a member before closing (one per room; a resubmit replaces it). */
export const Takeaway = z.object({
  roundId: Id,
  roomId: Id,
  /** The room's name, so the stage screen can show it without the rooms list ([BRK77]). */
  roomName: z.string(),
  text: z.string(),
  byId: Id,
  byName: z.string(),
  at: z.iso.datetime(),
});
export type Takeaway = z.infer<typeof Takeaway>;

/** [BRK52] One scorer's rubric scores (1–5 per criterion) and comment about one rotation's subject. */
export const Scorecard = z.object({
  roundId: Id,
  roomId: Id,
  rotation: z.number().int().min(0),
  scorerId: Id,
  subjectId: Id,
  scores: z.record(Id, z.number().int().min(1).max(5)),
  comment: z.string(),
  at: z.iso.datetime(),
});
export type Scorecard = z.infer<typeof Scorecard>;

/** [BRK18] The snapshot part: the event's current round (open or closing, else the latest) as the role may see it. */
export const BreakoutSnapshot = z.object({
  /** Attendees and the stage screen. */
  round: BreakoutRoundView.optional(),
  /** Staff: every round of the event, briefs included, newest last. */
  rounds: z.array(BreakoutRound).optional(),
  templates: z.array(BreakoutTemplate).optional(),
  me: MyBreakout.optional(),
  occupancy: RoomOccupancy.optional(),
  help: z.array(HelpRequest).optional(),
  /** Attendees: their room's chat (latest last); staff: none (they open a room's chat on demand). */
  chat: z.array(ChatMessage).optional(),
  takeaways: z.array(Takeaway).optional(),
  /** Whether video is available on this server ([BRK44]: without LiveKit, rounds still run). */
  video: z.boolean(),
});
export type BreakoutSnapshot = z.infer<typeof BreakoutSnapshot>;

export const breakoutCommandSchemas = {
  /** [BRK10] Staff prepare a round for an agenda session (or none). */
  'breakout:create': z.strictObject({ id: CommandId, sessionId: Id.nullable(), draft: RoundDraft }),
  /** [BRK10] Replaces a draft round's plan (draft only); [BRK91] `sessionId` moves it to another agenda session (absent: unchanged). */
  'breakout:update': z.strictObject({ id: CommandId, roundId: Id, draft: RoundDraft, sessionId: Id.nullable().optional() }),
  /** [BRK10] Deletes a draft or closed round. */
  'breakout:delete': z.strictObject({ id: CommandId, roundId: Id }),
  /** [BRK30] Runs the round's strategy (or the one given) over the participants present now. */
  'breakout:assign': z.strictObject({ id: CommandId, roundId: Id, strategy: AssignmentStrategy.optional() }),
  /** [BRK15] Moves one participant to a room (null: out of every room), also while open. */
  'breakout:move': z.strictObject({ id: CommandId, roundId: Id, participantId: Id, roomId: Id.nullable() }),
  /** [BRK15] Swaps two participants' rooms. */
  'breakout:swap': z.strictObject({ id: CommandId, roundId: Id, a: Id, b: Id }),
  /** [BRK11] Opens the rooms: everyone assigned switches to their room at once. */
  'breakout:open': z.strictObject({ id: CommandId, roundId: Id }),
  /** [BRK12] Adds time to an open round. */
  'breakout:extend': z.strictObject({ id: CommandId, roundId: Id, seconds: z.number().int().min(60).max(BREAKOUT_LIMITS.extendSecMax) }),
  /** [BRK14] A message to every room of an open round. */
  'breakout:broadcast': z.strictObject({ id: CommandId, roundId: Id, text: text(BREAKOUT_LIMITS.broadcastMax) }),
  /** [BRK13] Close all: a countdown, then everyone is back on the stage. */
  'breakout:close': z.strictObject({ id: CommandId, roundId: Id }),
  /** [BRK32] An attendee picks a room of a self-select round (up to its capacity). */
  'breakout:choose': z.strictObject({ id: CommandId, roundId: Id, roomId: Id }),
  /** [BRK40] A video token: attendees for their own room; staff for any room (`roomId`). */
  'breakout:videoToken': z.strictObject({ id: CommandId, roundId: Id, roomId: Id.optional() }),
  /** [BRK16] An attendee asks the moderators for help in their room. */
  'breakout:askHelp': z.strictObject({ id: CommandId, roundId: Id }),
  /** [BRK16] A moderator takes a help request (the first one wins). */
  'breakout:takeHelp': z.strictObject({ id: CommandId, helpId: Id }),
  /** [BRK61] A chat message to one's own room (staff: to `roomId`). */
  'breakout:chat': z.strictObject({ id: CommandId, roundId: Id, roomId: Id.optional(), text: text(BREAKOUT_LIMITS.chatMax) }),
  /** [BRK61] A moderator deletes a room chat message. */
  'breakout:deleteChat': z.strictObject({ id: CommandId, roundId: Id, roomId: Id, messageId: Id }),
  /** [BRK61] Staff read one room's chat. */
  'breakout:readChat': z.strictObject({ id: CommandId, roundId: Id, roomId: Id }),
  /** [BRK60] A member submits (or replaces) their room's best takeaway. */
  'breakout:takeaway': z.strictObject({ id: CommandId, roundId: Id, text: text(BREAKOUT_LIMITS.takeawayMax) }),
  /** [BRK62] Staff launch the round's takeaways as a poll to pick the best (of the chosen rooms, when given: a poll has 2–10 options). */
  'breakout:pollTakeaways': z.strictObject({ id: CommandId, roundId: Id, roomIds: z.array(Id).min(2).max(10).optional() }),
  /** [BRK52] A scorer's scorecard about the current rotation's subject in their room. */
  'breakout:score': z.strictObject({
    id: CommandId,
    roundId: Id,
    rotation: z.number().int().min(0).max(BREAKOUT_LIMITS.rotationsMax - 1),
    scores: z.record(Id, z.number().int().min(1).max(5)),
    comment: z.string().trim().max(BREAKOUT_LIMITS.commentMax).default(''),
  }),
  /** [BRK53] An attendee reads the scorecards about themselves (once the round has closed). */
  'breakout:myFeedback': z.strictObject({ id: CommandId, roundId: Id }),
  /** [BRK20] Saves a round's plan as a template. */
  'breakout:saveTemplate': z.strictObject({ id: CommandId, roundId: Id, name: z.string().trim().min(1).max(120) }),
  /** [BRK20] A new draft round from a template. */
  'breakout:fromTemplate': z.strictObject({ id: CommandId, templateId: Id, sessionId: Id.nullable() }),
  /** [BRK20] Deletes a template. */
  'breakout:deleteTemplate': z.strictObject({ id: CommandId, templateId: Id }),
} as const;

/** [BRK30] What an assignment did, with the warnings a moderator should read. */
export const AssignmentSummary = z.object({
  round: BreakoutRound,
  assigned: z.number().int().min(0),
  /** People of the audience who found no place (rooms full). */
  unplaced: z.number().int().min(0),
  warnings: z.array(z.string()),
});
export type AssignmentSummary = z.infer<typeof AssignmentSummary>;

export interface BreakoutCommandResults {
  'breakout:create': BreakoutRound;
  'breakout:update': BreakoutRound;
  'breakout:delete': { roundId: string; deleted: true };
  'breakout:assign': AssignmentSummary;
  'breakout:move': RoomOccupancy;
  'breakout:swap': RoomOccupancy;
  'breakout:open': BreakoutRound;
  'breakout:extend': BreakoutRound;
  'breakout:broadcast': BreakoutRound;
  'breakout:close': BreakoutRound;
  'breakout:choose': MyBreakout;
  'breakout:videoToken': BreakoutVideoToken;
  'breakout:askHelp': HelpRequest;
  'breakout:takeHelp': HelpRequest;
  'breakout:chat': ChatMessage;
  'breakout:deleteChat': { messageId: string; deleted: true };
  'breakout:readChat': { roundId: string; roomId: string; messages: ChatMessage[] };
  'breakout:takeaway': Takeaway;
  'breakout:pollTakeaways': { pollId: string };
  'breakout:score': Scorecard;
  'breakout:myFeedback': { roundId: string; scorecards: Array<Omit<Scorecard, 'scorerId'> & { scorerName: string }> };
  'breakout:saveTemplate': BreakoutTemplate;
  'breakout:fromTemplate': BreakoutRound;
  'breakout:deleteTemplate': { templateId: string; deleted: true };
}

export const breakoutFactSchemas = {
  /** [BRK18] Staff: a round was created or changed (briefs included). */
  'breakout:roundUpdated': BreakoutRound,
  /** [BRK18] Staff: a round was deleted. */
  'breakout:roundDeleted': z.object({ roundId: Id }),
  /** [BRK18] Attendees and the stage screen: the round changed (opened, extended, closing, closed). */
  'breakout:roundChanged': BreakoutRoundView,
  /** [BRK11] One attendee: their room (or none) changed, or their role with the rotation. */
  'breakout:assigned': MyBreakout,
  /** [BRK17] Staff: who is in which room now changed. */
  'breakout:occupancyChanged': RoomOccupancy,
  /** [BRK14] Everyone in a room of the round: the moderators broadcast. */
  'breakout:broadcasted': z.object({ roundId: Id, text: z.string(), at: z.iso.datetime() }),
  /** [BRK16] Staff (and the asker): a help request was made or taken. */
  'breakout:helpChanged': HelpRequest,
  /** [BRK61] The room's members and staff: a chat message was posted. */
  'breakout:chatPosted': ChatMessage.extend({ roundId: Id, roomId: Id }),
  /** [BRK61] The room's members and staff: a chat message was deleted. */
  'breakout:chatDeleted': z.object({ roundId: Id, roomId: Id, messageId: Id }),
  /** [BRK60] The room's members and staff: the room's takeaway was submitted or replaced. */
  'breakout:takeawaySubmitted': Takeaway,
  /** [BRK20] Staff: templates changed (the whole list). */
  'breakout:templatesChanged': z.object({ templates: z.array(BreakoutTemplate) }),
} as const;
