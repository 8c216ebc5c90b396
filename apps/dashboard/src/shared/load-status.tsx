import Alert from 'react-bootstrap/Alert';
import Spinner from 'react-bootstrap/Spinner';
import type { ReactNode } from 'react';
import type { Loaded } from './use-api';
import { useI18n } from './i18n';

/** Renders the figures only when they are current; otherwise says why there are none. */
export function LoadStatus<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  switch (loaded.state) {
    case 'loading':
      return (
        <div className="my-3" role="status">
          <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />
          {t.loading}
        </div>
      );
    case 'not-ready':
      return (
        <Alert variant="warning" role="status" data-state="not-ready">
          {t.notReady(loaded.retryInSeconds)}
        </Alert>
      );
    case 'error':
      return (
        <Alert variant="danger" role="alert" data-state="error">
          {t.failed} ({loaded.error.status || '–'}): {loaded.error.message}
        </Alert>
      );
    case 'ok':
      return <>{children(loaded.data)}</>;
    default: {
      const never: never = loaded;
      return never;
    }
  }
}
