import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { openReadModelDatabase, readProjectionStates } from '@app/reporting';
import { startEsdbTestServer, type EsdbTestServer } from '../../../test/esdb/esdb-test-server.js';
import { startApi, type ApiFixture } from '../../../test/support/api-fixture.js';
import { cliRunner } from '../../../test/support/cli-runner.js';
import { recordCrossInnovationChallenge, type Scenario } from '../../../test/support/cross-innovation.scenario.js';

const sqlite = (dataDir: string) => ({ kind: 'sqlite' as const, file: join(dataDir, 'events.sqlite') });
const userEvents = (server: EsdbTestServer) => server.eventCount - 1; // the fresh server's own system event

/** What an auditor compares: everything of an event but its position and the store's own timestamp. */
const content = ({ streamName, revision, id, type, data, metadata }: RecordedEvent) => ({ streamName, revision, id, type, data, metadata });

async function readAll(store: SqliteEventStore | EventStoreDbEventStore): Promise<RecordedEvent[]> {
  try {
    return await store.readAll({ maxCount: 100_000 });
  } finally {
    await store.close();
  }
}

/** The figures a funder sees: one project's indicators, the programme's, and the staff's participant list. */
async function figures(api: ApiFixture, scenario: Scenario) {
  const project = await api.get(`/api/projects/${scenario.projectId}/indicators`).expect(200);
  const programme = await api.get('/api/indicators?fund=ERDF').expect(200);
  const participants = await api.get(`/api/projects/${scenario.projectId}/participants?limit=500`).expect(200);
  return { project: project.body.indicators, programme: programme.body.indicators, participants: participants.body.items };
}

describe('ledger migrate --to eventstoredb', () => {
  let root: string;
  let data: string;
  let server: EsdbTestServer;
  const ledger = cliRunner(() => data);
  const env = () => ({ EVENTSTORE_CONNECTION_STRING: server.connectionString });

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'ledger-migrate-'));
    data = join(root, 'data');
    server = await startEsdbTestServer({ systemEvents: true });
  });
  afterEach(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const recordProgramme = async () => {
    const api = await startApi(undefined, { dataDir: data, eventStore: sqlite(data) });
    try {
      const scenario = await recordCrossInnovationChallenge(api);
      await api.get(`/api/projects/${scenario.projectId}/indicators?minPosition=${scenario.lastPosition}`).expect(200);
      return { scenario, before: await figures(api, scenario) };
    } finally {
      await api.close();
    }
  };

  it('copies the log, resumes after being killed, and the service on EventStoreDB answers the same figures', async () => {
    const { scenario, before } = await recordProgramme();
    const source = await readAll(SqliteEventStore.open({ file: join(data, 'events.sqlite') }));
    expect(source.length).toBeGreaterThan(40);

    // Interrupted: killed with SIGKILL once a third of the log is across (slowed down so it can be caught there).
    const cli = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'migrate', '--to', 'eventstoredb'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, NODE_OPTIONS: '', LEDGER_DATA_DIR: data, ...env(), NODE_ENV: 'test', LEDGER_TEST_PAUSE_MS: '100' },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => cli.once('exit', (_code, signal) => resolve(signal)));
    while (userEvents(server) < source.length / 3) await new Promise((resolve) => setTimeout(resolve, 10));
    cli.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const copiedBeforeKill = userEvents(server);
    expect(copiedBeforeKill).toBeLessThan(source.length);

    // Resumed: copies the rest, nothing twice, and checks the target.
    const resumed = await ledger(['migrate', '--to', 'eventstoredb'], { env: env() });
    expect(resumed.code).toBe(0);
    const [, copied, there] = /^Copied (\d+) events \((\d+) were there from an earlier run\)/.exec(resumed.out)!;
    expect(Number(there)).toBe(copiedBeforeKill);
    expect(Number(copied) + Number(there)).toBe(source.length);
    expect(resumed.out).toContain(`EventStoreDB now holds all ${source.length} events`);
    expect(resumed.out).toContain('The migration is finished.');

    const target = await readAll(new EventStoreDbEventStore({ connectionString: server.connectionString }));
    expect(target.map(content)).toEqual(source.map(content));
    expect(userEvents(server)).toBe(source.length);

    // Run again: nothing left to copy, nothing written.
    const again = await ledger(['migrate', '--to', 'eventstoredb'], { env: env() });
    expect(again.out).toMatch(new RegExp(`^Copied 0 events \\(${source.length} were there from an earlier run\\)`));
    expect(userEvents(server)).toBe(source.length);

    // The read models are marked for a rebuild: their checkpoints are positions of the embedded log.
    const db = openReadModelDatabase(join(data, 'reporting.sqlite'));
    try {
      expect([...readProjectionStates(db).values()].every((state) => state.version === 0)).toBe(true);
    } finally {
      db.close();
    }

    const verify = await ledger(['verify'], { env: { ...env(), LEDGER_EVENT_STORE: 'eventstoredb' } });
    expect(verify).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^All ${source.length} events in \\d+ streams verified`)) });

    const api = await startApi(undefined, { dataDir: data, eventStore: { kind: 'eventstoredb', connectionString: server.connectionString } });
    try {
      // The read models are rebuilt in the background on start: 503 until then, never a wrong figure.
      for (;;) {
        const response = await api.get(`/api/projects/${scenario.projectId}/indicators`);
        if (response.status === 200) break;
        expect(response.status).toBe(503);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await figures(api, scenario)).toEqual(before);
    } finally {
      await api.close();
    }
  }, 180_000);

  it('copies while the service holds the log, says it is not finished, and leaves the read models alone', async () => {
    await recordProgramme();
    const running = SqliteEventStore.open({ file: join(data, 'events.sqlite') });
    try {
      const result = await ledger(['migrate', '--to', 'eventstoredb'], { env: env() });
      expect(result.code).toBe(0);
      expect(result.out).toContain('The service still has');
      expect(result.out).toContain('stop it and run "ledger migrate --to eventstoredb" again');
    } finally {
      await running.close();
    }
    const db = openReadModelDatabase(join(data, 'reporting.sqlite'));
    try {
      expect([...readProjectionStates(db).values()].every((state) => state.version > 0)).toBe(true);
    } finally {
      db.close();
    }
    expect((await ledger(['migrate', '--to', 'eventstoredb'], { env: env() })).out).toContain('The migration is finished.');
  });

  it('refuses a target that holds events of another log, writing nothing', async () => {
    await recordProgramme();
    const other = new EventStoreDbEventStore({ connectionString: server.connectionString });
    await other.appendToStream('project-elsewhere', [
      { type: 'ProjectRegistered', data: {}, metadata: { correlationId: 'c', causationId: 'c', actor: 'a', recordedAt: '2025-01-01T00:00:00Z' } },
    ]);
    await other.close();
    const result = await ledger(['migrate', '--to', 'eventstoredb'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^The target already holds events that are not from this log \(its last event, .* at project-elsewhere revision 0, is not in it\); migrate into an empty EventStoreDB$/),
      '',
    ]);
    expect(userEvents(server)).toBe(1);
  });

  it('needs EVENTSTORE_CONNECTION_STRING, and says so in one line', async () => {
    const result = await ledger(['migrate', '--to', 'eventstoredb']);
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toMatch(/^Invalid configuration: EVENTSTORE_CONNECTION_STRING is required when LEDGER_EVENT_STORE=eventstoredb [^\n]*\n$/);
  });
});
