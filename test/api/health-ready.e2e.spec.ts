import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PROJECTIONS } from '@app/reporting';
import request from 'supertest';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { apiConfigFromEnv } from '../../apps/api/src/api.config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { LedgerMetrics } from '../../apps/api/src/metrics/ledger-metrics.service.js';
import { API_KEY, startApi } from '../support/api-fixture.js';
import { TEST_STORE, testEventStoreConfig, withAppendLimit } from '../support/test-store.js';

/**
 * Acceptance (issue 14.3): a read model of an older version is rebuilt in the background at start-up; while it
 * is, /health/ready answers 503 naming it (a load balancer keeps requests away), and 200 once it is rebuilt.
 * /health/live answers 200 throughout: a rebuild is no reason to restart the process.
 */
/**
 * Enough events that the rebuild spans many batches, between which the service answers requests. On the EventStoreDB
 * project the wire-level test server shares this process's one thread with the service and the test: the embedded
 * store's scale took over 260 s to write there, and the first instance's catch-up then starved the store's ping
 * (readiness saw "no answer within 3000 ms"). A tenth of it still keeps the rebuild going for many probes (each
 * event costs far more there), and its appends go through a limit (see withAppendLimit) as in the other tests.
 */
const scale =
  TEST_STORE === 'sqlite'
    ? { projects: 5, organisations: 300, participants: 5_000, attendancePerParticipant: 4 }
    : { projects: 3, organisations: 40, participants: 400, attendancePerParticipant: 4 };

/** The metric samples named `name` of a /metrics answer, by their `projection` label. */
function byProjection(text: string, name: string): Map<string, number> {
  const samples = [...text.matchAll(new RegExp(`^${name}\\{projection="([^"]+)"\\} (\\S+)$`, 'gm'))];
  return new Map(samples.map((m) => [m[1], Number(m[2])]));
}

describe('GET /health/ready and /health/live', () => {
  it('is 503 naming the read model while an old projection version is rebuilt, then 200; live is 200 throughout; /metrics shows the rebuild', async () => {
    const first = await startApi();
    const dataDir = first.dataDir;
    try {
      const store = first.app.get<EventStore>(EVENT_STORE);
      await writeSyntheticProgramme(TEST_STORE === 'eventstoredb' ? withAppendLimit(store) : store, scale);
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
        const scrape = async () =>
          (await request(app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${API_KEY}`).expect(200)).text;
        // Rendered whenever the probe says it is rebuilding: the metrics must show the rebuild and its progress.
        // Straight from the registry: a request with a token would first wait for the token registry's own catch-up.
        const metricsNow = () => app.get(LedgerMetrics).render();
        const metricsShowed = { rebuilding: false, progress: false };
        let eventsRebuilt = 0;
        for (const deadline = Date.now() + 60_000; answers.at(-1)?.status !== 200; ) {
          if (Date.now() > deadline) throw new Error(`Never ready after the rebuild: ${JSON.stringify(answers.at(-1))}`);
          const response = await request(app.getHttpServer()).get('/health/ready');
          answers.push({ status: response.status, body: response.body });
          lives.push((await request(app.getHttpServer()).get('/health/live')).status);
          if (response.body.rebuilding?.includes(projection.name)) {
            const metrics = await metricsNow();
            if (byProjection(metrics, 'ledger_projection_rebuilding').get(projection.name) === 1) metricsShowed.rebuilding = true;
            const events = byProjection(metrics, 'ledger_projection_rebuild_events').get(projection.name);
            if (events !== undefined) metricsShowed.progress = true;
            eventsRebuilt = Math.max(eventsRebuilt, events ?? 0);
          }
        }
        expect(metricsShowed).toEqual({ rebuilding: true, progress: true });
        // On EventStoreDB this smaller log is one page of the rebuild, reported only once it is read.
        if (TEST_STORE === 'sqlite') expect(eventsRebuilt).toBeGreaterThan(0);
        const during = answers.filter((a) => a.body.rebuilding.includes(projection.name));
        expect(during.length).toBeGreaterThan(0);
        for (const answer of during) {
          expect(answer.status).toBe(503);
          expect(answer.body.status).toBe('not-ready');
          expect(answer.body.reasons).toContain(`read models being rebuilt: ${projection.name}`);
        }
        expect(answers.at(-1)!.body).toMatchObject({ status: 'ready', reasons: [], rebuilding: [], lag: 0 });
        expect(new Set(lives)).toEqual(new Set([200]));
        const after = await scrape();
        expect(byProjection(after, 'ledger_projection_rebuilding').get(projection.name)).toBe(0);
        const lags = byProjection(after, 'ledger_projection_lag_events');
        expect([...lags.keys()].sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
        expect(new Set(lags.values())).toEqual(new Set([0]));
        // Ready means the figures answer: the rebuilt read model reached the log's head.
        const indicators = await request(app.getHttpServer()).get(`/api/indicators?minPosition=${head.position}`).set('Authorization', `Bearer ${API_KEY}`);
        expect(indicators.status).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      await first.close();
    }
  }, 240_000);

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
