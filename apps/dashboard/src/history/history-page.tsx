import Table from 'react-bootstrap/Table';
import type { AuditEvent } from '../api/api-types';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { LoadStatus } from '../shared/load-status';
import { useApi } from '../shared/use-api';

/** The words of a reason: in the data now (shown to those who may see them), in the metadata on older events. */
function reasonOf(event: AuditEvent): string {
  const data = (event.data ?? {}) as { reason?: unknown; reasonCategory?: unknown };
  const words = typeof data.reason === 'string' ? data.reason : typeof event.metadata.reason === 'string' ? event.metadata.reason : '';
  const category = typeof event.metadata.reasonCategory === 'string' ? event.metadata.reasonCategory : undefined;
  return category && words ? `${words} (${category})` : words || category || '';
}

/**
 * One entity's history, oldest first: what happened, when, who recorded it and why. With a project, it is read
 * from that project's history (records:read on the project); without, from the log (log:read).
 */
export function HistoryPage({ streamName, projectId }: { streamName: string; projectId?: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const loaded = useApi(
    () => (projectId ? api.projectStreamEvents(projectId, streamName) : api.streamEvents(streamName)),
    [streamName, projectId],
  );
  return (
    <>
      <h1 className="h2">{t.historyOf(streamName)}</h1>
      <LoadStatus loaded={loaded}>
        {({ events }) => (
          <Table responsive size="sm" data-history={streamName}>
            <thead>
              <tr>
                <th scope="col">{t.revision}</th>
                <th scope="col">{t.type}</th>
                <th scope="col">{t.recordedAt}</th>
                <th scope="col">{t.actor}</th>
                <th scope="col">{t.reason}</th>
                <th scope="col">{t.command}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} data-event-position={event.position}>
                  <td>{event.revision}</td>
                  <td>{event.type}</td>
                  <td>{dateTime(event.recordedAt)}</td>
                  <td>{event.metadata.actor ?? ''}</td>
                  <td>{reasonOf(event)}</td>
                  <td>{event.metadata.command ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </LoadStatus>
    </>
  );
}
