/**
 * Which event store a test runs on: the jest project `eventstoredb` sets LEDGER_TEST_STORE=eventstoredb (see
 * jest.config.js), and the same tests then run on the EventStoreDB adapter over the wire-level test server
 * instead of the embedded store. Tests ask here rather than open a store themselves.
 */
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore, type EventStoreConfig } from '@app/event-store';
import { startEsdbTestServer, type EsdbTestServer } from '../esdb/esdb-test-server.js';

export type TestStoreKind = 'sqlite' | 'eventstoredb';

export const TEST_STORE: TestStoreKind = process.env.LEDGER_TEST_STORE === 'eventstoredb' ? 'eventstoredb' : 'sqlite';

/**
 * One test server per embedded-store file name: a test that starts the service twice on the same data (a
 * restart) finds its events again. Every server is closed after the test file.
 */
const servers = new Map<string, Promise<EsdbTestServer>>();
if (TEST_STORE === 'eventstoredb') {
  afterAll(async () => {
    const all = await Promise.all(servers.values());
    servers.clear();
    await Promise.all(all.map((server) => server.close()));
  });
}

/** The test server standing in for the store that `file` would hold on the embedded store. */
export function esdbTestServerFor(file: string): Promise<EsdbTestServer> {
  let server = servers.get(file);
  if (!server) {
    // A fresh EventStoreDB has system events at the start of $all; the adapter must skip them.
    server = startEsdbTestServer({ systemEvents: true });
    servers.set(file, server);
  }
  return server;
}

/**
 * The store configuration for the service: the embedded store in `dataDir`, or, on the eventstoredb project,
 * the EventStoreDB adapter connected to a test server of its own. An explicit embedded configuration is
 * swapped the same way (keeping its file as the key), so restarts on the same data work on both.
 */
export async function testEventStoreConfig(dataDir: string, explicit?: EventStoreConfig): Promise<EventStoreConfig> {
  const config = explicit ?? { kind: 'sqlite' as const, file: join(dataDir, 'events.sqlite') };
  if (TEST_STORE === 'sqlite' || config.kind !== 'sqlite') return config;
  const server = await esdbTestServerFor(config.file);
  return { kind: 'eventstoredb', connectionString: server.connectionString, ...(config.maxAppendBytes ? { maxAppendBytes: config.maxAppendBytes } : {}) };
}

/** An event store for a test that drives the store directly (no service), on the project's store. */
export async function openTestEventStore(dir: string): Promise<EventStore> {
  const config = await testEventStoreConfig(dir);
  return config.kind === 'sqlite'
    ? SqliteEventStore.open({ file: config.file })
    : new EventStoreDbEventStore({ connectionString: config.connectionString });
}

/**
 * The same store, with at most `limit` appends in flight. The test server shares this process's one thread
 * with the client and the test: thousands of concurrent appends (as the synthetic programme sends) queue up
 * past the client's batch-append deadline there, which a real server in its own process would not.
 */
export function withAppendLimit(store: EventStore, limit = 32): EventStore {
  let running = 0;
  const waiting: Array<() => void> = [];
  const appendToStream: EventStore['appendToStream'] = async (...args) => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await store.appendToStream(...args);
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
  return new Proxy(store, { get: (target, key, receiver) => (key === 'appendToStream' ? appendToStream : Reflect.get(target, key, receiver)) });
}
