import { z } from 'zod';
import { AgendaSession, DisplayName, EventSettings, JoinCode, Mode, Participant, PublicEvent, TeamName } from './model.js';

/** REST request and response bodies. Every body is parsed with these at the edge. */
export const CreateEventRequest = z.strictObject({
  name: z.string().trim().min(1).max(120),
  teams: z.array(TeamName).max(50).default([]),
  agenda: z.array(AgendaSession).max(100).default([]),
  settings: EventSettings.partial().default({}),
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
  mode: Mode.default('remote'),
  /** A presenter, moderator or stage key from an organiser's link: grants that role. */
  key: z.string().min(10).max(100).optional(),
  /** A token this browser already holds for this event: the join resumes that participant. */
  token: z.string().max(2000).optional(),
});
export type JoinRequest = z.input<typeof JoinRequest>;

export const JoinResponse = z.object({ token: z.string(), participant: Participant, event: PublicEvent });
export type JoinResponse = z.infer<typeof JoinResponse>;

/** Public look-up of a join code, so the join page can show the event name and its teams. */
export const EventLookupResponse = z.object({ event: PublicEvent });
