import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files the service creates', () => {
  let api: ApiFixture;
  let parent: string;
  let dataDir: string;
  let previousUmask: number;
  beforeAll(async () => {
    // The most careless umask there is: everything the service creates would be world-readable and writable.
    previousUmask = process.umask(0o000);
    parent = mkdtempSync(join(tmpdir(), 'ledger-modes-'));
    dataDir = join(parent, 'data', 'ledger');
    api = await startApi(undefined, { dataDir, eventStore: { kind: 'sqlite', file: join(dataDir, 'events.sqlite') } });
  });
  afterAll(async () => {
    await api.close();
    process.umask(previousUmask);
    rmSync(parent, { recursive: true, force: true });
  });

  it('are owner-only (files 0600, the data directory 0700) whatever the umask', async () => {
    const projectId = (await api.post('/api/projects', crossInnovation, { 'Idempotency-Key': 'modes-1' }).expect(201)).body.id;
    const person = { name: 'Anna Söderberg', email: 'anna@example.se' };
    await api.post(`/api/projects/${projectId}/participants`, { person, gender: 'woman', role: 'creative', registeredOn: '2024-01-10' }).expect(201);
    await api.get(`/api/projects/${projectId}/participants`).expect(200);

    const files = readdirSync(dataDir);
    for (const name of ['events.sqlite', 'keys.sqlite', 'service.sqlite', 'reporting.sqlite', 'events.sqlite-wal', 'keys.sqlite-wal']) {
      expect(files).toContain(name);
    }
    expect(files.filter((name) => name.endsWith('-shm')).length).toBeGreaterThan(0);
    const modes = Object.fromEntries(files.map((name) => [name, modeOf(join(dataDir, name)).toString(8)]));
    expect(modes).toEqual(Object.fromEntries(files.map((name) => [name, '600'])));
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(join(parent, 'data')).toString(8)).toBe('700');
  });
});
