import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteEventStore } from '@app/event-store';
import { IndicatorCalculator } from './indicators/indicator.calculator.js';
import { ProjectionEngine } from './projection-engine.js';
import { rebuildProjections, type RebuildProgress } from './projection-rebuild.js';
import { PROJECTIONS } from './projections/index.js';
import { participantsProjection } from './projections/participants.projection.js';
import { projectHistoryProjection } from './projections/project-history.projection.js';
import { ProjectLog } from './audit/project-log.js';
import type { Projection } from './projection.js';
import { openReadModelDatabase, readProjectionStates } from './read-model.database.js';
import { RETIRED_SUFFIX } from './projection.js';
import { ReadModelReplay } from './read-model.replay.js';
import { dumpReadModels } from '../../../test/support/read-model-dump.js';
import { PROJECT, projectRegistered, registration } from '../../../test/support/new-events.js';


describe('the projection engine', () => {
  let dir: string;
  let store: SqliteEventStore;
  const databases: Database.Database[] = [];
  const open = () => {
    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    databases.push(db);
    return db;
  };
  const participants = (db: Database.Database) =>
    new IndicatorCalculator(db).compute({ kind: 'project', projectId: PROJECT }, {}).indicators.find((i) => i.code === 'participants')!;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-engine-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    await store.appendToStream(`project-${PROJECT}`, [projectRegistered]);
  });
  afterEach(async () => {
    for (const db of databases.splice(0)) if (db.open) db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up with the log, then follows new appends; waitForPosition resolves once they are in the read models', async () => {
    for (let n = 0; n < 10; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    const db = open();
    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    const { position } = await store.appendToStream('participant-p-10', [registration(10, 'man')]);
    expect(await engine.waitForPosition(position, 5_000)).toBe(true);
    expect(engine.position).toBe(position);
    expect(participants(db)).toMatchObject({ value: 11, breakdown: { gender: { woman: 10, man: 1 } } });
    // Every projection's checkpoint moved with the batch, even those the events did not concern.
    expect([...readProjectionStates(db).values()].map((s) => s.checkpoint)).toEqual(PROJECTIONS.map(() => position));
    await engine.stop();
  });

  it('keeps answering while another connection holds the write lock from its first batch on, and commits once the lock is free', async () => {
    await store.appendToStream('participant-p-1', [registration(1)]);
    const [head] = await store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 });
    const db = open();
    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    // As `ledger projections rebuild` does in another process: its write lock taken before the engine's first batch.
    const holder = open();
    holder.exec('BEGIN IMMEDIATE');
    let longestGap = 0;
    let last = performance.now();
    const ticks = setInterval(() => {
      longestGap = Math.max(longestGap, performance.now() - last);
      last = performance.now();
    }, 10);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(engine.position).toBeLessThan(head.position);
      holder.exec('COMMIT');
      expect(await engine.waitForPosition(head.position, 5_000)).toBe(true);
    } finally {
      clearInterval(ticks);
      if (holder.inTransaction) holder.exec('ROLLBACK');
    }
    // Waiting for the lock inside the batch would block the event loop for the read connection's 10 s busy timeout.
    expect(longestGap).toBeLessThan(2_000);
    expect(participants(db)).toMatchObject({ value: 1 });
    await engine.stop();
  });

  it('drops at start the replaced read models a rebuild that died after its swap left behind', async () => {
    const db = open();
    const first = new ProjectionEngine(store, db, PROJECTIONS, open);
    first.start();
    await first.stop();
    db.exec(`CREATE TABLE "participants${RETIRED_SUFFIX}" (id TEXT, gender TEXT); INSERT INTO "participants${RETIRED_SUFFIX}" VALUES ('p', 'woman')`);
    const retired = () => db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = ?`).pluck().get(`participants${RETIRED_SUFFIX}`);
    expect(retired()).toBe(1);

    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    const { position } = await store.appendToStream('participant-p-1', [registration(1)]);
    expect(await engine.waitForPosition(position, 5_000)).toBe(true);
    expect(retired()).toBe(0);
    await engine.stop();
  });

  it('after a failed batch, files every event under its own project and stream: keys kept at hand from the rolled-back batch are dropped', async () => {
    // The project history keys projects and streams by row ids its batch wrote; a batch that fails is rolled back, so
    // keys remembered from it would name rows that are gone, and the retried batch would file events under nothing.
    let failures = 0;
    const failingOnce: Projection = {
      name: 'failing_once',
      version: 1,
      tables: [{ name: 'failing_once', columns: 'n INTEGER' }],
      eventTypes: ['ParticipantRegistered'],
      prepare: () => (event) => {
        if ((event.data as { participantId: string }).participantId === 'p-2' && failures++ === 0) throw new Error('a projection failed');
      },
    };
    const db = open();
    const engine = new ProjectionEngine(store, db, [projectHistoryProjection, failingOnce], open);
    engine.start();
    try {
      // participant-p-2's stream is claimed (and keyed) by the event the other projection fails on.
      await store.appendToStream(`participant-p-0`, [registration(0)]);
      const appended = await Promise.all([1, 2, 3].map((n) => store.appendToStream(`participant-p-${n}`, [registration(n)])));
      expect(await engine.waitForPosition(appended[2].position, 10_000)).toBe(true);
      expect(failures).toBeGreaterThan(0);
      const { events } = await new ProjectLog(store, db).historyPage(PROJECT, { limit: 100 });
      expect(events.map((e) => e.streamName)).toEqual([`project-${PROJECT}`, 'participant-p-0', 'participant-p-1', 'participant-p-2', 'participant-p-3']);
      expect((await new ProjectLog(store, db).historyPage(PROJECT, { limit: 100, stream: 'participant-p-2' })).events).toHaveLength(1);
    } finally {
      await engine.stop();
    }
  });

  it('replays a project whose events name an organisation by an id no stream can have: its events, without that organisation', async () => {
    const odd = 'o'.repeat(300);
    await store.appendToStream('participant-p-1', [{ ...registration(1), data: { ...(registration(1).data as object), organisationId: odd } }]);
    const { position } = await store.appendToStream('participant-p-2', [registration(2)]);
    const db = open();
    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    try {
      expect(await engine.waitForPosition(position, 10_000)).toBe(true);
      const events = await new ProjectLog(store, db).eventsForFigures(PROJECT);
      expect(events.map((e) => e.streamName)).toEqual([`project-${PROJECT}`, 'participant-p-1', 'participant-p-2']);
    } finally {
      await engine.stop();
    }
  });

  it('answers false from waitForPosition when the position is not reached in time', async () => {
    const db = open();
    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    expect(await engine.waitForPosition(1_000, 100)).toBe(false);
    await engine.stop();
  });

  it('resumes from its checkpoint after a restart, without counting anything twice', async () => {
    for (let n = 0; n < 5; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    const first = new ProjectionEngine(store, open(), PROJECTIONS, open);
    first.start();
    await first.waitForPosition(6, 5_000);
    await first.stop();
    for (let n = 5; n < 8; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    const db = open();
    const second = new ProjectionEngine(store, db, PROJECTIONS, open);
    second.start();
    expect(await second.waitForPosition(9, 5_000)).toBe(true);
    expect(participants(db).value).toBe(8);
    expect(dumpReadModels(db)).toEqual(dumpReadModels(new ReadModelReplay().apply(await store.readAll()).db));
    await second.stop();
  });

  it('rebuilds a projection whose version changed on start, while the others keep answering', async () => {
    for (let n = 0; n < 50; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    const first = new ProjectionEngine(store, open(), PROJECTIONS, open);
    first.start();
    await first.waitForPosition(51, 5_000);
    await first.stop();

    const bumped = PROJECTIONS.map((p) => (p === participantsProjection ? { ...p, version: p.version + 1 } : p));
    const db = open();
    const engine = new ProjectionEngine(store, db, bumped, open);
    engine.start();
    expect(engine.rebuilding(['participants']).map((s) => s.name)).toEqual(['participants']);
    expect(engine.rebuilding(['projects'])).toEqual([]);
    await until(() => engine.rebuilding(['participants']).length === 0);
    expect(readProjectionStates(db).get('participants')).toMatchObject({ version: participantsProjection.version + 1, checkpoint: 51 });
    expect(participants(db).value).toBe(50);
    // New events after the swap reach the rebuilt projection through the live subscription.
    const { position } = await store.appendToStream('participant-p-50', [registration(50)]);
    expect(await engine.waitForPosition(position, 5_000)).toBe(true);
    expect(participants(db).value).toBe(51);
    await engine.stop();
  });

  it('takes in a rebuild swapped in by another process (ledger projections rebuild) and misses nothing appended meanwhile', async () => {
    for (let n = 0; n < 3_000; n++) await store.appendToStream(`participant-p-${n}`, [registration(n, n % 2 ? 'man' : 'woman')]);
    const db = open();
    const engine = new ProjectionEngine(store, db, PROJECTIONS, open);
    engine.start();
    await engine.waitForPosition(3_001, 10_000);

    const progress: RebuildProgress[] = [];
    const rebuilding = rebuildProjections(store, open(), PROJECTIONS, { batchSize: 200, onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    // Appends keep arriving while the shadow tables fill, and after they caught up.
    for (let n = 3_000; n < 3_100; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    const result = await rebuilding;
    for (let n = 3_100; n < 3_150; n++) await store.appendToStream(`participant-p-${n}`, [registration(n)]);
    expect(await engine.waitForPosition(3_151, 10_000)).toBe(true);

    expect(result.events).toBeGreaterThanOrEqual(3_001);
    expect(progress.some((p) => p.phase === 'loading' && p.eventsDone > 0 && p.eventsPerSecond > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', secondsLeft: 0 });
    expect(participants(db).value).toBe(3_150);
    expect(dumpReadModels(db)).toEqual(dumpReadModels(new ReadModelReplay().apply(await store.readAll()).db));
    await engine.stop();
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
