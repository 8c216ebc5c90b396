import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, dataDirectory, eventStoreConfigFromEnv, type EventStoreConfig } from '@app/event-store';
import { DEFAULT_COUNTING, type CountingOptions } from '@app/reporting';

export interface ApiConfig {
  host: string;
  port: number;
  eventStore: EventStoreConfig;
  /** Where the key store and the idempotency records live (and the embedded event store by default). */
  dataDir: string;
  /** The bearer key that opens the API until access control arrives. */
  apiKey: string;
  /** How long a query with minPosition waits for the read models (LEDGER_MIN_POSITION_TIMEOUT_MS). */
  minPositionTimeoutMs?: number;
  /** Configurable counting rules (LEDGER_NEW_ENTERPRISE_YEARS for RCO05). */
  counting?: CountingOptions;
  /** Tests pin the clock; the service reads the real one. */
  clock?: () => Date;
}

const MIN_API_KEY_LENGTH = 16;

/** Everything the API reads from the environment, checked once at start-up; every problem is listed. */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv): ApiConfig & { apiKeySource: string } {
  const problems: string[] = [];
  const host = env.HOST?.trim() || '127.0.0.1';
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    problems.push(`PORT must be a whole number from 1 to 65535 (got "${portText}")`);
  }
  const configuredKey = env.LEDGER_API_KEY?.trim();
  if (configuredKey !== undefined && configuredKey.length > 0 && configuredKey.length < MIN_API_KEY_LENGTH) {
    problems.push(`LEDGER_API_KEY must be at least ${MIN_API_KEY_LENGTH} characters (or unset, to have one generated)`);
  }
  const minPositionTimeoutMs = wholeNumber(env, 'LEDGER_MIN_POSITION_TIMEOUT_MS', 5_000, 0, 60_000, problems);
  const newEnterpriseYears = wholeNumber(env, 'LEDGER_NEW_ENTERPRISE_YEARS', DEFAULT_COUNTING.newEnterpriseYears, 1, 20, problems);
  let eventStore: EventStoreConfig | undefined;
  try {
    eventStore = eventStoreConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !eventStore) throw new ConfigurationError(problems);
  const dataDir = dataDirectory(env);
  const { apiKey, source } = configuredKey ? { apiKey: configuredKey, source: 'LEDGER_API_KEY' } : localApiKey(dataDir);
  return {
    host,
    port,
    eventStore,
    dataDir,
    apiKey,
    apiKeySource: source,
    minPositionTimeoutMs,
    counting: { ...DEFAULT_COUNTING, newEnterpriseYears },
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

/** Zero set-up: without LEDGER_API_KEY, a key is generated once and kept (owner-only) in the data directory. */
function localApiKey(dataDir: string): { apiKey: string; source: string } {
  const file = join(dataDir, 'api-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { apiKey: readFileSync(file, 'utf8').trim(), source: file };
}
