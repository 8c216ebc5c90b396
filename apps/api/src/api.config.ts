import { ConfigurationError, eventStoreConfigFromEnv, type EventStoreConfig } from '@app/event-store';

export interface ApiConfig {
  host: string;
  port: number;
  eventStore: EventStoreConfig;
}

/** Everything the API reads from the environment, checked once at start-up. */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv): ApiConfig {
  const problems: string[] = [];
  const host = env.HOST?.trim() || '127.0.0.1';
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    problems.push(`PORT must be a whole number from 1 to 65535 (got "${portText}")`);
  }
  let eventStore: EventStoreConfig | undefined;
  try {
    eventStore = eventStoreConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !eventStore) throw new ConfigurationError(problems);
  return { host, port, eventStore };
}
