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
  private data = new IndexData();
  private usable = true;

  constructor(private readonly db: Database.Database) {}

  /**
   * Brings the index to the snapshot of the current transaction. False when it cannot count these read models
   * exactly (a date not written as YYYY-MM-DD, compared as text by SQL): the caller then counts in SQL.
   */
  sync(): boolean {
    const states = this.db.prepare(`SELECT name, version, checkpoint, rebuilt_at FROM projection_state ORDER BY name`).raw().all() as Array<
      [string, number, number, string | null]
    >;
    const generation = JSON.stringify(states.map(([name, version, , rebuiltAt]) => [name, version, rebuiltAt]));
    if (generation !== this.generation) {
      this.generation = generation;
      this.data = new IndexData();
      this.usable = true;
    }
    if (!this.usable) return false;
    try {
      this.data.load(this.db, new Map(states.map(([name, , checkpoint]) => [name, checkpoint])));
    } catch (error) {
      if (!(error instanceof NotADay)) throw error;
      this.usable = false;
    }
    return this.usable;
  }

  /** The value and breakdown counts of one indicator, as the SQL of its definition would count them. */
  count(definition: IndicatorDefinition, scope: IndexScope, period: { from: string; to: string }, newEnterpriseYears: number): Counted | undefined {
    const from = dayOrUndefined(period.from);
    const to = dayOrUndefined(period.to);
    if (from === undefined || to === undefined) return undefined;
    const counter = new Counter(definition);
    COUNTERS[definition.code](this.data, { projects: this.data.scope(scope), from, to, newEnterpriseYears }, counter);
    return counter.result();
  }
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

interface Organisation {
  exists: boolean;
  type: string | null;
  sizeClass: string | null;
  foundedYear: number | null;
  country: string | null;
}

interface PilotCase {
  project: number;
  start: number;
  completed: number;
  partners: number[];
}

interface Outcome {
  project: number;
  kind: string;
  organisation: number;
  activity: number;
  pilotCase: number;
  date: number;
  retracted: boolean;
}

const NONE = -1;
const SUPPORT_KINDS = ['grant', 'voucher', 'non-financial'];

class IndexData {
  readonly projectIds = new Ids();
  /** Registered projects: fund, countries, how many. */
  readonly projects = new Map<number, { fund: string; countries: Set<string>; countryCount: number }>();
  readonly organisationIds = new Ids();
  readonly organisations: Organisation[] = [];
  readonly participantIds = new Ids();
  /** participants: project, gender code, creative (1/0), registered_on */
  readonly participants = new ByProject(3);
  readonly participantRow: Array<{ project: number; row: number }> = [];
  readonly activityIds = new Ids();
  readonly activities: Array<{ project: number; kind: string; crossBorder: boolean; start: number }> = [];
  readonly activitiesByProject = new ByProject(1);
  /** attendees by key: gender code and organisation */
  readonly attendeeGender: number[] = [];
  readonly attendeeOrganisation: number[] = [];
  /** cross-border attendance: date, attendee, public event (1/0) */
  readonly crossBorderAttendance = new ByProject(3);
  /** support and lab places: organisation, date, kind (index in SUPPORT_KINDS, or the code of another kind) */
  readonly supported = new ByProject(3);
  readonly pilotCaseIds = new Ids();
  readonly pilotCases: PilotCase[] = [];
  readonly pilotCasesByProject = new ByProject(1);
  readonly outcomeIds = new Ids();
  readonly outcomes: Outcome[] = [];
  readonly outcomesByProject = new ByProject(1);
  /** Strings kept as codes (gender); the code is the index. */
  readonly strings = new Ids();
  private readonly lastRowid = new Map<string, number>();
  private readonly lastCheckpoint = new Map<string, number>();

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

  organisation(n: number): Organisation {
    return (this.organisations[n] ??= { exists: false, type: null, sizeClass: null, foundedYear: null, country: null });
  }

  load(db: Database.Database, checkpoints: Map<string, number>): void {
    const since = (projection: string) => this.lastCheckpoint.get(projection) ?? -1;
    const newRows = <T>(table: string, sql: string, each: (row: T) => void) => {
      let last = this.lastRowid.get(table) ?? 0;
      for (const row of db.prepare(`${sql} ${sql.includes('WHERE') ? 'AND' : 'WHERE'} rowid > ? ORDER BY rowid`).raw().iterate(last) as Iterable<T>) {
        each(row);
        last = (row as unknown[])[0] as number;
      }
      this.lastRowid.set(table, last);
    };
    const changed = <T>(sql: string, after: number, each: (row: T) => void) => {
      for (const row of db.prepare(sql).raw().iterate(after) as Iterable<T>) each(row);
    };

    newRows<[number, string, string, number]>('projects', `SELECT rowid, project_id, fund, country_count FROM projects`, ([, id, fund, countryCount]) => {
      this.projects.set(this.projectIds.of(id), { fund, countries: new Set(), countryCount });
    });
    newRows<[number, string, string]>('project_countries', `SELECT rowid, project_id, country FROM project_countries`, ([, id, country]) => {
      this.projects.get(this.projectIds.of(id))?.countries.add(country);
    });
    changed<[string, string, string | null, number | null, string]>(
      `SELECT organisation_id, type, size_class, founded_year, country FROM organisations WHERE changed_position > ?`,
      since('organisations'),
      ([id, type, sizeClass, foundedYear, country]) => {
        Object.assign(this.organisation(this.organisationIds.of(id)), { exists: true, type, sizeClass, foundedYear, country });
      },
    );
    changed<[string, string, string, string, string]>(
      `SELECT participant_id, project_id, gender, role, registered_on FROM participants WHERE changed_position > ?`,
      since('participants'),
      ([id, projectId, gender, role, registeredOn]) => {
        const n = this.participantIds.of(id);
        const project = this.projectIds.of(projectId);
        const values = [this.strings.of(gender), role === 'creative' ? 1 : 0, day(registeredOn)];
        const at = this.participantRow[n];
        if (at === undefined) {
          this.participants.add(project, ...values);
          this.participantRow[n] = { project, row: this.participants.of(project)!.length - 1 };
        } else {
          // A participant's project never changes; its other fields are overwritten in place.
          const rows = this.participants.of(at.project)!;
          values.forEach((value, c) => (rows.columns[c][at.row] = value));
        }
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
      `SELECT attendee, gender, organisation_id FROM attendees WHERE changed_position > ?`,
      since('activities'),
      ([attendee, gender, organisationId]) => {
        this.attendeeGender[attendee] = this.strings.of(gender);
        this.attendeeOrganisation[attendee] = organisationId === null ? NONE : this.organisationIds.of(organisationId);
      },
    );
    newRows<[number, string, string, number, string]>(
      'attendance',
      `SELECT rowid, project_id, date, attendee, kind FROM attendance WHERE cross_border = 1`,
      ([, projectId, date, attendee, kind]) => {
        this.crossBorderAttendance.add(this.projectIds.of(projectId), day(date), attendee, kind === 'public-event' ? 1 : 0);
      },
    );
    const supportKind = (kind: string) => {
      const known = SUPPORT_KINDS.indexOf(kind);
      return known >= 0 ? known : SUPPORT_KINDS.length + this.strings.of(kind);
    };
    newRows<[number, string, string, string]>('lab_companies', `SELECT rowid, project_id, organisation_id, admitted_on FROM lab_companies`, ([, projectId, organisationId, admittedOn]) => {
      this.supported.add(this.projectIds.of(projectId), this.organisationIds.of(organisationId), day(admittedOn), supportKind('non-financial'));
    });
    newRows<[number, string, string, string, string]>(
      'support',
      `SELECT rowid, project_id, organisation_id, date, kind FROM support`,
      ([, projectId, organisationId, date, kind]) => {
        this.supported.add(this.projectIds.of(projectId), this.organisationIds.of(organisationId), day(date), supportKind(kind));
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
      `SELECT pilot_case_id, completed_on FROM pilot_cases WHERE completed_position > ?`,
      since('pilot-cases'),
      ([id, completedOn]) => {
        const pilotCase = this.pilotCases[this.pilotCaseIds.of(id)];
        if (pilotCase) pilotCase.completed = day(completedOn);
      },
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
        const project = this.projectIds.of(projectId);
        this.outcomes[n] = {
          project,
          kind,
          organisation: organisationId === null ? NONE : this.organisationIds.of(organisationId),
          activity: activityId === null ? NONE : this.activityIds.of(activityId),
          pilotCase: pilotCaseId === null ? NONE : this.pilotCaseIds.of(pilotCaseId),
          date: day(date),
          retracted: retracted === 1,
        };
        this.outcomesByProject.add(project, n);
      },
    );
    changed<[string]>(`SELECT outcome_id FROM outcomes WHERE retracted_position > ?`, since('outcomes'), ([id]) => {
      const outcome = this.outcomes[this.outcomeIds.of(id)];
      if (outcome) outcome.retracted = true;
    });
    for (const [name, checkpoint] of checkpoints) this.lastCheckpoint.set(name, checkpoint);
  }
}

/** Counts one indicator's items: distinct keys (or rows), per category of each breakdown. */
class Counter {
  private value = 0;
  private readonly seen = new Set<number>();
  private readonly byDimension = new Map<string, Map<string | null, number | Set<number>>>();

  constructor(private readonly definition: IndicatorDefinition) {
    for (const { dimension } of definition.breakdowns) this.byDimension.set(dimension, new Map());
  }

  /** One item: its key (an integer id of its kind) and its categories, one per breakdown, in order. */
  item(key: number, ...categories: Array<string | null>): void {
    const distinct = this.definition.counting === 'distinct';
    if (!distinct) this.value++;
    else if (!this.seen.has(key)) {
      this.seen.add(key);
      this.value++;
    }
    this.definition.breakdowns.forEach(({ dimension }, i) => {
      const counts = this.byDimension.get(dimension)!;
      const category = categories[i] ?? null;
      if (!distinct) counts.set(category, ((counts.get(category) as number | undefined) ?? 0) + 1);
      else {
        let keys = counts.get(category) as Set<number> | undefined;
        if (!keys) counts.set(category, (keys = new Set()));
        keys.add(key);
      }
    });
  }

  result(): Counted {
    const groups: Counted['groups'] = [];
    for (const [dimension, counts] of this.byDimension) {
      // GROUP BY answers NULL first, then the categories in byte order.
      const categories = [...counts.keys()].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
      for (const category of categories) {
        const count = counts.get(category)!;
        groups.push([dimension, category, typeof count === 'number' ? count : count.size]);
      }
    }
    return { value: this.value, groups };
  }
}

const RESEARCH = new Set(['university', 'research-organisation']);
const SME_SIZES = new Set(['micro', 'small', 'medium']);
const isSme = (o: Organisation | undefined) => !!o?.exists && o.type === 'enterprise' && o.sizeClass !== null && SME_SIZES.has(o.sizeClass);

type Count = (data: IndexData, query: Query, counter: Counter) => void;

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

function eachOutcome(data: IndexData, query: Query, each: (n: number, outcome: Outcome) => void): void {
  for (const project of query.projects) {
    const rows = data.outcomesByProject.of(project);
    if (!rows) continue;
    for (let r = 0; r < rows.length; r++) {
      const outcome = data.outcomes[rows.columns[0][r]];
      if (!outcome.retracted && outcome.date >= query.from && outcome.date <= query.to) each(rows.columns[0][r], outcome);
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
  const countries = new Set<string>();
  for (const partner of pilotCase?.partners ?? []) {
    const o = data.organisations[partner];
    if (o?.exists && o.country !== null) countries.add(o.country);
  }
  return countries.size;
}

const inPeriod = (query: Query, date: number) => date >= query.from && date <= query.to;

function participants(creativesOnly: boolean): Count {
  return (data, query, counter) => {
    for (const project of query.projects) {
      const rows = data.participants.of(project);
      if (!rows) continue;
      const [gender, creative, registeredOn] = rows.columns;
      for (let r = 0; r < rows.length; r++) {
        if ((!creativesOnly || creative[r] === 1) && inPeriod(query, registeredOn[r])) {
          // The row is the participant's own (one per participant), so its number within the project is a key.
          counter.item(project * 0x1_0000_0000 + r, data.strings.names[gender[r]]);
        }
      }
    }
  };
}

function enterprisesSupported(kinds?: readonly string[]): Count {
  const wanted = kinds?.map((kind) => SUPPORT_KINDS.indexOf(kind));
  return (data, query, counter) =>
    eachSupported(data, query, (organisation, date, kind) => {
      const o = data.organisations[organisation];
      if (o?.exists && o.type === 'enterprise' && inPeriod(query, date) && (!wanted || wanted.includes(kind))) counter.item(organisation, o.sizeClass);
    });
}

function outcomesOf(kinds: readonly string[], also: (data: IndexData, outcome: Outcome) => boolean = () => true): Count {
  return (data, query, counter) =>
    eachOutcome(data, query, (n, outcome) => {
      if (kinds.includes(outcome.kind) && also(data, outcome)) counter.item(n);
    });
}

function smesWithOutcome(kinds: readonly string[]): Count {
  return (data, query, counter) =>
    eachOutcome(data, query, (_, outcome) => {
      const o = outcome.organisation === NONE ? undefined : data.organisations[outcome.organisation];
      if (kinds.includes(outcome.kind) && isSme(o)) counter.item(outcome.organisation, o!.sizeClass);
    });
}

const jointlyDeveloped = (data: IndexData, outcome: Outcome) =>
  (outcome.activity !== NONE && data.activities[outcome.activity]?.crossBorder === true) ||
  (outcome.pilotCase !== NONE && partnerCountries(data, data.pilotCases[outcome.pilotCase]) >= 2);

/** The catalogue's items, counted in memory; a code of the catalogue without one here does not compile. */
const COUNTERS: Record<IndicatorCode, Count> = {
  participants: participants(false),
  creatives: participants(true),
  'smes-reached': (data, query, counter) => {
    const each = (organisation: number, date: number) => {
      const o = data.organisations[organisation];
      if (inPeriod(query, date) && isSme(o)) counter.item(organisation, o.sizeClass);
    };
    eachSupported(data, query, each);
    eachPilotCase(data, query, (_, pilotCase) => pilotCase.partners.forEach((partner) => each(partner, pilotCase.start)));
  },
  activities: (data, query, counter) => {
    for (const project of query.projects) {
      const rows = data.activitiesByProject.of(project);
      for (let r = 0; r < (rows?.length ?? 0); r++) {
        const activity = data.activities[rows!.columns[0][r]];
        if (inPeriod(query, activity.start)) counter.item(rows!.columns[0][r], activity.kind);
      }
    }
  },
  'pilot-cases': (data, query, counter) =>
    eachPilotCase(data, query, (n, pilotCase) => {
      if (inPeriod(query, pilotCase.start)) counter.item(n, 'started');
      if (inPeriod(query, pilotCase.completed)) counter.item(n, 'completed');
    }),
  outcomes: (data, query, counter) => eachOutcome(data, query, (n, outcome) => counter.item(n, outcome.kind)),
  RCO01: enterprisesSupported(),
  RCO02: enterprisesSupported(['grant', 'voucher']),
  RCO04: enterprisesSupported(['non-financial']),
  RCO05: (data, query, counter) => {
    // An enterprise's first support in the scope, whenever it was, decides whether it was new.
    const first = new Map<number, number>();
    eachSupported(data, query, (organisation, date) => {
      if (date !== NO_DAY && !(first.get(organisation)! <= date)) first.set(organisation, date);
    });
    eachSupported(data, query, (organisation, date) => {
      const o = data.organisations[organisation];
      if (!o?.exists || o.type !== 'enterprise' || !inPeriod(query, date) || o.foundedYear === null) return;
      if (Math.floor(first.get(organisation)! / 10_000) - o.foundedYear < query.newEnterpriseYears) counter.item(organisation, o.sizeClass);
    });
  },
  RCO07: (data, query, counter) =>
    eachPilotCase(data, query, (_, pilotCase) => {
      if (!inPeriod(query, pilotCase.start)) return;
      for (const partner of pilotCase.partners) {
        const o = data.organisations[partner];
        if (o?.exists && o.type !== null && RESEARCH.has(o.type)) counter.item(partner, o.type);
      }
    }),
  RCO10: (data, query, counter) =>
    eachPilotCase(data, query, (_, pilotCase) => {
      if (!inPeriod(query, pilotCase.start)) return;
      const withResearch = pilotCase.partners.some((p) => {
        const o = data.organisations[p];
        return o?.exists && o.type !== null && RESEARCH.has(o.type);
      });
      if (!withResearch) return;
      for (const partner of pilotCase.partners) {
        const o = data.organisations[partner];
        if (o?.exists && o.type === 'enterprise') counter.item(partner, o.sizeClass);
      }
    }),
  RCO81: (data, query, counter) =>
    eachCrossBorderAttendance(data, query, (attendee, publicEvent) => {
      if (!publicEvent) counter.item(0, data.strings.names[data.attendeeGender[attendee]]);
    }),
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
        const o = data.organisations[partner];
        if (o?.exists) counter.item(partner, o.country);
      }
    });
    eachCrossBorderAttendance(data, query, (attendee) => {
      const organisation = data.attendeeOrganisation[attendee] ?? NONE;
      const o = organisation === NONE ? undefined : data.organisations[organisation];
      if (o?.exists) counter.item(organisation, o.country);
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
  RCO116: outcomesOf(['solution-developed'], (data, outcome) => outcome.pilotCase !== NONE && (data.pilotCases[outcome.pilotCase]?.partners.length ?? 0) >= 2),
  RCR03: smesWithOutcome(['product-innovation', 'process-innovation']),
  RCR04: smesWithOutcome(['marketing-innovation', 'organisational-innovation']),
  RCR79: outcomesOf(['strategy-adopted']),
  RCR84: (data, query, counter) =>
    eachOutcome(data, query, (_, outcome) => {
      const o = outcome.organisation === NONE ? undefined : data.organisations[outcome.organisation];
      if (outcome.kind === 'cooperation-continued' && o?.exists) counter.item(outcome.organisation, o.country);
    }),
  RCR104: outcomesOf(['solution-taken-up']),
};
