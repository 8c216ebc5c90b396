import { dataDirectory, eventStoreConfigFromEnv } from '@app/event-store';
import { resolve } from 'node:path';
import { UsageError, type CliIo, type LedgerCommand } from './cli-command.js';
import { BackupRefused, restoreBackup, takeBackup, verifyBackup, type BackupVerification } from './data-backup.js';
import { pause, testPauseMs } from './test-pause.js';

/** `ledger backup --out <dir>` and `ledger backup --verify <dir> [--json]`. */
export const backupCommand: LedgerCommand = {
  name: 'backup',
  synopsis: '--out <dir> | --verify <dir> [--json]',
  summary:
    'copy the data directory while the service runs (SQLite\'s online backup of events.sqlite, keys.sqlite, ' +
    'service.sqlite, reporting.sqlite, and server.key) into a new directory, with a manifest (files, sizes, ' +
    'SHA-256, event count, log head and chain head) written last; a backup killed half-way is never taken for a ' +
    'good one. With --verify: check a backup (manifest, hashes, the log\'s chains); exit 0 when it verifies, 1 when not.',
  options: {
    out: { type: 'string', value: '<dir>', description: 'the backup directory to create (new or empty)' },
    verify: { type: 'string', value: '<dir>', description: 'check this backup instead of taking one (needs no configuration)' },
    json: { type: 'boolean', description: 'with --verify: one JSON document on stdout' },
  },
  async run(options, _positionals, io) {
    const out = typeof options.out === 'string' ? options.out : undefined;
    const verify = typeof options.verify === 'string' ? options.verify : undefined;
    if ((out === undefined) === (verify === undefined)) throw new UsageError('"backup" needs either --out <dir> or --verify <dir>');
    if (verify !== undefined) return verifyCommandOutput(await verifyBackup(verify), options.json === true, io);
    if (options.json) throw new UsageError('--json goes with --verify');
    const config = eventStoreConfigFromEnv(io.env);
    const pauseMs = testPauseMs(io.env);
    if (config.kind !== 'sqlite') {
      io.err(
        'ledger backup copies the embedded store\'s data directory; with LEDGER_EVENT_STORE=eventstoredb back the log up ' +
          "with EventStoreDB's own backup, and keys.sqlite, service.sqlite and server.key with it\n",
      );
      return 1;
    }
    const dataDir = dataDirectory(io.env);
    io.err(`Backing up ${dataDir} into ${resolve(out!)}\n`);
    try {
      const { directory, manifest } = await takeBackup(dataDir, out!, {
        onFile: (name, index, total) => io.err(`copied ${name} (${index + 1} of ${total})\n`),
        pauseAfterLog: () => pause(pauseMs),
      });
      io.out(
        `Backed up ${manifest.files.length} files into ${directory}: ${manifest.eventCount.toLocaleString('en')} events up to log position ` +
          `${manifest.logHead} (chain head ${manifest.chainHead ?? 'none'}), as of ${manifest.takenAt}.\n`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof BackupRefused)) throw error;
      io.err(`${error.message}\n`);
      return 1;
    }
  },
};

function verifyCommandOutput(result: BackupVerification, json: boolean, io: CliIo): number {
  if (json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.ok) {
    io.out(
      `Backup ${result.backup} verified: ${result.files.length} files match their SHA-256, and its log of ` +
        `${result.eventCount!.toLocaleString('en')} events up to position ${result.logHead} verifies (chain head ${result.chainHead ?? 'none'}), ` +
        `as of ${result.takenAt}.\n`,
    );
  } else io.out(`Backup verification FAILED: ${result.problem}.\n`);
  return result.ok ? 0 : 1;
}

/** `ledger restore --from <backup> --to <empty data dir>`. */
export const restoreCommand: LedgerCommand = {
  name: 'restore',
  synopsis: '--from <backup dir> --to <empty data dir>',
  summary:
    'check a backup and restore it into a new or empty data directory (owner-only: 0700, files 0600); refuses a ' +
    'directory that holds anything. Everything recorded after the backup was taken is not in it.',
  options: {
    from: { type: 'string', value: '<backup dir>', description: 'a backup made by ledger backup --out' },
    to: { type: 'string', value: '<empty data dir>', description: 'the data directory to create (new or empty)' },
  },
  async run(options, _positionals, io) {
    if (typeof options.from !== 'string' || typeof options.to !== 'string') throw new UsageError('"restore" needs --from <backup dir> and --to <empty data dir>');
    try {
      const { verification, directory } = await restoreBackup(options.from, options.to);
      io.out(
        `Restored ${verification.files.length} files from ${verification.backup} into ${directory}: ` +
          `${verification.eventCount!.toLocaleString('en')} events up to log position ${verification.logHead}, as of ${verification.takenAt}. ` +
          `Start the service with LEDGER_DATA_DIR=${directory}; what was recorded after ${verification.takenAt} is not in it.\n`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof BackupRefused)) throw error;
      io.err(`${error.message}\n`);
      return 1;
    }
  },
};
