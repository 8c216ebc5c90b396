import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { folded, mapColumns, rowObject } from './import-columns.js';
import { assertZipWithinBudget, FORMULA, readImportTable } from './import-table.js';

const statusOf = async (work: Promise<unknown>) => {
  try {
    await work;
    return 'read';
  } catch (error) {
    return (error as { getStatus?: () => number }).getStatus?.() ?? 'thrown';
  }
};

describe('reading an uploaded spreadsheet', () => {
  it('reads CSV with quotes, semicolons, CRLF and Windows-1252, numbering rows as a spreadsheet shows them', async () => {
    const text = 'Namn;Kön\r\n"Söderberg; Anna";Kvinna\r\n\r\n"Ek ""Bo""";Man\r\n';
    const table = await readImportTable(Buffer.from(text, 'latin1'));
    expect(table).toEqual({
      format: 'csv',
      headers: ['Namn', 'Kön'],
      rows: [
        { row: 2, cells: ['Söderberg; Anna', 'Kvinna'] },
        { row: 4, cells: ['Ek "Bo"', 'Man'] },
      ],
    });
  });

  it('reads an XLSX formula as the mere fact of a formula, never its cached result', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('S');
    sheet.addRow(['Namn', 'Födelseår']);
    sheet.addRow([{ formula: 'A1&"x"', result: 'Namnx' }, 1987]);
    const table = await readImportTable(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(table.rows).toEqual([{ row: 2, cells: [FORMULA, 1987] }]);
  });

  it('refuses too many columns, an old .xls, a binary and an unterminated quote with a 4xx', async () => {
    expect(await statusOf(readImportTable(Buffer.from(`${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\n`)))).toBe(413);
    expect(await statusOf(readImportTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2])))).toBe(415);
    expect(await statusOf(readImportTable(Buffer.from([1, 0, 2, 0])))).toBe(415);
    expect(await statusOf(readImportTable(Buffer.from('Namn\n"Anna\n')))).toBe(400);
    expect(await statusOf(readImportTable(Buffer.from('PK\u0003\u0004 not really a zip')))).toBe(400);
    expect(await statusOf(readImportTable(Buffer.from(`Namn\n${'Anna\n'.repeat(50_001)}`)))).toBe(413);
    expect(await statusOf(readImportTable(Buffer.from(`Namn\n${'Anna\n'.repeat(50_000)}`)))).toBe('read');
  });

  it('bounds what a zip inflates to by inflating it, whatever sizes it declares', () => {
    const part = deflateRawSync(Buffer.alloc(5_000_000));
    const name = Buffer.from('x.xml');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(part.length, 20);
    central.writeUInt32LE(10, 24);
    central.writeUInt16LE(name.length, 28);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(30 + name.length + part.length, 16);
    const zip = Buffer.concat([local, name, part, central, name, end]);
    expect(() => assertZipWithinBudget(zip, 6_000_000)).not.toThrow();
    expect(() => assertZipWithinBudget(zip, 4_000_000)).toThrow(/zip bomb/);
  });
});

describe('columns and values in Swedish or English', () => {
  it('matches headers without case, accents or punctuation, and refuses unknown and repeated ones', () => {
    expect(folded(' Kön ')).toBe('kon');
    expect([...mapColumns('participants', ['KON', 'namn', 'roll', 'e-post']).keys()]).toEqual(['gender', 'person.name', 'role', 'person.email']);
    expect(() => mapColumns('participants', ['Namn', 'Name', 'Kön', 'Roll'])).toThrow(/repeats the column "Namn"/);
    expect(() => mapColumns('participants', ['Namn', 'Roll'])).toThrow(/Kön\/Gender is missing/);
  });

  it('turns words, Excel dates and serial days into the values a request carries, and names what it cannot read', () => {
    const columns = mapColumns('participants', ['Namn', 'Kön', 'Roll', 'Registrerad', 'Födelseår']);
    expect(rowObject('participants', columns, { row: 2, cells: ['Anna', 'vill ej ange', 'Företagsrepresentant', 45356, '1987'] }).values).toEqual({
      person: { name: 'Anna' },
      gender: 'not-stated',
      role: 'company-representative',
      registeredOn: '2024-03-05',
      birthYear: 1987,
    });
    expect(rowObject('participants', columns, { row: 3, cells: ['A\u202eB', 'hen', 'Forskare', '5 mars', 19.5] }).problems).toEqual([
      { row: 3, column: 'Namn', rule: 'must not contain control characters, line breaks or bidirectional overrides' },
      { row: 3, column: 'Kön', rule: expect.stringContaining('must be one of kvinna/woman') },
      { row: 3, column: 'Födelseår', rule: 'must be a whole number' },
      { row: 3, column: 'Registrerad', rule: 'must be a date: YYYY-MM-DD or an Excel date' },
    ]);
  });
});
