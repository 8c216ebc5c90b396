import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '@app/event-store';
import { IndicatorCalculator, openReadModelDatabase, PROJECTIONS, rebuildProjections } from '@app/reporting';
import { startEsdbTestServer, type EsdbTestServer } from '../esdb/esdb-test-server.js';
import { PROJECT, projectRegistered, registration } from '../support/new-events.js';

/*
 * A rebuild pages through $all. On EventStoreDB positions are byte offsets of variable-size records, so each
 * page must start "after the last event read", never at last + 1 (which the server refuses as an invalid
 * position). The test server refuses such reads as the real server does.
 */
describe('rebuilding projections from EventStoreDB', () => {
  let server: EsdbTestServer;
  let store: EventStoreDbEventStore;
  let dir: string;

  beforeAll(async () => {
    server = await startEsdbTestServer({ systemEvents: true });
    store = new EventStoreDbEventStore({ connectionString: server.connectionString });
    dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-esdb-'));
  });
  afterAll(async () => {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the whole log page by page and projects every event once', async () => {
    await store.appendToStream(`project-${PROJECT}`, [projectRegistered]);
    for (let n = 0; n < 25; n++) await store.appendToStream(`participant-p-${n}`, [registration(n, n % 5 === 0 ? 'man' : 'woman')]);
    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    try {
      const result = await rebuildProjections(store, db, PROJECTIONS, { batchSize: 4 });
      expect(result.events).toBe(26);
      const participants = new IndicatorCalculator(db)
        .compute({ kind: 'project', projectId: PROJECT }, {})
        .indicators.find((i) => i.code === 'participants');
      expect(participants).toMatchObject({ value: 25, breakdown: { gender: { woman: 20, man: 5 } } });
    } finally {
      db.close();
    }
  });
});
