import { MIN_TOKEN_LENGTH, type OidcOptions } from '@app/access';
import { ConfigurationError, dataDirectory, eventStoreConfigFromEnv, type EventStoreConfig } from '@app/event-store';
import { DEFAULT_DE_MINIMIS_CEILING_EUR } from '@app/programme';
import { DEFAULT_COUNTING, type CountingOptions } from '@app/reporting';
import { DEFAULT_READY_MAX_LAG } from './health/health.status.js';
import { LOG_FORMATS, type LogFormat } from './logging/ledger-logger.js';
import { testHookProblems } from './http/idempotency.interceptor.js';
import { DEFAULT_IDEMPOTENCY_TTL_HOURS } from './http/idempotency.store.js';

export interface ApiConfig {
  host: string;
  port: number;
  eventStore: EventStoreConfig;
  /** Where the key store and the idempotency records live (and the embedded event store by default). */
  dataDir: string;
  /** LEDGER_ADMIN_TOKEN: the first admin's token when the store holds no grant yet (else one is generated and printed). */
  adminToken?: string;
  /** Single sign-on through an OpenID Connect issuer (LEDGER_OIDC_*); off when absent. */
  oidc?: OidcOptions;
  /** Requests per minute per token (and failed sign-ins per address): LEDGER_RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number;
  /** Origins allowed to call the API from a browser (LEDGER_CORS_ORIGINS, comma-separated); CORS is off when empty. */
  corsOrigins?: string[];
  /** How long a query with minPosition waits for the read models (LEDGER_MIN_POSITION_TIMEOUT_MS). */
  minPositionTimeoutMs?: number;
  /** Configurable counting rules (LEDGER_NEW_ENTERPRISE_YEARS for RCO05). */
  counting?: CountingOptions;
  /** How long answers to requests with an Idempotency-Key are kept, in hours (LEDGER_IDEMPOTENCY_TTL_HOURS). */
  idempotencyTtlHours?: number;
  /** The de minimis ceiling per single undertaking over three years, in euro (LEDGER_DE_MINIMIS_CEILING_EUR). */
  deMinimisCeilingEur?: number;
  /** How many events the read models may lag the log while /health/ready answers 200 (LEDGER_READY_MAX_LAG). */
  readyMaxLag?: number;
  /** LEDGER_LOG_FORMAT: json or text; unset, JSON lines unless stdout is a terminal. */
  logFormat?: LogFormat;
  /** LEDGER_METRICS_PORT: /metrics on a listener of its own on HOST (and not on PORT); unset or PORT: on the API's port. */
  metricsPort?: number;
  /** Tests pin the clock; the service reads the real one. */
  clock?: () => Date;
}


/** Everything the API reads from the environment, checked once at start-up; every problem is listed. */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv): ApiConfig {
  const problems: string[] = [];
  const host = env.HOST?.trim() || '127.0.0.1';
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    problems.push(`PORT must be a whole number from 1 to 65535 (got "${portText}")`);
  }
  const adminToken = env.LEDGER_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && (adminToken.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(adminToken))) {
    problems.push(`LEDGER_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (or unset, to have one generated)`);
  }
  if (env.LEDGER_API_KEY?.trim()) {
    problems.push('LEDGER_API_KEY is no longer read: tokens are granted per person now; set LEDGER_ADMIN_TOKEN for the first admin');
  }
  const oidc = oidcFromEnv(env, problems);
  const rateLimitPerMinute = wholeNumber(env, 'LEDGER_RATE_LIMIT_PER_MINUTE', 1_200, 1, 1_000_000, problems);
  const corsOrigins = (env.LEDGER_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`LEDGER_CORS_ORIGINS: "${origin.slice(0, 80)}" is not an origin such as https://dashboard.example.se`);
  }
  const minPositionTimeoutMs = wholeNumber(env, 'LEDGER_MIN_POSITION_TIMEOUT_MS', 5_000, 0, 60_000, problems);
  problems.push(...testHookProblems(env));
  const idempotencyTtlHours = wholeNumber(env, 'LEDGER_IDEMPOTENCY_TTL_HOURS', DEFAULT_IDEMPOTENCY_TTL_HOURS, 1, 8_760, problems);
  const newEnterpriseYears = wholeNumber(env, 'LEDGER_NEW_ENTERPRISE_YEARS', DEFAULT_COUNTING.newEnterpriseYears, 1, 20, problems);
  const deMinimisCeilingEur = wholeNumber(env, 'LEDGER_DE_MINIMIS_CEILING_EUR', DEFAULT_DE_MINIMIS_CEILING_EUR, 1, 100_000_000, problems);
  const readyMaxLag = wholeNumber(env, 'LEDGER_READY_MAX_LAG', DEFAULT_READY_MAX_LAG, 0, 10_000_000, problems);
  const metricsPort = env.LEDGER_METRICS_PORT?.trim() ? wholeNumber(env, 'LEDGER_METRICS_PORT', port, 1, 65535, problems) : undefined;
  const logFormatText = env.LEDGER_LOG_FORMAT?.trim() || undefined;
  if (logFormatText !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormatText)) {
    problems.push(`LEDGER_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${logFormatText.slice(0, 40)}")`);
  }
  let eventStore: EventStoreConfig | undefined;
  try {
    eventStore = eventStoreConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !eventStore) throw new ConfigurationError(problems);
  const dataDir = dataDirectory(env);
  return {
    host,
    port,
    eventStore,
    dataDir,
    adminToken,
    oidc,
    rateLimitPerMinute,
    corsOrigins,
    minPositionTimeoutMs,
    idempotencyTtlHours,
    counting: { ...DEFAULT_COUNTING, newEnterpriseYears },
    deMinimisCeilingEur,
    readyMaxLag,
    ...(metricsPort !== undefined && metricsPort !== port ? { metricsPort } : {}),
    ...(logFormatText ? { logFormat: logFormatText as LogFormat } : {}),
  };
}

function oidcFromEnv(env: NodeJS.ProcessEnv, problems: string[]): OidcOptions | undefined {
  const issuer = env.LEDGER_OIDC_ISSUER?.trim();
  const audience = env.LEDGER_OIDC_AUDIENCE?.trim();
  if (!issuer && !audience) return undefined;
  if (!issuer || !audience) {
    problems.push('LEDGER_OIDC_ISSUER and LEDGER_OIDC_AUDIENCE go together: set both for single sign-on, or neither');
    return undefined;
  }
  if (!/^https?:\/\/\S+$/.test(issuer)) problems.push(`LEDGER_OIDC_ISSUER must be the issuer's URL (got "${issuer.slice(0, 80)}")`);
  return {
    issuer,
    audience,
    roleClaim: env.LEDGER_OIDC_ROLE_CLAIM?.trim() || 'ledger_role',
    projectsClaim: env.LEDGER_OIDC_PROJECTS_CLAIM?.trim() || 'ledger_projects',
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${text.slice(0, 40)}")`);
    return fallback;
  }
  return value;
}
