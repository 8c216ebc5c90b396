import { type ExportLanguage, type ExportSheet, type FunderReport, writeWorkbook } from '@app/reporting';

type Indicator = FunderReport['indicators'][number];
type BreakdownRow = Indicator['breakdown'][number] & { code: string; name: string };

const RULE_WORDS: Record<Indicator['rule'], { en: string; sv: string }> = {
  'distinct-new': { en: 'new since the previous report (distinct count)', sv: 'nytt sedan föregående rapport (unika)' },
  'period-value': { en: "the report period's value", sv: 'rapportperiodens värde' },
};

const FIGURES = [
  { header: { en: 'Previously reported', sv: 'Tidigare rapporterat' }, kind: 'number', value: (row: { previouslyReported: number }) => row.previouslyReported },
  { header: { en: 'This report', sv: 'Denna rapport' }, kind: 'number', value: (row: { thisReport: number }) => row.thisReport },
  { header: { en: 'Cumulative', sv: 'Ackumulerat' }, kind: 'number', value: (row: { cumulative: number }) => row.cumulative },
] as const;

/**
 * The funder's layout as a workbook, through the product's one writer: the indicators (Jems columns), their
 * breakdowns, and the report's facts with the digest of the figures in a cell of its own.
 */
export function funderReportXlsx(report: FunderReport, lang: ExportLanguage): Promise<Buffer> {
  const indicators: ExportSheet<Indicator> = {
    name: { en: 'Indicators', sv: 'Indikatorer' },
    columns: [
      { header: { en: 'Code', sv: 'Kod' }, kind: 'text', value: (i) => i.code },
      { header: { en: 'Indicator', sv: 'Indikator' }, kind: 'text', value: (i) => i.name },
      { header: { en: 'Unit', sv: 'Enhet' }, kind: 'text', value: (i) => i.unit },
      { header: { en: 'Target', sv: 'Målvärde' }, kind: 'number', value: (i) => i.target },
      { header: { en: 'Baseline', sv: 'Utgångsvärde' }, kind: 'number', value: (i) => i.baseline },
      ...FIGURES,
      { header: { en: 'This report is', sv: 'Denna rapport avser' }, kind: 'text', value: (i) => RULE_WORDS[i.rule][lang] },
    ],
    rows: report.indicators,
  };
  const breakdowns: ExportSheet<BreakdownRow> = {
    name: { en: 'Breakdowns', sv: 'Fördelningar' },
    columns: [
      { header: { en: 'Code', sv: 'Kod' }, kind: 'text', value: (b) => b.code },
      { header: { en: 'Indicator', sv: 'Indikator' }, kind: 'text', value: (b) => b.name },
      { header: { en: 'Dimension', sv: 'Dimension' }, kind: 'text', value: (b) => b.dimension },
      { header: { en: 'Category', sv: 'Kategori' }, kind: 'text', value: (b) => b.category },
      ...FIGURES,
    ],
    rows: report.indicators.flatMap((i) => i.breakdown.map((b) => ({ ...b, code: i.code, name: i.name }))),
  };
  const facts: ExportSheet<FunderReport> = {
    name: { en: 'Report', sv: 'Rapport' },
    columns: [
      { header: { en: 'Report', sv: 'Rapport' }, kind: 'text', value: (r) => r.label },
      { header: { en: 'Report id', sv: 'Rapport-id' }, kind: 'text', value: (r) => r.reportId },
      { header: { en: 'Project id', sv: 'Projekt-id' }, kind: 'text', value: (r) => r.projectId },
      { header: { en: 'Period from', sv: 'Period från' }, kind: 'date', value: (r) => r.period.from },
      { header: { en: 'Period to', sv: 'Period till' }, kind: 'date', value: (r) => r.period.to },
      { header: { en: 'Log position', sv: 'Loggposition' }, kind: 'number', value: (r) => r.position },
      { header: { en: 'Previous report', sv: 'Föregående rapport' }, kind: 'text', value: (r) => r.previousReport?.label },
      { header: { en: 'Previous report id', sv: 'Föregående rapport-id' }, kind: 'text', value: (r) => r.previousReport?.reportId },
      { header: { en: 'Previous period to', sv: 'Föregående period till' }, kind: 'date', value: (r) => r.previousReport?.period.to },
      { header: { en: 'Previous log position', sv: 'Föregående loggposition' }, kind: 'number', value: (r) => r.previousReport?.position },
      { header: { en: 'Digest (SHA-256 of the figures)', sv: 'Kontrollsumma (SHA-256 av siffrorna)' }, kind: 'text', value: (r) => r.digest },
    ],
    rows: [report],
  };
  return writeWorkbook([indicators, breakdowns, facts] as ExportSheet[], lang);
}
