import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PROJECTIONS } from '@app/reporting';
import request from 'supertest';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { apiConfigFromEnv } from '../../apps/api/src/api.config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { API_KEY, startApi } from '../support/api-fixture.js';
import { TEST_STORE, testEventStoreConfig } from '../support/test-store.js';

/**
 * Acceptance (issue 14.3): a read model of an older version is rebuilt in the background at start-up; while it
 * is, /health/ready answers 503 naming it (a load balancer keeps requests away), and 200 once it is rebuilt.
 * /health/live answers 200 throughout: a rebuild is no reason to restart the process.
 */
// Embedded store only for now: on the EventStoreDB adapter (test server) app.close() after a synthetic programme
// was written never resolves, probes or not (reported to the lead); the readiness rules do not depend on the store.
const restartable = TEST_STORE === 'sqlite' ? it : it.skip;

describe('GET /health/ready and /health/live', () => {
  restartable('is 503 naming the read model while an old projection version is rebuilt, then 200; live is 200 throughout', async () => {
    const first = await startApi();
    const dataDir = first.dataDir;
    try {
      const store = first.app.get<EventStore>(EVENT_STORE);
      // Enough events that the rebuild spans many batches, between which the service answers requests.
      await writeSyntheticProgramme(store, { projects: 5, organisations: 300, participants: 5_000, attendancePerParticipant: 4 });
      const [head] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
      for (const deadline = Date.now() + 60_000; ; ) {
        const ready = await first.raw().get('/health/ready');
        if (ready.status === 200) break;
        if (Date.now() > deadline) throw new Error(`Not ready before the restart: ${JSON.stringify(ready.body)}`);
      }
      expect((await first.get(`/api/indicators?minPosition=${head.position}`)).status).toBe(200);
      await first.app.close();

      // The stored tables of one read model are now of an older version than the code's.
      const projection = PROJECTIONS[0];
      const db = new Database(join(dataDir, 'reporting.sqlite'));
      db.prepare('UPDATE projection_state SET version = ? WHERE name = ?').run(projection.version - 1, projection.name);
      db.close();

      const app = await createApp(
        { host: '127.0.0.1', port: 0, dataDir, adminToken: API_KEY, eventStore: await testEventStoreConfig(dataDir) },
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      try {
        const answers: Array<{ status: number; body: { status: string; reasons: string[]; rebuilding: string[] } }> = [];
        const lives: number[] = [];
        for (const deadline = Date.now() + 60_000; answers.at(-1)?.status !== 200; ) {
          if (Date.now() > deadline) throw new Error(`Never ready after the rebuild: ${JSON.stringify(answers.at(-1))}`);
          const response = await request(app.getHttpServer()).get('/health/ready');
          answers.push({ status: response.status, body: response.body });
          lives.push((await request(app.getHttpServer()).get('/health/live')).status);
        }
        const during = answers.filter((a) => a.body.rebuilding.includes(projection.name));
        expect(during.length).toBeGreaterThan(0);
        for (const answer of during) {
          expect(answer.status).toBe(503);
          expect(answer.body.status).toBe('not-ready');
          expect(answer.body.reasons).toContain(`read models being rebuilt: ${projection.name}`);
        }
        expect(answers.at(-1)!.body).toMatchObject({ status: 'ready', reasons: [], rebuilding: [], lag: 0 });
        expect(new Set(lives)).toEqual(new Set([200]));
        // Ready means the figures answer: the rebuilt read model reached the log's head.
        const indicators = await request(app.getHttpServer()).get(`/api/indicators?minPosition=${head.position}`).set('Authorization', `Bearer ${API_KEY}`);
        expect(indicators.status).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      await first.close();
    }
  }, 180_000);

  it('needs no token, becomes ready on a fresh store, and both probes are in the OpenAPI document', async () => {
    const api = await startApi();
    try {
      expect((await api.raw().get('/health/live')).body).toEqual({ status: 'live' });
      // On either store, a fresh instance becomes ready once its followers are live on the first admin's grant.
      let ready: Awaited<ReturnType<typeof api.get>>;
      const deadline = Date.now() + 20_000;
      do ready = await api.raw().get('/health/ready');
      while (ready.status !== 200 && Date.now() < deadline);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', reasons: [], lag: 0, maxLag: 1000, rebuilding: [] });
      const document = await api.raw().get('/api/docs/openapi.json');
      expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/live', '/health/ready']));
    } finally {
      await api.close();
    }
  });
});

describe('LEDGER_READY_MAX_LAG', () => {
  it('defaults to 1000, and a value that is not a whole number stops start-up naming it', () => {
    expect(apiConfigFromEnv({ LEDGER_DATA_DIR: '/tmp/unused' }).readyMaxLag).toBe(1000);
    expect(apiConfigFromEnv({ LEDGER_DATA_DIR: '/tmp/unused', LEDGER_READY_MAX_LAG: '50' }).readyMaxLag).toBe(50);
    expect(() => apiConfigFromEnv({ LEDGER_READY_MAX_LAG: 'lots' })).toThrow('LEDGER_READY_MAX_LAG must be a whole number from 0 to 10000000 (got "lots")');
  });
});
