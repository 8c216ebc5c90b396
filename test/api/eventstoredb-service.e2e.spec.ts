import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';
import { startEsdbTestServer, type EsdbTestServer } from '../esdb/esdb-test-server.js';
import { crossInnovation } from '../support/api-fixture.js';

const ADMIN_TOKEN = 'esdb-service-admin-token-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The service as an operator runs it on EventStoreDB: `LEDGER_EVENT_STORE=eventstoredb` and a connection
 * string, in a process of its own (apps/api/src/main.ts), against the wire-level test server. It answers
 * /health 200, and records and reports the first Cross Innovation Challenge.
 */
describe('the service started with LEDGER_EVENT_STORE=eventstoredb', () => {
  let server: EsdbTestServer;
  let child: ChildProcess;
  let dataDir: string;
  let base: string;
  const post = (url: string, body?: object) => request(base).post(url).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
  const get = (url: string) => request(base).get(url).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

  beforeAll(async () => {
    server = await startEsdbTestServer({ systemEvents: true });
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-esdb-service-'));
    const port = await freePort();
    // TypeScript's own transpiler (the loader) emits the decorator metadata NestJS injects by; tsx's does not.
    child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/crash/idempotency-crash.loader.mjs', 'apps/api/src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: String(port),
        LEDGER_EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${server.port}?tls=false`,
        LEDGER_DATA_DIR: dataDir,
        LEDGER_ADMIN_TOKEN: ADMIN_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.includes('Programme Ledger listening on')) break;
    }
    base = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health 200, with its followers of the log live', async () => {
    let health: request.Response;
    const deadline = Date.now() + 20_000;
    do health = await request(base).get('/health');
    while (health.body.followers?.access?.state !== 'live' && Date.now() < deadline);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      eventStore: { kind: 'eventstoredb', status: 'up' },
      followers: { access: { state: 'live' }, projections: { state: 'live' } },
    });
  });

  it('records the Cross Innovation Challenge and reports its figures', async () => {
    const projectId = (await post('/api/projects', crossInnovation).expect(201)).body.id as string;
    const companies = [
      { name: 'Havsbruket i Karlshamn AB', sizeClass: 'micro', organisationNumber: '559123-0015' },
      { name: 'Blekinge Marinteknik AB', sizeClass: 'small', organisationNumber: '559123-0023' },
      { name: 'Östersjö Fiskeförädling AB', sizeClass: 'small', organisationNumber: '559123-0031' },
      { name: 'Skånes Vattenrening AB', sizeClass: 'medium', organisationNumber: '559123-0049' },
    ];
    const organisationIds: string[] = [];
    for (const company of companies) {
      const registered = await post('/api/organisations', { ...company, country: 'SE', type: 'enterprise' });
      expect([registered.status, registered.body.message]).toEqual([201, undefined]);
      organisationIds.push(registered.body.id);
    }
    const challengeId = (
      await post(`/api/projects/${projectId}/activities`, {
        format: 'challenge',
        name: 'Cross Innovation Challenge Karlshamn: hav och vatten',
        startDate: '2023-10-10',
        endDate: '2023-10-12',
        crossBorder: false,
      }).expect(201)
    ).body.id as string;
    const creatives = ['woman', 'woman', 'woman', 'woman', 'woman', 'man', 'man', 'another', 'not-stated'];
    const participantIds: string[] = [];
    for (const [n, gender] of creatives.entries()) {
      const body = { person: { name: `Kreatör ${n + 1}` }, gender, role: 'creative', registeredOn: '2023-10-02' };
      participantIds.push((await post(`/api/projects/${projectId}/participants`, body).expect(201)).body.id);
    }
    for (const [n, organisationId] of organisationIds.entries()) {
      const body = { person: { name: `Representant ${n + 1}` }, gender: n % 2 === 0 ? 'woman' : 'man', role: 'company-representative', organisationId, registeredOn: '2023-10-02' };
      participantIds.push((await post(`/api/projects/${projectId}/participants`, body).expect(201)).body.id);
    }
    for (const participantId of participantIds) {
      for (const date of ['2023-10-10', '2023-10-11', '2023-10-12']) {
        await post(`/api/activities/${challengeId}/attendance`, { participantId, date }).expect(200);
      }
    }
    for (const organisationId of organisationIds) {
      await post(`/api/projects/${projectId}/support`, { organisationId, kind: 'non-financial', date: '2023-10-12', hours: 24, activityId: challengeId }).expect(201);
    }
    await post(`/api/projects/${projectId}/outcomes`, {
      kind: 'business-idea',
      organisationId: organisationIds[1],
      activityId: challengeId,
      date: '2023-10-12',
      description: 'Underwater sound art as a way to monitor fish farms',
    }).expect(201);
    const closed = await post(`/api/activities/${challengeId}/close`, { closedOn: '2023-10-12' }).expect(200);

    const indicators = await get(`/api/projects/${projectId}/indicators?minPosition=${closed.body.position}`).expect(200);
    const figure = (code: string) => indicators.body.indicators.find((i: { code: string }) => i.code === code);
    expect(figure('participants')).toMatchObject({ value: 13, breakdown: { gender: { woman: 7, man: 4, another: 1, 'not-stated': 1 } } });
    expect(figure('smes-reached')).toMatchObject({ value: 4, breakdown: { sizeClass: { micro: 1, small: 2, medium: 1 } } });
    expect(figure('activities')).toMatchObject({ value: 1, breakdown: { format: { challenge: 1 } } });
    expect(figure('outcomes')).toMatchObject({ value: 1 });

    const report = await post(`/api/projects/${projectId}/reports`, { label: 'Cross Innovation Challenge Karlshamn', minPosition: closed.body.position }).expect(201);
    const verification = await get(`/api/reports/${report.body.id}/verification`).expect(200);
    expect(verification.body).toMatchObject({ result: 'match', digestMatches: true, differences: [] });
    const submitted = await get(`/api/reports/${report.body.id}`).expect(200);
    expect(submitted.body.figures ?? submitted.body.indicators).toBeDefined();

    // Everything went to EventStoreDB, not to a file in the data directory.
    expect(server.eventCount).toBeGreaterThan(1 + 4 + 1 + 13 + 39 + 4 + 1 + 1);
  });
});
