import type Database from 'better-sqlite3';
import type { Page, PageOf } from './programme-lists.queries.js';

/** One row of a project's state-aid register: a support record, its enterprise, and the aid it was granted as. */
export interface StateAidRegisterRow {
  supportId: string;
  organisationId: string;
  name: string;
  organisationNumber: string | null;
  country: string;
  naceCode: string | null;
  kind: string;
  /** `not-recorded` for support recorded before aid was recorded: never read as no aid. */
  basis: 'de-minimis' | 'gber' | 'no-aid' | 'not-recorded';
  article: string | null;
  /** The aid's grant date; the support's date when the aid was not recorded. */
  grantedOn: string;
  amount: number | null;
  currency: string | null;
  eurRate: number | null;
  /** Null when the aid was not recorded; 0 for no-aid support worth nothing. */
  amountEur: number | null;
  valuation: { method: string; hours?: number; hourlyRate?: number; note?: string } | null;
  position: number;
}

const REGISTER = `
  SELECT s.support_id AS supportId, s.organisation_id AS organisationId, o.name, o.organisation_number AS organisationNumber,
    o.country, o.nace_code AS naceCode, s.kind, COALESCE(s.aid_basis, 'not-recorded') AS basis, s.aid_article AS article,
    COALESCE(s.aid_granted_on, s.date) AS grantedOn, s.aid_amount AS amount, s.aid_currency AS currency, s.aid_eur_rate AS eurRate,
    s.aid_amount_eur AS amountEur, s.aid_valuation AS valuation, s.position
  FROM support s JOIN organisations o ON o.organisation_id = s.organisation_id
  WHERE s.project_id = :projectId`;

/**
 * The state-aid register of a project (what the managing authority and the central register ask for: every grant,
 * the enterprise, its organisation number, the legal basis, date, value in euro and how it was valued).
 */
export class StateAidRegister {
  constructor(private readonly db: Database.Database) {}

  page(projectId: string, page: Page): PageOf<StateAidRegisterRow> {
    return this.db.transaction(() => {
      const total = this.db.prepare(`SELECT COUNT(*) FROM (${REGISTER})`).pluck().get({ projectId }) as number;
      const items = this.db
        .prepare(`${REGISTER} ORDER BY grantedOn, s.position LIMIT :limit OFFSET :offset`)
        .all({ projectId, limit: page.limit, offset: page.offset })
        .map(row);
      return { items, total, limit: page.limit, offset: page.offset };
    })();
  }

  /** Every row, for the CSV and XLSX files (a project's register is hundreds of rows, not millions). */
  all(projectId: string): StateAidRegisterRow[] {
    return this.db.prepare(`${REGISTER} ORDER BY grantedOn, s.position`).all({ projectId }).map(row);
  }

  /** Whether the enterprise got support or a lab place in one of these projects: staff see its de minimis then. */
  supportedInAny(organisationId: string, projectIds: readonly string[]): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM support WHERE organisation_id = :organisationId AND project_id IN (SELECT value FROM json_each(:projects))
           UNION ALL SELECT 1 FROM lab_companies WHERE organisation_id = :organisationId AND project_id IN (SELECT value FROM json_each(:projects))
           LIMIT 1`,
        )
        .get({ organisationId, projects: JSON.stringify(projectIds) }) !== undefined
    );
  }
}

function row(raw: unknown): StateAidRegisterRow {
  const r = raw as StateAidRegisterRow & { valuation: string | null };
  return { ...r, valuation: r.valuation ? JSON.parse(r.valuation) : null };
}
