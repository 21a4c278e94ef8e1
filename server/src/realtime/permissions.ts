import type { CommandName, Role } from '@rally/shared';

/**
 * The one table that says which role may send which command. Every command is checked against
 * it before its handler runs; a command missing here cannot be wired (the type demands a row).
 * `screen` (the projector) sends nothing but snapshot requests.
 */
export const COMMAND_ROLES: Readonly<Record<CommandName, readonly Role[]>> = {
  'snapshot:request': ['attendee', 'presenter', 'moderator', 'admin', 'screen'],
  'participant:update': ['attendee', 'presenter', 'moderator', 'admin'],
  'participant:correct': ['moderator', 'admin'],
  'participant:ban': ['moderator', 'admin'],
  'session:setLive': ['moderator', 'admin'],
};

export const maySend = (role: Role, command: CommandName): boolean => COMMAND_ROLES[command].includes(role);
