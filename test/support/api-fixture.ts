import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessRegistry } from '@app/access';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@app/event-store';
import request from 'supertest';
import type { ApiConfig } from '../../apps/api/src/api.config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { testEventStoreConfig } from './test-store.js';

/** The first admin's token (LEDGER_ADMIN_TOKEN) of every fixture. */
export const API_KEY = 'e2e-test-admin-token-0123456789';

export interface ApiFixture {
  app: NestFastifyApplication;
  dataDir: string;
  /** A request with the API key. */
  post(url: string, body?: unknown, headers?: Record<string, string>): request.Test;
  get(url: string, headers?: Record<string, string>): request.Test;
  /** Without any key. */
  raw: () => ReturnType<typeof request>;
  allEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/**
 * The real application on a loopback port, with its data in a fresh directory and the clock pinned. On the
 * jest project `eventstoredb` its events go to the EventStoreDB adapter over the wire-level test server.
 */
export async function startApi(now = new Date('2026-11-22T10:00:00Z'), overrides: Partial<ApiConfig> = {}): Promise<ApiFixture> {
  // A directory the caller gave is the caller's to remove (a test may start the service on it again).
  const ownDir = overrides.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const dataDir = overrides.dataDir ?? ownDir!;
  const app = await createApp(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      adminToken: API_KEY,
      clock: () => now,
      ...overrides,
      eventStore: await testEventStoreConfig(dataDir, overrides.eventStore),
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  // The first admin token (API_KEY) is granted in the background on first start; tests begin after it.
  await app.get(AccessRegistry).whenReady(10_000);
  const server = app.getHttpServer();
  const store = app.get<EventStore>(EVENT_STORE);
  const withKey = (test: request.Test, headers: Record<string, string> = {}) => {
    let t = test.set('Authorization', `Bearer ${API_KEY}`);
    for (const [name, value] of Object.entries(headers)) t = t.set(name, value);
    return t;
  };
  return {
    app,
    dataDir,
    post: (url, body, headers) => withKey(request(server).post(url), headers).send(body as object),
    get: (url, headers) => withKey(request(server).get(url), headers),
    raw: () => request(server),
    allEvents: () => store.readAll(),
    close: async () => {
      await app.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** The Cross Innovation Southern Sweden project, as registered in most tests. */
export const crossInnovation = {
  name: 'Cross Innovation Southern Sweden',
  programme: 'Regionalfonden Skåne-Blekinge',
  fund: 'ERDF',
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  countries: ['SE'],
};
