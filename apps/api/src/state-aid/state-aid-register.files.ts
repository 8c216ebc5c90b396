import { writeCsv, writeWorkbook, type ColumnKind, type ExportSheet, type StateAidRegisterRow } from '@app/reporting';

type Column = [header: string, kind: ColumnKind, value: (row: StateAidRegisterRow) => string | number | null];

/** The register's columns, named as the JSON names its fields (the managing authority maps them to its own). */
const COLUMNS: Column[] = [
  ['supportId', 'text', (r) => r.supportId],
  ['name', 'text', (r) => r.name],
  ['organisationNumber', 'text', (r) => r.organisationNumber],
  ['country', 'text', (r) => r.country],
  ['naceCode', 'text', (r) => r.naceCode],
  ['kind', 'text', (r) => r.kind],
  ['basis', 'text', (r) => r.basis],
  ['article', 'text', (r) => r.article],
  ['grantedOn', 'date', (r) => r.grantedOn],
  ['amount', 'number', (r) => r.amount],
  ['currency', 'text', (r) => r.currency],
  ['eurRate', 'number', (r) => r.eurRate],
  ['amountEur', 'number', (r) => r.amountEur],
  ['valuationMethod', 'text', (r) => r.valuation?.method ?? null],
  ['hours', 'number', (r) => r.valuation?.hours ?? null],
  ['hourlyRate', 'number', (r) => r.valuation?.hourlyRate ?? null],
  ['valuationNote', 'text', (r) => r.valuation?.note ?? null],
  ['organisationId', 'text', (r) => r.organisationId],
];

function register(rows: readonly StateAidRegisterRow[], title: string): ExportSheet<StateAidRegisterRow> {
  return { name: title, columns: COLUMNS.map(([header, kind, value]) => ({ header, kind, value })), rows };
}

/** CSV as Excel opens it in Sweden and Norway, through the product's one writer (and its formula neutralisation). */
export function stateAidCsv(rows: readonly StateAidRegisterRow[]): string {
  return writeCsv(register(rows, 'state aid'), 'en');
}

/** The same register as a workbook: amounts are numbers, grant dates dates, every typed text a text cell. */
export function stateAidXlsx(rows: readonly StateAidRegisterRow[], title: string): Promise<Buffer> {
  return writeWorkbook([register(rows, title)], 'en');
}
