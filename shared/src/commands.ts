import { z } from 'zod';
import { CommandId, Id, Mode, Participant, Snapshot, TeamName } from './model.js';

/**
 * Every command a client may send, by Socket.IO event name (`entity:verb`). Each payload carries
 * `id`, a client-generated command id: a retry with the same id is answered from the first result
 * and applied once. Objects are strict: an unknown field is a bad request, not silently dropped.
 */
export const commandSchemas = {
  /** Ask for a fresh snapshot (after a long sleep, for instance). */
  'snapshot:request': z.strictObject({ id: CommandId }),
  /** An attendee changes their own team or mode. */
  'participant:update': z.strictObject({
    id: CommandId,
    team: TeamName.optional(),
    mode: Mode.optional(),
  }),
  /** A moderator corrects another participant's mode or team. */
  'participant:correct': z.strictObject({
    id: CommandId,
    participantId: Id,
    team: TeamName.optional(),
    mode: Mode.optional(),
  }),
  /** A moderator bans or unbans a participant. A banned participant's sockets are disconnected. */
  'participant:ban': z.strictObject({
    id: CommandId,
    participantId: Id,
    banned: z.boolean(),
  }),
  /** A moderator sets the live agenda session (null: between sessions). */
  'session:setLive': z.strictObject({
    id: CommandId,
    sessionId: Id.nullable(),
  }),
} as const;

export type CommandName = keyof typeof commandSchemas;
export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
export type CommandPayload<N extends CommandName> = z.infer<(typeof commandSchemas)[N]>;

/** The `data` of a successful ack, per command. */
export interface CommandResults {
  'snapshot:request': Snapshot;
  'participant:update': Participant;
  'participant:correct': Participant;
  'participant:ban': Participant;
  'session:setLive': { liveSessionId: string | null };
}

// Compile-time check that every command has a result type and nothing else does.
type _SameKeys = [CommandName] extends [keyof CommandResults]
  ? [keyof CommandResults] extends [CommandName]
    ? true
    : never
  : never;
const _check: _SameKeys = true;
void _check;
