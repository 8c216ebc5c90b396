import { useState } from 'react';
import Form from 'react-bootstrap/Form';
import Row from 'react-bootstrap/Row';
import Col from 'react-bootstrap/Col';
import Table from 'react-bootstrap/Table';
import type { ProjectFigures } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { Progress } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href } from '../shared/router';
import { useApi } from '../shared/use-api';

export interface ProjectFilters {
  fund: string;
  country: string;
  name: string;
}

export function ProjectFilterFields({ filters, onChange, withName }: { filters: ProjectFilters; onChange: (f: ProjectFilters) => void; withName: boolean }) {
  const { t } = useI18n();
  return (
    <Form role="search" aria-label={t.filters} onSubmit={(e) => e.preventDefault()}>
      <Row className="g-2 mb-3">
        {withName && (
          <Col md={5}>
            <Form.Group controlId="filter-name">
              <Form.Label>{t.search}</Form.Label>
              <Form.Control type="search" value={filters.name} onChange={(e) => onChange({ ...filters, name: e.target.value })} />
            </Form.Group>
          </Col>
        )}
        <Col md={3}>
          <Form.Group controlId="filter-fund">
            <Form.Label>{t.fund}</Form.Label>
            <Form.Control value={filters.fund} onChange={(e) => onChange({ ...filters, fund: e.target.value })} placeholder="ERDF" />
          </Form.Group>
        </Col>
        <Col md={3}>
          <Form.Group controlId="filter-country">
            <Form.Label>{t.country}</Form.Label>
            <Form.Control
              value={filters.country}
              maxLength={2}
              onChange={(e) => onChange({ ...filters, country: e.target.value.toUpperCase() })}
              placeholder="SE"
            />
          </Form.Group>
        </Col>
      </Row>
    </Form>
  );
}

/** Progress towards each target the project has set, as the API counts it for the whole project. */
export function ProjectProgress({ project }: { project: ProjectFigures }) {
  const { t, percent } = useI18n();
  const targeted = project.indicators.filter((f) => f.target !== null && f.target > 0);
  if (targeted.length === 0) return <span className="text-body-secondary">{t.noTargets}</span>;
  const met = targeted.filter((f) => f.value >= (f.target ?? 0)).length;
  return (
    <div>
      <div className="small">{t.targetsMet(met, targeted.length)}</div>
      {targeted.slice(0, 3).map((f) => {
        const fraction = f.value / (f.target ?? 1);
        // The words beside the bar, not in it: a bar at 5 % has no room for them.
        return (
          <div key={f.code} className="mt-1">
            <div className="small" aria-hidden="true">
              {f.code} {percent(fraction)}
            </div>
            <Progress fraction={fraction} label="" name={t.progressLabel(`${project.name}, ${f.name}`, percent(fraction))} />
          </div>
        );
      })}
    </div>
  );
}

export function ProjectsTable({ projects }: { projects: ProjectFigures[] }) {
  const { t, date } = useI18n();
  if (projects.length === 0) return <p>{t.noProjects}</p>;
  return (
    <Table responsive hover>
      <thead>
        <tr>
          <th scope="col">{t.name}</th>
          <th scope="col">{t.fund}</th>
          <th scope="col">{t.countries}</th>
          <th scope="col">{t.period}</th>
          <th scope="col">{t.progress}</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((project) => (
          <tr key={project.id} data-project={project.id}>
            <td>
              <a href={href(['projects', project.id])}>{project.name}</a>
              <div className="small text-body-secondary">{project.programme}</div>
            </td>
            <td>{project.fund}</td>
            <td>{project.countries.join(', ')}</td>
            <td>
              {date(project.startDate)} – {date(project.endDate)}
            </td>
            <td className="progress-cell">
              <ProjectProgress project={project} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function ProjectsPage() {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<ProjectFilters>({ fund: '', country: '', name: '' });
  // One call for the list and every project's progress: the API answers only the projects the caller may see.
  const loaded = useApi(
    () =>
      api.indicatorsByProject({
        fund: filters.fund || undefined,
        country: filters.country.length === 2 ? filters.country : undefined,
        name: filters.name || undefined,
        lang,
        limit: 100,
      }),
    [filters.fund, filters.country, filters.name, lang],
  );
  return (
    <>
      <h1 className="h2">{t.projects}</h1>
      <ProjectFilterFields filters={filters} onChange={setFilters} withName />
      <LoadStatus loaded={loaded}>{(page) => <ProjectsTable projects={page.items} />}</LoadStatus>
    </>
  );
}
