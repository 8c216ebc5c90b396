import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { dropRetiredReadModels, openReadModelDatabase, PROJECTIONS, readProjectionStates, rebuildProjections, RETIRED_SUFFIX, SHADOW_SUFFIX, type RebuildProgress } from '@app/reporting';
import { writeSyntheticProgramme } from '../../bench/synthetic-programme.js';
import { startApi, type ApiFixture } from '../support/api-fixture.js';
import { startEsdbTestServerProcess, type EsdbTestServerProcess } from '../support/esdb-test-server.process.js';
import { TEST_STORE, withAppendLimit } from '../support/test-store.js';

interface Answer {
  url: string;
  status: number;
  body: { indicators?: unknown; message?: string };
  /** The rebuild's phase when the answer arrived: 'loading' means the shadow tables were half built. */
  phase: RebuildProgress['phase'] | 'starting';
  /** How far the shadow tables were loaded when the answer arrived. */
  loadedTo: number;
  whileRebuilding: boolean;
}

/**
 * Acceptance: a rebuild (`ledger projections rebuild`, on its own connection to the read-model file) runs
 * while the API answers queries; no query fails or sees a half-built table. Nothing is written during the
 * rebuild, so any answer read from a half-built table would show a different figure from the reference.
 */
describe('rebuilding the read models while the API serves queries', () => {
  let api: ApiFixture;
  let esdb: EsdbTestServerProcess | undefined;
  let store: EventStore;
  let rebuildDb: Database.Database | undefined;
  let projectId: string;
  let last = 0;
  let logEvents = 0;

  const figure = (body: { indicators: Array<{ code: string; value: number }> }, code: string) => body.indicators.find((i) => i.code === code)!;

  beforeAll(async () => {
    // On EventStoreDB the test server runs in a process of its own, as a real server would: in this process its
    // work would share one thread with the rebuild's reads and three clients' queries.
    if (TEST_STORE === 'eventstoredb') esdb = await startEsdbTestServerProcess();
    api = await startApi(undefined, esdb ? { eventStore: { kind: 'eventstoredb', connectionString: esdb.connectionString } } : {});
    store = api.app.get<EventStore>(EVENT_STORE);
    const startedWith = (await store.readAll()).length;
    // Over EventStoreDB every append is a round trip to another process on the same two cores: a smaller programme
    // (still tens of pages for the rebuild) and few appends in flight, so none waits past the client's deadline.
    const participants = esdb ? 2_000 : 5_000;
    const { events, projectIds } = await writeSyntheticProgramme(esdb ? withAppendLimit(store, 16) : store, { projects: 5, organisations: 300, participants, attendancePerParticipant: 4 });
    expect(events).toBeGreaterThan(participants * 4);
    projectId = projectIds[0];
    const [head] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    last = head.position;
    // Counted, not taken from positions: EventStoreDB's positions are byte offsets. The writer counts what it
    // appended, so the rebuild's count is checked against more than the adapter's own reading of the log.
    logEvents = startedWith + events;
    // The running service's projections have the whole programme before the rebuild starts.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await api.get(`/api/indicators?minPosition=${last}`);
      if (response.status === 200) break;
      if (Date.now() > deadline) throw new Error(`The read models did not reach ${last}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    // Writing 30,000 events through the EventStoreDB adapter (hash chains, a test server on the same 2 cores)
    // took up to two minutes on a loaded machine; a bound against hanging, not a speed check.
  }, 300_000);
  afterAll(async () => {
    if (rebuildDb?.open) rebuildDb.close();
    try {
      await api?.close();
    } finally {
      await esdb?.close();
    }
  });

  it('answers every query with the same figures as before, from the old tables or the new ones, and follows the log afterwards', async () => {
    const programmeUrl = '/api/indicators';
    const projectUrl = `/api/projects/${projectId}/indicators`;
    const reference = {
      [programmeUrl]: (await api.get(programmeUrl).expect(200)).body.indicators,
      [projectUrl]: (await api.get(projectUrl).expect(200)).body.indicators,
    };
    const participantsBefore = figure((await api.get(projectUrl).expect(200)).body, 'participants').value;
    expect(participantsBefore).toBeGreaterThan(0);

    let phase: Answer['phase'] = 'starting';
    let loadedTo = 0;
    let finished = false;
    const progress: RebuildProgress[] = [];
    rebuildDb = openReadModelDatabase(join(api.dataDir, 'reporting.sqlite'));
    const rebuilding = rebuildProjections(store, rebuildDb, PROJECTIONS, {
      batchSize: 500,
      progressIntervalMs: 0,
      onProgress: (p) => {
        phase = p.phase;
        loadedTo = p.position;
        progress.push(p);
      },
    }).finally(() => {
      finished = true;
    });

    const answers: Answer[] = [];
    const client = async (urls: string[]) => {
      for (let n = 0; !finished; n++) {
        const url = urls[n % urls.length];
        const response = await api.get(url);
        answers.push({ url, status: response.status, body: response.body, phase, loadedTo, whileRebuilding: !finished });
      }
    };
    // A few clients at once, so requests are in flight at every step of the rebuild.
    await Promise.all([client([programmeUrl, projectUrl]), client([projectUrl, programmeUrl]), client([projectUrl]), rebuilding]);
    const result = await rebuilding;

    expect(result.events).toBe(logEvents);
    expect(result.position).toBe(last);
    expect(progress.filter((p) => p.phase === 'loading').length).toBeGreaterThan(10);
    expect(progress.at(-1)?.phase).toBe('done');

    expect(answers.length).toBeGreaterThan(10);
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.map((a) => `${a.status} ${a.url} (${a.phase}): ${a.body.message ?? ''}`)).toEqual([]);
    const different = answers.filter((a) => JSON.stringify(a.body.indicators) !== JSON.stringify(reference[a.url]));
    expect(different.map((a) => `${a.url} (${a.phase})`)).toEqual([]);
    // Many answers came while the shadow tables were half built, not only before or after the rebuild.
    const duringLoad = answers.filter((a) => a.whileRebuilding && a.phase === 'loading' && a.loadedTo > 0 && a.loadedTo < last);
    expect(duringLoad.length).toBeGreaterThan(5);
    expect(new Set(duringLoad.map((a) => a.url))).toEqual(new Set([programmeUrl, projectUrl]));

    // The rebuilt tables are the live ones now, at the log's last position; no shadow table is left.
    const states = readProjectionStates(rebuildDb);
    for (const projection of PROJECTIONS) {
      expect(states.get(projection.name)).toMatchObject({ version: projection.version, checkpoint: last, shadowVersion: null, shadowCheckpoint: null, rebuiltAt: expect.any(String) });
    }
    const shadows = rebuildDb.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?`).pluck().all(`%${SHADOW_SUFFIX}`);
    expect(shadows).toEqual([]);
    // The replaced tables, renamed aside by the swap, go once their owner (here: this test, as the CLI does) drops them.
    expect(await dropRetiredReadModels(rebuildDb)).toBeGreaterThan(0);
    expect(rebuildDb.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?`).pluck().all(`%${RETIRED_SUFFIX}`)).toEqual([]);

    // The live projection took over the rebuilt tables: a new registration shows in them.
    const registered = await api
      .post(`/api/projects/${projectId}/participants`, {
        person: { name: 'Efter Ombyggnad', email: 'efter@example.se' },
        gender: 'woman',
        role: 'creative',
        registeredOn: '2026-06-01',
      })
      .expect(201);
    expect(registered.body.position).toBeGreaterThan(last);
    const after = await api.get(`${projectUrl}?minPosition=${registered.body.position}`).expect(200);
    expect(after.body.position).toBeGreaterThanOrEqual(registered.body.position);
    expect(figure(after.body, 'participants').value).toBe(participantsBefore + 1);
    const programmeAfter = await api.get(`${programmeUrl}?minPosition=${registered.body.position}`).expect(200);
    expect(figure(programmeAfter.body, 'participants').value).toBe(figure({ indicators: reference[programmeUrl] }, 'participants').value + 1);
    expect(readProjectionStates(rebuildDb).get('participants')?.checkpoint).toBeGreaterThanOrEqual(registered.body.position);

    rebuildDb.close();
  }, 300_000);
});
