import { z } from 'zod';

/*
 * [BRK35..] The attendee list: imported by the organiser as CSV (a template to download), one line
 * per expected person. A participant who joins with an email on the list gets its attributes (team,
 * title, tenure, region, facilitator, pre-assigned room), which the assignment strategies use.
 */

export const ROSTER_COLUMNS = ['name', 'email', 'team', 'title', 'tenure', 'region', 'facilitator', 'room'] as const;
export const ROSTER_MAX_ENTRIES = 20_000;

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());

export const RosterEntry = z.object({
  email: Email,
  name: z.string().trim().max(80).default(''),
  team: z.string().trim().max(40).default(''),
  title: z.string().trim().max(80).default(''),
  /** Years, or a band ("0-1", "5+"): compared as text, grouped or mixed as given. */
  tenure: z.string().trim().max(20).default(''),
  region: z.string().trim().max(40).default(''),
  facilitator: z.boolean().default(false),
  /** [BRK30] A room name for the `roster` strategy (pre-assignment). */
  room: z.string().trim().max(60).default(''),
});
export type RosterEntry = z.output<typeof RosterEntry>;

/** [BRK35] What a participant carries from the list (absent: not on it, or joined without email). */
export const ParticipantAttributes = RosterEntry.omit({ email: true, name: true });
export type ParticipantAttributes = z.output<typeof ParticipantAttributes>;

/** A JSON import (the CSV is parsed into this). */
export const RosterImport = z.strictObject({
  entries: z.array(RosterEntry).max(ROSTER_MAX_ENTRIES),
});
export type RosterImport = z.output<typeof RosterImport>;
