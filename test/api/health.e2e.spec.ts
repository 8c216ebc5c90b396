import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../apps/api/src/create-app.js';
import { startEsdbTestServer } from '../esdb/esdb-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(eventStore: Parameters<typeof createApp>[0]['eventStore'], dataDir = dir): Promise<NestFastifyApplication> {
  const app = await createApp(
    { host: '127.0.0.1', port: 0, eventStore, dataDir, adminToken: 'health-test-admin-token-0123456789' },
    { logger: false },
  );
  // A real loopback listener: fastify's inject() loads ESM-only helpers that jest's CJS loader cannot.
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asks /health until both followers of the log are live (they are opening their subscriptions at start-up). */
async function healthWhenLive(app: NestFastifyApplication): Promise<request.Response> {
  let last: unknown;
  for (const deadline = Date.now() + 20_000; ; ) {
    if (Date.now() > deadline) throw new Error(`The followers of the log did not go live: ${JSON.stringify(last)}`);
    const response = await request(app.getHttpServer()).get('/health');
    last = response.body;
    const followers = Object.values(response.body.followers ?? {}) as Array<{ state: string; position: number | null }>;
    // Live, and past the first admin's grant, the first event of every fresh store.
    if (followers.length === 2 && followers.every((f) => f.state === 'live' && f.position !== null)) return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const live = { state: 'live', position: expect.any(Number), reconnects: 0, lastError: null };

describe('GET /health', () => {
  it('answers 200 when the embedded store answers, with each follower of the log', async () => {
    const app = await start({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
    const response = await healthWhenLive(app);
    await app.close();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', eventStore: { kind: 'sqlite', status: 'up' }, followers: { access: live, projections: live } });
  });

  it('on EventStoreDB: after the server drops every subscription, says the followers reconnected, and is 200 again', async () => {
    const server = await startEsdbTestServer({ systemEvents: true });
    // A data directory of its own: the read models' checkpoints are positions of the store they came from.
    const app = await start({ kind: 'eventstoredb', connectionString: server.connectionString }, mkdtempSync(join(dir, 'esdb-')));
    try {
      const before = await healthWhenLive(app);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ status: 'ok', eventStore: { kind: 'eventstoredb', status: 'up' }, followers: { access: live, projections: live } });

      await server.drop();
      let after: request.Response;
      const deadline = Date.now() + 20_000;
      do after = await healthWhenLive(app);
      while ((after.body.followers.access.reconnects === 0 || after.body.followers.projections.reconnects === 0) && Date.now() < deadline);
      expect(after.status).toBe(200);
      for (const name of ['access', 'projections']) {
        expect(after.body.followers[name]).toMatchObject({ state: 'live', reconnects: expect.any(Number), lastError: 'StoreUnavailableError' });
        expect(after.body.followers[name].reconnects).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await app.close();
      await server.close();
    }
  });

  it('answers 503, without a stack trace, when EventStoreDB does not answer', async () => {
    const app = await start({ kind: 'eventstoredb', connectionString: `esdb://127.0.0.1:${await closedPort()}?tls=false` });
    const response = await request(app.getHttpServer()).get('/health');
    await app.close();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'unavailable', eventStore: { kind: 'eventstoredb', status: 'down' } });
    expect(response.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
  });

  it('is listed in the OpenAPI document', async () => {
    const app = await start({ kind: 'sqlite', file: join(dir, 'docs.sqlite') });
    const document = await request(app.getHttpServer()).get('/api/docs/openapi.json');
    const ui = await request(app.getHttpServer()).get('/api/docs');
    await app.close();
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toContain('/health');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('start-up configuration', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
      env: { PATH: process.env.PATH, LEDGER_DATA_DIR: dir, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('stops with the variable and its allowed values when LEDGER_EVENT_STORE is wrong', () => {
    const result = run({ LEDGER_EVENT_STORE: 'postgres' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LEDGER_EVENT_STORE must be one of sqlite, eventstoredb (got "postgres")');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops when EventStoreDB is chosen without a connection string', () => {
    const result = run({ LEDGER_EVENT_STORE: 'eventstoredb' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('EVENTSTORE_CONNECTION_STRING is required when LEDGER_EVENT_STORE=eventstoredb');
  });

  it('stops with a clear message when access settings are wrong, listing each', () => {
    const result = run({ LEDGER_ADMIN_TOKEN: 'short', LEDGER_API_KEY: 'old-style-key-0123456789', LEDGER_OIDC_ISSUER: 'https://idp.example' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LEDGER_ADMIN_TOKEN must be at least 24 printable characters');
    expect(result.stderr).toContain('LEDGER_API_KEY is no longer read');
    expect(result.stderr).toContain('LEDGER_OIDC_ISSUER and LEDGER_OIDC_AUDIENCE go together');
  });

  it('stops with a clear message when the data directory holds a file that is not a store', () => {
    const foreign = mkdtempSync(join(tmpdir(), 'ledger-foreign-'));
    spawnSync('sh', ['-c', `printf 'not a database' > ${join(foreign, 'events.sqlite')}`]);
    const result = run({ LEDGER_DATA_DIR: foreign });
    rmSync(foreign, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/events\.sqlite is not a SQLite database.*left untouched/);
  });
});
