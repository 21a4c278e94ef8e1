import { z } from 'zod';
import { CohortCounts, Id, Participant, PublicEvent, Snapshot } from './model.js';

/** Everything the server tells clients, by Socket.IO event name (past tense). */
export const factSchemas = {
  /** First message after every (re)connection: the whole state this principal may see. */
  snapshot: Snapshot,
  /** To moderators, presenters and the stage screen: someone came online or went offline. */
  'presence:changed': z.object({
    participant: Participant,
    online: z.boolean(),
    counts: CohortCounts,
  }),
  /** A participant's name, team, mode or ban changed (to moderators and to that participant). */
  'participant:updated': Participant,
  /** Event-wide fields changed (live session, agenda, settings). */
  'event:updated': PublicEvent,
  /** Sent to a participant just before the server disconnects them (ban, key rotation). */
  'session:ended': z.object({ reason: z.enum(['banned', 'keys-rotated', 'deleted']), message: z.string() }),
  /** Liveness probe target for clients measuring one-way latency. */
  'server:time': z.object({ serverTime: z.iso.datetime(), eventId: Id }),
} as const;

export type FactName = keyof typeof factSchemas;
export type FactPayload<N extends FactName> = z.infer<(typeof factSchemas)[N]>;
