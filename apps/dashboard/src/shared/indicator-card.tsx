import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import type { IndicatorFigure, IndicatorValue } from '../api/api-types';
import { BarChart } from './charts';
import { useI18n } from './i18n';

/** Labels for breakdown categories; a category the list does not know is shown as the API named it. */
const CATEGORY_LABELS: Record<string, { en: string; sv: string }> = {
  woman: { en: 'Women', sv: 'Kvinnor' },
  man: { en: 'Men', sv: 'Män' },
  another: { en: 'Another gender', sv: 'Annat kön' },
  'not-stated': { en: 'Not stated', sv: 'Ej angivet' },
  micro: { en: 'Micro', sv: 'Mikro' },
  small: { en: 'Small', sv: 'Små' },
  medium: { en: 'Medium', sv: 'Medelstora' },
  large: { en: 'Large', sv: 'Stora' },
  started: { en: 'Started', sv: 'Startade' },
  completed: { en: 'Completed', sv: 'Slutförda' },
};
const DIMENSION_LABELS: Record<string, { en: string; sv: string }> = {
  gender: { en: 'Gender', sv: 'Kön' },
  sizeClass: { en: 'Size class', sv: 'Storleksklass' },
  stage: { en: 'Stage', sv: 'Skede' },
  type: { en: 'Organisation type', sv: 'Organisationstyp' },
  format: { en: 'Format', sv: 'Format' },
  kind: { en: 'Kind', sv: 'Typ' },
  status: { en: 'Status', sv: 'Status' },
  country: { en: 'Country', sv: 'Land' },
};

export function useLabels() {
  const { lang } = useI18n();
  return {
    category: (category: string) => CATEGORY_LABELS[category]?.[lang] ?? category,
    dimension: (dimension: string) => DIMENSION_LABELS[dimension]?.[lang] ?? dimension,
  };
}

/**
 * Bootstrap's progress markup with the accessible name on the element that has the progressbar role
 * (react-bootstrap puts extra attributes on the wrapper, where axe rightly refuses them).
 */
export function Progress({ fraction, label, name, className }: { fraction: number; label: string; name: string; className?: string }) {
  const shown = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className={`progress ${className ?? ''}`}>
      <div className="progress-bar" role="progressbar" aria-label={name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={shown} style={{ width: `${shown}%` }}>
        {label}
      </div>
    </div>
  );
}

export function TargetProgress({ figure }: { figure: IndicatorValue }) {
  const { t, number, percent } = useI18n();
  if (figure.target === null) return null;
  const fraction = figure.target > 0 ? figure.value / figure.target : 0;
  return (
    <div className="mt-2">
      <div className="small">
        {t.target}: <span data-target>{number(figure.target)}</span>
        {figure.baseline !== null && (
          <>
            {' · '}
            {t.baseline}: <span data-baseline>{number(figure.baseline)}</span>
          </>
        )}
      </div>
      <Progress fraction={fraction} label={percent(fraction)} name={t.progressLabel(figure.name, percent(fraction))} />
    </div>
  );
}

/** One indicator: value, unit, target and baseline, and its breakdown. The figure is the API's, unchanged. */
export function IndicatorCard({
  figure,
  asOf,
  onEvidence,
}: {
  figure: IndicatorFigure;
  asOf?: string;
  onEvidence?: (figure: IndicatorFigure) => void;
}) {
  const { t, number } = useI18n();
  const labels = useLabels();
  const dimensions = Object.entries(figure.breakdown).filter(([, categories]) => Object.keys(categories).length > 0);
  const chartLabels = dimensions.flatMap(([dimension, categories]) =>
    Object.keys(categories).map((c) => (dimensions.length > 1 ? `${labels.dimension(dimension)}: ${labels.category(c)}` : labels.category(c))),
  );
  const chartValues = dimensions.flatMap(([, categories]) => Object.values(categories));
  const summary = `${t.breakdown} ${figure.name}: ${chartLabels.map((label, i) => `${label} ${number(chartValues[i])}`).join(', ')}`;
  return (
    <Card as="article" className="h-100 indicator-card" data-indicator={figure.code} aria-labelledby={`indicator-${figure.code}`}>
      <Card.Body>
        <Card.Title as="h3" className="h6" id={`indicator-${figure.code}`}>
          {figure.name} <span className="text-body-secondary small">({figure.code})</span>
        </Card.Title>
        <p className="mb-1">
          <span className="display-6" data-value={figure.value}>
            {number(figure.value)}
          </span>{' '}
          <span data-unit>{figure.unit}</span>
          {asOf && <span className="badge text-bg-warning ms-2">{t.asOf}</span>}
        </p>
        <TargetProgress figure={figure} />
        {chartLabels.length > 0 && (
          <div className="mt-2">
            <BarChart labels={chartLabels} series={[{ label: figure.name, values: chartValues }]} summary={summary} height={Math.max(90, chartLabels.length * 26)} />
          </div>
        )}
        {onEvidence && (
          <Button variant="outline-primary" size="sm" className="mt-2" onClick={() => onEvidence(figure)} data-evidence-button={figure.code}>
            {t.evidence}
            <span className="visually-hidden">: {figure.name}</span>
          </Button>
        )}
      </Card.Body>
    </Card>
  );
}
