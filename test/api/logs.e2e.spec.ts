import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessRegistry } from '@app/access';
import request from 'supertest';
import { apiConfigFromEnv } from '../../apps/api/src/api.config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { LedgerLogger } from '../../apps/api/src/logging/ledger-logger.js';
import { API_KEY, crossInnovation } from '../support/api-fixture.js';
import { testEventStoreConfig } from '../support/test-store.js';

const NAME = 'Ingrid Loggtestsson';
const EMAIL = 'ingrid.loggtest@example.se';
const REASON = 'Bytte efternamn efter giftermål i juni';
const ERASURE_REASON = 'Begärde radering enligt artikel 17';
const WRONG_TOKEN = 'not-a-real-token-but-secret-looking-0123456789';

/** Everything the process writes to stdout and stderr while `run` runs, split into lines. */
async function capture(run: () => Promise<void>): Promise<string[]> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join('').split('\n').filter((line) => line.length > 0);
}

describe('logs (issue 14.1)', () => {
  it('are one JSON object per line, one line per request with its route template, and hold no token, name, e-mail or reason', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-logs-'));
    try {
      const lines = await capture(async () => {
        const app = await createApp(
          { host: '127.0.0.1', port: 0, dataDir, adminToken: API_KEY, eventStore: await testEventStoreConfig(dataDir) },
          { logger: new LedgerLogger('json') },
        );
        await app.listen(0, '127.0.0.1');
        try {
          await app.get(AccessRegistry).whenReady(10_000);
          const server = app.getHttpServer();
          const post = (url: string, body: object) => request(server).post(url).set('Authorization', `Bearer ${API_KEY}`).set('X-Correlation-Id', 'logs-test-1').send(body);
          const projectId = (await post('/api/projects', crossInnovation).expect(201)).body.id;
          const participantId = (
            await post(`/api/projects/${projectId}/participants`, { person: { name: NAME, email: EMAIL }, gender: 'woman', role: 'creative', registeredOn: '2024-02-01' }).expect(201)
          ).body.id;
          await post(`/api/participants/${participantId}/corrections`, { birthYear: 1990, reason: REASON }).expect(200);
          await post(`/api/participants/${participantId}/erasure`, { reason: ERASURE_REASON }).expect(200);
          // A name in the search, and a token that is refused: neither may reach the log.
          await request(server).get(`/api/projects/${projectId}/participants?name=${encodeURIComponent(NAME)}`).set('Authorization', `Bearer ${API_KEY}`);
          await request(server).get('/api/projects').set('Authorization', `Bearer ${WRONG_TOKEN}`).expect(401);
          // A refused body carrying the name (a validation error) must not be logged either.
          await post(`/api/projects/${projectId}/participants`, { person: { name: NAME, email: EMAIL }, gender: 'unknown-gender' }).expect(400);
        } finally {
          await app.close();
        }
      });

      expect(lines.length).toBeGreaterThan(5);
      // Node's own process warnings (jest's VM modules) are not the application's log lines; they are still scanned below.
      const nodeWarning = /^\(node:\d+\) \w*Warning|^\(Use `node --trace-warnings/;
      const entries = lines.filter((line) => !nodeWarning.test(line)).map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`A log line is not JSON: ${line}`);
        }
      });
      for (const entry of entries) {
        expect(entry).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.any(String), message: expect.anything() });
      }
      for (const secret of [API_KEY, WRONG_TOKEN, NAME, 'Ingrid', 'Loggtestsson', EMAIL, REASON, ERASURE_REASON]) {
        expect(lines.filter((line) => line.includes(secret))).toEqual([]);
      }

      const requests = entries.filter((e) => e.context === 'Request');
      const routes = requests.map((e) => `${e.method} ${e.route} ${e.status}`);
      expect(routes).toEqual(
        expect.arrayContaining([
          'POST /api/projects 201',
          'POST /api/projects/:id/participants 201',
          'POST /api/participants/:id/corrections 200',
          'POST /api/participants/:id/erasure 200',
          'GET /api/projects 401',
          'POST /api/projects/:id/participants 400',
        ]),
      );
      expect(requests.every((e) => typeof e.durationMs === 'number' && !String(e.route).match(/[0-9a-f]{8}-[0-9a-f]{4}/))).toBe(true);
      const erasure = requests.find((e) => e.route === '/api/participants/:id/erasure')!;
      expect(erasure).toMatchObject({ correlationId: 'logs-test-1', actor: expect.stringMatching(/^token:/), level: 'log' });
      expect(requests.find((e) => e.status === 401)).toMatchObject({ actor: null });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('LEDGER_LOG_FORMAT is json or text, and anything else stops start-up naming it', () => {
    expect(apiConfigFromEnv({ LEDGER_DATA_DIR: '/tmp/unused', LEDGER_LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(apiConfigFromEnv({ LEDGER_DATA_DIR: '/tmp/unused' }).logFormat).toBeUndefined();
    expect(() => apiConfigFromEnv({ LEDGER_LOG_FORMAT: 'xml' })).toThrow('LEDGER_LOG_FORMAT must be one of json, text (got "xml")');
  });
});
