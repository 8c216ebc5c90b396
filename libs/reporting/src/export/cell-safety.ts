/**
 * Spreadsheet (CSV) injection, after OWASP's "CSV Injection" guidance: a cell whose text begins with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula (or a DDE command),
 * so text a user typed (`=HYPERLINK("http://evil","click")`) would run on the reader's machine.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Apostrophes and then a formula character: neutralised as well, so that stripping one leading apostrophe
 * ({@link restoreNeutralised}) always gives back exactly what was typed. A name like "'s-Hertogenbosch" is not
 * touched (an apostrophe then a letter).
 */
const NEEDS_PREFIX = /^'*[=+\-@\t\r]/;

/**
 * The one rule for every text cell the ledger writes (CSV and XLSX alike): text that would start a formula gets a
 * leading apostrophe, the prefix spreadsheets themselves use for "this is text". In an XLSX file the apostrophe is
 * part of the cell's text (it shows), so the cell never begins with a formula character even once copied out.
 * Numbers and dates are not text and are never prefixed (a negative amount stays a number).
 */
export function neutraliseFormula(text: string): string {
  return NEEDS_PREFIX.test(text) ? `'${text}` : text;
}

/** The text as typed, from a neutralised cell (for reading an exported file back in). */
export function restoreNeutralised(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/**
 * Any character some spreadsheet splits a CSV line on: our `;`, the comma of English-locale Excel (which opens a
 * `.csv` with the locale's list separator, not ours), the tab of a paste; and quotes and line breaks.
 */
const NEEDS_QUOTES = /[";,\r\n\t]/;

/**
 * One CSV field: neutralised, then quoted (doubling quotes) when it holds any separator a reader might split on, a
 * quote, a line break or a tab. Unquoted, `Acme,=cmd|'/C calc'!A0` opened with comma as list separator becomes two
 * cells, the second a formula: quoted, it stays one cell whatever the reader's separator, and that cell begins
 * with the neutralised start of the whole field.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = neutraliseFormula(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
