import { join, resolve } from 'node:path';
import type { EventStore } from './event-store.port.js';
import { DEFAULT_MAX_APPEND_BYTES } from './new-event.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';

export type EventStoreConfig =
  | { kind: 'sqlite'; file: string; maxAppendBytes?: number }
  | { kind: 'eventstoredb'; connectionString: string; maxAppendBytes?: number };


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
 * Reads `LEDGER_EVENT_STORE` (sqlite, the default, or eventstoredb), `LEDGER_DATA_DIR`,
 * `EVENTSTORE_CONNECTION_STRING` and `LEDGER_MAX_APPEND_BYTES`. Every problem is collected so one start-up
 * shows them all.
 */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv): EventStoreConfig {
  const problems: string[] = [];
  const maxAppendBytes = readMaxAppendBytes(env, problems);
  const kind = (env.LEDGER_EVENT_STORE ?? 'sqlite').trim();
  let config: EventStoreConfig | undefined;
  if (kind === 'sqlite') config = { kind, file: join(dataDirectory(env), 'events.sqlite'), maxAppendBytes };
  else if (kind === 'eventstoredb') {
    const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
    if (!connectionString) {
      problems.push(
        'EVENTSTORE_CONNECTION_STRING is required when LEDGER_EVENT_STORE=eventstoredb ' +
          '(e.g. esdb://127.0.0.1:2113?tls=false, or esdb://node1:2113,node2:2113,node3:2113 for a cluster)',
      );
    } else if (!/^esdb(\+discover)?:\/\//.test(connectionString)) {
      problems.push(
        `EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover:// (got "${connectionString.slice(0, 40)}")`,
      );
    } else config = { kind, connectionString, maxAppendBytes };
  } else {
    problems.push(`LEDGER_EVENT_STORE must be one of ${EVENT_STORE_KINDS.join(', ')} (got "${kind}"); leave it unset for sqlite`);
  }
  if (problems.length > 0 || !config) throw new ConfigurationError(problems);
  return config;
}

/**
 * The same limit on both stores, so an append refused on EventStoreDB is refused on the embedded store too.
 * With EventStoreDB it must not exceed the server's MaxAppendSize (1 MiB unless the server was configured
 * otherwise), or the server refuses what the adapter let through.
 */
function readMaxAppendBytes(env: NodeJS.ProcessEnv, problems: string[]): number {
  const raw = env.LEDGER_MAX_APPEND_BYTES?.trim();
  if (!raw) return DEFAULT_MAX_APPEND_BYTES;
  const value = /^[0-9]{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1024 || value > 2 ** 31 - 1) {
    problems.push(
      `LEDGER_MAX_APPEND_BYTES must be a whole number of bytes from 1024 to 2147483647 (got "${raw.slice(0, 40)}"); ` +
        `leave it unset for ${DEFAULT_MAX_APPEND_BYTES} (EventStoreDB's default MaxAppendSize)`,
    );
  }
  return value;
}

/** `onCommit` hears each group commit's size; only the embedded store commits here (EventStoreDB batches on its server). */
export function openEventStore(config: EventStoreConfig, observers: Pick<SqliteEventStoreOptions, 'onCommit'> = {}): EventStore {
  return config.kind === 'sqlite'
    ? SqliteEventStore.open({ file: config.file, maxAppendBytes: config.maxAppendBytes, onCommit: observers.onCommit })
    : new EventStoreDbEventStore({ connectionString: config.connectionString, maxAppendBytes: config.maxAppendBytes });
}
