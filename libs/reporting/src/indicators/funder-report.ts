import type Database from 'better-sqlite3';
import { canonicalJson, sha256Hex } from '@app/event-store';
import type { IndicatorCode, ReportedIndicator, ReportFigures } from '@app/programme';
import type { ProjectAudit, SubmittedReport } from '../audit/project-audit.js';
import { INDICATOR_CATALOGUE } from './indicator-catalogue.js';
import type { IndicatorFigure } from './indicator.calculator.js';
import { FUNDER_REPORT_RULES, type FunderReportRuleKind } from './funder-report.rules.js';

/** The three figures of the funder's layout for one indicator, or one category of its breakdown. */
export interface FunderFigures {
  previouslyReported: number;
  thisReport: number;
  cumulative: number;
}

/**
 * The arithmetic of one figure. `previous` is the previous report's cumulative figure as of its own frozen
 * position (0 when there is none: nothing was reported before); `period` the value over this report's own
 * period and `cumulative` the value from the project's start to the end of the period, both as of this
 * report's frozen position.
 */
export function funderFigures(kind: FunderReportRuleKind, figures: { previous: number; period: number; cumulative: number }): FunderFigures {
  const { previous, period, cumulative } = figures;
  switch (kind) {
    case 'distinct-new':
      // Distinct counts never add up over periods: what is new is the growth of the distinct count.
      return { previouslyReported: previous, thisReport: cumulative - previous, cumulative };
    case 'period-value':
      return { previouslyReported: previous, thisReport: period, cumulative };
    default:
      return assertNeverKind(kind);
  }
}

function assertNeverKind(kind: never): never {
  throw new Error(`Unknown funder report rule ${String(kind)}`);
}

export interface FunderReportBreakdownRow extends FunderFigures {
  dimension: string;
  category: string;
}

/** One indicator's row in the funder's layout: the figures only (names are per language, outside the digest). */
export interface FunderReportFigure extends FunderFigures {
  code: IndicatorCode;
  rule: FunderReportRuleKind;
  target: number | null;
  baseline: number | null;
  breakdown: FunderReportBreakdownRow[];
}

export interface FunderReportPeriod {
  from: string | null;
  to: string | null;
}

/** The report a funder report continues from. */
export interface PreviousReportRef {
  reportId: string;
  period: FunderReportPeriod;
  /** The log position its figures were frozen at. */
  position: number;
}

/** What the digest is computed over: every figure and the positions they stand for, nothing language-dependent. */
export interface FunderReportFigures {
  reportId: string;
  projectId: string;
  period: FunderReportPeriod;
  /** This report's frozen log position: every figure but "previously reported" stands for it. */
  position: number;
  previousReport: PreviousReportRef | null;
  indicators: FunderReportFigure[];
}

export interface FunderReport extends FunderReportFigures {
  label: string;
  language: 'en' | 'sv';
  previousReport: (PreviousReportRef & { label: string }) | null;
  indicators: Array<FunderReportFigure & { name: string; unit: string }>;
  /** SHA-256 (hex) of the canonical JSON of {@link FunderReportFigures}. */
  digest: string;
}

/** The figures in the canonical form the digest is computed over: labels and names left out. */
export function funderReportFigures(report: FunderReport | FunderReportFigures): FunderReportFigures {
  const { reportId, projectId, period, position, previousReport, indicators } = report;
  return {
    reportId,
    projectId,
    period,
    position,
    previousReport: previousReport && { reportId: previousReport.reportId, period: previousReport.period, position: previousReport.position },
    indicators: indicators.map(({ code, rule, target, baseline, previouslyReported, thisReport, cumulative, breakdown }) => ({
      code,
      rule,
      target,
      baseline,
      previouslyReported,
      thisReport,
      cumulative,
      breakdown,
    })),
  };
}

export function funderReportDigest(figures: FunderReportFigures): string {
  return sha256Hex(canonicalJson(funderReportFigures(figures)));
}

type Figure = Pick<ReportedIndicator, 'value' | 'breakdown'>;

/** One indicator's row from its three sources, by its rule; every category any source names is listed. */
export function funderReportFigure(
  code: IndicatorCode,
  sources: { previous: Figure | null; period: Figure; cumulative: Figure & Pick<ReportedIndicator, 'target' | 'baseline'> },
): FunderReportFigure {
  const kind = FUNDER_REPORT_RULES[code].kind;
  const { previous, period, cumulative } = sources;
  const breakdown: FunderReportBreakdownRow[] = [];
  const dimensions = [...new Set([...Object.keys(cumulative.breakdown), ...Object.keys(period.breakdown), ...Object.keys(previous?.breakdown ?? {})])];
  for (const dimension of dimensions) {
    const of = (figure: Figure | null) => figure?.breakdown[dimension] ?? {};
    // The catalogue's categories come first, in its order; categories of open sets (countries) follow sorted.
    const listed = Object.keys(of(cumulative));
    const others = [...new Set([...Object.keys(of(period)), ...Object.keys(of(previous))])].filter((c) => !listed.includes(c)).sort();
    for (const category of [...listed, ...others]) {
      breakdown.push({
        dimension,
        category,
        ...funderFigures(kind, {
          previous: of(previous)[category] ?? 0,
          period: of(period)[category] ?? 0,
          cumulative: of(cumulative)[category] ?? 0,
        }),
      });
    }
  }
  return {
    code,
    rule: kind,
    target: cumulative.target,
    baseline: cumulative.baseline,
    ...funderFigures(kind, { previous: previous?.value ?? 0, period: period.value, cumulative: cumulative.value }),
    breakdown,
  };
}

/** A submitted report as the funder report needs it: ReportSubmitted's data and where it was recorded. */
export type SubmittedReportRecord = SubmittedReport & { label: string; submittedPosition: number };

interface PreviousRow {
  reportId: string;
  label: string;
  from: string | null;
  to: string | null;
  position: number;
}

const OPEN_END = '9999-12-31';

/**
 * The funder's report layout for a submitted report: per indicator, target, baseline, previously reported,
 * this report and cumulative, all from frozen positions, so the document is the same whenever it is produced.
 *
 * - Cumulative: from the project's start to the end of the report's period, as of the report's frozen position.
 * - Previously reported: the previous report's cumulative figures as of ITS frozen position, i.e. the value
 *   the funder was given then (a late correction since shows in "this report", not in a rewritten past).
 * - The previous report: of the project's reports submitted before this one, the one whose period ends last
 *   before this report's period ends (an open end counts as the latest); of two with the same end, the one
 *   submitted last (a corrected report replaces its predecessor). Reports submitted later never change it.
 */
export class FunderReports {
  constructor(
    private readonly audit: ProjectAudit,
    private readonly db: Database.Database,
  ) {}

  /** The previous report by period end, among the project's reports submitted before this one (needs the `reports` read model). */
  previous(report: SubmittedReportRecord): PreviousRow | null {
    const row = this.db
      .prepare(
        `SELECT report_id AS reportId, label, period_from AS "from", period_to AS "to", figures_position AS position FROM reports
         WHERE project_id = :projectId AND position < :submitted AND report_id <> :reportId AND COALESCE(period_to, :open) < :end
         ORDER BY COALESCE(period_to, :open) DESC, position DESC LIMIT 1`,
      )
      .get({
        projectId: report.projectId,
        submitted: report.submittedPosition,
        reportId: report.reportId,
        open: OPEN_END,
        end: report.figures.period.to ?? OPEN_END,
      }) as PreviousRow | undefined;
    return row ?? null;
  }

  async produce(report: SubmittedReportRecord, language: 'en' | 'sv', caller = 'anyone'): Promise<FunderReport> {
    const { projectId, figures } = report;
    const previous = this.previous(report);
    const cumulative = await this.audit.figures(projectId, { to: figures.period.to ?? undefined }, { position: figures.position }, 'en', undefined, caller);
    const before = previous
      ? await this.audit.figures(projectId, { to: previous.to ?? undefined }, { position: previous.position }, 'en', undefined, caller)
      : null;
    const period = await this.periodFigures(report, caller);
    const byCode = <T extends { code: string }>(list: readonly T[]) => new Map(list.map((item) => [item.code, item]));
    const cumulativeByCode = byCode(cumulative.indicators);
    const beforeByCode = before ? byCode(before.indicators) : null;
    const indicators = INDICATOR_CATALOGUE.map((definition) => ({
      ...funderReportFigure(definition.code, {
        previous: beforeByCode ? (beforeByCode.get(definition.code) ?? ZERO) : null,
        period: period.get(definition.code) ?? ZERO,
        cumulative: cumulativeByCode.get(definition.code) ?? { ...ZERO, target: null, baseline: null },
      }),
      name: definition.name[language],
      unit: definition.unit[language],
    }));
    const document: Omit<FunderReport, 'digest'> = {
      reportId: report.reportId,
      projectId,
      label: report.label,
      language,
      period: { from: figures.period.from, to: figures.period.to },
      position: figures.position,
      previousReport: previous && {
        reportId: previous.reportId,
        label: previous.label,
        period: { from: previous.from, to: previous.to },
        position: previous.position,
      },
      indicators,
    };
    return { ...document, digest: funderReportDigest(document) };
  }

  /**
   * The period's own values, as the report stated them (its frozen figures, which its digest covers); an
   * indicator the report does not state (added to the catalogue since) is replayed at the report's position.
   */
  private async periodFigures(report: SubmittedReportRecord, caller: string): Promise<Map<string, Figure>> {
    const stated = new Map<string, Figure>(report.figures.indicators.map((i: ReportFigures['indicators'][number]) => [i.code, i]));
    if (INDICATOR_CATALOGUE.every((d) => stated.has(d.code))) return stated;
    const { from, to } = report.figures.period;
    const replayed = await this.audit.figures(
      report.projectId,
      { from: from ?? undefined, to: to ?? undefined },
      { position: report.figures.position },
      'en',
      undefined,
      caller,
    );
    for (const figure of replayed.indicators as IndicatorFigure[]) if (!stated.has(figure.code)) stated.set(figure.code, figure);
    return stated;
  }
}

const ZERO: Figure = { value: 0, breakdown: {} };
