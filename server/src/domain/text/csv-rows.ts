import { parse as parseCsv } from 'csv-parse/sync';

/** One record of a CSV file with the line it starts on (1-based), for import errors that name lines. */
export interface CsvRow {
  line: number;
  cells: string[];
}

export type CsvRowsOutcome = { ok: true; rows: CsvRow[] } | { ok: false; line: number; message: string };

/**
 * Reads a CSV file into records, each with the line it starts on; a byte-order mark is dropped and
 * empty lines are skipped (but counted). A malformed file names the line where parsing failed.
 */
export function csvRows(text: string): CsvRowsOutcome {
  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { ok: false, line, message: `not a valid CSV file: ${(e as Error).message.replace(/^Invalid [^:]*: /, '')}` };
  }
  // Where each record starts: the line after the previous one ended, past any skipped empty lines.
  let prevEnd = 0;
  let prevEmpty = 0;
  const rows = records.map((r) => {
    const start = prevEnd + 1 + (r.info.empty_lines - prevEmpty);
    prevEnd = r.info.lines;
    prevEmpty = r.info.empty_lines;
    return { line: start, cells: r.record };
  });
  return { ok: true, rows };
}

/** A CSV cell's text: trimmed, and an apostrophe our exports put before = + - @ (formula guard, http/csv.ts) taken off. */
export const unguard = (s: string | undefined): string => {
  const t = (s ?? '').trim();
  return /^'[=+\-@\t\r]/.test(t) ? t.slice(1) : t;
};
