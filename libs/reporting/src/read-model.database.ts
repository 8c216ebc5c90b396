import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqliteFile } from '@app/event-store';
import type { Projection } from './projection.js';

/** Where each projection stands: the version and checkpoint of its live tables, and of a rebuild under way. */
export interface ProjectionState {
  name: string;
  /** Version of the live tables; a projection whose code has another version must be rebuilt. */
  version: number;
  /** Position of the last event the live tables reflect (0: none yet). */
  checkpoint: number;
  shadowVersion: number | null;
  shadowCheckpoint: number | null;
  rebuiltAt: string | null;
}

const APPLICATION_ID = 0x4c45_4452; // "LEDR": a reporting database of the ledger

/**
 * The read models' own SQLite file. It holds nothing that cannot be rebuilt from the event log: delete it
 * and the service rebuilds it on start. Several processes may open it (the service, `ledger projections
 * rebuild`); writes are short transactions, reads are WAL snapshots and never wait.
 */
export function openReadModelDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = openSqliteFile(file, { timeout: 10_000 });
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare(`SELECT count(*) FROM sqlite_master`).pluck().get() as number;
  if (applicationId !== APPLICATION_ID && tables > 0) {
    db.close();
    throw new Error(`${file} is not a Programme Ledger reporting database; move it away or point LEDGER_DATA_DIR elsewhere`);
  }
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // A lost read-model commit is recomputed from the log, so the read models need no fsync per commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  // SQLite's lower() folds ASCII only; names here are Swedish and Norwegian (Å, Ä, Ö, Æ, Ø).
  db.function('fold', { deterministic: true }, (text) => (typeof text === 'string' ? text.toLocaleLowerCase('sv') : text));
  db.exec(`CREATE TABLE IF NOT EXISTS projection_state (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    checkpoint INTEGER NOT NULL,
    shadow_version INTEGER,
    shadow_checkpoint INTEGER,
    rebuilt_at TEXT
  )`);
  return db;
}

/** Prepared once per connection: the engine reads the states in every batch's transaction. */
const statesStatements = new WeakMap<Database.Database, Database.Statement>();

export function readProjectionStates(db: Database.Database): Map<string, ProjectionState> {
  let statement = statesStatements.get(db);
  if (!statement) {
    statement = db.prepare(
      `SELECT name, version, checkpoint, shadow_version AS shadowVersion, shadow_checkpoint AS shadowCheckpoint,
        rebuilt_at AS rebuiltAt FROM projection_state`,
    );
    statesStatements.set(db, statement);
  }
  const rows = statement.all() as ProjectionState[];
  return new Map(rows.map((row) => [row.name, row]));
}

/** A projection seen for the first time starts empty at the code's version and catches up from the start. */
export function registerNewProjections(db: Database.Database, projections: readonly Projection[], create: (p: Projection) => void): void {
  db.transaction(() => {
    const states = readProjectionStates(db);
    for (const projection of projections) {
      if (states.has(projection.name)) continue;
      create(projection);
      db.prepare(`INSERT INTO projection_state (name, version, checkpoint) VALUES (?, ?, 0)`).run(projection.name, projection.version);
    }
  }).immediate();
}
