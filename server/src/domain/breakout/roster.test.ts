import { describe, expect, it } from 'vitest';
import { ROSTER_COLUMNS } from '@rally/shared';
import { toCsv } from '../../http/csv.js';
import { TEMPLATE_ROSTER, describeRosterErrors, parseRosterCsv, parseRosterJson, rosterCsvRows } from './roster.js';

describe('attendee list files', () => {
  it('[BRK36] the template parses back to its own entries', () => {
    const csv = toCsv(rosterCsvRows(TEMPLATE_ROSTER));
    expect(csv.split('\r\n')[0]).toBe(ROSTER_COLUMNS.map((c) => `"${c}"`).join(','));
    expect(parseRosterCsv(csv)).toEqual({ ok: true, entries: TEMPLATE_ROSTER });
  });

  it('[BRK36] columns in any order, optional ones left out; emails lower-cased; facilitator as yes/no, true/false, 1/0 or empty; empty lines skipped', () => {
    const csv = ['Email,facilitator,Team', 'Ana@Example.com,YES,Red', '', 'bo@example.com,0,', 'cy@example.com,true,Blue', 'di@example.com,,'].join('\n');
    const out = parseRosterCsv(csv);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.entries.map((e) => [e.email, e.facilitator, e.team, e.name, e.room])).toEqual([
      ['ana@example.com', true, 'Red', '', ''],
      ['bo@example.com', false, '', '', ''],
      ['cy@example.com', true, 'Blue', '', ''],
      ['di@example.com', false, '', '', ''],
    ]);
  });

  it('[BRK37] every bad line is named with what is wrong, and nothing comes out', () => {
    const csv = ['name,email,facilitator', 'Ana,ana@example.com,maybe', '', 'Bo,not-an-email,no', 'Cy,,no', 'Di,ANA@example.com,yes'].join('\n');
    const out = parseRosterCsv(csv);
    expect(out).toEqual({
      ok: false,
      errors: [
        { line: 2, message: 'facilitator must be yes or no, not "maybe"' },
        { line: 4, message: 'email must be an email address' },
        { line: 5, message: 'email is required' },
        { line: 6, message: 'ana@example.com is already on line 2' },
      ],
    });
    if (!out.ok) expect(describeRosterErrors(out.errors)).toBe('line 2: facilitator must be yes or no, not "maybe"; line 4: email must be an email address; line 5: email is required; line 6: ana@example.com is already on line 2');
  });

  it('[BRK37] a header without email, or with an unknown or repeated column, is refused on line 1', () => {
    expect(parseRosterCsv('name,team\nAna,Red')).toEqual({ ok: false, errors: [{ line: 1, message: 'the first line must name the columns; "email" is missing' }] });
    const out = parseRosterCsv('email,dept,email\na@example.com,x,y');
    expect(out.ok ? [] : out.errors.map((e) => e.message)).toEqual([expect.stringContaining('unknown column "dept"'), 'the column "email" is there twice']);
    expect(parseRosterCsv('')).toEqual({ ok: false, errors: [{ line: 1, message: 'the file is empty; start from the template' }] });
  });

  it('[BRK37] JSON: errors and duplicates name the entry', () => {
    expect(parseRosterJson({ entries: [{ email: 'a@example.com' }, { email: 'A@example.com', team: 'x' }] })).toEqual({ ok: false, errors: [{ entry: 2, message: 'a@example.com is already in entry 1' }] });
    const bad = parseRosterJson({ entries: [{ email: 'a@example.com' }, { email: 'nope' }] });
    expect(bad).toEqual({ ok: false, errors: [{ entry: 2, message: 'email must be an email address' }] });
    if (!bad.ok) expect(describeRosterErrors(bad.errors)).toBe('entry 2: email must be an email address');
    expect(parseRosterJson({ entries: [{ email: 'a@example.com', facilitator: true }] })).toMatchObject({ ok: true, entries: [{ email: 'a@example.com', facilitator: true }] });
  });
});
