import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'not-ready'; retryInSeconds: number }
  | { state: 'error'; error: ApiError }
  | { state: 'ok'; data: T };

const MAX_RETRY_SECONDS = 10;

/**
 * Loads with the API and keeps nothing from an earlier load: when the inputs change, or the API answers 503
 * (read models catching up or rebuilding), the old figures are dropped, so a stale number is never shown as
 * current. A 503 is retried after the Retry-After the API asked for.
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => live && setLoaded({ state: 'ok', data }),
      (error: unknown) => {
        if (!live) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
        if (apiError.notReady) {
          const seconds = Math.min(apiError.retryAfterSeconds ?? 1, MAX_RETRY_SECONDS);
          setLoaded({ state: 'not-ready', retryInSeconds: seconds });
          timer = setTimeout(() => live && setAttempt((n) => n + 1), seconds * 1000);
        } else {
          setLoaded({ state: 'error', error: apiError });
        }
      },
    );
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  return loaded;
}
