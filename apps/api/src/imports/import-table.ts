import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import ExcelJS from 'exceljs';

/** An upload is at most this large (the multipart limit says so too: 413 before anything is parsed). */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_IMPORT_COLUMNS = 100;
/**
 * What the parts of an XLSX (a zip) may hold once inflated, all together: 50,000 rows of a participant list are
 * about 15 MB of sheet XML. The bytes are counted as they inflate and never kept, so a zip bomb (gigabytes from
 * a few kilobytes) costs a moment and no memory before its 413, and the reader never sees more than this.
 */
export const MAX_XLSX_INFLATED_BYTES = 40 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 2_000;

/** A cell as read: a formula is kept only as the fact that it was one (its text and cached result are dropped). */
export type Cell = string | number | boolean | Date | null | typeof FORMULA | typeof CELL_ERROR;
export const FORMULA = Symbol('formula');
/** An error value (#N/A, #REF!): not a value the sheet's author typed. */
export const CELL_ERROR = Symbol('error value');

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
    // A spreadsheet shows a record as one row, however many lines its quoted cells span.
    records.push({ row: records.length + 1, cells });
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

interface ZipPart {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  data: Buffer;
  inflated: number;
}

/**
 * Walks the zip's central directory and inflates every part as a stream under one budget, counting the bytes and
 * keeping none of them, so sizes a hostile zip declares are never trusted and a zip bomb costs no memory. Answers
 * the parts, still compressed, with their true inflated sizes.
 */
export async function zipPartsWithinBudget(file: Buffer, budget = MAX_XLSX_INFLATED_BYTES): Promise<ZipPart[]> {
  const notXlsx = () => new BadRequestException('The file starts like an XLSX workbook but is not a readable one');
  const eocd = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > file.length) throw notXlsx();
  const entries = file.readUInt16LE(eocd + 10);
  let offset = file.readUInt32LE(eocd + 16);
  if (entries > MAX_ZIP_ENTRIES) throw tooLarge(`The workbook has ${entries} parts; at most ${MAX_ZIP_ENTRIES} are read`);
  let left = budget;
  const parts: ZipPart[] = [];
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > file.length || file.readUInt32LE(offset) !== 0x02014b50) throw notXlsx();
    const flags = file.readUInt16LE(offset + 8);
    const method = file.readUInt16LE(offset + 10);
    const crc = file.readUInt32LE(offset + 16);
    const compressed = file.readUInt32LE(offset + 20);
    const nameLength = file.readUInt16LE(offset + 28);
    const extraLength = file.readUInt16LE(offset + 30);
    const commentLength = file.readUInt16LE(offset + 32);
    const local = file.readUInt32LE(offset + 42);
    const name = file.subarray(offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (compressed === 0xffffffff || local === 0xffffffff) throw tooLarge('The workbook is a ZIP64 archive: far larger than a spreadsheet to import');
    if (local + 30 > file.length || file.readUInt32LE(local) !== 0x04034b50) throw notXlsx();
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const data = file.subarray(start, start + compressed);
    if (data.length !== compressed) throw notXlsx();
    let inflated: number;
    if (method === 0) inflated = compressed;
    else if (method === 8) inflated = await inflatedSize(data, left, notXlsx);
    else throw notXlsx();
    left -= inflated;
    if (left < 0) throw zipBomb();
    parts.push({ name, flags, method, crc, data, inflated });
  }
  return parts;
}

/** Inflates as a stream, counting: stops (413) as soon as the count passes what is left of the budget. */
function inflatedSize(data: Buffer, left: number, notXlsx: () => Error): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > left) {
        inflate.destroy();
        reject(zipBomb());
      }
    });
    inflate.on('error', () => reject(notXlsx()));
    inflate.on('end', () => resolve(size));
    inflate.end(data);
  });
}

function zipBomb(): PayloadTooLargeException {
  return tooLarge(`The workbook inflates to more than ${MAX_XLSX_INFLATED_BYTES} bytes (a zip bomb, or far more than a sheet to import)`);
}

/**
 * The parts again as a zip a streaming reader takes: the workbook's own parts (relations, shared strings, styles)
 * before its sheets, so the reader never parks a sheet in a temporary file (the upload is never stored), with
 * local headers written from the checked central directory (sizes as counted, no data descriptors).
 */
function streamableZip(parts: ZipPart[]): Buffer {
  const sheetNumber = (part: ZipPart) => Number(/^xl\/worksheets\/sheet(\d+)\.xml$/.exec(part.name.toString('utf8'))?.[1] ?? NaN);
  const isSheet = (part: ZipPart) => !Number.isNaN(sheetNumber(part));
  // sheet1.xml first: the workbook's first sheet, whatever order the writer zipped them in.
  const ordered = [...parts.filter((part) => !isSheet(part)), ...parts.filter(isSheet).sort((a, b) => sheetNumber(a) - sheetNumber(b))];
  return Buffer.concat(
    ordered.flatMap((part) => {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(part.flags & 0x0800, 6);
      local.writeUInt16LE(part.method, 8);
      local.writeUInt32LE(part.crc, 14);
      local.writeUInt32LE(part.data.length, 18);
      local.writeUInt32LE(part.inflated, 22);
      local.writeUInt16LE(part.name.length, 26);
      return [local, part.name, part.data];
    }),
  );
}

async function readXlsx(file: Buffer): Promise<ImportTable> {
  const zip = streamableZip(await zipPartsWithinBudget(file));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([zip]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let headers: string[] | undefined;
  let headerRow = 1;
  const rows: ImportTable['rows'] = [];
  try {
    // Only the first worksheet is read; its rows one at a time, stopping at the first one past the bounds.
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const cells: Cell[] = [];
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          if (column > MAX_IMPORT_COLUMNS) throw tooLarge(`Row ${row.number} has more than ${MAX_IMPORT_COLUMNS} columns; at most ${MAX_IMPORT_COLUMNS} are read`);
          cells[column - 1] = cellValue(cell);
        });
        if (headers === undefined) {
          if (!cells.some((c) => c !== null && c !== undefined)) continue;
          headerRow = row.number;
          headers = headerCells(cells);
          continue;
        }
        if (cells.some((c) => c !== null && c !== undefined && !(typeof c === 'string' && c.trim() === ''))) {
          rows.push({ row: row.number, cells: Array.from(cells, (c) => c ?? null) });
          if (rows.length > MAX_IMPORT_ROWS) bounded([], MAX_IMPORT_ROWS + 1);
        }
      }
      break;
    }
  } catch (error) {
    if (error instanceof HttpException) throw error;
    throw new BadRequestException('The file is not a readable XLSX workbook');
  }
  if (!headers) throw new BadRequestException('The first worksheet is empty');
  if (headerRow !== 1) throw new BadRequestException('The header must be in row 1 of the first worksheet');
  bounded(headers, rows.length);
  return { format: 'xlsx', headers, rows };
}

/** A header is text a person typed: a formula or an error value there would drop its column unseen, so it is refused. */
function headerCells(cells: Cell[]): string[] {
  return Array.from(cells, (c, index) => {
    const column = columnLetters(index + 1);
    if (c === FORMULA) throw new BadRequestException(`The header row's cell ${column}1 holds a formula; a header must be typed text`);
    if (c === CELL_ERROR) throw new BadRequestException(`The header row's cell ${column}1 holds an error value (such as #N/A); a header must be typed text`);
    return c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim();
  });
}

function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The value as typed: a formula is marked (never evaluated, its cached result ignored); rich text and links as their text. */
function cellValue(cell: ExcelJS.Cell): Cell {
  const value = cell.value as unknown;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('formula' in object || 'sharedFormula' in object) return FORMULA;
    if ('error' in object) return CELL_ERROR;
    if (Array.isArray(object.richText)) return (object.richText as Array<{ text?: unknown }>).map((part) => String(part.text ?? '')).join('');
    if (typeof object.text === 'string') return object.text;
  }
  return null;
}
