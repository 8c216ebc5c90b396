import ExcelJS from 'exceljs';

/** A cell as a fixture writes it: a Date is an Excel date, an object a formula or an error value, as exceljs takes them. */
export type XlsxFixtureCell = string | number | boolean | Date | null | { formula: string; result?: unknown } | { error: string };

/**
 * An XLSX made for a test or a bench, never committed: one worksheet holding the header row and the rows as given.
 * It lives in bench/ because the build that compiles the benches leaves test/ out; tests reach it through
 * test/support/xlsx-fixture.ts.
 */
export async function xlsxFixture(header: XlsxFixtureCell[], rows: Iterable<XlsxFixtureCell[]> = [], sheetName = 'Deltagare'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
