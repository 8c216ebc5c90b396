import { writeWorkbook, type ExportLanguage, type ExportSheet, type IndicatorFigure } from '@app/reporting';
import type { IndicatorsAnswer } from './indicators.csv.js';

/** Whose figures these are, as the query asked: printed on the workbook's last sheet. */
export interface IndicatorsScope {
  projectId?: string;
  fund?: string | null;
  country?: string | null;
  asOf?: string;
}

interface BreakdownRow {
  figure: IndicatorFigure;
  dimension: string;
  category: string;
  value: number;
}

/**
 * The figures as a workbook, a sheet per view: the indicators, their breakdowns, and what was asked (scope,
 * period, log position). Names and units come from the calculator in the language asked for; headers likewise.
 */
export function indicatorsXlsx(answer: IndicatorsAnswer, scope: IndicatorsScope, lang: ExportLanguage): Promise<Buffer> {
  const indicators: ExportSheet<IndicatorFigure> = {
    name: { en: 'Indicators', sv: 'Indikatorer' },
    columns: [
      { header: { en: 'Code', sv: 'Kod' }, kind: 'text', value: (f) => f.code },
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (f) => f.name },
      { header: { en: 'Unit', sv: 'Enhet' }, kind: 'text', value: (f) => f.unit },
      { header: { en: 'Value', sv: 'Värde' }, kind: 'number', value: (f) => f.value },
      { header: { en: 'Target', sv: 'Målvärde' }, kind: 'number', value: (f) => f.target },
      { header: { en: 'Baseline', sv: 'Utgångsvärde' }, kind: 'number', value: (f) => f.baseline },
    ],
    rows: answer.indicators,
  };
  const breakdowns: ExportSheet<BreakdownRow> = {
    name: { en: 'Breakdowns', sv: 'Uppdelningar' },
    columns: [
      { header: { en: 'Code', sv: 'Kod' }, kind: 'text', value: (r) => r.figure.code },
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.figure.name },
      { header: { en: 'Dimension', sv: 'Dimension' }, kind: 'text', value: (r) => r.dimension },
      { header: { en: 'Category', sv: 'Kategori' }, kind: 'text', value: (r) => r.category },
      { header: { en: 'Value', sv: 'Värde' }, kind: 'number', value: (r) => r.value },
    ],
    rows: answer.indicators.flatMap((figure) =>
      Object.entries(figure.breakdown).flatMap(([dimension, counts]) =>
        Object.entries(counts).map(([category, value]) => ({ figure, dimension, category, value })),
      ),
    ),
  };
  const about: ExportSheet<IndicatorsAnswer> = {
    name: { en: 'About', sv: 'Om uttaget' },
    columns: [
      ...(scope.projectId !== undefined
        ? [{ header: { en: 'Project', sv: 'Projekt' }, kind: 'text' as const, value: () => scope.projectId }]
        : [
            { header: { en: 'Fund', sv: 'Fond' }, kind: 'text' as const, value: () => scope.fund ?? null },
            { header: { en: 'Country', sv: 'Land' }, kind: 'text' as const, value: () => scope.country ?? null },
          ]),
      { header: { en: 'From', sv: 'Från' }, kind: 'date', value: (a) => a.period.from },
      { header: { en: 'To', sv: 'Till' }, kind: 'date', value: (a) => a.period.to },
      ...(scope.asOf !== undefined ? [{ header: { en: 'As of', sv: 'Per' }, kind: 'text' as const, value: () => scope.asOf }] : []),
      { header: { en: 'Log position', sv: 'Loggposition' }, kind: 'number', value: (a) => a.position },
    ],
    rows: [answer],
  };
  return writeWorkbook([indicators, breakdowns, about], lang);
}
