import { describe, expect, it } from 'vitest';
import { qaCommandSchemas, type CommandName, type Role } from '@rally/shared';
import { maySend } from './permissions.js';

const QA_COMMANDS = Object.keys(qaCommandSchemas) as CommandName[];

describe('the role table for Q&A', () => {
  it('[QA18] attendees ask and upvote; presenters highlight and mark answered; moderators and organisers run the rest; the screen sends nothing', () => {
    // Written out from the issue, not read from the table.
    const expected: Record<Role, CommandName[]> = {
      attendee: ['question:submit', 'question:upvote'],
      presenter: ['question:highlight', 'question:markAnswered'],
      moderator: QA_COMMANDS.filter((c) => c !== 'question:submit' && c !== 'question:upvote'),
      admin: QA_COMMANDS.filter((c) => c !== 'question:submit' && c !== 'question:upvote'),
      screen: [],
    };
    for (const [role, allowed] of Object.entries(expected) as [Role, CommandName[]][]) {
      expect(QA_COMMANDS.filter((c) => maySend(role, c)).sort(), role).toEqual([...allowed].sort());
    }
  });
});
