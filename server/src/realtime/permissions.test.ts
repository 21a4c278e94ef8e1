import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, Role } from '@rally/shared';
import { COMMAND_ROLES, maySend } from './permissions.js';
import { handlers } from './handlers.js';

describe('the role table', () => {
  it('[ROLE2] every command has exactly one row and one handler', () => {
    expect(Object.keys(COMMAND_ROLES).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(Object.keys(handlers).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('[ROLE3] the stage screen only reads; moderator commands are closed to attendees and presenters', () => {
    for (const name of COMMAND_NAMES) {
      if (name !== 'snapshot:request') expect(maySend('screen', name)).toBe(false);
    }
    for (const name of ['participant:ban', 'participant:correct', 'session:setLive'] as const) {
      expect(maySend('attendee', name)).toBe(false);
      expect(maySend('moderator', name)).toBe(true);
      expect(maySend('admin', name)).toBe(true);
    }
  });

  it('[ROLE4] the table only names known roles', () => {
    for (const roles of Object.values(COMMAND_ROLES)) for (const r of roles) expect(Role.options).toContain(r);
  });
});
