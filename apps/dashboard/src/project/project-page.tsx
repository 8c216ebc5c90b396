import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import type { PeriodQuery } from '../api/api-client';
import type { IndicatorFigure, ProjectSummary } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { IndicatorCard } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href, navigate, type Route } from '../shared/router';
import { useApi } from '../shared/use-api';
import { EvidenceModal } from './evidence-modal';
import { PeriodSelector, type PeriodState } from './period-selector';
import { ReportsPanel } from './reports-panel';
import { TrendChart } from './trend-chart';

/** The period and moment a project page shows live in its URL, so a link or a reload shows the same figures. */
export function periodOf(route: Route): PeriodState {
  const q = route.query;
  return { period: q.get('period') ?? 'whole', from: q.get('from') ?? undefined, to: q.get('to') ?? undefined, asOf: q.get('asOf') ?? undefined };
}

export function AsOfBanner({ asOf, position, onBack }: { asOf: string; position: number; onBack?: () => void }) {
  const { t, dateTime, number } = useI18n();
  return (
    <Alert variant="warning" className="d-flex flex-wrap align-items-center gap-2" data-as-of={asOf}>
      <strong>{t.asOfBanner(dateTime(asOf), number(position))}</strong>
      {onBack && (
        <Button size="sm" variant="dark" onClick={onBack} className="ms-auto d-print-none">
          {t.backToNow}
        </Button>
      )}
    </Alert>
  );
}

function Figures({ project, state }: { project: ProjectSummary; state: PeriodState }) {
  const { api } = useApp();
  const { t, lang, number } = useI18n();
  const [evidenceOf, setEvidenceOf] = useState<IndicatorFigure | undefined>();
  const query: PeriodQuery = { from: state.from, to: state.to, asOf: state.asOf };
  const loaded = useApi(() => api.projectIndicators(project.id, { ...query, lang }), [project.id, state.from, state.to, state.asOf, lang]);
  const show = (next: PeriodState) => navigate(['projects', project.id], { ...next, period: next.period });
  return (
    <LoadStatus loaded={loaded}>
      {(figures) => (
        <section aria-labelledby="figures-title" data-position={figures.position}>
          <h2 className="h4" id="figures-title">
            {state.asOf ? t.asOf : t.current}
          </h2>
          {state.asOf ? (
            <AsOfBanner asOf={state.asOf} position={figures.position} onBack={() => show({ ...state, asOf: undefined })} />
          ) : (
            <p className="small text-body-secondary">{t.figuresAt(number(figures.position))}</p>
          )}
          <Row xs={1} md={2} xl={3} className="g-3">
            {figures.indicators.map((figure) => (
              <Col key={figure.code}>
                <IndicatorCard figure={figure} asOf={state.asOf} onEvidence={setEvidenceOf} />
              </Col>
            ))}
          </Row>
          {evidenceOf && <EvidenceModal projectId={project.id} figure={evidenceOf} query={query} onClose={() => setEvidenceOf(undefined)} />}
        </section>
      )}
    </LoadStatus>
  );
}

export function ProjectPage({ projectId, route }: { projectId: string; route: Route }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const state = periodOf(route);
  const loaded = useApi(() => api.project(projectId), [projectId]);
  const show = (next: PeriodState) => navigate(['projects', projectId], { period: next.period, from: next.from, to: next.to, asOf: next.asOf });
  return (
    <LoadStatus loaded={loaded}>
      {(project) => (
        <>
          <div className="d-flex flex-wrap align-items-baseline gap-3">
            <h1 className="h2">{project.name}</h1>
            <a className="btn btn-outline-secondary btn-sm ms-auto" href={href(['projects', projectId, 'print'], { ...state })}>
              {t.print}
            </a>
          </div>
          <p className="text-body-secondary">
            {project.programme} · {project.fund} · {project.countries.join(', ')} · {date(project.startDate)} – {date(project.endDate)}
          </p>
          <PeriodSelector key={`${state.period}|${state.asOf ?? ''}`} startDate={project.startDate} endDate={project.endDate} value={state} onChange={show} />
          <Figures project={project} state={state} />
          <TrendChart project={project} asOf={state.asOf} />
          <ReportsPanel projectId={projectId} />
        </>
      )}
    </LoadStatus>
  );
}
