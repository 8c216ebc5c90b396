import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../event-store.errors.js';
import { openSqliteFile } from './sqlite-file.js';

/** "LEDG": marks a SQLite file as a Programme Ledger event store, so we never write into a stranger's file. */
export const LEDGER_APPLICATION_ID = 0x4c454447;
/**
 * 2: the `chain` column (the hash chain over the whole log). Version 1 files are migrated on open.
 */
export const SCHEMA_VERSION = 2;

const SQLITE_HEADER = 'SQLite format 3\u0000';

const SCHEMA = `
  CREATE TABLE events (
    position    INTEGER PRIMARY KEY,
    -- No global index on event_id: random uuids would scatter writes over the whole index (3x slower
    -- batches). Retries are recognised within their stream, as EventStoreDB does.
    event_id    TEXT    NOT NULL,
    stream      TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    -- sha256(previous row's chain || this event's metadata.hash): see logChainHash. Nullable only because
    -- rows written before schema version 2 have none.
    chain       TEXT,
    UNIQUE (stream, revision)
  ) STRICT;
  -- Events are immutable facts: corrections are new events, never edits.
  CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
  CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: record a correcting event instead'); END;
`;

/**
 * Opens the store file, creating it only when it does not exist yet. An existing file that is not ours,
 * is newer than this code or fails SQLite's own check is refused with a message, and left untouched.
 */
export function openStoreDatabase(file: string): Database.Database {
  const exists = existsSync(file) && statSync(file).size > 0;
  if (exists) assertSqliteHeader(file);
  let db: Database.Database | undefined;
  try {
    if (exists) {
      // Look before touching: the checks run on a read-only connection, so a stranger's file is never written.
      const probe = new Database(file, { readonly: true, fileMustExist: true });
      try {
        assertOurs(probe, file);
      } finally {
        probe.close();
      }
    }
    db = openSqliteFile(file, { fileMustExist: exists });
    if (!exists) {
      db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
      db.pragma('journal_mode = WAL');
      db.transaction(() => {
        db!.exec(SCHEMA);
        db!.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    db.pragma('journal_mode = WAL');
    // FULL: in WAL mode every commit syncs the log before we answer, so an acknowledged append survives
    // a crash of the machine, not only of the process.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    if (exists) migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(
      `Cannot open the event store ${file}: ${(error as Error).message}. The file was left untouched; ` +
        'restore it from a backup or point LEDGER_DATA_DIR at another directory.',
      { cause: error },
    );
  }
}

/**
 * Opens an existing store file for reading only, after the same checks as `openStoreDatabase`, and never
 * migrates it: verifying a store must not change it.
 */
export function openStoreReadOnly(file: string): Database.Database {
  if (!existsSync(file) || statSync(file).size === 0) {
    throw new StoreUnavailableError(`There is no event store at ${file}`);
  }
  assertSqliteHeader(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    assertOurs(db, file);
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`Cannot open the event store ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Brings an older file up to SCHEMA_VERSION. Version 1 had no `chain` column: its rows keep NULL there and
 * `ledger verify` reports the first of them as not chained. That is acceptable because no version 1 store
 * holds production data (the hash chain arrived before the first deployment); a store that did would need
 * its chain computed once, as a reviewed migration, rather than silently here.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 1) return;
    db.exec('ALTER TABLE events ADD COLUMN chain TEXT');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function assertSqliteHeader(file: string): void {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new StoreUnavailableError(
      `${file} is not a SQLite database, so it is not a Programme Ledger event store. ` +
        'It was left untouched; move it away or point LEDGER_DATA_DIR at another directory.',
    );
  }
}

function assertOurs(db: Database.Database, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId !== LEDGER_APPLICATION_ID) {
    throw new StoreUnavailableError(
      `${file} is a SQLite database but not a Programme Ledger event store (application_id ${applicationId}). ` +
        'It was left untouched; point LEDGER_DATA_DIR at another directory.',
    );
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `${file} has event store schema version ${version}, newer than this version of Programme Ledger ` +
        `understands (${SCHEMA_VERSION}). Upgrade Programme Ledger; the file was left untouched.`,
    );
  }
  readAhead(file);
  const check = db.pragma('quick_check', { simple: true }) as string;
  if (check !== 'ok') {
    throw new StoreUnavailableError(
      `${file} failed SQLite's integrity check (${check}). It was left untouched; restore it from a backup.`,
    );
  }
}

/**
 * Reads the file once from start to end before SQLite checks it. quick_check walks every b-tree in key order,
 * which on a file not in the page cache (after a reboot, or once the kernel has reclaimed it) is a random read
 * per page: 85 s for a 1 GB store on the development VM, against 3.3 s to read the same file in order and 1.2 s
 * for the check once it is cached. A file too large to stay cached is left to the check alone.
 */
function readAhead(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return;
  }
  if (size > totalmem() / 2) return;
  const chunk = Buffer.allocUnsafe(Math.min(READ_AHEAD_CHUNK, Math.max(size, 1)));
  const fd = openSync(file, 'r');
  try {
    for (let offset = 0; offset < size; ) {
      const read = readSync(fd, chunk, 0, chunk.length, offset);
      if (read === 0) break;
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
}

const READ_AHEAD_CHUNK = 4 * 1024 * 1024;
