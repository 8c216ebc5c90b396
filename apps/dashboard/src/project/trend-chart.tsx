import type { ProjectSummary } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { LineChart } from '../shared/charts';
import { useI18n } from '../shared/i18n';
import { LoadStatus } from '../shared/load-status';
import { halfYears } from '../shared/periods';
import { useApi } from '../shared/use-api';

/** The indicators the trend follows: people, enterprises, activities and what came out of them. */
const MAIN_INDICATORS = ['participants', 'smes-reached', 'activities', 'outcomes'];

export function TrendChart({ project, asOf }: { project: ProjectSummary; asOf?: string }) {
  const { api } = useApp();
  const { t, lang, number } = useI18n();
  const halves = halfYears(project.startDate, project.endDate);
  const loaded = useApi(
    () => Promise.all(halves.map((h) => api.projectIndicators(project.id, { from: h.from, to: h.to, asOf, lang }))),
    [project.id, asOf, lang],
  );
  return (
    <section aria-labelledby="trend-title" className="mt-4">
      <h2 className="h4" id="trend-title">
        {t.trend}
      </h2>
      <p className="small text-body-secondary">{t.trendHelp}</p>
      <LoadStatus loaded={loaded}>
        {(perHalf) => {
          const labels = halves.map((h) => t.half(h.year, h.part));
          const series = MAIN_INDICATORS.flatMap((code) => {
            const name = perHalf[0]?.indicators.find((f) => f.code === code)?.name;
            if (!name) return [];
            return [{ label: name, values: perHalf.map((figures) => figures.indicators.find((f) => f.code === code)?.value ?? 0) }];
          });
          const summary = series.map((s) => `${s.label}: ${s.values.map((v, i) => `${labels[i]} ${number(v)}`).join(', ')}`).join('; ');
          return <LineChart labels={labels} series={series} summary={`${t.trend}. ${summary}`} />;
        }}
      </LoadStatus>
    </section>
  );
}
