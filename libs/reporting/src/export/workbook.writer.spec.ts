import ExcelJS from 'exceljs';
import { writeCsv, writeWorkbook, type ExportSheet } from './workbook.writer.js';

interface Row {
  name: string;
  amount: number | null;
  date: string;
  at: string;
  active: boolean;
}

const rows: Row[] = [
  { name: 'Blekinge Havsbruk & Söner AB', amount: 9500.5, date: '2025-03-01', at: '2025-03-01T12:30:00.000Z', active: true },
  { name: '=HYPERLINK("http://x","y")', amount: -2, date: '2025-12-31', at: '2025-12-31T23:59:59.000Z', active: false },
  { name: '+1', amount: null, date: 'not a date', at: 'never', active: true },
  { name: '-2', amount: 0, date: '2024-02-29', at: '2024-02-29T00:00:00.000Z', active: false },
  { name: '@SUM(A1)', amount: 1, date: '2024-01-01', at: '2024-01-01T00:00:00.000Z', active: true },
  { name: '\tx', amount: 1, date: '2024-01-01', at: '2024-01-01T00:00:00.000Z', active: true },
  { name: '\rx', amount: 1, date: '2024-01-01', at: '2024-01-01T00:00:00.000Z', active: true },
];

const view: ExportSheet<Row> = {
  name: { en: 'Enterprises', sv: 'Företag' },
  columns: [
    { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.name },
    { header: { en: 'Amount (EUR)', sv: 'Belopp (EUR)' }, kind: 'number', value: (r) => r.amount },
    { header: { en: 'Date', sv: 'Datum' }, kind: 'date', value: (r) => r.date },
    { header: { en: 'Recorded at', sv: 'Registrerad' }, kind: 'timestamp', value: (r) => r.at },
    { header: 'active', kind: 'boolean', value: (r) => r.active },
  ],
  rows,
};

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as never);
  return workbook;
}

describe('workbook writer', () => {
  it('writes a sheet per view, with headers in the language asked for', async () => {
    const other: ExportSheet<{ code: string }> = { name: 'About', columns: [{ header: 'code', kind: 'text', value: (r) => r.code }], rows: [{ code: 'RCO01' }] };
    const workbook = await read(await writeWorkbook([view, other], 'sv'));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Företag', 'About']);
    expect(workbook.worksheets[0].getRow(1).values).toEqual([undefined, 'Namn', 'Belopp (EUR)', 'Datum', 'Registrerad', 'active']);
    expect((await read(await writeWorkbook([view], 'en'))).worksheets[0].getRow(1).getCell(1).value).toBe('Name');
  });

  it('writes numbers as numeric cells, dates as date cells and text as text cells', async () => {
    const sheet = (await read(await writeWorkbook([view], 'en'))).worksheets[0];
    const first = sheet.getRow(2);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(1).numFmt).toBe('@');
    expect(first.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(first.getCell(2).value).toBe(9500.5);
    expect(first.getCell(3).type).toBe(ExcelJS.ValueType.Date);
    expect(first.getCell(3).value).toEqual(new Date('2025-03-01T00:00:00Z'));
    expect(first.getCell(3).numFmt).toBe('yyyy-mm-dd');
    expect(first.getCell(4).value).toEqual(new Date('2025-03-01T12:30:00Z'));
    expect(first.getCell(5).type).toBe(ExcelJS.ValueType.Boolean);
    expect(sheet.getRow(3).getCell(2).value).toBe(-2);
    expect(sheet.getRow(4).getCell(2).value).toBeNull();
  });

  it('writes a value that is not what its column says as text, never dropping it', async () => {
    const sheet = (await read(await writeWorkbook([view], 'en'))).worksheets[0];
    expect(sheet.getRow(4).getCell(3).value).toBe('not a date');
    expect(sheet.getRow(4).getCell(3).type).toBe(ExcelJS.ValueType.String);
  });

  it('never lets typed text become a formula, nor begin with a formula character', async () => {
    const sheet = (await read(await writeWorkbook([view], 'en'))).worksheets[0];
    const names = rows.map((_, index) => sheet.getRow(index + 2).getCell(1));
    for (const cell of names) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      expect(String(cell.value)).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(names[1].value).toBe(`'=HYPERLINK("http://x","y")`);
    expect(names[5].value).toBe(`'\tx`);
  });

  it('makes sheet names Excel accepts: short, without [ ] : * ? / \\, unique', async () => {
    const named = (name: string): ExportSheet<never> => ({ name, columns: [], rows: [] });
    const workbook = await read(await writeWorkbook([named('a/b:c'), named('A/B:C'), named('x'.repeat(40))], 'en'));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['a b c', 'A B C 2', 'x'.repeat(31)]);
  });

  it('writes the same view as CSV: BOM, semicolons, CRLF, neutralised text, numbers as typed digits', () => {
    const csv = writeCsv(view, 'sv');
    expect(csv.startsWith('\uFEFFNamn;Belopp (EUR);Datum;Registrerad;active\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('Blekinge Havsbruk & Söner AB;9500.5;2025-03-01;2025-03-01T12:30:00.000Z;true');
    expect(lines[2]).toBe(`"'=HYPERLINK(""http://x"",""y"")";-2;2025-12-31;2025-12-31T23:59:59.000Z;false`);
    expect(lines[3]).toBe(`'+1;;not a date;never;true`);
    expect(lines[4].startsWith(`'-2;0;`)).toBe(true);
    expect(lines[5].startsWith(`'@SUM(A1);`)).toBe(true);
    expect(lines[6].startsWith(`"'\tx";`)).toBe(true);
    expect(lines[7].startsWith(`"'\rx";`)).toBe(true);
  });
});
