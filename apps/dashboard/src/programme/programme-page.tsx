import { useState } from 'react';
import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import Table from 'react-bootstrap/Table';
import type { ProjectSummary } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { IndicatorCard, TargetProgress } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href } from '../shared/router';
import { useApi } from '../shared/use-api';
import { ProjectFilterFields, type ProjectFilters } from '../projects/projects-page';

/** The columns of the projects table: the figures programme officers compare first. */
const MAIN = ['participants', 'smes-reached', 'activities', 'outcomes'];

function ProjectRow({ project }: { project: ProjectSummary }) {
  const { api } = useApp();
  const { lang, number } = useI18n();
  const loaded = useApi(() => api.projectIndicators(project.id, { lang }), [project.id, lang]);
  return (
    <tr data-project={project.id}>
      <th scope="row">
        <a href={href(['projects', project.id])}>{project.name}</a>
        <div className="small fw-normal">
          {project.fund} · {project.countries.join(', ')}
        </div>
      </th>
      {MAIN.map((code) => (
        <td key={code} className="text-end">
          <LoadStatus loaded={loaded}>
            {(figures) => {
              const figure = figures.indicators.find((f) => f.code === code);
              return figure ? (
                <>
                  <span data-value={figure.value}>{number(figure.value)}</span>
                  <TargetProgress figure={figure} />
                </>
              ) : null;
            }}
          </LoadStatus>
        </td>
      ))}
    </tr>
  );
}

export function ProgrammePage() {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<ProjectFilters>({ fund: '', country: '', name: '' });
  const fund = filters.fund || undefined;
  const country = filters.country.length === 2 ? filters.country : undefined;
  const figures = useApi(() => api.programmeIndicators({ fund, country, lang }), [fund, country, lang]);
  const projects = useApi(() => api.projects({ fund, country, limit: 500 }), [fund, country]);
  const catalogue = useApi(() => api.catalogue(), []);
  const name = (code: string) => (catalogue.state === 'ok' ? catalogue.data.find((c) => c.code === code)?.name[lang] : undefined) ?? code;
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
          {(data) => (
            <Row xs={1} md={2} xl={3} className="g-3" data-position={data.position}>
              {data.indicators.map((figure) => (
                <Col key={figure.code}>
                  <IndicatorCard figure={figure} />
                </Col>
              ))}
            </Row>
          )}
        </LoadStatus>
      </section>
      <section aria-labelledby="programme-projects" className="mt-4">
        <h2 className="h4" id="programme-projects">
          {t.projectTable}
        </h2>
        <LoadStatus loaded={projects}>
          {(page) => (
            <Table responsive size="sm">
              <thead>
                <tr>
                  <th scope="col">{t.name}</th>
                  {MAIN.map((code) => (
                    <th scope="col" key={code} className="text-end">
                      {name(code)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.items.map((project) => (
                  <ProjectRow key={project.id} project={project} />
                ))}
              </tbody>
            </Table>
          )}
        </LoadStatus>
      </section>
    </>
  );
}
