import { inflateRawSync } from 'node:zlib';
import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import ExcelJS from 'exceljs';

/** An upload is at most this large (the multipart limit says so too: 413 before anything is parsed). */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_IMPORT_COLUMNS = 100;
/**
 * What the parts of an XLSX (a zip) may hold once inflated, all together. A 10 MB upload of plain sheet XML
 * inflates to well under this; a zip bomb (gigabytes from a few kilobytes) is refused before it is inflated.
 */
export const MAX_XLSX_INFLATED_BYTES = 120 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 2_000;

/** A cell as read: a formula is kept only as the fact that it was one (its text and cached result are dropped). */
export type Cell = string | number | boolean | Date | null | typeof FORMULA;
export const FORMULA = Symbol('formula');

export interface ImportTable {
  format: 'csv' | 'xlsx';
  headers: string[];
  /** Data rows that hold anything, numbered as the spreadsheet shows them (the header is row 1). */
  rows: Array<{ row: number; cells: Cell[] }>;
}

/**
 * Reads an upload in memory: CSV (UTF-8, or Windows-1252 as Swedish Excel saves it; comma, semicolon or tab) or
 * XLSX (the first worksheet). Hostile input is expected: sizes, rows and columns are bounded, an XLSX's parts are
 * inflated under a budget before the spreadsheet library sees them, formulas are never evaluated.
 */
export async function readImportTable(file: Buffer): Promise<ImportTable> {
  if (file.length > MAX_IMPORT_FILE_BYTES) throw tooLarge(`The file is larger than ${MAX_IMPORT_FILE_BYTES} bytes`);
  if (file.length === 0) throw new BadRequestException('The file is empty');
  if (file.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(file);
  if (file.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new UnsupportedMediaTypeException('The file is an old Excel 97-2003 workbook (.xls): save it as .xlsx or CSV');
  }
  if (file.subarray(0, 8192).includes(0)) throw new UnsupportedMediaTypeException('The file is neither CSV nor XLSX');
  return readCsv(file);
}

function tooLarge(message: string): PayloadTooLargeException {
  return new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message });
}

function bounded(headers: string[], rowCount: number): void {
  if (headers.length > MAX_IMPORT_COLUMNS) throw tooLarge(`The sheet has ${headers.length} columns; at most ${MAX_IMPORT_COLUMNS} are read`);
  if (rowCount > MAX_IMPORT_ROWS) throw tooLarge(`The sheet has more than ${MAX_IMPORT_ROWS} rows below its header; split it into several files`);
}

// ---------------------------------------------------------------- CSV

function decodeText(file: Buffer): string {
  const body = file.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? file.subarray(3) : file;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('windows-1252').decode(body);
  }
}

/** RFC 4180 with the delimiter the header line uses most; every cell is text (a CSV has no formulas to run). */
function readCsv(file: Buffer): ImportTable {
  const text = decodeText(file);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].reduce((best, candidate) => (count(firstLine, candidate) > count(firstLine, best) ? candidate : best), ',');
  const records: Array<{ row: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > MAX_IMPORT_COLUMNS) throw tooLarge(`Row ${recordLine} has more than ${MAX_IMPORT_COLUMNS} columns`);
    records.push({ row: recordLine, cells });
    if (records.length > MAX_IMPORT_ROWS + 1) bounded([], MAX_IMPORT_ROWS + 1);
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += c;
  }
  if (quoted) throw new BadRequestException(`The CSV has a quoted cell that never ends (opened in row ${recordLine})`);
  if (cell !== '' || cells.length > 0) endRecord();
  const [header, ...rest] = records;
  if (!header) throw new BadRequestException('The file is empty');
  const rows = rest.filter((r) => r.cells.some((c) => c.trim() !== '')).map((r) => ({ row: r.row, cells: r.cells.map((c) => (c.trim() === '' ? null : c)) }));
  const headers = header.cells.map((h) => h.trim());
  bounded(headers, rows.length);
  return { format: 'csv', headers, rows };
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

// ---------------------------------------------------------------- XLSX

/**
 * Walks the zip's central directory and inflates every part under one budget, with Node's own limit on the
 * output (`maxOutputLength`), so sizes a hostile zip declares are never trusted. Only then does exceljs read it.
 */
export function assertZipWithinBudget(file: Buffer, budget = MAX_XLSX_INFLATED_BYTES): void {
  const notXlsx = () => new BadRequestException('The file starts like an XLSX workbook but is not a readable one');
  const eocd = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > file.length) throw notXlsx();
  const entries = file.readUInt16LE(eocd + 10);
  let offset = file.readUInt32LE(eocd + 16);
  if (entries > MAX_ZIP_ENTRIES) throw tooLarge(`The workbook has ${entries} parts; at most ${MAX_ZIP_ENTRIES} are read`);
  let left = budget;
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > file.length || file.readUInt32LE(offset) !== 0x02014b50) throw notXlsx();
    const method = file.readUInt16LE(offset + 10);
    const compressed = file.readUInt32LE(offset + 20);
    const nameLength = file.readUInt16LE(offset + 28);
    const extraLength = file.readUInt16LE(offset + 30);
    const commentLength = file.readUInt16LE(offset + 32);
    const local = file.readUInt32LE(offset + 42);
    offset += 46 + nameLength + extraLength + commentLength;
    if (compressed === 0xffffffff || local === 0xffffffff) throw tooLarge('The workbook is a ZIP64 archive: far larger than a spreadsheet to import');
    if (local + 30 > file.length || file.readUInt32LE(local) !== 0x04034b50) throw notXlsx();
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const data = file.subarray(start, start + compressed);
    if (data.length !== compressed) throw notXlsx();
    let inflated: number;
    if (method === 0) inflated = compressed;
    else if (method === 8) {
      try {
        inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, left) }).length;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw zipBomb();
        throw notXlsx();
      }
    } else throw notXlsx();
    left -= inflated;
    if (left < 0) throw zipBomb();
  }
}

function zipBomb(): PayloadTooLargeException {
  return tooLarge(`The workbook inflates to more than ${MAX_XLSX_INFLATED_BYTES} bytes (a zip bomb, or far more than a sheet to import)`);
}

async function readXlsx(file: Buffer): Promise<ImportTable> {
  assertZipWithinBudget(file);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer, { ignoreNodes: ['dataValidations', 'conditionalFormatting', 'hyperlinks', 'drawing', 'picture', 'extLst'] } as never);
  } catch {
    throw new BadRequestException('The file is not a readable XLSX workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new BadRequestException('The workbook has no worksheet');
  if (sheet.columnCount > MAX_IMPORT_COLUMNS) throw tooLarge(`The sheet has ${sheet.columnCount} columns; at most ${MAX_IMPORT_COLUMNS} are read`);
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) bounded([], MAX_IMPORT_ROWS + 1);
  let headers: string[] | undefined;
  let headerRow = 1;
  const rows: ImportTable['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellValue(cell);
    });
    if (headers === undefined) {
      headers = Array.from(cells, (c) => (c === null || c === undefined || c === FORMULA ? '' : c instanceof Date ? c.toISOString() : String(c).trim()));
      headerRow = rowNumber;
      return;
    }
    if (cells.some((c) => c !== null && c !== undefined && !(typeof c === 'string' && c.trim() === ''))) {
      rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? null) });
    }
  });
  if (!headers) throw new BadRequestException('The first worksheet is empty');
  if (headerRow !== 1) throw new BadRequestException('The header must be in row 1 of the first worksheet');
  bounded(headers, rows.length);
  return { format: 'xlsx', headers, rows };
}

/** The value as typed: a formula is marked (never evaluated, its cached result ignored); rich text and links as their text. */
function cellValue(cell: ExcelJS.Cell): Cell {
  const value = cell.value as unknown;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('formula' in object || 'sharedFormula' in object) return FORMULA;
    if (Array.isArray(object.richText)) return (object.richText as Array<{ text?: unknown }>).map((part) => String(part.text ?? '')).join('');
    if (typeof object.text === 'string') return object.text;
    if ('error' in object) return null;
  }
  return null;
}
