import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MeteredEventStore, SqliteEventStore } from '@app/event-store';
import { dropRetiredReadModels, rebuildProjections } from './projection-rebuild.js';
import { PROJECTIONS } from './projections/index.js';
import { RETIRED_SUFFIX, SHADOW_SUFFIX } from './projection.js';
import { openReadModelDatabase, readProjectionStates } from './read-model.database.js';
import { ReadModelReplay } from './read-model.replay.js';
import { dumpReadModels } from '../../../test/support/read-model-dump.js';
import { writeSyntheticProgramme } from '../../../bench/synthetic-programme.js';

/*
 * A rebuild on the embedded store reads the log on a thread of its own. These check that what it builds is what
 * the log says (the same as reading on the rebuild's own thread, and as a replay of readAll), through the metered
 * store the service hands out, and that a failure of that thread leaves the read models in use as they were.
 */
describe('rebuilding the read models from the embedded store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let logEvents: number;
  const databases: Database.Database[] = [];
  const open = (name: string) => {
    const db = openReadModelDatabase(join(dir, name));
    databases.push(db);
    return db;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    // Every event type of a programme: projects, targets, organisations, labs, activities, participants, attendance,
    // support, outcomes, corrections, reports.
    ({ events: logEvents } = await writeSyntheticProgramme(store, { projects: 3, organisations: 40, participants: 90, attendancePerParticipant: 3 }));
    // A report, whose projection reads the event's metadata (who submitted it, when): the reader thread carries
    // metadata for its type only.
    const [project] = await store.readAll({ maxCount: 1 });
    const projectId = (project.data as { projectId: string }).projectId;
    await store.appendToStream('report-9b1c0f3e-0000-4000-8000-000000000001', [
      {
        id: '9b1c0f3e-0000-4000-8000-0000000000aa',
        type: 'ReportSubmitted',
        data: { reportId: '9b1c0f3e-0000-4000-8000-000000000001', projectId, label: 'Lägesrapport 1', figures: { period: { from: '2024-01-01', to: '2024-06-30' }, position: 10 }, digest: 'ab'.repeat(32) },
        metadata: { correlationId: 'c-report', causationId: 'c-report', actor: 'auditor-1', recordedAt: '2024-07-01T09:00:00.000Z' },
      },
    ]);
    logEvents += 1;
  });
  afterAll(async () => {
    for (const db of databases.splice(0)) if (db.open) db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds from the reader thread the read models a replay of the log builds, and those the inline read builds', async () => {
    const expected = dumpReadModels(new ReadModelReplay().apply(await store.readAll()).db);
    const threaded = open('threaded.sqlite');
    // Pages of 37 events: many page boundaries, and a short last page.
    const result = await rebuildProjections(new MeteredEventStore(store), threaded, PROJECTIONS, { batchSize: 37 });
    expect(result.events).toBe(logEvents);
    expect(dumpReadModels(threaded)).toEqual(expected);
    expect(threaded.prepare('SELECT label, submitted_by, submitted_at FROM reports').all()).toEqual([
      { label: 'Lägesrapport 1', submitted_by: 'auditor-1', submitted_at: '2024-07-01T09:00:00.000Z' },
    ]);

    const inline = open('inline.sqlite');
    await rebuildProjections(store, inline, PROJECTIONS, { batchSize: 37, logReader: 'inline' });
    expect(dumpReadModels(inline)).toEqual(expected);
  });

  it('fails with a clear error when the reader thread fails, leaves the read models in use as they were, and resumes', async () => {
    const db = open('failing.sqlite');
    await rebuildProjections(store, db, PROJECTIONS, { batchSize: 50 });
    const live = dumpReadModels(db);
    const expected = dumpReadModels(new ReadModelReplay().apply(await store.readAll()).db);
    expect(live).toEqual(expected);

    // After the first batch the log becomes unreadable: the reader thread is a few pages ahead, and its next read fails.
    const other = new Database(join(dir, 'events.sqlite'));
    let renamed = false;
    const failing = rebuildProjections(new MeteredEventStore(store), db, PROJECTIONS, {
      batchSize: 20,
      progressIntervalMs: 0,
      onProgress: (progress) => {
        if (progress.phase === 'loading' && !renamed) {
          other.exec('ALTER TABLE events RENAME TO events_elsewhere');
          renamed = true;
        }
      },
    });
    let error: unknown;
    try {
      await failing;
    } catch (caught) {
      error = caught;
    } finally {
      if (renamed) other.exec('ALTER TABLE events_elsewhere RENAME TO events');
      other.close();
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Reading the event log failed: .*no such table: events.*The rebuild stopped; the read models in use are unchanged, run it again to resume$/);
    expect(dumpReadModels(db)).toEqual(live);
    const stopped = [...readProjectionStates(db).values()];
    expect(stopped.every((state) => state.shadowCheckpoint !== null && state.shadowCheckpoint > 0 && state.shadowCheckpoint < logEvents)).toBe(true);

    // Run again: it resumes from the shadow tables (fewer events read than the log holds) and swaps in the same read models.
    const resumed = await rebuildProjections(store, db, PROJECTIONS, { batchSize: 20 });
    expect(resumed.events).toBeLessThan(logEvents);
    expect(resumed.position).toBe(logEvents);
    expect(dumpReadModels(db)).toEqual(expected);
    expect([...readProjectionStates(db).values()].every((state) => state.shadowCheckpoint === null && state.checkpoint === logEvents)).toBe(true);
  });

  it('swaps the new read models in with the replaced ones renamed aside, and drops those after, also any a dead process left', async () => {
    const db = open('replaced.sqlite');
    const tables = PROJECTIONS.flatMap((projection) => projection.tables.map((spec) => spec.name));
    const named = (suffix: string) =>
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?`).pluck().all(`%${suffix}`) as string[];
    await rebuildProjections(store, db, PROJECTIONS, { batchSize: 200 });
    await dropRetiredReadModels(db);
    // A rebuild killed after its swap and before the drop leaves retired tables with rows in them.
    db.exec(`CREATE TABLE "${tables[0]}${RETIRED_SUFFIX}" AS SELECT * FROM "${tables[0]}"`);

    await rebuildProjections(store, db, PROJECTIONS, { batchSize: 200 });
    // The swap renamed every replaced table aside; the new ones already answer as a replay of the log does.
    expect(named(RETIRED_SUFFIX).sort()).toEqual(tables.map((table) => `${table}${RETIRED_SUFFIX}`).sort());
    const expected = dumpReadModels(new ReadModelReplay().apply(await store.readAll()).db);
    expect(dumpReadModels(db)).toEqual(expected);

    expect(await dropRetiredReadModels(db)).toBe(tables.length);
    expect([...named(RETIRED_SUFFIX), ...named(SHADOW_SUFFIX)]).toEqual([]);
    expect(dumpReadModels(db)).toEqual(expected);
  });

  it('stops between batches when aborted, and the read models in use stay as they were', async () => {
    const db = open('aborted.sqlite');
    await rebuildProjections(store, db, PROJECTIONS, { batchSize: 100 });
    const live = dumpReadModels(db);
    const controller = new AbortController();
    await expect(
      rebuildProjections(store, db, PROJECTIONS, {
        batchSize: 10,
        progressIntervalMs: 0,
        signal: controller.signal,
        onProgress: (progress) => progress.phase === 'loading' && controller.abort(),
      }),
    ).rejects.toThrow('The rebuild was stopped; run it again to resume');
    expect(dumpReadModels(db)).toEqual(live);
  });
});
