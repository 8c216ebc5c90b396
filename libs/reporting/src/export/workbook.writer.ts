import ExcelJS from 'exceljs';
import { csvField, neutraliseFormula } from './cell-safety.js';

export { csvField, FORMULA_START, neutraliseFormula, restoreNeutralised } from './cell-safety.js';

export type ExportLanguage = 'en' | 'sv';

/** A header or sheet name in both languages of the ledger; a plain string reads the same in both. */
export type Localised = { en: string; sv: string } | string;

/**
 * How a column's values are written. `text`: always a text cell (format `@`), neutralised against formulas,
 * whoever typed it. `number`: a numeric cell. `date`: a YYYY-MM-DD value as a date cell; `timestamp`: an ISO
 * instant as a date-time cell (UTC). `boolean`: a TRUE/FALSE cell.
 */
export type ColumnKind = 'text' | 'number' | 'date' | 'timestamp' | 'boolean';

export type ExportValue = string | number | boolean | null | undefined;

export interface ExportColumn<Row> {
  header: Localised;
  kind: ColumnKind;
  /** Method syntax on purpose: a sheet of any row type is an `ExportSheet` (parameters compare bivariantly). */
  value(row: Row): ExportValue;
  /** Characters; by default from the longest value, between 8 and 60. */
  width?: number;
}

/** One view of an export: a sheet in a workbook, or the whole of a CSV file. */
export interface ExportSheet<Row = unknown> {
  name: Localised;
  columns: ReadonlyArray<ExportColumn<Row>>;
  rows: Iterable<Row>;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function localised(text: Localised, lang: ExportLanguage): string {
  return typeof text === 'string' ? text : text[lang];
}

const DATE_FORMAT = 'yyyy-mm-dd';
const TIMESTAMP_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The one spreadsheet writer of the product (exceljs: maintained, writes without evaluating anything, and the
 * same library reads uploads). A sheet per view; numbers are numeric cells, dates date cells, and every string is
 * a text cell, neutralised by {@link neutraliseFormula}, so nothing a user typed can become a formula.
 */
export async function writeWorkbook(sheets: readonly ExportSheet[], lang: ExportLanguage): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Programme Ledger';
  const used = new Set<string>();
  for (const view of sheets) {
    const sheet = workbook.addWorksheet(sheetName(localised(view.name, lang), used), { views: [{ state: 'frozen', ySplit: 1 }] });
    const widths = view.columns.map((column) => localised(column.header, lang).length);
    const header = sheet.addRow(view.columns.map((column) => neutraliseFormula(localised(column.header, lang))));
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.numFmt = '@';
    });
    for (const row of view.rows) {
      const added = sheet.addRow([]);
      view.columns.forEach((column, index) => {
        const cell = added.getCell(index + 1);
        const value = column.value(row);
        write(cell, column.kind, value);
        widths[index] = Math.max(widths[index], displayLength(cell.value));
      });
    }
    view.columns.forEach((column, index) => {
      sheet.getColumn(index + 1).width = column.width ?? Math.min(60, Math.max(8, widths[index] + 2));
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The same view as CSV the way Excel opens it in Sweden and Norway: UTF-8 with a byte order mark (so å, ä and ö
 * survive), semicolons (those locales' list separator), CRLF. Every text field goes through {@link csvField}.
 */
export function writeCsv(view: ExportSheet, lang: ExportLanguage): string {
  const { columns, rows } = view;
  const lines = [columns.map((column) => csvField(localised(column.header, lang))).join(';')];
  for (const row of rows) {
    lines.push(columns.map((column) => csvText(column.kind, column.value(row))).join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function csvText(kind: ColumnKind, value: ExportValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (kind === 'number' && typeof value === 'number') return csvField(value);
  return csvField(String(value));
}

function write(cell: ExcelJS.Cell, kind: ColumnKind, value: ExportValue): void {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
    cell.value = null;
    return;
  }
  switch (kind) {
    case 'number':
      if (typeof value === 'number') {
        cell.value = value;
        return;
      }
      break;
    case 'boolean':
      if (typeof value === 'boolean') {
        cell.value = value;
        return;
      }
      break;
    case 'date':
    case 'timestamp': {
      const date = typeof value === 'string' ? asDate(value, kind) : null;
      if (date) {
        cell.value = date;
        cell.numFmt = kind === 'date' ? DATE_FORMAT : TIMESTAMP_FORMAT;
        return;
      }
      break;
    }
    case 'text':
      break;
    default: {
      const unknown: never = kind;
      throw new Error(`Unknown column kind ${String(unknown)}`);
    }
  }
  // Text, and anything that is not what its column says: a text cell, never a formula.
  cell.value = neutraliseFormula(String(value));
  cell.numFmt = '@';
}

/** Dates are calendar days: written as midnight UTC, which is how exceljs turns a Date into a serial day. */
function asDate(value: string, kind: 'date' | 'timestamp'): Date | null {
  if (kind === 'date' && !ISO_DATE.test(value)) return null;
  const date = new Date(kind === 'date' ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function displayLength(value: ExcelJS.CellValue): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Date) return 19;
  return String(value).length;
}

/** Excel's rules: at most 31 characters, none of \ / ? * [ ] :, unique in the workbook (any case). */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[\\/?*[\]:]/g, ' ').trim().slice(0, 31) || 'Sheet';
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  used.add(name.toLowerCase());
  return name;
}
