import type Database from 'better-sqlite3';
import { PARTICIPANTS_OF_ACTIVITY } from '../projections/activities.projection.js';

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

type Filters = Record<string, string | number | boolean | undefined>;

/**
 * The lists staff page through. Each filter is an optional equality (or a name search); every list is
 * ordered by a stable key so pages do not shift between requests.
 */
export class ProgrammeLists {
  constructor(private readonly db: Database.Database) {}

  /** `only`: the projects a staff member or viewer is granted; the list holds no other. */
  projects(filters: { fund?: string; country?: string; name?: string; only?: readonly string[] }, page: Page) {
    const { only, ...rest } = filters;
    return this.page(
      `SELECT project_id AS id, name, programme, fund, start_date AS startDate, end_date AS endDate, countries FROM projects p
       WHERE (:only IS NULL OR project_id IN (SELECT value FROM json_each(:only))) AND (:fund IS NULL OR fund = :fund)
         AND (:country IS NULL OR project_id IN (SELECT project_id FROM project_countries WHERE country = :country))
         AND (:name IS NULL OR instr(fold(name), fold(:name)) > 0)`,
      'name COLLATE NOCASE, project_id',
      { ...rest, only: only ? JSON.stringify(only) : undefined },
      page,
      (row) => ({ ...row, countries: JSON.parse(row.countries as string) }),
    );
  }

  /** A project's reports, in the order they were submitted. */
  reports(projectId: string) {
    return this.db
      .prepare(
        `SELECT report_id AS id, label, period_from AS "from", period_to AS "to", figures_position AS figuresPosition, digest,
           submitted_at AS submittedAt, submitted_by AS submittedBy, position FROM reports WHERE project_id = ? ORDER BY position`,
      )
      .all(projectId);
  }

  projectExists(projectId: string): boolean {
    return this.db.prepare(`SELECT 1 FROM projects WHERE project_id = ?`).get(projectId) !== undefined;
  }

  participants(projectId: string, filters: { gender?: string; role?: string; activityId?: string }, page: Page) {
    return this.page(
      `SELECT participant_id AS id, gender, birth_year AS birthYear, organisation_id AS organisationId, role,
         registered_on AS registeredOn, erased, person FROM participants
       WHERE project_id = :projectId AND (:gender IS NULL OR gender = :gender) AND (:role IS NULL OR role = :role)
         AND (:activityId IS NULL OR participant_id IN (${PARTICIPANTS_OF_ACTIVITY}))`,
      'registered_on, participant_id',
      { projectId, ...filters },
      page,
      ({ birthYear, organisationId, erased, person, ...row }) => ({
        ...row,
        ...(birthYear !== null ? { birthYear } : {}),
        ...(organisationId !== null ? { organisationId } : {}),
        erased: erased === 1,
        sealedPerson: JSON.parse(person as string),
      }),
    );
  }

  activities(projectId: string, filters: { format?: string; status?: string }, page: Page) {
    return this.page(
      `SELECT a.activity_id AS id, a.kind AS format, a.name, a.theme, a.start_date AS startDate, a.end_date AS endDate,
         a.cross_border AS crossBorder, a.capacity_companies AS capacityCompanies, a.capacity_creatives AS capacityCreatives,
         a.status, a.closed_on AS closedOn,
         (SELECT COUNT(*) FROM lab_companies l WHERE l.activity_id = a.activity_id) AS companies,
         (SELECT COUNT(*) FROM lab_creatives c WHERE c.activity_id = a.activity_id) AS creatives,
         (SELECT COUNT(*) FROM attendance t WHERE t.activity_key = a.activity_key) AS attendances
       FROM activities a WHERE a.project_id = :projectId AND (:format IS NULL OR a.kind = :format)
         AND (:status IS NULL OR a.status = :status)`,
      'start_date, activity_id',
      { projectId, ...filters },
      page,
      ({ theme, capacityCompanies, capacityCreatives, closedOn, crossBorder, companies, creatives, ...row }) => ({
        ...row,
        crossBorder: crossBorder === 1,
        ...(theme !== null ? { theme } : {}),
        ...(closedOn !== null ? { closedOn } : {}),
        ...(row.format === 'lab' ? { capacity: { companies: capacityCompanies, creatives: capacityCreatives }, companies, creatives } : {}),
      }),
    );
  }

  organisations(filters: { type?: string; sizeClass?: string; country?: string; name?: string }, page: Page) {
    return this.page(
      `SELECT organisation_id AS id, name, organisation_number AS organisationNumber, country, type, size_class AS sizeClass,
         founded_year AS foundedYear FROM organisations
       WHERE (:type IS NULL OR type = :type) AND (:sizeClass IS NULL OR size_class = :sizeClass)
         AND (:country IS NULL OR country = :country) AND (:name IS NULL OR instr(fold(name), fold(:name)) > 0)`,
      'name COLLATE NOCASE, organisation_id',
      filters,
      page,
      dropNulls,
    );
  }

  outcomes(projectId: string, filters: { kind?: string; retracted?: boolean }, page: Page) {
    return this.page(
      `SELECT outcome_id AS id, kind, organisation_id AS organisationId, activity_id AS activityId, pilot_case_id AS pilotCaseId,
         date, description, evidence, retracted, retraction_reason AS retractionReason FROM outcomes
       WHERE project_id = :projectId AND (:kind IS NULL OR kind = :kind) AND (:retracted IS NULL OR retracted = :retracted)`,
      'date, outcome_id',
      { projectId, ...filters, retracted: filters.retracted === undefined ? undefined : filters.retracted ? 1 : 0 },
      page,
      (row) => dropNulls({ ...row, retracted: row.retracted === 1 }),
    );
  }

  pilotCases(projectId: string, filters: { status?: 'started' | 'completed' }, page: Page) {
    return this.page(
      `SELECT pilot_case_id AS id, title, start_date AS startDate, completed_on AS completedOn, evidence,
         CASE WHEN completed_on IS NULL THEN 'started' ELSE 'completed' END AS status,
         (SELECT json_group_array(organisation_id) FROM pilot_partners pp WHERE pp.pilot_case_id = pc.pilot_case_id) AS organisationIds
       FROM pilot_cases pc WHERE project_id = :projectId
         AND (:status IS NULL OR (:status = 'completed') = (completed_on IS NOT NULL))`,
      'start_date, pilot_case_id',
      { projectId, ...filters },
      page,
      (row) => dropNulls({ ...row, organisationIds: JSON.parse(row.organisationIds as string) }),
    );
  }

  private page<T>(
    sql: string,
    orderBy: string,
    filters: Filters,
    page: Page,
    map: (row: Record<string, unknown>) => T,
  ): PageOf<T> {
    const parameters = Object.fromEntries(
      [...sql.matchAll(/:(\w+)/g)].map(([, name]) => [name, filters[name] ?? null]),
    );
    return this.db.transaction(() => {
      const total = this.db.prepare(`SELECT COUNT(*) FROM (${sql})`).pluck().get(parameters) as number;
      const rows = this.db
        .prepare(`${sql} ORDER BY ${orderBy} LIMIT :limit OFFSET :offset`)
        .all({ ...parameters, limit: page.limit, offset: page.offset }) as Array<Record<string, unknown>>;
      return { items: rows.map(map), total, limit: page.limit, offset: page.offset };
    })();
  }
}

function dropNulls<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as T;
}
