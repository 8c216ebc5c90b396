import { BadRequestException } from '@nestjs/common';
import { unsafeInName } from '@app/access';
import { GENDERS, ORGANISATION_TYPES, PARTICIPANT_ROLES, SIZE_CLASSES } from '@app/programme';
import { restoreNeutralised } from '@app/reporting';
import { CELL_ERROR, FORMULA, type Cell, type ImportTable } from './import-table.js';

export const IMPORT_KINDS = ['participants', 'organisations', 'attendance'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One problem of one row: the column as the file names it (null for the row as a whole) and the rule broken. */
export interface RowProblem {
  row: number;
  column: string | null;
  rule: string;
}

/** Headers and words compare without case, accents, spaces or punctuation: "Kön", "KON" and "kön " are one. */
export function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

type Kind = 'text' | 'integer' | 'date' | 'vocabulary';

interface ColumnSpec {
  /** The field of the request DTO the column fills (dotted for nested: `person.name`). */
  field: string;
  headers: string[];
  kind: Kind;
  /** For a vocabulary: each value with the words (Swedish and English) that mean it. */
  words?: Record<string, string[]>;
  required?: boolean;
}

const vocabulary = (values: readonly string[], swedish: Record<string, string[]>) =>
  Object.fromEntries(values.map((value) => [value, [value, ...(swedish[value] ?? [])]]));

export const GENDER_WORDS = vocabulary(GENDERS, {
  woman: ['kvinna', 'female', 'k', 'f'],
  man: ['male', 'm'],
  another: ['annat', 'annan', 'other', 'ickebinar', 'non-binary'],
  'not-stated': ['vill ej ange', 'vill inte ange', 'not stated', 'ej angivet', 'prefer not to say'],
});

export const ROLE_WORDS = vocabulary(PARTICIPANT_ROLES, {
  creative: ['kreator', 'kreativ', 'kulturskapare', 'kulturell och kreativ aktor'],
  'company-representative': ['foretagsrepresentant', 'foretag', 'company representative', 'företagsrepresentant'],
  'public-sector': ['offentlig sektor', 'offentlig', 'public sector'],
  researcher: ['forskare'],
  student: ['studerande', 'studentin'],
  other: ['annan', 'annat', 'ovrig', 'övrig', 'ovrigt'],
});

export const ORGANISATION_TYPE_WORDS = vocabulary(ORGANISATION_TYPES, {
  enterprise: ['foretag', 'företag', 'company'],
  municipality: ['kommun'],
  region: ['landsting'],
  'public-authority': ['myndighet', 'public authority', 'statlig myndighet'],
  university: ['universitet', 'hogskola', 'högskola', 'universitet eller hogskola'],
  'research-organisation': ['forskningsorganisation', 'forskningsinstitut', 'research organisation', 'research organization'],
  ngo: ['ideell forening', 'ideell organisation', 'forening', 'förening', 'non-profit'],
  'creative-practitioner': ['kulturskapare', 'kreator', 'creative practitioner', 'enskild kulturskapare'],
  other: ['annan', 'annat', 'ovrig', 'övrig'],
});

export const SIZE_CLASS_WORDS = vocabulary(SIZE_CLASSES, {
  micro: ['mikro', 'mikroforetag', 'mikroföretag', 'micro enterprise'],
  small: ['liten', 'litet', 'smaforetag', 'småföretag', 'small enterprise'],
  medium: ['medelstor', 'medelstort', 'medelstort foretag', 'medium-sized'],
  large: ['stor', 'stort', 'storforetag', 'storföretag', 'large enterprise'],
});

export const COLUMNS: Record<ImportKind, ColumnSpec[]> = {
  participants: [
    { field: 'person.name', headers: ['Namn', 'Name', 'Fullständigt namn', 'Full name'], kind: 'text', required: true },
    { field: 'person.email', headers: ['E-post', 'Email', 'E-mail', 'E-postadress', 'Email address'], kind: 'text' },
    { field: 'person.phone', headers: ['Telefon', 'Phone', 'Telefonnummer', 'Phone number', 'Mobil', 'Mobile'], kind: 'text' },
    { field: 'gender', headers: ['Kön', 'Gender'], kind: 'vocabulary', words: GENDER_WORDS, required: true },
    { field: 'birthYear', headers: ['Födelseår', 'Birth year', 'Year of birth'], kind: 'integer' },
    { field: 'role', headers: ['Roll', 'Role'], kind: 'vocabulary', words: ROLE_WORDS, required: true },
    { field: 'organisation', headers: ['Organisation', 'Organization', 'Organisationsnummer', 'Organisation number'], kind: 'text' },
    { field: 'registeredOn', headers: ['Registrerad', 'Registered on', 'Registered', 'Registreringsdatum'], kind: 'date' },
  ],
  organisations: [
    { field: 'name', headers: ['Namn', 'Name'], kind: 'text', required: true },
    { field: 'organisationNumber', headers: ['Organisationsnummer', 'Organisation number', 'Organization number', 'Orgnr'], kind: 'text' },
    { field: 'country', headers: ['Land', 'Country'], kind: 'text', required: true },
    { field: 'type', headers: ['Typ', 'Type'], kind: 'vocabulary', words: ORGANISATION_TYPE_WORDS, required: true },
    { field: 'sizeClass', headers: ['Storlek', 'Size class', 'Size', 'Storleksklass'], kind: 'vocabulary', words: SIZE_CLASS_WORDS },
    { field: 'foundedYear', headers: ['Grundat', 'Founded', 'Grundades', 'Founded year'], kind: 'integer' },
    { field: 'naceCode', headers: ['SNI', 'NACE', 'SNI-kod', 'NACE code'], kind: 'text' },
  ],
  attendance: [
    { field: 'email', headers: ['E-post', 'Email', 'E-mail', 'E-postadress'], kind: 'text' },
    { field: 'participantId', headers: ['Deltagar-id', 'Participant id', 'Deltagare-id', 'Participant'], kind: 'text' },
    { field: 'date', headers: ['Datum', 'Date'], kind: 'date', required: true },
  ],
};

/**
 * Columns the ledger's own exports add (issue 15: an exported list comes back in): read past, never recorded.
 * A participant's id is the ledger's, the organisation's name follows from its id, erased says what the ledger knows.
 */
const EXPORT_ONLY_HEADERS: Record<ImportKind, string[]> = {
  participants: ['Deltagar-id', 'Participant id', 'Organisationens namn', 'Organisation name', 'Raderad', 'Erased'],
  organisations: ['Organisations-id', 'Organisation id'],
  attendance: [],
};

/** The rule for a cell that is, or reads as, a formula: never evaluated, never recorded as text. */
export const FORMULA_RULE = 'a formula is not accepted: the import never evaluates formulas; type the value itself';

/**
 * Text a spreadsheet would run as a formula when the value is written out again: `=…`, `@…`, or `+`/`-` followed
 * by something other than a digit or a space (`+46 70…`, `-5` and a lone `-` are text a person types). The exported form with a
 * leading apostrophe is text, and is read as such by the caller before this check.
 */
export function readsAsFormula(text: string): boolean {
  return /^[=@]/.test(text) || /^[+-](?![\d ]|$)/.test(text);
}

/** Which column of the file holds which field; refuses unknown, repeated and missing required columns (400). */
export function mapColumns(kind: ImportKind, headers: string[]): Map<string, { index: number; header: string }> {
  const byWord = new Map<string, ColumnSpec>();
  for (const spec of COLUMNS[kind]) for (const header of spec.headers) byWord.set(folded(header), spec);
  const mapped = new Map<string, { index: number; header: string }>();
  const problems: string[] = [];
  const exportOnly = new Set(EXPORT_ONLY_HEADERS[kind].map(folded));
  headers.forEach((header, index) => {
    if (header === '' || exportOnly.has(folded(header))) return;
    const spec = byWord.get(folded(header));
    if (!spec) return problems.push(`"${header.slice(0, 60)}" is not a column of a ${kind} import`);
    if (mapped.has(spec.field)) return problems.push(`"${header.slice(0, 60)}" repeats the column "${mapped.get(spec.field)!.header}"`);
    mapped.set(spec.field, { index, header });
  });
  for (const spec of COLUMNS[kind]) {
    if (spec.required && !mapped.has(spec.field)) problems.push(`the column ${spec.headers[0]}/${spec.headers[1]} is missing`);
  }
  if (kind === 'attendance' && !mapped.has('email') && !mapped.has('participantId')) {
    problems.push('the column E-post/Email or Deltagar-id/Participant id is missing');
  }
  if (problems.length > 0) {
    const known = COLUMNS[kind].map((spec) => `${spec.headers[0]}/${spec.headers[1]}`).join(', ');
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `The header row does not fit a ${kind} import: ${problems.join('; ')}. Its columns are: ${known}`,
    });
  }
  return mapped;
}

/** A date cell: YYYY-MM-DD text, an Excel date, or an Excel serial day number (1900 date system). */
function dateOf(cell: Exclude<Cell, null | typeof FORMULA | typeof CELL_ERROR>): string | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 1 || cell > 2_958_465) return undefined;
    return new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000).toISOString().slice(0, 10);
  }
  const text = String(cell).trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
}

/**
 * One row as the request DTO's plain object (fields as the JSON body would carry them), with the problems found
 * while reading its cells (a formula, a word outside a vocabulary, a number that is not one). The DTO's own rules
 * are checked afterwards by the caller, exactly as for a single request.
 */
export function rowObject(
  kind: ImportKind,
  columns: Map<string, { index: number; header: string }>,
  row: ImportTable['rows'][number],
): { values: Record<string, unknown>; problems: RowProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  for (const spec of COLUMNS[kind]) {
    const column = columns.get(spec.field);
    if (!column) continue;
    let cell = row.cells[column.index] ?? null;
    const problem = (rule: string) => problems.push({ row: row.row, column: column.header, rule });
    if (cell === FORMULA || (typeof cell === 'string' && readsAsFormula(cell.trim()))) {
      problem(FORMULA_RULE);
      continue;
    }
    if (cell === CELL_ERROR) {
      problem('an error value (such as #N/A) is not accepted: type the value itself');
      continue;
    }
    // The ledger's exports write `'+46 70…` for text that would start a formula: read back, it is what was typed.
    if (typeof cell === 'string') cell = restoreNeutralised(cell.trim());
    if (cell === null || (typeof cell === 'string' && cell.trim() === '')) continue;
    let value: unknown;
    switch (spec.kind) {
      case 'text': {
        const text = (cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell)).trim().normalize('NFC');
        if (unsafeInName(text)) {
          problem('must not contain control characters, line breaks or bidirectional overrides');
          continue;
        }
        value = text;
        break;
      }
      case 'integer': {
        const number = typeof cell === 'number' ? cell : typeof cell === 'string' && /^\s*-?\d{1,9}\s*$/.test(cell) ? Number(cell) : NaN;
        if (!Number.isInteger(number)) {
          problem('must be a whole number');
          continue;
        }
        value = number;
        break;
      }
      case 'date': {
        const date = typeof cell === 'boolean' ? undefined : dateOf(cell);
        if (date === undefined) {
          problem('must be a date: YYYY-MM-DD or an Excel date');
          continue;
        }
        value = date;
        break;
      }
      case 'vocabulary': {
        const found = lookup(spec).get(folded(String(cell)));
        if (found === undefined) {
          problem(`must be one of ${Object.values(spec.words!).map((words) => (words.length > 1 && words[1] !== words[0] ? `${words[1]}/${words[0]}` : words[0])).join(', ')}`);
          continue;
        }
        value = found;
        break;
      }
      default:
        return spec.kind satisfies never;
    }
    setPath(values, spec.field, value);
  }
  return { values, problems };
}

const lookups = new WeakMap<ColumnSpec, Map<string, string>>();

/** A vocabulary column's words, folded, to the value each means. */
function lookup(spec: ColumnSpec): Map<string, string> {
  let map = lookups.get(spec);
  if (!map) {
    map = new Map(Object.entries(spec.words!).flatMap(([value, words]) => words.map((word) => [folded(word), value] as const)));
    lookups.set(spec, map);
  }
  return map;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join('.'), value);
}

/** The file's header for a DTO field path (`person.name` -> "Namn"); null when the file has no such column. */
export function headerOf(columns: Map<string, { index: number; header: string }>, field: string): string | null {
  return columns.get(field)?.header ?? null;
}
