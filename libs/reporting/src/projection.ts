import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';

/** One read-model table: its columns, and the indexes the queries need. */
export interface TableSpec {
  name: string;
  /** The column list, as inside `CREATE TABLE name (...)`. */
  columns: string;
  /** Column lists, one index each; created after a rebuild has loaded the rows, which is faster. */
  indexes?: string[];
}

/** Maps a table's name to the one being written: the live table, or its shadow during a rebuild. */
export type TableNames = (table: string) => string;

/**
 * A projection turns events into rows. `prepare` compiles its statements against the given tables and
 * returns the function applied to each event, inside the runtime's transaction; it must not do I/O of its
 * own, so the same code fills the live tables, a shadow rebuild, or an in-memory replay.
 *
 * Bump `version` whenever the tables or the way events map to rows change: the service then rebuilds the
 * projection on start.
 */
export interface Projection {
  name: string;
  version: number;
  tables: TableSpec[];
  /** The event types it reads; the runtime hands it no others. */
  eventTypes: readonly string[];
  /**
   * Whether it reads its events' metadata: a rebuild has the log reader send it along for these types only. A
   * projection that reads it without saying so still gets it, an event at a time (slower, never wrong).
   */
  readsMetadata?: boolean;
  prepare(db: Database.Database, table: TableNames): (event: RecordedEvent) => void;
}

export const SHADOW_SUFFIX = '__rebuild';
export const RETIRED_SUFFIX = '__retired';
export const liveTables: TableNames = (table) => table;
export const shadowTables: TableNames = (table) => `${table}${SHADOW_SUFFIX}`;
/** A read model a rebuild has replaced: renamed aside at the swap, dropped after it. */
export const retiredTables: TableNames = (table) => `${table}${RETIRED_SUFFIX}`;

export function createTables(db: Database.Database, projection: Projection, table: TableNames, withIndexes: boolean): void {
  for (const spec of projection.tables) {
    db.exec(`CREATE TABLE IF NOT EXISTS "${table(spec.name)}" (${spec.columns})`);
    if (withIndexes) createIndexes(db, spec, table);
  }
}

export function createIndexes(db: Database.Database, spec: TableSpec, table: TableNames): void {
  // A shadow table keeps its index names when it is renamed into place, so each generation gets its own.
  const generation = randomBytes(4).toString('hex');
  spec.indexes?.forEach((columns, n) => {
    db.exec(`CREATE INDEX "ix_${spec.name}_${n}_${generation}" ON "${table(spec.name)}" (${columns})`);
  });
}

export function dropTables(db: Database.Database, projection: Projection, table: TableNames): void {
  for (const spec of projection.tables) db.exec(`DROP TABLE IF EXISTS "${table(spec.name)}"`);
}

/** A projection with its statements compiled against one set of tables. */
export interface Applier {
  projection: Projection;
  apply: (event: RecordedEvent) => void;
}

/** Who reads which event type: the one dispatch table the engine, a rebuild and a replay all use. */
export function appliersByType(appliers: readonly Applier[]): Map<string, Applier[]> {
  const byType = new Map<string, Applier[]>();
  for (const applier of appliers) {
    for (const type of applier.projection.eventTypes) byType.set(type, [...(byType.get(type) ?? []), applier]);
  }
  return byType;
}
