import { describe, expect, it } from 'vitest';
import { stageCommandSchemas, type CommandName, type Role } from '@rally/shared';
import { SELF_RECORDED_COMMANDS, UNRECORDED_COMMANDS } from './handlers.js';
import { maySend } from './permissions.js';

const STAGE_COMMANDS = Object.keys(stageCommandSchemas) as CommandName[];
const DESK: CommandName[] = ['stage:setStream', 'event:setBranding', 'agenda:set', 'announcement:send', 'note:send', 'chat:delete', 'chat:setSlowMode', 'chat:banParticipant'];

describe('the role table for the stage', () => {
  it('[STAGE26] the desk configures, announces, writes notes and moderates chat; attendees react; presenters confirm notes; the screen sends nothing', () => {
    // Written out from the issue, not read from the table.
    const expected: Record<Role, CommandName[]> = {
      attendee: ['stage:streamToken', 'reaction:send', 'chat:send'],
      presenter: ['stage:streamToken', 'note:markRead', 'chat:send'],
      moderator: [...DESK, 'stage:streamToken', 'chat:send'],
      admin: [...DESK, 'stage:streamToken', 'chat:send'],
      screen: [],
    };
    for (const [role, allowed] of Object.entries(expected) as [Role, CommandName[]][]) {
      expect(STAGE_COMMANDS.filter((c) => maySend(role, c)).sort(), role).toEqual([...allowed].sort());
    }
  });

  it('[STAGE14] [STAGE3] [REL16] [PERF9] stream tokens keep no idempotency record, reactions only the store step window of ids; every other stage command a stored result', () => {
    expect(STAGE_COMMANDS.filter((c) => UNRECORDED_COMMANDS.has(c)).sort()).toEqual(['stage:streamToken']);
    expect(STAGE_COMMANDS.filter((c) => SELF_RECORDED_COMMANDS.has(c))).toEqual(['reaction:send']);
  });
});
