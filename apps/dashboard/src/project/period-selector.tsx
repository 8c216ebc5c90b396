import { useState, type FormEvent, type ReactNode } from 'react';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Form from 'react-bootstrap/Form';
import Row from 'react-bootstrap/Row';
import { useI18n, type Texts } from '../shared/i18n';
import { periodChoices, type PeriodChoice } from '../shared/periods';

export interface PeriodState {
  /** A choice id (`whole`, `2024`, `2024-H1`, `2024-Q3`) or `custom`. */
  period: string;
  from?: string;
  to?: string;
  /** An ISO timestamp: the figures as recorded by then. */
  asOf?: string;
}

export function choiceLabel(t: Texts, choice: PeriodChoice): string {
  switch (choice.kind) {
    case 'whole':
      return t.wholeProject;
    case 'year':
      return t.year(choice.year);
    case 'half':
      return t.half(choice.year, choice.part);
    case 'quarter':
      return t.quarter(choice.year, choice.part);
    default: {
      const never: never = choice.kind;
      return never;
    }
  }
}

/** `<input type="datetime-local">` speaks local time without a zone; the API takes an instant. */
const toLocalInput = (iso?: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** A small form of fields applied together with its own Apply button, named for assistive technology. */
function ApplyForm({ label, onApply, children }: { label: string; onApply: () => void; children: ReactNode }) {
  const { t } = useI18n();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };
  return (
    <Form onSubmit={submit} aria-label={label}>
      <Row className="g-2 align-items-end">
        {children}
        <Col xs="auto">
          <Button type="submit" variant="secondary">
            {t.apply}
          </Button>
        </Col>
      </Row>
    </Form>
  );
}

/** One labelled input of an ApplyForm, in its own column. */
function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <Col>
      <Form.Group controlId={id}>
        <Form.Label>{label}</Form.Label>
        {children}
      </Form.Group>
    </Col>
  );
}

export function PeriodSelector({
  startDate,
  endDate,
  value,
  onChange,
}: {
  startDate: string;
  endDate: string;
  value: PeriodState;
  onChange: (value: PeriodState) => void;
}) {
  const { t } = useI18n();
  const choices = periodChoices(startDate, endDate);
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  const [asOf, setAsOf] = useState(toLocalInput(value.asOf));
  const applyCustom = () => onChange({ ...value, period: 'custom', from: from || undefined, to: to || undefined });
  const choose = (id: string) => {
    if (id === 'custom') return applyCustom();
    const choice = choices.find((c) => c.id === id);
    onChange({ ...value, period: id, from: choice?.from, to: choice?.to });
  };
  const applyAsOf = () => onChange({ ...value, asOf: asOf ? new Date(asOf).toISOString() : undefined });
  return (
    <Row className="g-3 mb-3 align-items-end period-selector">
      <Col md={3}>
        <Form.Group controlId="period">
          <Form.Label>{t.periodSelector}</Form.Label>
          <Form.Select value={value.period} onChange={(e) => choose(e.target.value)}>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {choiceLabel(t, c)}
              </option>
            ))}
            <option value="custom">{t.customPeriod}</option>
          </Form.Select>
        </Form.Group>
      </Col>
      {value.period === 'custom' && (
        <Col md={4}>
          <ApplyForm label={t.customPeriod} onApply={applyCustom}>
            <Field id="period-from" label={t.from}>
              <Form.Control type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
            <Field id="period-to" label={t.to}>
              <Form.Control type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
          </ApplyForm>
        </Col>
      )}
      <Col md={5}>
        <ApplyForm label={t.asOfHelp} onApply={applyAsOf}>
          <Field id="as-of" label={t.asOf}>
            <Form.Control type="datetime-local" step={1} value={asOf} onChange={(e) => setAsOf(e.target.value)} aria-describedby="as-of-help" />
            <Form.Text id="as-of-help" className="visually-hidden">
              {t.asOfHelp}
            </Form.Text>
          </Field>
        </ApplyForm>
      </Col>
    </Row>
  );
}
