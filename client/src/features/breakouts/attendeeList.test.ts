import { describe, expect, it } from 'vitest';
import { RosterEntry } from '@rally/shared';
import { describeChanges, problemText, rosterChanges } from './attendeeList';

const entry = (email: string, more: Partial<RosterEntry> = {}) => RosterEntry.parse({ email, ...more });

describe('attendee list import (console)', () => {
  it('[BRK88] [BRK36] a new file replaces the whole list: the console counts, by email, who was added, updated, left as they were and removed', () => {
    const before = [entry('a@x.com', { team: 'EMEA' }), entry('b@x.com', { region: 'AMER' }), entry('c@x.com')];
    const after = [entry('a@x.com', { team: 'EMEA' }), entry('b@x.com', { region: 'APAC' }), entry('d@x.com'), entry('e@x.com', { facilitator: true })];
    const changes = rosterChanges(before, after);
    expect(changes).toEqual({ added: 2, updated: 1, unchanged: 1, removed: 1 });
    // Every line of the new file is counted once, every old line not in it as removed.
    expect(changes.added + changes.updated + changes.unchanged).toBe(after.length);
    expect(describeChanges(after.length, changes)).toMatch(/^Imported: 4 people on the list\. 2 added, 1 updated, 1 unchanged; 1 removed/);
    expect(describeChanges(1, rosterChanges([], [entry('a@x.com')]))).toBe('Imported: 1 person on the list. 1 added, 0 updated.');
  });

  it('[BRK88] [BRK37] each refused line is shown with where it is: the CSV line, the JSON entry, or the file', () => {
    expect(problemText({ line: 3, message: 'email must be an email address' })).toBe('Line 3: Email must be an email address');
    expect(problemText({ entry: 2, message: 'team: too long' })).toBe('Entry 2: Team: too long');
    expect(problemText({ entry: 0, message: 'the body is not valid JSON' })).toBe('The file: The body is not valid JSON');
  });
});
