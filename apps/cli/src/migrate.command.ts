import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirectory, eventStoreConfigFromEnv, openEventStore } from '@app/event-store';
import { openReadModelDatabase } from '@app/reporting';
import { UsageError, type LedgerCommand } from './cli-command.js';
import { migrateLog, MigrationRefused } from './log-migration.js';
import { fractionOf, progressBar } from './progress-bar.js';
import { pause, testPauseMs } from './test-pause.js';

/** `ledger migrate --to eventstoredb`: the embedded log, copied to EventStoreDB. */
export const migrateCommand: LedgerCommand = {
  name: 'migrate',
  synopsis: '--to eventstoredb',
  summary:
    'copy the embedded log (LEDGER_DATA_DIR/events.sqlite) to the EventStoreDB at EVENTSTORE_CONNECTION_STRING, in ' +
    'log order, every event with its id, type, data and metadata (hashes included); resumes where an interrupted run ' +
    "stopped, never writes an event twice, and ends by checking counts and every stream's hash chain on the target. " +
    'Run it while the service runs to copy the bulk, then once more with the service stopped to finish.',
  options: { to: { type: 'string', value: 'eventstoredb', description: 'the store to copy the log to (only eventstoredb)' } },
  async run(options, _positionals, io) {
    if (options.to !== 'eventstoredb') throw new UsageError('"migrate" needs --to eventstoredb (the only store to migrate to)');
    eventStoreConfigFromEnv(io.env);
    const config = eventStoreConfigFromEnv({ ...io.env, LEDGER_EVENT_STORE: 'eventstoredb' });
    if (config.kind !== 'eventstoredb') throw new Error('unreachable: the configuration was asked for eventstoredb');
    const pauseMs = testPauseMs(io.env);
    const dataDir = dataDirectory(io.env);
    const source = join(dataDir, 'events.sqlite');
    if (!existsSync(source)) {
      io.err(`There is no embedded event store at ${source} to migrate; set LEDGER_DATA_DIR to the service's data directory\n`);
      return 1;
    }
    const target = openEventStore(config);
    try {
      io.err(`Copying the event log in ${source} to EventStoreDB\n`);
      const bar = progressBar(io, 'events copied');
      const result = await migrateLog(source, target, {
        maxAppendBytes: config.maxAppendBytes,
        progressIntervalMs: bar.intervalMs,
        onProgress: (progress) =>
          bar.show({
            fraction: fractionOf(progress.position, progress.headPosition),
            count: progress.copied,
            perSecond: progress.eventsPerSecond,
            secondsLeft: null,
          }),
        pauseAfterAppend: () => pause(pauseMs),
      });
      bar.done();
      const summary =
        `Copied ${result.copied.toLocaleString('en')} events (${result.alreadyThere.toLocaleString('en')} were there from an earlier run); ` +
        `EventStoreDB now holds all ${result.events.toLocaleString('en')} events in ${result.streams.toLocaleString('en')} streams up to ` +
        `position ${result.sourceHead} of the embedded log, and every stream's hash chain on it verifies and ends in the same hash.`;
      if (!result.finished) {
        io.out(
          `${summary}\nThe service still has ${source} open, so events may follow: stop it and run "ledger migrate --to eventstoredb" ` +
            'again to copy them and finish.\n',
        );
        return 0;
      }
      const marked = markReadModelsForRebuild(dataDir);
      io.out(
        `${summary}\nThe migration is finished. Start the service with LEDGER_EVENT_STORE=eventstoredb and the same ` +
          `EVENTSTORE_CONNECTION_STRING and LEDGER_DATA_DIR (keys.sqlite and server.key stay there)` +
          `${marked ? '; it rebuilds the read models from EventStoreDB on that start (positions differ between the stores)' : ''}. ` +
          'Keep events.sqlite as it is until you no longer need to go back.\n',
      );
      return 0;
    } catch (error) {
      if (!(error instanceof MigrationRefused)) throw error;
      io.err(`${error.message}\n`);
      return 1;
    } finally {
      await target.close().catch(() => {});
    }
  },
};

/**
 * Read models remember positions of the embedded log, which mean nothing on EventStoreDB: marked as an older
 * version, the service rebuilds them from its log on its next start (and answers 503 for them meanwhile, never
 * a wrong figure). Only done when the migration finished, with the service stopped: a running service would
 * stop following its log for outdated read models.
 */
function markReadModelsForRebuild(dataDir: string): boolean {
  const file = join(dataDir, 'reporting.sqlite');
  if (!existsSync(file)) return false;
  const db = openReadModelDatabase(file);
  try {
    db.prepare('UPDATE projection_state SET version = 0, shadow_version = NULL, shadow_checkpoint = NULL').run();
    return true;
  } finally {
    db.close();
  }
}
