import Modal from 'react-bootstrap/Modal';
import Table from 'react-bootstrap/Table';
import { ApiError, type PeriodQuery } from '../api/api-client';
import type { EvidenceItem, IndicatorFigure, Session } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { useLabels } from '../shared/indicator-card';
import { LoadStatus } from '../shared/load-status';
import { href } from '../shared/router';
import { useApi } from '../shared/use-api';

/** Entities named; the rest are listed by id (a lab of 10,000 people needs paging, not this). */
const NAME_LIMIT = 200;

function category(streamName: string): string {
  return streamName.slice(0, streamName.indexOf('-'));
}

/**
 * Where the entity's history can be read with the caller's permissions: the log (log:read), or the project's
 * history (records:read). An organisation is shared by every project, so its own stream is not the project's:
 * staff are taken to the record that counted it (the support, the lab admission, the pilot case). A viewer
 * reads neither, and gets no link.
 */
function historyPath(session: Session, projectId: string, item: EvidenceItem): string[] | undefined {
  if (session.permissions.includes('log:read')) return ['history', item.streamName];
  if (!session.permissions.includes('records:read')) return undefined;
  const stream = category(item.streamName) === 'organisation' ? item.event?.streamName : item.streamName;
  return stream ? ['projects', projectId, 'history', stream] : undefined;
}

/**
 * What one figure counted: each entity, the event that made it count, and a link to that entity's history.
 * Names come only from routes that decide themselves whether the caller may see them.
 */
export function EvidenceModal({ projectId, figure, query, onClose }: { projectId: string; figure: IndicatorFigure; query: PeriodQuery; onClose: () => void }) {
  const { api, session } = useApp();
  const { t, number } = useI18n();
  const labels = useLabels();
  const loaded = useApi(async () => {
    const evidence = await api.evidence(projectId, figure.code, query);
    const streams = [...new Set(evidence.items.map((item) => item.streamName))].slice(0, NAME_LIMIT);
    const names = new Map((await Promise.all(streams.map(async (stream) => [stream, await nameOf(stream)] as const))).filter(([, name]) => name));
    return { evidence, names };
  }, [projectId, figure.code, query.from, query.to, query.asOf]);

  /**
   * An organisation's name (organisations:read) or a person's (records:read on the project; a viewer has
   * neither a person's route nor a name). A refusal or an erased person simply shows no name.
   */
  async function nameOf(stream: string): Promise<string | undefined> {
    const id = stream.slice(stream.indexOf('-') + 1);
    try {
      if (category(stream) === 'organisation' && session.permissions.includes('organisations:read')) return (await api.organisation(id)).name;
      if (category(stream) === 'participant' && session.permissions.includes('records:read')) return (await api.participant(id)).person?.name ?? undefined;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) throw error;
    }
    return undefined;
  }

  const dimensions = Object.keys(figure.breakdown);
  // A viewer reads no history at all: no column of empty links.
  const linked = session.permissions.includes('log:read') || session.permissions.includes('records:read');
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
          {({ evidence, names }) => (
            <>
              <p>
                {t.value}: <strong data-evidence-value>{number(evidence.value)}</strong>
              </p>
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
                    {linked && <th scope="col">{t.history}</th>}
                  </tr>
                </thead>
                <tbody>
                  {evidence.items.map((item) => {
                    const path = historyPath(session, projectId, item);
                    const name = names.get(item.streamName);
                    return (
                      <tr key={`${item.key}-${item.position}`} data-evidence-item={item.key} data-stream={item.streamName}>
                        <td>
                          {name && <div data-entity-name>{name}</div>}
                          <code className="small">{item.key}</code>
                        </td>
                        {dimensions.map((d) => (
                          <td key={d}>{item[d] === undefined || item[d] === null ? '' : labels.category(String(item[d]))}</td>
                        ))}
                        <td data-event-type={item.event?.type}>
                          {item.event ? `${item.event.type} (${category(item.event.streamName)})` : ''}{' '}
                          <span className="small text-body-secondary">#{item.position}</span>
                        </td>
                        {linked && (
                          <td>
                            {path && (
                              <a href={href(path)}>
                                {t.history}
                                <span className="visually-hidden">: {path[path.length - 1]}</span>
                              </a>
                            )}
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
            </>
          )}
        </LoadStatus>
      </Modal.Body>
    </Modal>
  );
}
