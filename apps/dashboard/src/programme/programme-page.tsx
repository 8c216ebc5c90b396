import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import Table from 'react-bootstrap/Table';
import type { IndicatorsByProject } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { IndicatorCard, TargetProgress } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href } from '../shared/router';
import { useApi } from '../shared/use-api';
import { ProjectFilterFields, type ProjectFilters } from '../projects/projects-page';

/** The table of projects: every project's main figures and progress, from one answer of the API. */
function ProjectFiguresTable({ data }: { data: IndicatorsByProject }) {
  const { t, number } = useI18n();
  if (data.items.length === 0) return <p>{t.noProjects}</p>;
  // The names come with the figures, in the language asked for.
  const names = new Map(data.items.flatMap((project) => project.indicators.map((figure) => [figure.code, figure.name] as const)));
  return (
    <Table responsive size="sm" data-position={data.position}>
      <thead>
        <tr>
          <th scope="col">{t.name}</th>
          {data.main.map((code) => (
            <th scope="col" key={code} className="text-end">
              {names.get(code) ?? code}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.items.map((project) => (
          <tr key={project.id} data-project={project.id}>
            <th scope="row">
              <a href={href(['projects', project.id])}>{project.name}</a>
              <div className="small fw-normal">
                {project.fund} · {project.countries.join(', ')}
              </div>
            </th>
            {data.main.map((code) => {
              const figure = project.indicators.find((f) => f.code === code);
              return (
                <td key={code} className="text-end" data-indicator-value={code}>
                  {figure && (
                    <>
                      <span data-value={figure.value}>{number(figure.value)}</span>
                      <TargetProgress figure={figure} />
                    </>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function ProgrammePage() {
  const { api, session } = useApp();
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<ProjectFilters>({ fund: '', country: '', name: '' });
  const fund = filters.fund || undefined;
  const country = filters.country.length === 2 ? filters.country : undefined;
  // Asked first: the service answers one query at a time, and the table costs a fraction of the figures across
  // projects, so it shows while those are still being counted.
  const projects = useApi(() => api.indicatorsByProject({ fund, country, lang, limit: 500 }), [fund, country, lang]);
  // Figures across every project need programme-wide access; staff and viewers get the table of their own projects.
  const programmeWide = session.permissions.includes('programme:read');
  const figures = useApi(
    () => (programmeWide ? api.programmeIndicators({ fund, country, lang }) : Promise.resolve(null)),
    [programmeWide, fund, country, lang],
  );
  return (
    <>
      <h1 className="h2">{t.programme}</h1>
      <ProjectFilterFields filters={filters} onChange={setFilters} withName={false} />
      <section aria-labelledby="programme-figures">
        <h2 className="h4" id="programme-figures">
          {t.programmeFigures}
        </h2>
        <p className="small text-body-secondary">{t.programmeHelp}</p>
        <LoadStatus loaded={figures}>
          {(data) =>
            data ? (
              <Row xs={1} md={2} xl={3} className="g-3" data-position={data.position}>
                {data.indicators.map((figure) => (
                  <Col key={figure.code}>
                    <IndicatorCard figure={figure} />
                  </Col>
                ))}
              </Row>
            ) : (
              <Alert variant="info">{t.programmeWideOnly}</Alert>
            )
          }
        </LoadStatus>
      </section>
      <section aria-labelledby="programme-projects" className="mt-4">
        <h2 className="h4" id="programme-projects">
          {t.projectTable}
        </h2>
        <LoadStatus loaded={projects}>{(data) => <ProjectFiguresTable data={data} />}</LoadStatus>
      </section>
    </>
  );
}
