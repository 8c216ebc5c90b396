import type Database from 'better-sqlite3';
import { PARTICIPANTS_OF_ACTIVITY } from '../projections/activities.projection.js';
import type { Page, PageOf } from './programme-lists.queries.js';

/** Which enterprises: one project's, or the programme's (optionally one fund's, or projects with a partner in a country). */
export type SupportScope = { projectId: string } | { fund?: string; country?: string };

export interface SupportPeriod {
  from?: string;
  to?: string;
}

/**
 * One enterprise that got support in the period: what funders ask for with a progress report. One row per
 * enterprise however often supported, so the rows are exactly what RCO01 counts for the same scope and period.
 */
export interface EnterpriseSupportedRow {
  organisationId: string;
  name: string;
  organisationNumber: string | null;
  country: string;
  /** As currently classified, as the indicators count it. */
  sizeClass: string | null;
  /** Sorted; `lab` is a place in a lab (counted as non-financial support by the indicators). */
  kinds: string[];
  firstSupportedOn: string;
  lastSupportedOn: string;
  /** Support records and lab places in the period. */
  supports: number;
  /** The support's own value in euro (grants, vouchers); null when none of it was valued. */
  amountEur: number | null;
  /** The state aid it was granted as, in euro; null when no aid was recorded. */
  aidAmountEur: number | null;
  /** Projects that supported it (1 for a project's list). */
  projects: number;
}

/** One support record or lab place of an enterprise: the dates and amounts behind a row of {@link EnterpriseSupportedRow}. */
export interface SupportRecordRow {
  organisationId: string;
  name: string;
  organisationNumber: string | null;
  projectId: string;
  projectName: string;
  /** grant, voucher, non-financial, or lab (a place in a lab). */
  kind: string;
  date: string;
  amountEur: number | null;
  /** de-minimis, gber, no-aid; null when no aid was recorded (and for a lab place). */
  aidBasis: string | null;
  aidAmountEur: number | null;
}

/** A participant as the exports list them, with the name of the organisation they come from. */
export interface ParticipantExportRow {
  id: string;
  gender: string;
  birthYear: number | null;
  role: string;
  registeredOn: string;
  organisationId: string | null;
  organisationName: string | null;
  erased: boolean;
  /** Sealed: only a caller allowed to see personal data gets it unsealed. */
  sealedPerson: unknown;
}

export interface OrganisationExportRow {
  id: string;
  name: string;
  organisationNumber: string | null;
  country: string;
  type: string;
  sizeClass: string | null;
  foundedYear: number | null;
}

const OPEN_FROM = '0000-01-01';
const OPEN_TO = '9999-12-31';

/** The same support the indicators count (support records and lab places) of enterprises, in the same scope of projects. */
const SUPPORTED = `
  WITH scope(project_id) AS (
    SELECT pr.project_id FROM projects pr
    WHERE (:projectId IS NOT NULL AND pr.project_id = :projectId)
       OR (:projectId IS NULL AND (:fund IS NULL OR pr.fund = :fund)
           AND (:country IS NULL OR pr.project_id IN (SELECT pc.project_id FROM project_countries pc WHERE pc.country = :country)))),
  supported AS (
    SELECT x.* FROM (
      SELECT s.project_id, s.organisation_id, s.kind, s.date, s.amount_eur, s.aid_amount_eur, s.aid_basis, s.position FROM support s
      WHERE s.project_id IN (SELECT project_id FROM scope) AND s.date BETWEEN :from AND :to
      UNION ALL
      SELECT l.project_id, l.organisation_id, 'lab', l.admitted_on, NULL, NULL, NULL, l.position FROM lab_companies l
      WHERE l.project_id IN (SELECT project_id FROM scope) AND l.admitted_on BETWEEN :from AND :to) x
    JOIN organisations o ON o.organisation_id = x.organisation_id WHERE o.type = 'enterprise')`;

const ENTERPRISES_SUPPORTED = `${SUPPORTED}
  SELECT o.organisation_id AS organisationId, o.name, o.organisation_number AS organisationNumber, o.country,
    o.size_class AS sizeClass, json_group_array(DISTINCT x.kind) AS kinds,
    MIN(x.date) AS firstSupportedOn, MAX(x.date) AS lastSupportedOn, COUNT(*) AS supports,
    SUM(x.amount_eur) AS amountEur, SUM(x.aid_amount_eur) AS aidAmountEur, COUNT(DISTINCT x.project_id) AS projects
  FROM supported x JOIN organisations o ON o.organisation_id = x.organisation_id
  GROUP BY o.organisation_id`;

const SUPPORT_RECORDS = `${SUPPORTED}
  SELECT x.organisation_id AS organisationId, o.name, o.organisation_number AS organisationNumber, x.project_id AS projectId,
    p.name AS projectName, x.kind, x.date, x.amount_eur AS amountEur, x.aid_basis AS aidBasis, x.aid_amount_eur AS aidAmountEur
  FROM supported x JOIN organisations o ON o.organisation_id = x.organisation_id JOIN projects p ON p.project_id = x.project_id
  ORDER BY x.date, x.position`;

const ORDER = 'ORDER BY name COLLATE NOCASE, organisationId';

/**
 * The lists the exports write (and the JSON route of enterprises supported): every row at once, for a file,
 * read in one transaction so a file is one consistent picture.
 */
export class ExportLists {
  constructor(private readonly db: Database.Database) {}

  enterprisesSupportedPage(scope: SupportScope, period: SupportPeriod, page: Page): PageOf<EnterpriseSupportedRow> {
    const parameters = supportParameters(scope, period);
    return this.db.transaction(() => {
      const total = this.db.prepare(`SELECT COUNT(*) FROM (${ENTERPRISES_SUPPORTED})`).pluck().get(parameters) as number;
      const items = this.db
        .prepare(`SELECT * FROM (${ENTERPRISES_SUPPORTED}) ${ORDER} LIMIT :limit OFFSET :offset`)
        .all({ ...parameters, limit: page.limit, offset: page.offset })
        .map(enterpriseRow);
      return { items, total, limit: page.limit, offset: page.offset };
    })();
  }

  enterprisesSupported(scope: SupportScope, period: SupportPeriod): EnterpriseSupportedRow[] {
    return this.db.prepare(`SELECT * FROM (${ENTERPRISES_SUPPORTED}) ${ORDER}`).all(supportParameters(scope, period)).map(enterpriseRow);
  }

  /** The enterprises and their support records both, read in one transaction: the two sheets of one file agree. */
  enterprisesWithSupport(scope: SupportScope, period: SupportPeriod): { enterprises: EnterpriseSupportedRow[]; support: SupportRecordRow[] } {
    return this.db.transaction(() => ({
      enterprises: this.enterprisesSupported(scope, period),
      support: this.db.prepare(SUPPORT_RECORDS).all(supportParameters(scope, period)) as SupportRecordRow[],
    }))();
  }

  /** A project's participants, filtered as the JSON list filters them, in the same order. */
  participants(projectId: string, filters: { gender?: string; role?: string; activityId?: string }): ParticipantExportRow[] {
    const rows = this.db
      .prepare(
        `SELECT p.participant_id AS id, p.gender, p.birth_year AS birthYear, p.role, p.registered_on AS registeredOn,
           p.organisation_id AS organisationId, o.name AS organisationName, p.erased, p.person
         FROM participants p LEFT JOIN organisations o ON o.organisation_id = p.organisation_id
         WHERE p.project_id = :projectId AND (:gender IS NULL OR p.gender = :gender) AND (:role IS NULL OR p.role = :role)
           AND (:activityId IS NULL OR p.participant_id IN (${PARTICIPANTS_OF_ACTIVITY}))
         ORDER BY p.registered_on, p.participant_id`,
      )
      .all({ projectId, gender: filters.gender ?? null, role: filters.role ?? null, activityId: filters.activityId ?? null }) as Array<
      Omit<ParticipantExportRow, 'erased' | 'sealedPerson'> & { erased: number; person: string }
    >;
    return rows.map(({ person, erased, ...row }) => ({ ...row, erased: erased === 1, sealedPerson: JSON.parse(person) }));
  }

  /** Organisations, filtered as the JSON list filters them, in the same order. */
  organisations(filters: { type?: string; sizeClass?: string; country?: string; name?: string }): OrganisationExportRow[] {
    return this.db
      .prepare(
        `SELECT organisation_id AS id, name, organisation_number AS organisationNumber, country, type, size_class AS sizeClass,
           founded_year AS foundedYear FROM organisations
         WHERE (:type IS NULL OR type = :type) AND (:sizeClass IS NULL OR size_class = :sizeClass)
           AND (:country IS NULL OR country = :country) AND (:name IS NULL OR instr(fold(name), fold(:name)) > 0)
         ORDER BY name COLLATE NOCASE, organisation_id`,
      )
      .all({
        type: filters.type ?? null,
        sizeClass: filters.sizeClass ?? null,
        country: filters.country ?? null,
        name: filters.name ?? null,
      }) as OrganisationExportRow[];
  }
}

function supportParameters(scope: SupportScope, period: SupportPeriod): Record<string, string | null> {
  return {
    projectId: 'projectId' in scope ? scope.projectId : null,
    fund: 'projectId' in scope ? null : (scope.fund ?? null),
    country: 'projectId' in scope ? null : (scope.country ?? null),
    from: period.from ?? OPEN_FROM,
    to: period.to ?? OPEN_TO,
  };
}

function enterpriseRow(raw: unknown): EnterpriseSupportedRow {
  const row = raw as Omit<EnterpriseSupportedRow, 'kinds'> & { kinds: string };
  return { ...row, kinds: (JSON.parse(row.kinds) as string[]).sort() };
}
