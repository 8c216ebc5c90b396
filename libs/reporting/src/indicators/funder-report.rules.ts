import type { IndicatorCode } from '@app/programme';

/**
 * How an indicator's "this report" relates to its cumulative figure in the funder's layout (Jems: target,
 * previously reported, this report, cumulative).
 *
 * - `distinct-new`: the indicator counts distinct things (people, enterprises, organisations, activities, cases,
 *   outcomes). Cumulative is the distinct count from the project's start to the end of the report's period,
 *   never a sum of periods; "this report" is what is new since the previous report: cumulative minus previously
 *   reported. An enterprise supported in two periods counts once. A thing removed since the previous report (a
 *   retracted outcome, an SME reclassified as large) makes "this report" smaller, possibly negative.
 * - `period-value`: the indicator adds up events (participations). "This report" is the value over the report's
 *   own period; cumulative is the value from the project's start to the end of the period. Previously reported +
 *   this report differs from cumulative only by what changed for earlier dates since the previous report (late
 *   records), or by a gap or overlap between the two reports' periods.
 */
export type FunderReportRuleKind = 'distinct-new' | 'period-value';

export interface FunderReportRule {
  kind: FunderReportRuleKind;
  /** Why this rule, in the indicator's own terms. */
  why: string;
}

const DISTINCT_PEOPLE = 'each person counts once over the project, however many periods they appear in';
const DISTINCT_ENTERPRISES = 'each enterprise counts once over the project, however many periods it is supported or appears in';
const DISTINCT_ORGANISATIONS = 'each organisation counts once over the project, however many periods it appears in';

/** The rule of every indicator of the catalogue, keyed by its code: one each (the spec checks it). */
export const FUNDER_REPORT_RULES: Readonly<Record<IndicatorCode, FunderReportRule>> = {
  participants: { kind: 'distinct-new', why: DISTINCT_PEOPLE },
  'smes-reached': { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  creatives: { kind: 'distinct-new', why: DISTINCT_PEOPLE },
  activities: { kind: 'distinct-new', why: 'each lab or activity counts once, in the period it started' },
  'pilot-cases': {
    kind: 'distinct-new',
    why: 'a pilot case started in one period and completed in a later one counts once over the project, not once per period',
  },
  outcomes: { kind: 'distinct-new', why: 'each outcome counts once; one retracted since the previous report is taken off this report' },
  RCO01: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCO02: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCO04: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCO05: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCO07: { kind: 'distinct-new', why: DISTINCT_ORGANISATIONS },
  RCO10: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCO81: {
    kind: 'period-value',
    why: 'participations add up: every attendance counts, the same person at two events is two participations',
  },
  RCO83: { kind: 'distinct-new', why: 'each strategy or action plan counts once' },
  RCO84: { kind: 'distinct-new', why: 'each pilot action counts once, in the period it was completed' },
  RCO87: { kind: 'distinct-new', why: DISTINCT_ORGANISATIONS },
  RCO115: { kind: 'distinct-new', why: 'each public event counts once' },
  RCO116: { kind: 'distinct-new', why: 'each solution counts once' },
  RCR03: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCR04: { kind: 'distinct-new', why: DISTINCT_ENTERPRISES },
  RCR79: {
    kind: 'distinct-new',
    why: 'each strategy taken up counts once; the cumulative figure keeps the ceiling of the strategies developed (RCO83)',
  },
  RCR84: { kind: 'distinct-new', why: DISTINCT_ORGANISATIONS },
  RCR104: { kind: 'distinct-new', why: 'each solution taken up counts once' },
};

const KIND_IN_WORDS: Record<FunderReportRuleKind, string> = {
  'distinct-new':
    'Cumulative: the distinct count from the project start to the end of the report period (never a sum of periods). ' +
    'This report: cumulative minus previously reported (what is new since the previous report).',
  'period-value':
    'This report: the value over the report period. Cumulative: the value from the project start to the end of the report ' +
    'period. Previously reported + this report may differ from cumulative by records for earlier dates made after the previous ' +
    'report, or by a gap or overlap between the periods.',
};

/** The rule of one indicator in words, as the catalogue serves it. */
export function funderReportRuleText(code: IndicatorCode): string {
  const rule = FUNDER_REPORT_RULES[code];
  return `${KIND_IN_WORDS[rule.kind]} Why: ${rule.why}.`;
}
