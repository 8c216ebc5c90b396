import Table from 'react-bootstrap/Table';
import { useApp } from '../shared/app-context';
import { useI18n } from '../shared/i18n';
import { LoadStatus } from '../shared/load-status';
import { useApi } from '../shared/use-api';

/** One entity's history, oldest first: what happened, when, who recorded it and why. */
export function HistoryPage({ streamName }: { streamName: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const loaded = useApi(() => api.streamEvents(streamName), [streamName]);
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
                  <td>{event.metadata.reason ?? ''}</td>
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
