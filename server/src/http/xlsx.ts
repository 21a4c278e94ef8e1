import ExcelJS from 'exceljs';

export type XlsxCell = string | number | null;

export interface Sheet {
  name: string;
  /** The first row is the header (bold, frozen). */
  rows: readonly (readonly XlsxCell[])[];
}

/**
 * A workbook from tables. Every text cell is written as a string value, never as a formula, so
 * an attendee's "=HYPERLINK(…)" stays text in Excel (unlike CSV, no apostrophe is needed).
 */
export async function toXlsx(sheets: readonly Sheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Rally';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const row of s.rows) ws.addRow(row.map((c) => (c === null ? null : c)));
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((col, i) => {
      const widest = Math.max(...s.rows.map((r) => String(r[i] ?? '').length));
      col.width = Math.min(60, Math.max(8, widest + 2));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
