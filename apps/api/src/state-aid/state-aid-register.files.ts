import ExcelJS from 'exceljs';
import type { StateAidRegisterRow } from '@app/reporting';

const COLUMNS: Array<[keyof StateAidRegisterRow | 'valuationMethod' | 'hours' | 'hourlyRate' | 'valuationNote', string]> = [
  ['supportId', 'supportId'],
  ['name', 'name'],
  ['organisationNumber', 'organisationNumber'],
  ['country', 'country'],
  ['naceCode', 'naceCode'],
  ['kind', 'kind'],
  ['basis', 'basis'],
  ['article', 'article'],
  ['grantedOn', 'grantedOn'],
  ['amount', 'amount'],
  ['currency', 'currency'],
  ['eurRate', 'eurRate'],
  ['amountEur', 'amountEur'],
  ['valuationMethod', 'valuationMethod'],
  ['hours', 'hours'],
  ['hourlyRate', 'hourlyRate'],
  ['valuationNote', 'valuationNote'],
  ['organisationId', 'organisationId'],
];

type Cell = string | number | null;

function cells(row: StateAidRegisterRow): Cell[] {
  const flat: Record<string, Cell> = {
    ...row,
    valuation: null,
    valuationMethod: row.valuation?.method ?? null,
    hours: row.valuation?.hours ?? null,
    hourlyRate: row.valuation?.hourlyRate ?? null,
    valuationNote: row.valuation?.note ?? null,
  };
  return COLUMNS.map(([key]) => flat[key] ?? null);
}

/** Text a spreadsheet would run as a formula (or treat as a command): = + - @, a tab or a carriage return first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Typed text is neutralised with a leading apostrophe, which spreadsheets show as text. */
export function safeText(value: Cell): Cell {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** CSV as Excel opens it in Sweden and Norway: UTF-8 with a byte order mark, semicolons, CRLF. */
export function stateAidCsv(rows: readonly StateAidRegisterRow[]): string {
  const lines = [COLUMNS.map(([, header]) => header), ...rows.map(cells)].map((line) =>
    line
      .map((value) => {
        if (value === null) return '';
        const text = String(safeText(value));
        return /[";\r\n\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      })
      .join(';'),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The same register as a workbook; every string cell is written as text, never as a formula. */
export async function stateAidXlsx(rows: readonly StateAidRegisterRow[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Programme Ledger';
  const sheet = workbook.addWorksheet(title.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') || 'state aid');
  sheet.addRow(COLUMNS.map(([, header]) => header));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(cells(row).map((value) => safeText(value)));
    added.eachCell((cell) => {
      if (typeof cell.value === 'string') cell.numFmt = '@';
    });
  }
  sheet.columns.forEach((column) => {
    column.width = 18;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
