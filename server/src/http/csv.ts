export type CsvCell = string | number | boolean | null | undefined;

/**
 * One CSV field. Text is always quoted (quotes doubled), so commas, quotes and line breaks inside
 * answers cannot shift columns. Text starting with = + - @ (or tab / carriage return) gets a
 * leading apostrophe: spreadsheets would otherwise run it as a formula, and every answer in this
 * file was typed by an attendee (CSV formula injection). Numbers stay numbers.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** RFC 4180: CRLF between records, and after the last one. */
export const toCsv = (rows: readonly (readonly CsvCell[])[]): string => rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
