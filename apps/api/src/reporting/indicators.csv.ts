import { indicatorDefinition, writeCsv, type ExportSheet, type IndicatorFigure } from '@app/reporting';

/** What an indicators export holds, whatever its format: the figures, the period they cover, the log position. */
export interface IndicatorsAnswer {
  period: { from: string | null; to: string | null };
  position: number;
  indicators: IndicatorFigure[];
}

interface CsvRow {
  figure: IndicatorFigure;
  dimension: string;
  category: string;
  value: number;
  total: boolean;
}

/**
 * One row per indicator, then one per breakdown category; both names (English and Swedish) side by side, so the
 * file's columns never depend on `lang`. Written by the product's one writer (BOM, semicolons, neutralised text).
 */
export function indicatorsCsv(answer: IndicatorsAnswer): string {
  const { from, to } = answer.period;
  const rows: CsvRow[] = answer.indicators.flatMap((figure) => [
    { figure, dimension: '', category: '', value: figure.value, total: true },
    ...Object.entries(figure.breakdown).flatMap(([dimension, counts]) =>
      Object.entries(counts).map(([category, value]) => ({ figure, dimension, category, value, total: false })),
    ),
  ]);
  const name = (row: CsvRow) => indicatorDefinition(row.figure.code)!.name;
  const view: ExportSheet<CsvRow> = {
    name: 'indicators',
    columns: [
      { header: 'code', kind: 'text', value: (r) => r.figure.code },
      { header: 'name', kind: 'text', value: (r) => name(r).en },
      { header: 'namn', kind: 'text', value: (r) => name(r).sv },
      { header: 'unit', kind: 'text', value: (r) => indicatorDefinition(r.figure.code)!.unit.en },
      { header: 'dimension', kind: 'text', value: (r) => r.dimension },
      { header: 'category', kind: 'text', value: (r) => r.category },
      { header: 'value', kind: 'number', value: (r) => r.value },
      { header: 'target', kind: 'number', value: (r) => (r.total ? r.figure.target : null) },
      { header: 'baseline', kind: 'number', value: (r) => (r.total ? r.figure.baseline : null) },
      { header: 'from', kind: 'date', value: () => from },
      { header: 'to', kind: 'date', value: () => to },
      { header: 'position', kind: 'number', value: () => answer.position },
    ],
    rows,
  };
  return writeCsv(view, 'en');
}
