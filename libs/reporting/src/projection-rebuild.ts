import type Database from 'better-sqlite3';
import { replayPages, type EventStore, type LogPages, type RecordedEvent, type ReplayPagesOptions } from '@app/event-store';
import { appliersByType, createIndexes, createTables, dropTables, RETIRED_SUFFIX, retiredTables, shadowTables, type Projection } from './projection.js';
import { readProjectionStates } from './read-model.database.js';
import { rebuildApplierOf } from './rebuild-batching.js';

export interface RebuildProgress {
  projections: string[];
  /** Events read from the log so far (including those the projections skip). */
  eventsDone: number;
  /** Position reached, and the log's last position when the rebuild started: together, how far along. */
  position: number;
  headPosition: number;
  eventsPerSecond: number;
  /** Estimated seconds left, from the rate so far. */
  secondsLeft: number | null;
  phase: 'loading' | 'indexing' | 'swapping' | 'done';
}

export interface RebuildOptions {
  /** Events per transaction; small enough that a service writing the same file never waits long. */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** How often onProgress is called while loading, in milliseconds. */
  progressIntervalMs?: number;
  /** Stops a rebuild between batches (a later rebuild resumes from the shadow tables). */
  signal?: AbortSignal;
  clock?: () => Date;
  /** How the log is read (see ReplayPagesOptions.reader); LEDGER_REBUILD_READER=inline chooses 'inline' too. */
  logReader?: ReplayPagesOptions['reader'];
}

export interface RebuildResult {
  projections: string[];
  events: number;
  position: number;
  /** Until the new read models were swapped in and analysed (the replaced ones are left for dropRetiredReadModels). */
  seconds: number;
}

/**
 * Rebuilds projections into shadow tables from the start of the log, then swaps them in with one
 * transaction: readers see the old tables or the new ones, never a half-built one. The shadow tables and
 * their checkpoint commit together, so a rebuild that is killed resumes where it stopped. Events appended
 * after the shadow caught up are applied by the live projection, which notices the new checkpoint.
 */
export async function rebuildProjections(
  store: EventStore,
  db: Database.Database,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 5_000;
  const clock = options.clock ?? (() => new Date());
  const names = projections.map((p) => p.name);
  const started = performance.now();

  // Sorting for the indexes in memory, on both cores, with a larger page cache: the connection is the rebuild's
  // own (the service keeps its settings), and these settings change speed, never what is written.
  const restore = tuneForBulkLoad(db);
  try {
    return await rebuild(store, db, projections, options, batchSize, clock, names, started);
  } finally {
    restore();
  }
}

async function rebuild(
  store: EventStore,
  db: Database.Database,
  projections: readonly Projection[],
  options: RebuildOptions,
  batchSize: number,
  clock: () => Date,
  names: string[],
  started: number,
): Promise<RebuildResult> {
  await dropRetiredReadModels(db, options.signal);
  prepareShadows(db, projections);
  const compiled = projections.map((projection) => ({ projection, ...rebuildApplierOf(projection, db, shadowTables) }));
  const byType = appliersByType(compiled);
  const flushes = compiled.map((c) => c.flush);
  const setShadowCheckpoint = db.prepare(`UPDATE projection_state SET shadow_checkpoint = ? WHERE name = ?`);
  const checkpoints = new Map(names.map((name) => [name, readProjectionStates(db).get(name)!.shadowCheckpoint ?? 0]));
  const applyBatch = db.transaction((events: RecordedEvent[]) => {
    // Past every projection's checkpoint (all but the first batch of a resumed rebuild) no per-projection check
    // is needed: a lookup per event and projection was a measurable share of the load.
    const newest = Math.max(...checkpoints.values());
    for (const event of events) {
      const appliers = byType.get(event.type);
      if (appliers === undefined) continue;
      if (event.position > newest) {
        for (const { apply } of appliers) apply(event);
      } else {
        for (const { projection, apply } of appliers) {
          if (event.position > checkpoints.get(projection.name)!) apply(event);
        }
      }
    }
    for (const flush of flushes) flush();
    const last = events[events.length - 1].position;
    for (const name of names) {
      if (last > checkpoints.get(name)!) setShadowCheckpoint.run(last, name);
    }
  });

  const [head] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
  const headPosition = head?.position ?? 0;
  const startPosition = Math.min(...checkpoints.values());
  let position = startPosition;
  let eventsDone = 0;
  let lastReport = 0;
  const report = (phase: RebuildProgress['phase']) => {
    const seconds = (performance.now() - started) / 1000;
    const eventsPerSecond = seconds > 0 ? eventsDone / seconds : 0;
    const positionRate = seconds > 0 ? (position - startPosition) / seconds : 0;
    options.onProgress?.({
      projections: names,
      eventsDone,
      position,
      headPosition,
      eventsPerSecond,
      secondsLeft: phase === 'done' ? 0 : positionRate > 0 ? Math.max(0, (headPosition - position) / positionRate) : null,
      phase,
    });
  };

  const reader = options.logReader ?? (process.env.LEDGER_REBUILD_READER === 'inline' ? 'inline' : 'thread');
  const metadataOf = [...new Set(projections.flatMap((projection) => (projection.readsMetadata ? projection.eventTypes : [])))];
  const pages = logPages(store, { afterPosition: startPosition, pageSize: batchSize, reader, metadataOf });
  try {
    for (;;) {
      if (options.signal?.aborted) throw new Error('The rebuild was stopped; run it again to resume');
      const events = await pages.next();
      if (events.length === 0) break;
      applyBatch(events);
      for (const name of names) checkpoints.set(name, Math.max(checkpoints.get(name)!, events[events.length - 1].position));
      position = events[events.length - 1].position;
      eventsDone += events.length;
      if (performance.now() - lastReport >= (options.progressIntervalMs ?? 500)) {
        lastReport = performance.now();
        report('loading');
      }
      if (events.length < batchSize) break;
      // Let the service answer requests between batches when the rebuild runs inside it.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await pages.close();
  }

  report('indexing');
  for (const projection of projections) {
    for (const spec of projection.tables) {
      createIndexes(db, spec, shadowTables);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  report('swapping');
  swapIn(db, projections, clock().toISOString());
  // Fresh statistics for the query planner on the new tables (not on the replaced ones, which are about to go).
  db.pragma('analysis_limit = 1000');
  for (const projection of projections) for (const spec of projection.tables) db.exec(`ANALYZE "${spec.name}"`);
  report('done');
  return { projections: names, events: eventsDone, position, seconds: (performance.now() - started) / 1000 };
}

/**
 * Drops the read models a swap replaced (every `<table>__retired`, whichever projection and process left it), a
 * table per transaction with a turn of the event loop between. Dropping reads every page of a table to free it:
 * for a read model the kernel had not kept cached that took 7.6 s on the 1M-event programme, with the file's writers
 * waiting, which is why the swap only renames them and whoever ran it calls this once the new ones are live (the
 * engine, the CLI); a rebuild and the engine's start call it too, for what a process that died left. Stops between
 * tables when `signal` is aborted. Answers how many tables it dropped.
 */
export async function dropRetiredReadModels(db: Database.Database, signal?: AbortSignal): Promise<number> {
  const retired = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, -length(?)) = ?`)
    .pluck()
    .all(RETIRED_SUFFIX, RETIRED_SUFFIX) as string[];
  let dropped = 0;
  for (const table of retired) {
    if (signal?.aborted) break;
    db.transaction(() => db.exec(`DROP TABLE IF EXISTS "${table}"`)).immediate();
    dropped += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return dropped;
}

/** The store's replay of the log; a failure names what it means for the rebuild. */
function logPages(store: EventStore, options: ReplayPagesOptions): LogPages {
  const pages = replayPages(store, options);
  return {
    next: () =>
      pages.next().catch((error: Error) => {
        throw new Error(`${error.message}. The rebuild stopped; the read models in use are unchanged, run it again to resume`, { cause: error });
      }),
    close: () => pages.close(),
  };
}

function tuneForBulkLoad(db: Database.Database): () => void {
  const saved = ['temp_store', 'cache_size', 'threads'].map((name) => [name, db.pragma(name, { simple: true })] as const);
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = ${process.env.LEDGER_REBUILD_CACHE_KB ? -Number(process.env.LEDGER_REBUILD_CACHE_KB) : -131_072}`);
  db.pragma('threads = 2');
  return () => {
    if (db.open) for (const [name, value] of saved) db.pragma(`${name} = ${value}`);
  };
}

/** Fresh shadow tables, unless an earlier rebuild of the same version left some to resume from. */
function prepareShadows(db: Database.Database, projections: readonly Projection[]): void {
  db.transaction(() => {
    const states = readProjectionStates(db);
    for (const projection of projections) {
      const state = states.get(projection.name);
      if (state && state.shadowVersion === projection.version && state.shadowCheckpoint !== null) continue;
      dropTables(db, projection, shadowTables);
      // Indexes come after the load: building them once is faster than keeping them up to date row by row.
      createTables(db, projection, shadowTables, false);
      db.prepare(
        `INSERT INTO projection_state (name, version, checkpoint, shadow_version, shadow_checkpoint) VALUES (?, 0, 0, ?, 0)
         ON CONFLICT (name) DO UPDATE SET shadow_version = excluded.shadow_version, shadow_checkpoint = 0`,
      ).run(projection.name, projection.version);
    }
  }).immediate();
}

/** One transaction: readers see the old read models or the new ones. The old ones are renamed aside, not dropped. */
function swapIn(db: Database.Database, projections: readonly Projection[], now: string): void {
  db.transaction(() => {
    for (const projection of projections) {
      for (const spec of projection.tables) {
        // Left by a process that died before dropping it: empty or not, it is only in the way.
        db.exec(`DROP TABLE IF EXISTS "${retiredTables(spec.name)}"`);
        if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(spec.name) !== undefined) {
          db.exec(`ALTER TABLE "${spec.name}" RENAME TO "${retiredTables(spec.name)}"`);
        }
        db.exec(`ALTER TABLE "${shadowTables(spec.name)}" RENAME TO "${spec.name}"`);
      }
      db.prepare(
        `UPDATE projection_state SET version = shadow_version, checkpoint = shadow_checkpoint, shadow_version = NULL,
           shadow_checkpoint = NULL, rebuilt_at = ? WHERE name = ?`,
      ).run(now, projection.name);
    }
  }).immediate();
}
