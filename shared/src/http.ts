import { z } from 'zod';
import { DisplayName, EventSettingsPatch, JoinCode, Mode, Participant, PublicEvent, TeamName } from './model.js';
import { Agenda, JoinNotice } from './stage.js';
import { Branding, StageStream } from './stage-config.js';

/** REST request and response bodies. Every body is parsed with these at the edge. */
export const CreateEventRequest = z.strictObject({
  name: z.string().trim().min(1).max(120),
  teams: z.array(TeamName).max(50).default([]),
  /** [STAGE5] Unique session ids, each ending after it starts. */
  agenda: Agenda.default([]),
  /** Omitted settings take their defaults. */
  settings: EventSettingsPatch.default({}),
  stream: StageStream.optional(),
  branding: Branding.optional(),
});
export type CreateEventRequest = z.input<typeof CreateEventRequest>;

/** Links with the role keys inside; only the organiser (admin token) ever receives them. */
export const EventLinks = z.object({
  attendee: z.string(),
  presenter: z.string(),
  moderator: z.string(),
  stage: z.string(),
});
export type EventLinks = z.infer<typeof EventLinks>;

export const CreateEventResponse = z.object({ event: PublicEvent, code: z.string(), links: EventLinks });
export type CreateEventResponse = z.infer<typeof CreateEventResponse>;

export const JoinRequest = z.strictObject({
  code: JoinCode,
  name: DisplayName,
  team: TeamName.optional(),
  /**
   * [STAGE12] Omitted: `room` when a roomCode comes along (the stage screen's QR link), else remote.
   * An attendee asking for `room` needs the current roomCode, or is joined as remote with a notice.
   */
  mode: Mode.optional(),
  /** [BRK35] The attendee's work email: on the organiser's attendee list it brings their attributes. */
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
  /** [STAGE12] The code on the stage screen (the QR link carries it as ?room=CODE). */
  roomCode: z.string().max(16).optional(),
  /** A presenter, moderator or stage key from an organiser's link: grants that role. */
  key: z.string().min(10).max(100).optional(),
  /** A token this browser already holds for this event: the join resumes that participant. */
  token: z.string().max(2000).optional(),
});
export type JoinRequest = z.input<typeof JoinRequest>;

export const JoinResponse = z.object({
  token: z.string(),
  participant: Participant,
  event: PublicEvent,
  /** [STAGE12] Present when the join asked for `room` and got `remote`, saying why. */
  notice: JoinNotice.optional(),
});
export type JoinResponse = z.infer<typeof JoinResponse>;

/** Public look-up of a join code, so the join page can show the event name and its teams. */
export const EventLookupResponse = z.object({ event: PublicEvent });
