import ExcelJS from 'exceljs';

export type XlsxCell = string | number | null;

/** Reads every sheet of a workbook back as rows of cell values, to check XLSX exports. */
export async function readXlsx(data: ArrayBuffer): Promise<Record<string, XlsxCell[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data);
  const out: Record<string, XlsxCell[][]> = {};
  wb.eachSheet((ws) => {
    const rows: XlsxCell[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const cells: XlsxCell[] = [];
      for (let i = 1; i <= ws.columnCount; i++) {
        const v = row.getCell(i).value;
        cells.push(v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v));
      }
      rows.push(cells);
    });
    out[ws.name] = rows;
  });
  return out;
}
