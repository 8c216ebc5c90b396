import { EventStoreDbEventStore } from '@app/event-store';
import { startEsdbTestServer } from '../esdb/esdb-test-server.js';
import { describeEventStoreContract } from './event-store.contract.js';

/*
 * The EventStoreDB adapter runs the same contract twice over:
 * - always, over real gRPC with the real client, against the wire-level test server in test/esdb
 *   (a test fixture: no EventStoreDB server can be installed on the CI machines);
 * - against a real EventStoreDB whenever EVENTSTORE_CONNECTION_STRING is set
 *   (`docker compose -f docker/docker-compose.yml up -d eventstore`).
 * EventStoreDB recognises a retry by event ids alone, so the content-conflict check is SQLite's only.
 */
describeEventStoreContract(
  'EventStoreDB adapter over gRPC (wire-level test server)',
  async () => {
    const server = await startEsdbTestServer({ systemEvents: true });
    const store = new EventStoreDbEventStore({ connectionString: server.connectionString });
    return {
      store,
      dispose: async () => {
        await store.close();
        await server.close();
      },
    };
  },
  { detectsConflictingContent: false },
);

const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
if (realServer) {
  describeEventStoreContract(
    `EventStoreDB server at ${realServer}`,
    async () => {
      const store = new EventStoreDbEventStore({ connectionString: realServer });
      return { store, dispose: () => store.close() };
    },
    { detectsConflictingContent: false },
  );
}
