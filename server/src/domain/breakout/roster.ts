import { ErrorCode, ROSTER_COLUMNS, ROSTER_MAX_ENTRIES, RallyError, RosterEntry, RosterImport } from '@rally/shared';
import type { z } from 'zod';
import type { RosterStore } from '../../store/breakout-store.js';
import { csvRows, unguard } from '../text/csv-rows.js';

/*
 * [BRK36]–[BRK38] The attendee list as files: CSV (a header row naming ROSTER_COLUMNS, then one
 * person a row; a template to start from) or JSON (RosterImport). Every problem is reported with
 * the file's line, up to MAX_ROSTER_ERRORS; a file with any problem stores nothing. Parsing is
 * pure; importRoster stores a good list.
 */

export const MAX_ROSTER_ERRORS = 50;
/** [BRK37] A problem in a file: CSV names the line (from 1, the header is line 1), JSON the entry (from 1). */
export type RosterImportError = { line: number; message: string } | { entry: number; message: string };
export type RosterOutcome = { ok: true; entries: RosterEntry[] } | { ok: false; errors: RosterImportError[] };
type Column = (typeof ROSTER_COLUMNS)[number];

/** [BRK36] The template's example lines: one facilitator, one attendee with a pre-assigned room, one with the bare minimum. */
export const TEMPLATE_ROSTER: RosterEntry[] = [
  { name: 'Dana Ruiz', email: 'dana.ruiz@example.com', team: 'Enterprise', title: 'Sales Director', tenure: '5+', region: 'EMEA', facilitator: true, room: '' },
  { name: 'Sam Okafor', email: 'sam.okafor@example.com', team: 'Mid-market', title: 'Account Executive', tenure: '1-3', region: 'AMER', facilitator: false, room: 'Room 1' },
  { name: 'Lee Chen', email: 'lee.chen@example.com', team: '', title: '', tenure: '', region: '', facilitator: false, room: '' },
];

/** [BRK36] Rows for the CSV writer (http/csv.ts): the header, then one row per entry. */
export function rosterCsvRows(entries: readonly RosterEntry[]): (string | null)[][] {
  return [[...ROSTER_COLUMNS], ...entries.map((e) => ROSTER_COLUMNS.map((c) => (c === 'facilitator' ? (e.facilitator ? 'yes' : 'no') : e[c])))];
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

class Errors {
  readonly list: { line: number; message: string }[] = [];
  add(line: number, message: string) {
    if (this.list.length < MAX_ROSTER_ERRORS) this.list.push({ line, message });
  }
}

/** Zod's issues as sentences that name the column. */
const issueText = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map((i) => {
    const field = i.path.find((p): p is string => typeof p === 'string');
    if (field === 'email') return 'email must be an email address';
    return field ? `${field}: ${i.message}` : i.message;
  });

/** [BRK37] The same email twice: every later line names the first. */
function duplicates(lines: readonly { line: number; email: string }[], errors: Errors) {
  const first = new Map<string, number>();
  for (const { line, email } of lines) {
    const seen = first.get(email);
    if (seen === undefined) first.set(email, line);
    else errors.add(line, `${email} is already on line ${seen}`);
  }
}

/**
 * [BRK36] A CSV attendee list: a header row naming the columns (any order; `email` required, the
 * others optional), then one person a row; empty rows are skipped. `facilitator` is yes / no, true
 * / false or 1 / 0 (empty: no).
 */
export function parseRosterCsv(text: string): RosterOutcome {
  const read = csvRows(text);
  if (!read.ok) return { ok: false, errors: [{ line: read.line, message: read.message }] };
  if (read.rows.length === 0) return { ok: false, errors: [{ line: 1, message: 'the file is empty; start from the template' }] };
  const errors = new Errors();
  const [header, ...body] = read.rows as [(typeof read.rows)[0], ...typeof read.rows];
  const index = new Map<Column, number>();
  header.cells.forEach((raw, i) => {
    const name = unguard(raw).toLowerCase();
    if (name === '') return;
    if (!(ROSTER_COLUMNS as readonly string[]).includes(name)) errors.add(header.line, `unknown column "${name}"; the columns are ${ROSTER_COLUMNS.join(', ')}`);
    else if (index.has(name as Column)) errors.add(header.line, `the column "${name}" is there twice`);
    else index.set(name as Column, i);
  });
  if (!index.has('email')) errors.add(header.line, 'the first line must name the columns; "email" is missing');
  if (errors.list.length > 0) return { ok: false, errors: errors.list };
  if (body.length > ROSTER_MAX_ENTRIES) return { ok: false, errors: [{ line: body[ROSTER_MAX_ENTRIES]!.line, message: `an attendee list has at most ${ROSTER_MAX_ENTRIES} people` }] };

  const entries: RosterEntry[] = [];
  const emails: { line: number; email: string }[] = [];
  for (const row of body) {
    const cell = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : unguard(row.cells[i]);
    };
    const own: string[] = [];
    if (row.cells.length > header.cells.length && row.cells.slice(header.cells.length).some((c) => c.trim() !== '')) own.push('this row has more cells than the header has columns');
    const flag = cell('facilitator').toLowerCase();
    if (!YES.has(flag) && !NO.has(flag)) own.push(`facilitator must be yes or no, not "${cell('facilitator')}"`);
    if (cell('email') === '') own.push('email is required');
    const parsed = RosterEntry.safeParse({
      email: cell('email'),
      name: cell('name'),
      team: cell('team'),
      title: cell('title'),
      tenure: cell('tenure'),
      region: cell('region'),
      facilitator: YES.has(flag),
      room: cell('room'),
    });
    if (!parsed.success && cell('email') !== '') own.push(...issueText(parsed.error.issues));
    else if (!parsed.success) own.push(...issueText(parsed.error.issues.filter((i) => i.path[0] !== 'email')));
    own.forEach((m) => errors.add(row.line, m));
    if (parsed.success) {
      emails.push({ line: row.line, email: parsed.data.email });
      if (own.length === 0) entries.push(parsed.data);
    }
  }
  duplicates(emails, errors);
  errors.list.sort((a, b) => a.line - b.line);
  return errors.list.length > 0 ? { ok: false, errors: errors.list } : { ok: true, entries };
}

/** [BRK36] A JSON attendee list (RosterImport, `{ entries: [...] }`): errors name the entry, from 1. */
export function parseRosterJson(value: unknown): RosterOutcome {
  const parsed = RosterImport.safeParse(value);
  const errors = new Errors();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, index] = issue.path;
      const at = top === 'entries' && typeof index === 'number' ? index + 1 : 0;
      errors.add(at, issueText([{ ...issue, path: at ? issue.path.slice(2) : issue.path }])[0]!);
    }
  } else duplicates(parsed.data.entries.map((e, i) => ({ line: i + 1, email: e.email })), errors);
  if (!parsed.success || errors.list.length > 0) {
    return { ok: false, errors: errors.list.map(({ line, message }) => ({ entry: line, message: message.replace('on line', 'in entry') })) };
  }
  return { ok: true, entries: parsed.data.entries };
}

/** [BRK37] "line 4: email must be an email address; line 7: …" (the first few), for error messages. */
export const describeRosterErrors = (errors: readonly RosterImportError[]): string =>
  errors
    .slice(0, 5)
    .map((e) => `${'line' in e ? `line ${e.line}` : e.entry ? `entry ${e.entry}` : 'the list'}: ${e.message}`)
    .join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');

/** [BRK36] Stores a parsed list, replacing the event's; a bad one is BAD_REQUEST and stores nothing. */
export async function importRoster(store: RosterStore, eventId: string, outcome: RosterOutcome): Promise<RosterEntry[]> {
  if (!outcome.ok) throw new RallyError(ErrorCode.BAD_REQUEST, describeRosterErrors(outcome.errors));
  await store.putRoster(eventId, outcome.entries);
  return outcome.entries;
}
