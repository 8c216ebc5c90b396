import { indicatorDefinition, type IndicatorFigure } from '@app/reporting';

const COLUMNS = ['code', 'name', 'namn', 'unit', 'dimension', 'category', 'value', 'target', 'baseline', 'from', 'to', 'position'];

/**
 * CSV as Excel opens it in Sweden and Norway: UTF-8 with a byte order mark (so å, ä and ö survive) and
 * semicolons, the list separator of those locales. One row per indicator, then one per breakdown category.
 */
export function indicatorsCsv(answer: { period: { from: string | null; to: string | null }; position: number; indicators: IndicatorFigure[] }): string {
  const rows: Array<Array<string | number | null>> = [COLUMNS];
  const { from, to } = answer.period;
  for (const figure of answer.indicators) {
    const definition = indicatorDefinition(figure.code)!;
    const base = [figure.code, definition.name.en, definition.name.sv, definition.unit.en];
    rows.push([...base, '', '', figure.value, figure.target, figure.baseline, from, to, answer.position]);
    for (const [dimension, counts] of Object.entries(figure.breakdown)) {
      for (const [category, count] of Object.entries(counts)) {
        rows.push([...base, dimension, category, count, null, null, from, to, answer.position]);
      }
    }
  }
  return `\uFEFF${rows.map((row) => row.map(cell).join(';')).join('\r\n')}\r\n`;
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading = + - @ would make Excel run the cell as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[";\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
