import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';
import { ApiError } from '../api/api-client';
import type { Report, ReportSummary, Verification } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { LoadStatus } from '../shared/load-status';
import { useApi } from '../shared/use-api';

function ReportRow({ summary }: { summary: ReportSummary }) {
  const { api, session } = useApp();
  const { t, dateTime, date, number } = useI18n();
  const [recorded, setRecorded] = useState(0);
  const [refusal, setRefusal] = useState<string | undefined>();
  const loaded = useApi(async () => {
    const [report, verification] = await Promise.all([api.report(summary.id), api.verification(summary.id)]);
    return { report, verification } as { report: Report; verification: Verification };
  }, [summary.id, recorded]);
  // The API says what the caller may do; the page only offers what it would accept.
  const mayVerify = session.permissions.includes('reports:verify');
  const record = async () => {
    setRefusal(undefined);
    try {
      await api.recordVerification(summary.id);
      setRecorded((n) => n + 1);
    } catch (error) {
      setRefusal(error instanceof ApiError ? error.message : String(error));
    }
  };
  return (
    <tr data-report={summary.id}>
      <td>
        <strong>{summary.label}</strong>
        <div className="small">
          {t.period}: {summary.from ? date(summary.from) : '…'} – {summary.to ? date(summary.to) : '…'}
        </div>
      </td>
      <td>
        {dateTime(summary.submittedAt)} {t.by} {summary.submittedBy}
      </td>
      <td>
        <LoadStatus loaded={loaded}>
          {({ report, verification }) => (
            <div data-verification={verification.result}>
              <Badge bg={verification.result === 'match' ? 'success' : 'danger'}>{verification.result === 'match' ? t.match : t.mismatch}</Badge>{' '}
              <span className="small">{verification.digestMatches ? t.digestHolds : t.digestBroken}</span>
              {verification.changesSince.differences.length > 0 && (
                <div className="small">{t.changesSince(verification.changesSince.differences.length)}</div>
              )}
              {verification.changesSince.differences.length > 0 && (
                <ul className="small mb-1">
                  {verification.changesSince.differences.map((d) => (
                    <li key={`${d.code}-${d.field}`}>
                      {d.code} {d.field}: {d.reported === null ? '–' : number(d.reported)} → {d.recomputed === null ? '–' : number(d.recomputed)}
                    </li>
                  ))}
                </ul>
              )}
              {report.verifications.length > 0 && (
                <div className="small mt-1">
                  {t.verifications}:
                  <ul className="mb-0" data-recorded-verifications>
                    {report.verifications.map((v) => (
                      <li key={v.position}>
                        {v.result === 'match' ? t.match : t.mismatch}, {dateTime(v.verifiedAt)} {t.by} {v.verifiedBy}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          )}
        </LoadStatus>
        {refusal && <Alert variant="danger">{refusal}</Alert>}
      </td>
      <td>
        {mayVerify && (
          <Button size="sm" variant="outline-success" onClick={record}>
            {t.recordVerification}
            <span className="visually-hidden">: {summary.label}</span>
          </Button>
        )}
      </td>
    </tr>
  );
}

export function ReportsPanel({ projectId }: { projectId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const loaded = useApi(() => api.reports(projectId), [projectId]);
  return (
    <section aria-labelledby="reports-title" className="mt-4">
      <h2 className="h4" id="reports-title">
        {t.reports}
      </h2>
      <LoadStatus loaded={loaded}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t.noReports}</p>
          ) : (
            <Table responsive size="sm">
              <thead>
                <tr>
                  <th scope="col">{t.label}</th>
                  <th scope="col">{t.submitted}</th>
                  <th scope="col">{t.verification}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t.recordVerification}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((summary) => (
                  <ReportRow key={summary.id} summary={summary} />
                ))}
              </tbody>
            </Table>
          )
        }
      </LoadStatus>
    </section>
  );
}
