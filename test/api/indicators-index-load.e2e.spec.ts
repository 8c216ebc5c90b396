import { EVENT_STORE, type EventStore } from '@app/event-store';
import { IndicatorCalculator } from '@app/reporting';
import request from 'supertest';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { API_KEY, startApi } from '../support/api-fixture.js';
import { TEST_STORE, testEventStoreConfig, withAppendLimit } from '../support/test-store.js';

const LOADING = 'indicators loading: the in-memory index of the read models is being built';

/**
 * Issue 13: the indicators' in-memory index is loaded when the service starts, not by the first indicator answer
 * (which blocked the service for seconds on a large programme). A restarted service with read models on disk
 * answers /health/ready 503 naming the load until the index is loaded, then 200, and the figures are the same.
 */
describe('indicators index loaded at start-up', () => {
  it('answers /health/ready 503 "indicators loading" until the index is loaded, then 200, with the same figures', async () => {
    const first = await startApi();
    try {
      const eventStore = first.app.get<EventStore>(EVENT_STORE);
      const scale = TEST_STORE === 'sqlite' ? { projects: 4, organisations: 200, participants: 2_000, attendancePerParticipant: 3 } : { projects: 3, organisations: 40, participants: 300, attendancePerParticipant: 3 };
      const { projectIds } = await writeSyntheticProgramme(TEST_STORE === 'eventstoredb' ? withAppendLimit(eventStore) : eventStore, scale);
      const [head] = await eventStore.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
      const urls = [
        `/api/indicators?minPosition=${head.position}`,
        `/api/indicators?minPosition=${head.position}&from=2024-01-01&to=2024-12-31`,
        `/api/projects/${projectIds[0]}/indicators?minPosition=${head.position}`,
      ];
      const before: unknown[] = [];
      for (const url of urls) before.push((await first.get(url).expect(200)).body);
      await first.app.close();

      const app = await createApp(
        { host: '127.0.0.1', port: 0, dataDir: first.dataDir, adminToken: API_KEY, eventStore: await testEventStoreConfig(first.dataDir) },
        { logger: false },
      );
      await app.init();
      const calculator = app.get(IndicatorCalculator);
      try {
        // The bootstrap started the load; it goes on in slices between requests.
        await app.listen(0, '127.0.0.1');
        const answers: Array<{ status: number; reasons: string[]; loadingBefore: boolean; loadingAfter: boolean }> = [];
        for (const deadline = Date.now() + 60_000; answers.at(-1)?.status !== 200; ) {
          if (Date.now() > deadline) throw new Error(`Never ready: ${JSON.stringify(answers.at(-1))}`);
          const loadingBefore = calculator.indexLoading();
          const response = await request(app.getHttpServer()).get('/health/ready');
          answers.push({ status: response.status, reasons: response.body.reasons, loadingBefore, loadingAfter: calculator.indexLoading() });
        }
        // While the index was loading through a whole probe, the probe said so.
        for (const answer of answers.filter((a) => a.loadingBefore && a.loadingAfter)) {
          expect(answer.status).toBe(503);
          expect(answer.reasons).toContain(LOADING);
        }
        // Ready means loaded.
        expect(answers.at(-1)!.reasons).toEqual([]);
        expect(calculator.indexLoading()).toBe(false);
        for (const [i, url] of urls.entries()) {
          const response = await request(app.getHttpServer()).get(url).set('Authorization', `Bearer ${API_KEY}`).expect(200);
          expect(response.body).toEqual(before[i]);
        }
      } finally {
        await app.close();
      }
    } finally {
      await first.close();
    }
  }, 240_000);
});
