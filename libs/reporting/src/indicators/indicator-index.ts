import type Database from 'better-sqlite3';
import type { IndicatorCode } from '@app/programme';
import type { IndicatorDefinition } from './indicator-catalogue.js';

/**
 * What the indicators count, kept in memory as compact columns, so that a programme-wide answer (every project,
 * enterprises deduplicated across projects) is a pass over integers instead of a million rows through SQL joins.
 * It counts exactly what the catalogue's SQL counts, item for item (a property test compares the two over random
 * periods and scopes): every distinct count is made from the rows themselves, never summed from per-period counts.
 *
 * It follows the read models, never the log: inside the caller's read transaction it reads only what changed since
 * the last answer (new rows by rowid, which only grows since live tables never lose rows; changed rows by their
 * `changed_position`), and starts over when a rebuild swapped tables in. So an answer reflects exactly the read
 * models' snapshot, whichever process wrote them.
 */
export class IndicatorIndex {
  private generation = '';
  private checkpoints = '';
  private data = new IndexData();
  private usable = true;
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * Set once loadInSlices was asked: from then on a new generation of tables (start-up, a rebuild's swap) is
   * loaded in slices in the background, and answers meanwhile count in SQL instead of blocking the event loop
   * for the seconds a whole programme takes to load.
   */
  private background = false;
  private loading?: Promise<void>;
  /** The tables a load failed on (an older version's, mid-rebuild): not tried again until they are swapped out. */
  private failedGeneration?: string;
  private stopped = false;

  constructor(
    private readonly db: Database.Database,
    /** Rowids of one table per slice of a background load (some tens of ms at the default). */
    private readonly sliceRows = SLICE_ROWS,
  ) {}

  /**
   * Brings the index to the snapshot of the current transaction. False when it cannot count these read models
   * exactly (a date not written as YYYY-MM-DD, compared as text by SQL), or while a load in slices is under
   * way: the caller then counts in SQL.
   */
  sync(): boolean {
    const states = this.states();
    const generation = generationOf(states);
    if (generation !== this.generation) {
      if (this.background) {
        this.startLoading(generation);
        return false;
      }
      this.generation = generation;
      this.checkpoints = '';
      this.data = new IndexData();
      this.usable = true;
    }
    return this.catchUp(states);
  }

  /** Whether the index is being loaded (or is behind a swap it has not started loading yet, which it then starts). */
  isLoading(): boolean {
    if (!this.background) return false;
    if (this.loading) return true;
    const generation = generationOf(this.states());
    if (generation === this.generation) return false;
    this.startLoading(generation);
    return true;
  }

  /**
   * Loads the read models' current tables in slices of at most SLICE_ROWS rowids of one table, each in its own
   * read transaction, yielding to the event loop between slices; resolves once the index answers from them.
   */
  loadInSlices(): Promise<void> {
    this.background = true;
    this.loading ??= this.loadGeneration().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Ends a load under way at its next slice (the database is about to close). */
  stop(): void {
    this.stopped = true;
  }

  private startLoading(generation: string): void {
    // A failed load (tables of an older version mid-rebuild) is tried again once a swap changed the tables.
    if (generation !== this.failedGeneration) this.loadInSlices().catch(() => {});
  }

  private states(): ProjectionStates {
    return this.prepared(`SELECT name, version, checkpoint, rebuilt_at FROM projection_state ORDER BY name`).raw().all() as ProjectionStates;
  }

  /** Reads what changed since the last look, in the caller's transaction. */
  private catchUp(states: ProjectionStates): boolean {
    if (!this.usable) return false;
    // A read model's tables change only with its checkpoint, in the same transaction: same checkpoints, same rows.
    const checkpoints = states.map(([, , checkpoint]) => checkpoint).join(',');
    if (checkpoints === this.checkpoints) return true;
    try {
      this.data.load((sql) => this.prepared(sql), checkpointsOf(states));
      this.checkpoints = checkpoints;
    } catch (error) {
      if (!(error instanceof NotADay)) throw error;
      this.usable = false;
    }
    return this.usable;
  }

  private async loadGeneration(): Promise<void> {
    const read = <T>(body: () => T): T => this.db.transaction(body)();
    const prepare = (sql: string) => this.prepared(sql);
    let attempted: string | undefined;
    try {
      await this.loadSlices(read, prepare, (generation) => (attempted = generation));
    } catch (error) {
      this.failedGeneration = attempted;
      throw error;
    }
  }

  private async loadSlices(read: <T>(body: () => T) => T, prepare: (sql: string) => Database.Statement, attempting: (generation: string) => void): Promise<void> {
    for (;;) {
      await yieldToEventLoop();
      if (this.stopped) return;
      // The first slice's snapshot: which tables, how far each goes, and the checkpoints that far is at.
      const first = read(() => {
        const states = this.states();
        this.failedGeneration = undefined;
        attempting(generationOf(states));
        const bounds = new Map(SLICED_TABLES.map((table) => [table, (prepare(`SELECT MAX(rowid) FROM ${table}`).pluck().get() as number | null) ?? 0]));
        return { generation: generationOf(states), checkpoints: checkpointsOf(states), bounds };
      });
      if (first.generation === this.generation) return;
      const data = new IndexData();
      let usable = true;
      let swapped = false;
      slices: for (const [table, bound] of first.bounds) {
        for (let after = 0; after < bound; after += this.sliceRows) {
          await yieldToEventLoop();
          if (this.stopped) return;
          swapped = !read(() => {
            if (generationOf(this.states()) !== first.generation) return false;
            try {
              data.load(prepare, first.checkpoints, { table, after, upTo: Math.min(after + this.sliceRows, bound) });
            } catch (error) {
              if (!(error instanceof NotADay)) throw error;
              usable = false;
            }
            return true;
          });
          if (swapped || !usable) break slices;
        }
      }
      if (swapped) continue;
      await yieldToEventLoop();
      if (this.stopped) return;
      // The last slice: what changed while the slices were read, and from then on the index answers.
      const done = read(() => {
        const states = this.states();
        if (generationOf(states) !== first.generation) return false;
        data.slicesLoaded(first.bounds, first.checkpoints);
        this.generation = first.generation;
        this.data = data;
        this.checkpoints = '';
        this.usable = usable;
        this.catchUp(states);
        return true;
      });
      if (done) return;
    }
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** The value and breakdown counts of one indicator, as the SQL of its definition would count them. */
  count(definition: IndicatorDefinition, scope: IndexScope, period: { from: string; to: string }, newEnterpriseYears: number): Counted | undefined {
    const from = dayOrUndefined(period.from);
    const to = dayOrUndefined(period.to);
    if (from === undefined || to === undefined) return undefined;
    const counter = new Counter(definition, this.data.seen);
    COUNTERS[definition.code](this.data, { projects: this.data.scope(scope), from, to, newEnterpriseYears }, counter);
    return counter.result(this.data);
  }
}

type ProjectionStates = Array<[name: string, version: number, checkpoint: number, rebuiltAt: string | null]>;

/** The tables a load reads, in its order. */
const SLICED_TABLES = [
  'projects',
  'project_countries',
  'organisations',
  'participants',
  'activities',
  'attendees',
  'attendance',
  'lab_companies',
  'support',
  'pilot_cases',
  'pilot_partners',
  'outcomes',
];
const SLICE_ROWS = 10_000;

interface Slice {
  table: string;
  after: number;
  upTo: number;
}

/** Which tables the read models answer from: a rebuild's swap or a new version changes it. */
function generationOf(states: ProjectionStates): string {
  return JSON.stringify(states.map(([name, version, , rebuiltAt]) => [name, version, rebuiltAt]));
}

function checkpointsOf(states: ProjectionStates): Map<string, number> {
  return new Map(states.map(([name, , checkpoint]) => [name, checkpoint]));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type IndexScope = { kind: 'project'; projectId: string } | { kind: 'programme'; fund: string | null; country: string | null };

export interface Counted {
  value: number;
  /** [dimension, category, count], in the order SQL's GROUP BY gives them. */
  groups: Array<[string, string | null, number]>;
}

interface Query {
  projects: number[];
  from: number;
  to: number;
  newEnterpriseYears: number;
}

const NO_DAY = -1;

class NotADay extends Error {}

/** 'YYYY-MM-DD' as the integer YYYYMMDD, which orders as the text does. */
function day(text: string | null): number {
  if (text === null) return NO_DAY;
  const value = dayOrUndefined(text);
  if (value === undefined) throw new NotADay(text);
  return value;
}

function dayOrUndefined(text: string): number | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  let value = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/** Ids as small integers, so a distinct count is a mark in a byte array. */
class Ids {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  of(id: string): number {
    let n = this.index.get(id);
    if (n === undefined) {
      n = this.names.length;
      this.names.push(id);
      this.index.set(id, n);
    }
    return n;
  }

  find(id: string): number | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.names.length;
  }
}

/** Rows of integer columns, growing by doubling: a few bytes a row. */
class Rows {
  length = 0;
  columns: Int32Array[];

  constructor(private readonly width: number) {
    this.columns = Array.from({ length: width }, () => new Int32Array(16));
  }

  push(...values: number[]): void {
    if (this.length === this.columns[0].length) {
      this.columns = this.columns.map((column) => {
        const grown = new Int32Array(column.length * 2);
        grown.set(column);
        return grown;
      });
    }
    for (let c = 0; c < this.width; c++) this.columns[c][this.length] = values[c];
    this.length++;
  }
}

/** Per project, its rows of one table. */
class ByProject {
  private readonly rows: Rows[] = [];

  constructor(private readonly width: number) {}

  add(project: number, ...values: number[]): void {
    (this.rows[project] ??= new Rows(this.width)).push(...values);
  }

  of(project: number): Rows | undefined {
    return this.rows[project];
  }
}

/** One integer per id number, growing as numbers come; `empty` where nothing was set. */
class Column {
  data: Int32Array;

  constructor(private readonly empty: number) {
    this.data = new Int32Array(1024).fill(empty);
  }

  set(n: number, value: number): void {
    if (n >= this.data.length) {
      const grown = new Int32Array(Math.max(n + 1, this.data.length * 2)).fill(this.empty);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[n] = value;
  }

  get(n: number): number {
    return n < this.data.length ? this.data[n] : this.empty;
  }
}

interface PilotCase {
  project: number;
  start: number;
  completed: number;
  partners: number[];
}

/** No such thing (an absent organisation, activity, pilot case; a NULL text). */
const NONE = -1;
/** A NULL founding year. */
const NO_YEAR = -0x8000_0000;
const SUPPORT_KINDS = ['grant', 'voucher', 'non-financial'];

class IndexData {
  /** Texts kept as codes (kinds, genders, size classes, countries): the code is the index; NULL is NONE. */
  readonly strings = new Ids();
  readonly projectIds = new Ids();
  /** Registered projects: fund, countries, how many. */
  readonly projects = new Map<number, { fund: string; countries: Set<string>; countryCount: number }>();
  readonly organisationIds = new Ids();
  /** Organisations by number: type (NONE: not registered), size class, founding year, country, as codes. */
  readonly organisationType = new Column(NONE);
  readonly organisationSize = new Column(NONE);
  readonly organisationFounded = new Column(NO_YEAR);
  readonly organisationCountry = new Column(NONE);
  /** What the rules ask of an organisation, from its type and size class: REGISTERED, ENTERPRISE, SME, RESEARCH bits. */
  readonly organisationFlags = new Column(0);
  readonly participantIds = new Ids();
  /** participants: gender code, creative (1/0), registered_on, participant number */
  readonly participants = new ByProject(4);
  readonly participantRow: Array<{ project: number; row: number }> = [];
  readonly activityIds = new Ids();
  readonly activities: Array<{ project: number; kind: string; crossBorder: boolean; start: number }> = [];
  readonly activitiesByProject = new ByProject(1);
  /** attendees by key: gender code and organisation number */
  readonly attendeeGender = new Column(NONE);
  readonly attendeeOrganisation = new Column(NONE);
  /** cross-border attendance: date, attendee, public event (1/0) */
  readonly crossBorderAttendance = new ByProject(3);
  /** support and lab places: organisation, date, kind code */
  readonly supported = new ByProject(3);
  readonly pilotCaseIds = new Ids();
  readonly pilotCases: PilotCase[] = [];
  readonly pilotCasesByProject = new ByProject(1);
  readonly outcomeIds = new Ids();
  /** outcomes: outcome number, kind code, organisation, activity, pilot case, date, retracted (1/0) */
  readonly outcomes = new ByProject(7);
  readonly outcomeRow: Array<{ project: number; row: number }> = [];
  readonly codeSets = new Map<string, Set<number>>();
  /** The keys an indicator counted so far, and a second set for a rule's own use. */
  readonly seen = new Stamps();
  readonly scratch = new Stamps();
  private readonly lastRowid = new Map<string, number>();
  private readonly lastCheckpoint = new Map<string, number>();

  code(text: string | null): number {
    return text === null ? NONE : this.strings.of(text);
  }

  text(code: number): string | null {
    return code === NONE ? null : this.strings.names[code];
  }

  scope(scope: IndexScope): number[] {
    if (scope.kind === 'project') {
      const project = this.projectIds.find(scope.projectId);
      return project === undefined ? [] : [project];
    }
    const projects: number[] = [];
    for (const [project, { fund, countries }] of this.projects) {
      if ((scope.fund === null || fund === scope.fund) && (scope.country === null || countries.has(scope.country))) projects.push(project);
    }
    return projects;
  }

  /**
   * Reads what changed since the last load (`slice` absent), or one rowid range of one table (a slice of a load
   * made in many transactions, see IndicatorIndex.loadInSlices): every row of that range, whatever its position.
   */
  load(prepare: (sql: string) => Database.Statement, checkpoints: Map<string, number>, slice?: Slice): void {
    const since = (projection: string) => this.lastCheckpoint.get(projection) ?? -1;
    /** `rowid`: how the query names the table's row id (qualified when it joins another table). */
    const newRows = <T>(table: string, sql: string, each: (row: T) => void, rowid = 'rowid') => {
      const where = sql.includes('WHERE') ? 'AND' : 'WHERE';
      if (slice) {
        if (table !== slice.table) return;
        for (const row of prepare(`${sql} ${where} ${rowid} > ? AND ${rowid} <= ? ORDER BY ${rowid}`).raw().iterate(slice.after, slice.upTo) as Iterable<T>) each(row);
        return;
      }
      let last = this.lastRowid.get(table) ?? 0;
      for (const row of prepare(`${sql} ${where} ${rowid} > ? ORDER BY ${rowid}`).raw().iterate(last) as Iterable<T>) {
        each(row);
        last = (row as unknown[])[0] as number;
      }
      this.lastRowid.set(table, last);
    };
    /** Rows changed in place since `after`; `whole`: the query reads every column the index keeps of the row. */
    const changed = <T>(table: string, sql: string, after: number, each: (row: T) => void, whole = true) => {
      if (slice) {
        if (!whole || table !== slice.table) return;
        const ranged = sql.replace(/ WHERE \w+ > \?$/, ' WHERE rowid > ? AND rowid <= ?');
        for (const row of prepare(ranged).raw().iterate(slice.after, slice.upTo) as Iterable<T>) each(row);
        return;
      }
      for (const row of prepare(sql).raw().iterate(after) as Iterable<T>) each(row);
    };

    newRows<[number, string, string, number]>('projects', `SELECT rowid, project_id, fund, country_count FROM projects`, ([, id, fund, countryCount]) => {
      this.projects.set(this.projectIds.of(id), { fund, countries: new Set(), countryCount });
    });
    newRows<[number, string, string]>('project_countries', `SELECT rowid, project_id, country FROM project_countries`, ([, id, country]) => {
      this.projects.get(this.projectIds.of(id))?.countries.add(country);
    });
    changed<[string, string, string | null, number | null, string]>(
      'organisations',
      `SELECT organisation_id, type, size_class, founded_year, country FROM organisations WHERE changed_position > ?`,
      since('organisations'),
      ([id, type, sizeClass, foundedYear, country]) => {
        const n = this.organisationIds.of(id);
        this.organisationType.set(n, this.code(type));
        this.organisationSize.set(n, this.code(sizeClass));
        this.organisationFounded.set(n, foundedYear ?? NO_YEAR);
        this.organisationCountry.set(n, this.code(country));
        this.organisationFlags.set(
          n,
          REGISTERED |
            (type === 'enterprise' ? ENTERPRISE : 0) |
            (type === 'enterprise' && sizeClass !== null && SME_SIZES.has(sizeClass) ? SME : 0) |
            (RESEARCH_TYPES.has(type) ? RESEARCH : 0),
        );
      },
    );
    changed<[string, string, string, string, string]>(
      'participants',
      `SELECT participant_id, project_id, gender, role, registered_on FROM participants WHERE changed_position > ?`,
      since('participants'),
      ([id, projectId, gender, role, registeredOn]) => {
        const n = this.participantIds.of(id);
        const values = [this.code(gender), role === 'creative' ? 1 : 0, day(registeredOn), n];
        this.upsert(this.participants, this.participantRow, n, this.projectIds.of(projectId), values);
      },
    );
    newRows<[number, string, string, string, number, string]>(
      'activities',
      `SELECT rowid, activity_id, project_id, kind, cross_border, start_date FROM activities`,
      ([, id, projectId, kind, crossBorder, startDate]) => {
        const n = this.activityIds.of(id);
        const project = this.projectIds.of(projectId);
        this.activities[n] = { project, kind, crossBorder: crossBorder === 1, start: day(startDate) };
        this.activitiesByProject.add(project, n);
      },
    );
    changed<[number, string, string | null]>(
      'attendees',
      `SELECT attendee, gender, organisation_id FROM attendees WHERE changed_position > ?`,
      since('activities'),
      ([attendee, gender, organisationId]) => {
        this.attendeeGender.set(attendee, this.code(gender));
        this.attendeeOrganisation.set(attendee, organisationId === null ? NONE : this.organisationIds.of(organisationId));
      },
    );
    newRows<[number, string, string, number, string]>(
      'attendance',
      `SELECT a.rowid, ac.project_id, a.date, a.attendee, ac.kind FROM attendance a
       JOIN activities ac ON ac.activity_key = a.activity_key WHERE ac.cross_border = 1`,
      ([, projectId, date, attendee, kind]) => {
        this.crossBorderAttendance.add(this.projectIds.of(projectId), day(date), attendee, kind === 'public-event' ? 1 : 0);
      },
      'a.rowid',
    );
    newRows<[number, string, string, string]>('lab_companies', `SELECT rowid, project_id, organisation_id, admitted_on FROM lab_companies`, ([, projectId, organisationId, admittedOn]) => {
      this.supported.add(this.projectIds.of(projectId), this.organisationIds.of(organisationId), day(admittedOn), this.code('non-financial'));
    });
    newRows<[number, string, string, string, string]>(
      'support',
      `SELECT rowid, project_id, organisation_id, date, kind FROM support`,
      ([, projectId, organisationId, date, kind]) => {
        this.supported.add(this.projectIds.of(projectId), this.organisationIds.of(organisationId), day(date), this.code(kind));
      },
    );
    newRows<[number, string, string, string, string | null]>(
      'pilot_cases',
      `SELECT rowid, pilot_case_id, project_id, start_date, completed_on FROM pilot_cases`,
      ([, id, projectId, startDate, completedOn]) => {
        const n = this.pilotCaseIds.of(id);
        const project = this.projectIds.of(projectId);
        const partners = this.pilotCases[n]?.partners ?? [];
        this.pilotCases[n] = { project, start: day(startDate), completed: day(completedOn), partners };
        this.pilotCasesByProject.add(project, n);
      },
    );
    changed<[string, string | null]>(
      'pilot_cases',
      `SELECT pilot_case_id, completed_on FROM pilot_cases WHERE completed_position > ?`,
      since('pilot-cases'),
      ([id, completedOn]) => {
        const pilotCase = this.pilotCases[this.pilotCaseIds.of(id)];
        if (pilotCase) pilotCase.completed = day(completedOn);
      },
      false,
    );
    newRows<[number, string, string]>('pilot_partners', `SELECT rowid, pilot_case_id, organisation_id FROM pilot_partners`, ([, id, organisationId]) => {
      const n = this.pilotCaseIds.of(id);
      (this.pilotCases[n] ??= { project: NONE, start: NO_DAY, completed: NO_DAY, partners: [] }).partners.push(this.organisationIds.of(organisationId));
    });
    newRows<[number, string, string, string, string | null, string | null, string | null, string, number]>(
      'outcomes',
      `SELECT rowid, outcome_id, project_id, kind, organisation_id, activity_id, pilot_case_id, date, retracted FROM outcomes`,
      ([, id, projectId, kind, organisationId, activityId, pilotCaseId, date, retracted]) => {
        const n = this.outcomeIds.of(id);
        this.upsert(this.outcomes, this.outcomeRow, n, this.projectIds.of(projectId), [
          n,
          this.code(kind),
          organisationId === null ? NONE : this.organisationIds.of(organisationId),
          activityId === null ? NONE : this.activityIds.of(activityId),
          pilotCaseId === null ? NONE : this.pilotCaseIds.of(pilotCaseId),
          day(date),
          retracted === 1 ? 1 : 0,
        ]);
      },
    );
    changed<[string]>(
      'outcomes',
      `SELECT outcome_id FROM outcomes WHERE retracted_position > ?`,
      since('outcomes'),
      ([id]) => {
        const at = this.outcomeRow[this.outcomeIds.of(id)];
        if (at) this.outcomes.of(at.project)!.columns[OUTCOME_RETRACTED][at.row] = 1;
      },
      false,
    );
    if (!slice) for (const [name, checkpoint] of checkpoints) this.lastCheckpoint.set(name, checkpoint);
  }

  /**
   * After every slice up to `bounds` (each table's last rowid when the load began, at `checkpoints`): the next
   * load reads only rows past those rowids and rows changed after those checkpoints. Rows read by a slice in a
   * later snapshot than the first are newer, never older, and anything changed after the first is read again.
   */
  slicesLoaded(bounds: Map<string, number>, checkpoints: Map<string, number>): void {
    for (const [table, rowid] of bounds) this.lastRowid.set(table, rowid);
    for (const [name, checkpoint] of checkpoints) this.lastCheckpoint.set(name, checkpoint);
  }

  /** A row of an entity whose project never changes: added the first time, overwritten in place after. */
  private upsert(table: ByProject, at: Array<{ project: number; row: number }>, n: number, project: number, values: number[]): void {
    const where = at[n];
    if (where === undefined) {
      table.add(project, ...values);
      at[n] = { project, row: table.of(project)!.length - 1 };
    } else {
      const rows = table.of(where.project)!;
      values.forEach((value, c) => (rows.columns[c][where.row] = value));
    }
  }
}

const OUTCOME_RETRACTED = 6;
const REGISTERED = 1;
const ENTERPRISE = 2;
const SME = 4;
const RESEARCH = 8;
const SME_SIZES = new Set(['micro', 'small', 'medium']);
const RESEARCH_TYPES = new Set(['university', 'research-organisation']);

/**
 * Sets of small integers, one at a time: a number is in the current set when its stamp is the current one, so
 * starting a new set costs nothing (no array to allocate or clear per indicator).
 */
class Stamps {
  private stamps = new Int32Array(1024);
  private current = 0;

  /** Starts a new, empty set. */
  clear(): this {
    this.current++;
    return this;
  }

  /** Adds `n`; true when it was not there yet. */
  add(n: number): boolean {
    if (n >= this.stamps.length) {
      const grown = new Int32Array(Math.max(n + 1, this.stamps.length * 2));
      grown.set(this.stamps);
      this.stamps = grown;
    }
    if (this.stamps[n] === this.current) return false;
    this.stamps[n] = this.current;
    return true;
  }
}

/** Counts one indicator's items: distinct keys (or rows), per category (a text code) of its breakdown. */
class Counter {
  private value = 0;
  private readonly distinct: boolean;
  private readonly dimension?: string;
  /** Per category code + 1 (0: NULL): how many. */
  private readonly categories: number[] = [];

  constructor(
    definition: IndicatorDefinition,
    private readonly seen: Stamps,
  ) {
    this.distinct = definition.counting === 'distinct';
    // Every indicator of the catalogue has at most one breakdown, and the index counts only those.
    if (definition.breakdowns.length > 1) throw new Error(`${definition.code}: the in-memory index counts one breakdown at most`);
    this.dimension = definition.breakdowns[0]?.dimension;
    seen.clear();
  }

  /** One item: its key (a small integer id of its kind) and its category's code, which the key decides. */
  item(key: number, category = NONE): void {
    if (!this.distinct) return this.rows(category, 1);
    if (!this.seen.add(key)) return;
    this.value++;
    if (this.dimension !== undefined) this.categories[category + 1] = (this.categories[category + 1] ?? 0) + 1;
  }

  /** An item whose key may come in several categories, each (key, category) once: counted once, in each. */
  pair(key: number, category: number): void {
    if (this.seen.add(key)) this.value++;
    this.categories[category + 1] = (this.categories[category + 1] ?? 0) + 1;
  }

  /** `count` items of one category, when each row counts. */
  rows(category: number, count: number): void {
    if (count === 0) return;
    this.value += count;
    if (this.dimension !== undefined) this.categories[category + 1] = (this.categories[category + 1] ?? 0) + count;
  }

  result(data: IndexData): Counted {
    const groups: Counted['groups'] = [];
    if (this.dimension !== undefined) {
      const counted = this.categories.flatMap((count, i) => (count ? [[data.text(i - 1), count] as const] : []));
      // GROUP BY answers NULL first, then the categories in byte order.
      counted.sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
      for (const [category, count] of counted) groups.push([this.dimension, category, count]);
    }
    return { value: this.value, groups };
  }
}

type Count = (data: IndexData, query: Query, counter: Counter) => void;

/** The codes of the texts the rules name (a code never changes once given). */
function codes(data: IndexData, ...texts: string[]): Set<number> {
  const key = texts.join(',');
  let set = data.codeSets.get(key);
  if (!set) data.codeSets.set(key, (set = new Set(texts.map((text) => data.code(text)))));
  return set;
}

const is = (flag: number) => (data: IndexData, organisation: number) => organisation !== NONE && (data.organisationFlags.get(organisation) & flag) !== 0;
const isRegistered = is(REGISTERED);
const isResearch = is(RESEARCH);
const isEnterprise = is(ENTERPRISE);
const isSme = is(SME);

/** Each support or lab place in scope: organisation, date, kind code. */
function eachSupported(data: IndexData, query: Query, each: (organisation: number, date: number, kind: number) => void): void {
  for (const project of query.projects) {
    const rows = data.supported.of(project);
    if (!rows) continue;
    const [organisation, date, kind] = rows.columns;
    for (let r = 0; r < rows.length; r++) each(organisation[r], date[r], kind[r]);
  }
}

function eachPilotCase(data: IndexData, query: Query, each: (n: number, pilotCase: PilotCase) => void): void {
  for (const project of query.projects) {
    const rows = data.pilotCasesByProject.of(project);
    if (!rows) continue;
    for (let r = 0; r < rows.length; r++) each(rows.columns[0][r], data.pilotCases[rows.columns[0][r]]);
  }
}

/** Each outcome in scope, not retracted, dated in the period, of one of `kinds` (all when absent). */
function eachOutcome(
  data: IndexData,
  query: Query,
  kinds: Set<number> | undefined,
  each: (n: number, kind: number, organisation: number, activity: number, pilotCase: number) => void,
): void {
  for (const project of query.projects) {
    const rows = data.outcomes.of(project);
    if (!rows) continue;
    const [outcome, kind, organisation, activity, pilotCase, date, retracted] = rows.columns;
    for (let r = 0; r < rows.length; r++) {
      if (retracted[r] === 0 && date[r] >= query.from && date[r] <= query.to && (!kinds || kinds.has(kind[r]))) {
        each(outcome[r], kind[r], organisation[r], activity[r], pilotCase[r]);
      }
    }
  }
}

function eachCrossBorderAttendance(data: IndexData, query: Query, each: (attendee: number, publicEvent: boolean) => void): void {
  for (const project of query.projects) {
    const rows = data.crossBorderAttendance.of(project);
    if (!rows) continue;
    const [date, attendee, publicEvent] = rows.columns;
    for (let r = 0; r < rows.length; r++) {
      if (date[r] >= query.from && date[r] <= query.to) each(attendee[r], publicEvent[r] === 1);
    }
  }
}

/** COUNT(DISTINCT country) of a pilot case's partners that are registered organisations. */
function partnerCountries(data: IndexData, pilotCase: PilotCase | undefined): number {
  const countries = new Set<number>();
  for (const partner of pilotCase?.partners ?? []) {
    if (isRegistered(data, partner)) countries.add(data.organisationCountry.get(partner));
  }
  return countries.size;
}

const inPeriod = (query: Query, date: number) => date >= query.from && date <= query.to;

function participants(creativesOnly: boolean): Count {
  return (data, query, counter) => {
    for (const project of query.projects) {
      const rows = data.participants.of(project);
      if (!rows) continue;
      const [gender, creative, registeredOn, participant] = rows.columns;
      for (let r = 0; r < rows.length; r++) {
        if ((!creativesOnly || creative[r] === 1) && inPeriod(query, registeredOn[r])) counter.item(participant[r], gender[r]);
      }
    }
  };
}

function enterprisesSupported(kinds?: readonly string[]): Count {
  return (data, query, counter) => {
    const wanted = kinds && codes(data, ...kinds);
    eachSupported(data, query, (organisation, date, kind) => {
      if (isEnterprise(data, organisation) && inPeriod(query, date) && (!wanted || wanted.has(kind))) {
        counter.item(organisation, data.organisationSize.get(organisation));
      }
    });
  };
}

function outcomesOf(kinds: readonly string[], also: (data: IndexData, activity: number, pilotCase: number) => boolean = () => true): Count {
  return (data, query, counter) =>
    eachOutcome(data, query, codes(data, ...kinds), (n, _, __, activity, pilotCase) => {
      if (also(data, activity, pilotCase)) counter.item(n);
    });
}

function smesWithOutcome(kinds: readonly string[]): Count {
  return (data, query, counter) =>
    eachOutcome(data, query, codes(data, ...kinds), (_, __, organisation) => {
      if (isSme(data, organisation)) counter.item(organisation, data.organisationSize.get(organisation));
    });
}

const jointlyDeveloped = (data: IndexData, activity: number, pilotCase: number) =>
  (activity !== NONE && data.activities[activity]?.crossBorder === true) ||
  (pilotCase !== NONE && partnerCountries(data, data.pilotCases[pilotCase]) >= 2);

/** The catalogue's items, counted in memory; a code of the catalogue without one here does not compile. */
const COUNTERS: Record<IndicatorCode, Count> = {
  participants: participants(false),
  creatives: participants(true),
  'smes-reached': (data, query, counter) => {
    const each = (organisation: number, date: number) => {
      if (inPeriod(query, date) && isSme(data, organisation)) counter.item(organisation, data.organisationSize.get(organisation));
    };
    eachSupported(data, query, each);
    eachPilotCase(data, query, (_, pilotCase) => pilotCase.partners.forEach((partner) => each(partner, pilotCase.start)));
  },
  activities: (data, query, counter) => {
    for (const project of query.projects) {
      const rows = data.activitiesByProject.of(project);
      for (let r = 0; r < (rows?.length ?? 0); r++) {
        const activity = data.activities[rows!.columns[0][r]];
        if (inPeriod(query, activity.start)) counter.item(rows!.columns[0][r], data.code(activity.kind));
      }
    }
  },
  'pilot-cases': (data, query, counter) =>
    eachPilotCase(data, query, (n, pilotCase) => {
      if (inPeriod(query, pilotCase.start)) counter.pair(n, data.code('started'));
      if (inPeriod(query, pilotCase.completed)) counter.pair(n, data.code('completed'));
    }),
  outcomes: (data, query, counter) => eachOutcome(data, query, undefined, (n, kind) => counter.item(n, kind)),
  RCO01: enterprisesSupported(),
  RCO02: enterprisesSupported(['grant', 'voucher']),
  RCO04: enterprisesSupported(['non-financial']),
  RCO05: (data, query, counter) => {
    // An enterprise's first support in the scope, whenever it was, decides whether it was new.
    const first = new Column(0x7fff_ffff);
    eachSupported(data, query, (organisation, date) => {
      if (date !== NO_DAY && date < first.get(organisation)) first.set(organisation, date);
    });
    eachSupported(data, query, (organisation, date) => {
      const founded = data.organisationFounded.get(organisation);
      if (!isEnterprise(data, organisation) || !inPeriod(query, date) || founded === NO_YEAR) return;
      if (Math.floor(first.get(organisation) / 10_000) - founded < query.newEnterpriseYears) counter.item(organisation, data.organisationSize.get(organisation));
    });
  },
  RCO07: (data, query, counter) =>
    eachPilotCase(data, query, (_, pilotCase) => {
      if (!inPeriod(query, pilotCase.start)) return;
      for (const partner of pilotCase.partners) {
        if (isResearch(data, partner)) counter.item(partner, data.organisationType.get(partner));
      }
    }),
  RCO10: (data, query, counter) =>
    eachPilotCase(data, query, (_, pilotCase) => {
      if (!inPeriod(query, pilotCase.start) || !pilotCase.partners.some((p) => isResearch(data, p))) return;
      for (const partner of pilotCase.partners) {
        if (isEnterprise(data, partner)) counter.item(partner, data.organisationSize.get(partner));
      }
    }),
  RCO81: (data, query, counter) => {
    // Every attendance counts: counted per gender code, then handed over per gender.
    const byGender = new Int32Array(data.strings.size + 1);
    eachCrossBorderAttendance(data, query, (attendee, publicEvent) => {
      if (!publicEvent) byGender[data.attendeeGender.get(attendee) + 1]++;
    });
    // byGender[0]: attendance of no attendee row, which the SQL's join leaves out (the projection always writes one).
    byGender.forEach((count, gender) => gender > 0 && counter.rows(gender - 1, count));
  },
  RCO83: outcomesOf(['strategy-developed'], jointlyDeveloped),
  RCO84: (data, query, counter) =>
    eachPilotCase(data, query, (n, pilotCase) => {
      const project = data.projects.get(pilotCase.project);
      if (!project || !inPeriod(query, pilotCase.completed)) return;
      if (project.countryCount >= 2 ? partnerCountries(data, pilotCase) >= 2 : pilotCase.partners.length >= 2) counter.item(n);
    }),
  RCO87: (data, query, counter) => {
    eachPilotCase(data, query, (_, pilotCase) => {
      if (!inPeriod(query, pilotCase.start) || partnerCountries(data, pilotCase) < 2) return;
      for (const partner of pilotCase.partners) {
        if (isRegistered(data, partner)) counter.item(partner, data.organisationCountry.get(partner));
      }
    });
    // Thousands of attendances per attendee: each attendee is looked at once.
    const attended = data.scratch.clear();
    eachCrossBorderAttendance(data, query, (attendee) => {
      if (!attended.add(attendee)) return;
      const organisation = data.attendeeOrganisation.get(attendee);
      if (isRegistered(data, organisation)) counter.item(organisation, data.organisationCountry.get(organisation));
    });
  },
  RCO115: (data, query, counter) => {
    for (const project of query.projects) {
      const rows = data.activitiesByProject.of(project);
      for (let r = 0; r < (rows?.length ?? 0); r++) {
        const activity = data.activities[rows!.columns[0][r]];
        if (activity.kind === 'public-event' && activity.crossBorder && inPeriod(query, activity.start)) counter.item(rows!.columns[0][r]);
      }
    }
  },
  RCO116: outcomesOf(['solution-developed'], (data, _, pilotCase) => pilotCase !== NONE && (data.pilotCases[pilotCase]?.partners.length ?? 0) >= 2),
  RCR03: smesWithOutcome(['product-innovation', 'process-innovation']),
  RCR04: smesWithOutcome(['marketing-innovation', 'organisational-innovation']),
  RCR79: outcomesOf(['strategy-adopted']),
  RCR84: (data, query, counter) =>
    eachOutcome(data, query, codes(data, 'cooperation-continued'), (_, __, organisation) => {
      if (isRegistered(data, organisation)) counter.item(organisation, data.organisationCountry.get(organisation));
    }),
  RCR104: outcomesOf(['solution-taken-up']),
};
