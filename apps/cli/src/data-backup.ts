import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  createReadStream,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  createPrivateFile,
  ensurePrivateDirectory,
  openSqliteFile,
  PRIVATE_DIRECTORY_MODE,
  PRIVATE_FILE_MODE,
  verifySqliteEventLog,
} from '@app/event-store';
import { ledgerVersion } from './ledger-version.js';

/**
 * The data directory's files, in the order a backup copies them. The files cannot be copied at one instant,
 * so each is copied before the files that may refer to it would be able to:
 * - `server.key` never changes after the first start.
 * - `service.sqlite` (saved Idempotency-Key answers) before the log: every answer kept points at events the
 *   copied log holds. Copied after, it could answer a retry with "done" for events the backup lacks.
 * - `reporting.sqlite` before the log: its checkpoints are then at or behind the copied log's head and the
 *   restored service catches up. Copied after, a checkpoint past the head would make the service skip the
 *   events appended at those positions after a restore.
 * - `events.sqlite`.
 * - `keys.sqlite` after the log: a person is registered by making the key first and appending the event
 *   second, so every person in the copied log has a key in the later copy. Copied before, a person registered
 *   between the two copies would be in the log with no key: their name lost for good. The cost of this order: a
 *   person erased between the two copies is erased in the backup too (key gone, erasure event not in the log),
 *   which is what the erasure asked for.
 */
export const BACKUP_ORDER = ['server.key', 'service.sqlite', 'reporting.sqlite', 'events.sqlite', 'keys.sqlite'] as const;
export const MANIFEST = 'manifest.json';
const FORMAT = 'programme-ledger-backup';

export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  formatVersion: 1;
  /** When the copy of the log was taken: what was recorded after it is not in the backup. */
  takenAt: string;
  ledgerVersion: string;
  files: BackupFile[];
  /** Of the copied log, as verified in the copy. */
  eventCount: number;
  streams: number;
  logHead: number;
  chainHead: string | null;
}

export interface BackupOptions {
  /** Called after each file is copied. */
  onFile?: (name: string, index: number, total: number) => void;
  /** Test-only pause once the log is copied, before keys.sqlite and the manifest (see test-pause.ts). */
  pauseAfterLog?: () => Promise<void>;
  clock?: () => Date;
}

export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

/**
 * Copies the data directory while the service runs, with SQLite's online backup API, into a directory beside
 * `out` that is renamed to `out` only once everything is copied, checked, hashed and the manifest written
 * (last): a backup killed half-way is a `*.partial-*` directory without a manifest, never `out`.
 */
export async function takeBackup(dataDir: string, out: string, options: BackupOptions = {}): Promise<{ directory: string; manifest: BackupManifest }> {
  const source = resolve(dataDir);
  const target = resolve(out);
  if (!existsSync(join(source, 'events.sqlite'))) {
    throw new BackupRefused(`There is no embedded event store at ${join(source, 'events.sqlite')}; set LEDGER_DATA_DIR to the service's data directory`);
  }
  assertEmptyOrAbsent(target, 'back up into');
  ensurePrivateDirectory(dirname(target));
  const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
  ensurePrivateDirectory(partial);
  try {
    const names = BACKUP_ORDER.filter((name) => existsSync(join(source, name)));
    let takenAt = '';
    for (const [index, name] of names.entries()) {
      if (name === 'events.sqlite') takenAt = (options.clock ?? (() => new Date()))().toISOString();
      if (name.endsWith('.sqlite')) await copySqlite(join(source, name), join(partial, name));
      else copyPrivately(join(source, name), join(partial, name));
      options.onFile?.(name, index, names.length);
      if (name === 'events.sqlite') await options.pauseAfterLog?.();
    }
    const log = verifySqliteEventLog(join(partial, 'events.sqlite'));
    if (log.problem) {
      throw new Error(`the copy of the event log does not verify, so neither does the log: ${log.problem.message} (run "ledger verify")`);
    }
    const files: BackupFile[] = [];
    for (const name of names) files.push({ name, bytes: statSync(join(partial, name)).size, sha256: await sha256File(join(partial, name)) });
    const manifest: BackupManifest = {
      format: FORMAT,
      formatVersion: 1,
      takenAt,
      ledgerVersion: ledgerVersion(),
      files,
      eventCount: log.events,
      streams: log.streams,
      logHead: log.lastPosition,
      chainHead: log.chainHead,
    };
    writeDurably(join(partial, `${MANIFEST}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(partial, `${MANIFEST}.tmp`), join(partial, MANIFEST));
    syncDirectory(partial);
    // rename(2) replaces an empty directory at once; a non-empty one was refused above.
    renameSync(partial, target);
    syncDirectory(dirname(target));
    return { directory: target, manifest };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

export interface BackupVerification {
  ok: boolean;
  backup: string;
  takenAt?: string;
  files: Array<BackupFile & { ok: boolean }>;
  eventCount?: number;
  logHead?: number;
  chainHead?: string | null;
  /** The first thing wrong, in words. */
  problem?: string;
}

/** Checks a backup: the manifest, every file's size and SHA-256, no file more, and the copied log's chains. */
export async function verifyBackup(directory: string): Promise<BackupVerification> {
  const backup = resolve(directory);
  const result: BackupVerification = { ok: false, backup, files: [] };
  const fail = (problem: string) => ({ ...result, ok: false, problem });
  if (!existsSync(backup) || !statSync(backup).isDirectory()) return fail(`there is no backup directory ${backup}`);
  if (!existsSync(join(backup, MANIFEST))) {
    return fail(`${backup} has no ${MANIFEST}: it is not a finished backup (a backup writes its manifest last; one killed half-way has none)`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(join(backup, MANIFEST), 'utf8')) as BackupManifest;
  } catch (error) {
    return fail(`its ${MANIFEST} is not valid JSON (${(error as Error).message})`);
  }
  if (manifest?.format !== FORMAT || manifest.formatVersion !== 1 || !Array.isArray(manifest.files)) {
    return fail(`its ${MANIFEST} is not a Programme Ledger backup manifest (format ${FORMAT}, version 1)`);
  }
  Object.assign(result, { takenAt: manifest.takenAt, eventCount: manifest.eventCount, logHead: manifest.logHead, chainHead: manifest.chainHead });
  const listed = new Set(manifest.files.map((file) => file.name));
  if (!listed.has('events.sqlite')) return fail(`its ${MANIFEST} lists no events.sqlite`);
  for (const file of manifest.files) {
    if (!(BACKUP_ORDER as readonly string[]).includes(file.name)) return fail(`its ${MANIFEST} lists ${JSON.stringify(file.name)}, which is no file of a data directory`);
    const path = join(backup, file.name);
    if (!existsSync(path)) return fail(`${file.name} is missing`);
    const bytes = statSync(path).size;
    const sha256 = await sha256File(path);
    const ok = bytes === file.bytes && sha256 === file.sha256;
    result.files.push({ ...file, ok });
    if (!ok) {
      return fail(
        bytes !== file.bytes
          ? `${file.name} has ${bytes} bytes, the manifest says ${file.bytes}`
          : `${file.name} does not match its SHA-256 in the manifest (it is ${sha256}): the file changed after the backup`,
      );
    }
  }
  const extra = readdirSync(backup).filter((name) => name !== MANIFEST && !listed.has(name));
  if (extra.length > 0) return fail(`it holds ${extra.join(', ')}, which the manifest does not list`);
  const log = verifySqliteEventLog(join(backup, 'events.sqlite'));
  if (log.problem) return fail(`its event log does not verify: ${log.problem.message}`);
  if (log.events !== manifest.eventCount || log.lastPosition !== manifest.logHead || log.chainHead !== manifest.chainHead) {
    return fail(
      `its event log holds ${log.events} events up to position ${log.lastPosition} (chain head ${log.chainHead}), ` +
        `the manifest says ${manifest.eventCount} up to ${manifest.logHead} (chain head ${manifest.chainHead})`,
    );
  }
  return { ...result, ok: true };
}

/**
 * Restores a verified backup into an empty (or absent) data directory: the files are copied owner-only into a
 * directory beside it, checked against the manifest, and that directory is renamed into place, so a service
 * never starts on a half-restored directory (where it would, say, create an empty keys.sqlite).
 */
export async function restoreBackup(from: string, to: string): Promise<{ verification: BackupVerification; directory: string }> {
  const verification = await verifyBackup(from);
  if (!verification.ok) throw new BackupRefused(`The backup does not verify: ${verification.problem}; nothing was restored`);
  const target = resolve(to);
  assertEmptyOrAbsent(target, 'restore into');
  ensurePrivateDirectory(dirname(target));
  const staging = `${target}.restoring-${randomBytes(4).toString('hex')}`;
  ensurePrivateDirectory(staging);
  chmodSync(staging, PRIVATE_DIRECTORY_MODE);
  try {
    for (const file of verification.files) {
      const path = join(staging, file.name);
      copyPrivately(join(verification.backup, file.name), path);
      if ((await sha256File(path)) !== file.sha256) throw new Error(`the copy of ${file.name} does not match the backup's SHA-256`);
    }
    syncDirectory(staging);
    renameSync(staging, target);
    syncDirectory(dirname(target));
    return { verification, directory: target };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function assertEmptyOrAbsent(directory: string, what: string): void {
  if (!existsSync(directory)) return;
  if (!statSync(directory).isDirectory()) throw new BackupRefused(`${directory} is a file; ${what} a new or empty directory`);
  const entries = readdirSync(directory);
  if (entries.length > 0) {
    throw new BackupRefused(
      `${directory} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}: ${entries.slice(0, 3).join(', ')}` +
        `${entries.length > 3 ? ', ...' : ''}); ${what} a new or empty directory, so nothing is mixed in or overwritten`,
    );
  }
}

/**
 * SQLite's online backup, all pages in one step: one read transaction on the source, so the copy is the
 * database as of one commit (in small steps, every commit of the running service would restart it). In WAL
 * mode that read does not hold up the service's writers. The copy is then switched to a rollback journal, so
 * reading it later (verify) leaves no -wal or -shm files beside it; the service sets WAL again when it opens it.
 */
async function copySqlite(from: string, to: string): Promise<void> {
  const source = openSqliteFile(from, { readonly: true, fileMustExist: true });
  try {
    // Created owner-only first: SQLite would create it 0644 whatever the umask.
    createPrivateFile(to);
    await source.backup(to, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = openSqliteFile(to, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy of ${basename(from)} fails SQLite's quick_check: ${String(check)}`);
  } finally {
    copy.close();
  }
  syncFile(to);
}

/** A plain file (server.key, or a restored file) copied owner-only and synced. */
function copyPrivately(from: string, to: string): void {
  copyFileSync(from, to, constants.COPYFILE_EXCL);
  chmodSync(to, PRIVATE_FILE_MODE);
  syncFile(to);
}

function writeDurably(file: string, text: string): void {
  writeFileSync(file, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  chmodSync(file, PRIVATE_FILE_MODE);
  syncFile(file);
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(directory: string): void {
  syncFile(directory);
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
