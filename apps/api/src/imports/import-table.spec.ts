import { deflateRawSync } from 'node:zlib';
import { xlsxFixture } from '../../../../test/support/xlsx-fixture.js';
import { FORMULA_RULE, folded, mapColumns, rowObject } from './import-columns.js';
import { CELL_ERROR, FORMULA, MAX_XLSX_INFLATED_BYTES, readImportTable, zipPartsWithinBudget } from './import-table.js';

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
    const table = await readImportTable(await xlsxFixture(['Namn', 'Födelseår'], [[{ formula: 'A1&"x"', result: 'Namnx' }, 1987]]));
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

  it('numbers CSV rows by record: a quoted cell spanning lines is one row, as a spreadsheet shows it', async () => {
    const table = await readImportTable(Buffer.from('Namn,Kön\n"Anna\nSöderberg",Kvinna\nBo,Man\n'));
    expect(table.rows.map((r) => r.row)).toEqual([2, 3]);
  });

  it('reads an XLSX row by row and stops at the first row past 50,000 (413), and at a 101st column', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => [i]);
    expect(await statusOf(readImportTable(await xlsxFixture(['Namn'], rows)))).toBe(413);
    expect(await statusOf(readImportTable(await xlsxFixture(['Namn'], rows.slice(0, 50_000))))).toBe('read');
    expect(await statusOf(readImportTable(await xlsxFixture(Array.from({ length: 101 }, (_, i) => `c${i}`))))).toBe(413);
  });

  it('refuses a formula or an error value in the header row by its cell, and reads an error value in a row as one', async () => {
    await expect(readImportTable(await xlsxFixture(['Namn', { formula: '"Kö"&"n"', result: 'Kön' }]))).rejects.toThrow(/cell B1 holds a formula/);
    expect((await readImportTable(await xlsxFixture(['Namn', 'Kön'], [['Anna', { error: '#N/A' }]]))).rows).toEqual([{ row: 2, cells: ['Anna', CELL_ERROR] }]);
    await expect(readImportTable(await xlsxFixture(['Namn', { error: '#N/A' }]))).rejects.toThrow(/cell B1 holds an error value/);
  });

  it('bounds what a zip inflates to by inflating it, whatever sizes it declares', async () => {
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
    expect((await zipPartsWithinBudget(zip, 6_000_000)).map((part) => part.inflated)).toEqual([5_000_000]);
    await expect(zipPartsWithinBudget(zip, 4_000_000)).rejects.toThrow(/zip bomb/);
    // 50,000 rows of a participant list are about 15 MB of sheet XML: the budget is a few times that, not 120 MB.
    expect(MAX_XLSX_INFLATED_BYTES).toBeLessThanOrEqual(40 * 1024 * 1024);
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

  it('refuses text that reads as a formula, and reads the exported apostrophe form back as typed', () => {
    const columns = mapColumns('participants', ['Namn', 'Telefon', 'Kön', 'Roll']);
    const problems = (name: string) => rowObject('participants', columns, { row: 2, cells: [name, null, 'Kvinna', 'Forskare'] }).problems;
    for (const formula of ['=HYPERLINK("http://x","y")', '@SUM(A1)', '+A1', '-B2*3', ' =1+1']) {
      expect(problems(formula)).toEqual([{ row: 2, column: 'Namn', rule: FORMULA_RULE }]);
    }
    expect(rowObject('participants', columns, { row: 2, cells: ["'=Eva", "'+46 70 123 45 67", 'Kvinna', 'Forskare'] }).values).toMatchObject({
      person: { name: '=Eva', phone: '+46 70 123 45 67' },
    });
    expect(rowObject('participants', columns, { row: 2, cells: ['Eva', '+46 70 123 45 67', 'Kvinna', 'Forskare'] }).problems).toEqual([]);
    expect(rowObject('participants', columns, { row: 2, cells: ['Eva', '-', 'Kvinna', 'Forskare'] }).problems).not.toContainEqual(expect.objectContaining({ rule: FORMULA_RULE }));
  });

  it('reads past the columns only an export has (participant id, organisation name, erased)', () => {
    expect([...mapColumns('participants', ['Deltagar-id', 'Namn', 'Kön', 'Roll', 'Organisationens namn', 'Raderad']).keys()]).toEqual(['person.name', 'gender', 'role']);
  });
});
