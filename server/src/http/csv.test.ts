import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../test/helpers/csv.js';
import { csvCell, toCsv } from './csv.js';

describe('CSV export', () => {
  it('[POLL25] text that a spreadsheet would run as a formula is neutralised; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}cmd`).startsWith(`"'${lead}`)).toBe(true);
    expect(csvCell(-25)).toBe('-25');
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell('plain')).toBe('"plain"');
  });

  it('[POLL25] any text survives a round trip, commas, quotes and line breaks included', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const back = parseCsv(toCsv(rows));
        const expected = rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
        expect(back).toEqual(expected);
      }),
    );
  });
});
