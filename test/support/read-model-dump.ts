import type Database from 'better-sqlite3';
import { PROJECTIONS } from '@app/reporting';

/** Every read-model table's rows in a stable order: two databases built from the same log must dump equal. */
export function dumpReadModels(db: Database.Database): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const projection of PROJECTIONS) {
    for (const table of projection.tables) {
      const rows = db.prepare(`SELECT * FROM "${table.name}"`).raw().all() as unknown[][];
      dump[table.name] = rows.map((row) => JSON.stringify(row)).sort();
    }
  }
  return dump;
}
