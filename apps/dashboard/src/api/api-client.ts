import type {
  CatalogueEntry,
  Evidence,
  EventPage,
  IndicatorFigures,
  IndicatorsByProject,
  Lang,
  Organisation,
  Page,
  Participant,
  ProjectSummary,
  Report,
  ReportSummary,
  Session,
  Verification,
} from './api-types';

/** A refusal or failure as the API stated it; `message` is the API's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds the API asked us to wait (503 and 429 answer Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Read models catching up or rebuilding: the figure does not exist yet, and asking again later is right. */
  get notReady(): boolean {
    return this.status === 503;
  }
}

export type Query = Record<string, string | number | undefined | null>;

export interface PeriodQuery {
  from?: string;
  to?: string;
  asOf?: string;
}

const TOKEN_KEY = 'programme-ledger.token';
const SESSION_KEY = 'programme-ledger.session';

/**
 * The token lives in sessionStorage only: never in the URL, gone when the tab closes. Beside it, the API's last
 * answer about who the token is, so a reload can ask for its figures while the session is checked again
 * (the API still decides every call: a token refused now answers 401 whatever was remembered).
 */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(SESSION_KEY);
  },
  session: (): Session | null => {
    const remembered = sessionStorage.getItem(SESSION_KEY);
    return remembered && sessionStorage.getItem(TOKEN_KEY) ? (JSON.parse(remembered) as Session) : null;
  },
  rememberSession: (session: Session) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)),
};

function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The typed client of the ledger's HTTP API. It decides nothing: every rule is the API's. */
export class ApiClient {
  constructor(private readonly onUnauthorized: (message: string) => void) {}

  private async request<T>(method: 'GET' | 'POST', path: string, query?: Query, body?: unknown): Promise<T> {
    const token = tokenStore.get();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`/api/${path}${queryString(query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'The ledger service cannot be reached');
    }
    const payload = (await response.json().catch(() => ({}))) as { message?: string | string[] };
    if (!response.ok) {
      const message = Array.isArray(payload.message) ? payload.message.join('; ') : (payload.message ?? response.statusText);
      const retryAfter = Number(response.headers.get('Retry-After'));
      const error = new ApiError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
      if (response.status === 401) this.onUnauthorized(message);
      throw error;
    }
    return payload as T;
  }

  session = () => this.request<Session>('GET', 'session');
  catalogue = () => this.request<CatalogueEntry[]>('GET', 'indicators/catalogue');
  projects = (query: { fund?: string; country?: string; name?: string; limit?: number; offset?: number }) =>
    this.request<Page<ProjectSummary>>('GET', 'projects', query);
  project = (id: string) => this.request<ProjectSummary>('GET', `projects/${encodeURIComponent(id)}`);
  projectIndicators = (id: string, query: PeriodQuery & { lang: Lang }) =>
    this.request<IndicatorFigures>('GET', `projects/${encodeURIComponent(id)}/indicators`, { ...query });
  programmeIndicators = (query: PeriodQuery & { fund?: string; country?: string; lang: Lang }) =>
    this.request<IndicatorFigures>('GET', 'indicators', { ...query });
  /** The caller's projects (staff and viewers: their own) with each one's main figures, in one call. */
  indicatorsByProject = (query: PeriodQuery & { fund?: string; country?: string; name?: string; lang: Lang; limit?: number; offset?: number }) =>
    this.request<IndicatorsByProject>('GET', 'indicators/by-project', { ...query });
  evidence = (projectId: string, code: string, query: PeriodQuery) =>
    this.request<Evidence>('GET', `projects/${encodeURIComponent(projectId)}/indicators/${encodeURIComponent(code)}/evidence`, { ...query });
  /** One entity's history from the log (`log:read`). */
  streamEvents = (streamName: string, fromRevision = 0) =>
    this.request<EventPage>('GET', `streams/${encodeURIComponent(streamName)}/events`, { fromRevision, limit: 500 });
  /** One stream's history as recorded under a project (`records:read` on the project). */
  projectStreamEvents = (projectId: string, streamName: string) =>
    this.request<EventPage>('GET', `projects/${encodeURIComponent(projectId)}/history`, { stream: streamName, limit: 500 });
  organisation = (id: string) => this.request<Organisation>('GET', `organisations/${encodeURIComponent(id)}`);
  participant = (id: string) => this.request<Participant>('GET', `participants/${encodeURIComponent(id)}`);
  reports = (projectId: string) => this.request<{ items: ReportSummary[] }>('GET', `projects/${encodeURIComponent(projectId)}/reports`);
  report = (reportId: string) => this.request<Report>('GET', `reports/${encodeURIComponent(reportId)}`);
  verification = (reportId: string) => this.request<Verification>('GET', `reports/${encodeURIComponent(reportId)}/verification`);
  recordVerification = (reportId: string) => this.request<Verification>('POST', `reports/${encodeURIComponent(reportId)}/verifications`, undefined, {});
}
