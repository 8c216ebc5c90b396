import { useEffect } from 'react';
import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { useLabels } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href, type Route } from '../shared/router';
import { useApi } from '../shared/use-api';
import { AsOfBanner, periodOf } from '../project/project-page';

/** The project's figures for one period on A4 pages (see print.css), for attaching to a funder report. */
export function PrintPage({ projectId, route }: { projectId: string; route: Route }) {
  const { api } = useApp();
  const { t, lang, number, date, dateTime } = useI18n();
  const labels = useLabels();
  const state = periodOf(route);
  const loaded = useApi(
    () => Promise.all([api.project(projectId), api.projectIndicators(projectId, { from: state.from, to: state.to, asOf: state.asOf, lang })]),
    [projectId, state.from, state.to, state.asOf, lang],
  );
  useEffect(() => {
    document.body.classList.add('print-view');
    return () => document.body.classList.remove('print-view');
  }, []);
  return (
    <LoadStatus loaded={loaded}>
      {([project, figures]) => (
        <article className="a4">
          <div className="d-flex gap-2 d-print-none mb-3">
            <a className="btn btn-outline-secondary" href={href(['projects', projectId], { ...state })}>
              ← {project.name}
            </a>
            <Button onClick={() => window.print()}>{t.printNow}</Button>
          </div>
          <h1 className="h3">{project.name}</h1>
          <p>
            {project.programme} · {project.fund} · {project.countries.join(', ')}
            <br />
            {t.period}: {state.from ? date(state.from) : date(project.startDate)} – {state.to ? date(state.to) : date(project.endDate)}
            <br />
            {t.figuresAt(number(figures.position))} · {t.printedAt} {dateTime(new Date().toISOString())}
          </p>
          {state.asOf && <AsOfBanner asOf={state.asOf} position={figures.position} />}
          <Table size="sm" bordered className="print-table">
            <thead>
              <tr>
                <th scope="col">{t.indicator}</th>
                <th scope="col" className="text-end">
                  {t.value}
                </th>
                <th scope="col">{t.unit}</th>
                <th scope="col" className="text-end">
                  {t.target}
                </th>
                <th scope="col" className="text-end">
                  {t.baseline}
                </th>
                <th scope="col">{t.breakdown}</th>
              </tr>
            </thead>
            <tbody>
              {figures.indicators.map((f) => (
                <tr key={f.code} data-indicator={f.code}>
                  <td>
                    {f.name} <span className="small">({f.code})</span>
                  </td>
                  <td className="text-end" data-value={f.value}>
                    {number(f.value)}
                  </td>
                  <td>{f.unit}</td>
                  <td className="text-end">{f.target === null ? '' : number(f.target)}</td>
                  <td className="text-end">{f.baseline === null ? '' : number(f.baseline)}</td>
                  <td className="small">
                    {Object.entries(f.breakdown)
                      .flatMap(([dimension, categories]) =>
                        Object.entries(categories)
                          .filter(([, v]) => v > 0)
                          .map(([c, v]) => `${labels.dimension(dimension)} ${labels.category(c)}: ${number(v)}`),
                      )
                      .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </article>
      )}
    </LoadStatus>
  );
}
