import { join, resolve } from 'node:path';
import type { EventStore } from './event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export type EventStoreConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'eventstoredb'; connectionString: string };

/** A setting that stops start-up; the message names the variable and what it accepts. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

export const EVENT_STORE_KINDS = ['sqlite', 'eventstoredb'] as const;

export function dataDirectory(env: NodeJS.ProcessEnv): string {
  return resolve(env.LEDGER_DATA_DIR?.trim() || './data');
}

/**
 * Reads `LEDGER_EVENT_STORE` (sqlite, the default, or eventstoredb), `LEDGER_DATA_DIR` and
 * `EVENTSTORE_CONNECTION_STRING`. Every problem is collected so one start-up shows them all.
 */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv): EventStoreConfig {
  const kind = (env.LEDGER_EVENT_STORE ?? 'sqlite').trim();
  if (kind === 'sqlite') return { kind, file: join(dataDirectory(env), 'events.sqlite') };
  if (kind === 'eventstoredb') {
    const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
    if (!connectionString) {
      throw new ConfigurationError([
        'EVENTSTORE_CONNECTION_STRING is required when LEDGER_EVENT_STORE=eventstoredb ' +
          '(e.g. esdb://127.0.0.1:2113?tls=false, or esdb://node1:2113,node2:2113,node3:2113 for a cluster)',
      ]);
    }
    if (!/^esdb(\+discover)?:\/\//.test(connectionString)) {
      throw new ConfigurationError([
        `EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover:// (got "${connectionString.slice(0, 40)}")`,
      ]);
    }
    return { kind, connectionString };
  }
  throw new ConfigurationError([
    `LEDGER_EVENT_STORE must be one of ${EVENT_STORE_KINDS.join(', ')} (got "${kind}"); leave it unset for sqlite`,
  ]);
}

export function openEventStore(config: EventStoreConfig): EventStore {
  return config.kind === 'sqlite'
    ? SqliteEventStore.open({ file: config.file })
    : new EventStoreDbEventStore({ connectionString: config.connectionString });
}
