import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** Owner read and write only: the files hold personal-data keys, tokens' verifiers and the log itself. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Creates the directory, and any missing parent, owner-only whatever the umask. A directory that already
 * exists is left as its owner set it (an operator may have chosen group access for backups on purpose).
 */
export function ensurePrivateDirectory(directory: string): void {
  const target = resolve(directory);
  const firstCreated = mkdirSync(target, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (firstCreated === undefined) return;
  // mkdir's mode passes through the umask (000 would still be fine, 077 too, but 0277 would not be): set it exactly.
  for (let current = target; ; current = dirname(current)) {
    chmodSync(current, PRIVATE_DIRECTORY_MODE);
    if (current === resolve(firstCreated) || current === dirname(current)) break;
  }
}

/**
 * Creates an empty file owner-only (0600) when there is none, exclusively, so a file that appeared in the
 * meantime is never touched. Answers whether it created the file.
 */
export function createPrivateFile(file: string): boolean {
  ensurePrivateDirectory(dirname(file));
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    // The umask may have taken bits away from the mode given to open; fchmod sets it exactly.
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The one way the service opens a SQLite file. A file that does not exist yet is created owner-only first
 * (SQLite itself would create it 0644 whatever the umask), in an owner-only directory if it creates that
 * too; SQLite gives a database's -wal, -shm and -journal files the database file's own mode, so they are
 * owner-only as well. Read-only opens and existing files are left exactly as they are.
 */
export function openSqliteFile(file: string, options: Database.Options = {}): Database.Database {
  if (file !== ':memory:' && file !== '' && !options.readonly && !options.fileMustExist) createPrivateFile(file);
  return new Database(file, options);
}
