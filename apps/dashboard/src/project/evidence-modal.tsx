import Alert from 'react-bootstrap/Alert';
import Modal from 'react-bootstrap/Modal';
import Table from 'react-bootstrap/Table';
import { ApiError, type PeriodQuery } from '../api/api-client';
import type { AuditEvent, EvidenceItem, IndicatorFigure } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { useLabels } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href } from '../shared/router';
import { useApi } from '../shared/use-api';

interface Traced {
  item: EvidenceItem;
  event?: AuditEvent;
  /** The counted entity's own stream, where its history is. */
  stream?: string;
  name?: string;
}

/** Items shown with their events; the rest are listed by id (a lab of 10,000 people needs paging, not this). */
const TRACE_LIMIT = 200;

/**
 * What one figure counted: each entity, the event that made it count, and a link to that entity's history.
 * Names come only from routes that decide themselves whether the caller may see them.
 */
export function EvidenceModal({ projectId, figure, query, onClose }: { projectId: string; figure: IndicatorFigure; query: PeriodQuery; onClose: () => void }) {
  const { api } = useApp();
  const { t, number, dateTime } = useI18n();
  const labels = useLabels();
  const loaded = useApi(async () => {
    const evidence = await api.evidence(projectId, figure.code, query);
    let refused: string | undefined;
    const traced: Traced[] = await Promise.all(
      evidence.items.map(async (item, index): Promise<Traced> => {
        if (index >= TRACE_LIMIT) return { item };
        const entity = await entityOf(item.key);
        if (refused) return { item, ...entity };
        try {
          return { item, ...entity, event: await api.eventAt(item.position) };
        } catch (error) {
          if (error instanceof ApiError && error.status === 403) refused = error.message;
          else throw error;
          return { item, ...entity };
        }
      }),
    );
    return { evidence, traced, refused };
  }, [projectId, figure.code, query.from, query.to, query.asOf]);

  /**
   * The entity counted is an organisation or a person; the evidence names only its id. Each route decides
   * whether this caller may see it (a viewer is refused a person), and a refusal simply shows no name.
   */
  async function entityOf(key: string): Promise<{ stream?: string; name?: string }> {
    try {
      return { stream: `organisation-${key}`, name: (await api.organisation(key)).name };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) return {};
    }
    try {
      const participant = await api.participant(key);
      return { stream: `participant-${key}`, name: participant.person?.name ?? undefined };
    } catch {
      return {};
    }
  }

  const dimensions = Object.keys(figure.breakdown);
  return (
    <Modal show onHide={onClose} size="xl" aria-labelledby="evidence-title" scrollable>
      <Modal.Header closeButton closeLabel={t.close}>
        <Modal.Title id="evidence-title" as="h2" className="h5">
          {t.evidenceFor(figure.name)}
        </Modal.Title>
      </Modal.Header>
      <Modal.Body>
        <p>{t.evidenceHelp}</p>
        <LoadStatus loaded={loaded}>
          {({ evidence, traced, refused }) => (
            <>
              <p>
                {t.value}: <strong data-evidence-value>{number(evidence.value)}</strong>
              </p>
              {refused && (
                <Alert variant="info">
                  {t.eventsUnavailable} {refused}
                </Alert>
              )}
              <Table size="sm" responsive data-evidence={figure.code}>
                <thead>
                  <tr>
                    <th scope="col">{t.entity}</th>
                    {dimensions.map((d) => (
                      <th scope="col" key={d}>
                        {labels.dimension(d)}
                      </th>
                    ))}
                    <th scope="col">{t.event}</th>
                    <th scope="col">{t.recordedAt}</th>
                    <th scope="col">{t.actor}</th>
                    <th scope="col">{t.history}</th>
                  </tr>
                </thead>
                <tbody>
                  {traced.map(({ item, event, stream, name }) => (
                    <tr key={`${item.key}-${item.position}`} data-evidence-item={item.key}>
                      <td>
                        {name && <div data-entity-name>{name}</div>}
                        <code className="small">{item.key}</code>
                      </td>
                      {dimensions.map((d) => (
                        <td key={d}>{item[d] === undefined ? '' : labels.category(String(item[d]))}</td>
                      ))}
                      <td>
                        {event ? `${event.type} (${event.streamName.split('-')[0]})` : ''} <span className="small text-body-secondary">#{item.position}</span>
                      </td>
                      <td>{event ? dateTime(event.recordedAt) : ''}</td>
                      <td>{event?.metadata.actor ?? ''}</td>
                      <td>
                        {stream && (
                          <a href={href(['history', stream])}>
                            {t.history}
                            <span className="visually-hidden">: {stream}</span>
                          </a>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </>
          )}
        </LoadStatus>
      </Modal.Body>
    </Modal>
  );
}
