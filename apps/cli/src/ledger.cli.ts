import { ConfigurationError, dataDirectory, eventStoreConfigFromEnv, openEventStore, type EventStore } from '@app/event-store';
import {
  openReadModelDatabase,
  PROJECTIONS,
  readProjectionStates,
  rebuildProjections,
  type RebuildProgress,
} from '@app/reporting';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { accessCommand } from './access.command.js';
import { auditExportCommand, verifyCommand } from './audit.command.js';
import { replayCommand } from './replay.command.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal: a redrawn progress bar, or one line every few seconds. */
  interactive: boolean;
}

const USAGE = `Usage: ledger <command>

  projections status              where each read model stands (version, checkpoint, last rebuild)
  projections rebuild [name...]   rebuild read models (all when no name is given) into shadow tables and
                                  swap them in at once; the service keeps answering meanwhile
  verify                          check the whole event log: every event's hash, every stream's hash chain,
                                  positions (and, on the embedded store, its global chain); names the first
                                  broken event
  verify --file <file.jsonl>      check an audit export offline: its header, every hash, every stream's
                                  chain from revision 0, the header's counts and head hashes
  audit export --project <id> --out <file.jsonl>
                                  write every event of the project's streams, with metadata and hashes,
                                  in log order, for an auditor
  replay --as-of <position|timestamp> --project <id> [--from D] [--to D] [--lang sv] [--json]
                                  a project's indicators as they stood at that moment of recording,
                                  replayed from the log
  access grant-admin [--name <name>]
                                  grant a new admin token (recorded with actor system:cli) and print it once:
                                  the recovery when no admin token is left

Projections: ${PROJECTIONS.map((p) => p.name).join(', ')}
Configuration comes from the same variables as the service: LEDGER_EVENT_STORE, LEDGER_DATA_DIR,
EVENTSTORE_CONNECTION_STRING.
`;

/** The `ledger` command line; answers an exit code (0 done, 1 failed, 2 wrong usage). */
export async function runLedgerCli(args: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = args;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    io.out(USAGE);
    return group ? 0 : 2;
  }
  if (group === 'verify') return verifyCommand(args.slice(1), io);
  if (group === 'audit' && command === 'export') return auditExportCommand(rest, io);
  if (group === 'replay') return replayCommand(args.slice(1), io);
  if (group === 'access') return accessCommand(args.slice(1), io);
  if (group !== 'projections' || (command !== 'status' && command !== 'rebuild')) {
    io.err(`Unknown command "${args.join(' ')}".\n\n${USAGE}`);
    return 2;
  }
  const unknown = rest.filter((name) => !PROJECTIONS.some((p) => p.name === name));
  if (command === 'status' && rest.length > 0) {
    io.err(`"projections status" takes no arguments.\n`);
    return 2;
  }
  if (unknown.length > 0) {
    io.err(`Unknown projection${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}\n`);
    return 2;
  }

  let store: EventStore | undefined;
  let db: ReturnType<typeof openReadModelDatabase> | undefined;
  try {
    const file = join(dataDirectory(io.env), 'reporting.sqlite');
    if (command === 'rebuild') {
      // Check the configuration and find the log before creating anything.
      const config = eventStoreConfigFromEnv(io.env);
      if (config.kind === 'sqlite' && !existsSync(config.file)) {
        io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
        return 1;
      }
      store = openEventStore(config);
    }
    db = openReadModelDatabase(file);
    if (command === 'status') {
      const states = readProjectionStates(db);
      io.out(`${'projection'.padEnd(16)}${'version'.padEnd(16)}${'checkpoint'.padEnd(14)}last rebuilt\n`);
      for (const projection of PROJECTIONS) {
        const state = states.get(projection.name);
        const version = state ? (state.version === projection.version ? `${state.version}` : `${state.version} (code: ${projection.version})`) : 'not built';
        io.out(`${projection.name.padEnd(16)}${version.padEnd(16)}${String(state?.checkpoint ?? 0).padEnd(14)}${state?.rebuiltAt ?? '-'}\n`);
      }
      return 0;
    }
    const projections = rest.length > 0 ? PROJECTIONS.filter((p) => rest.includes(p.name)) : PROJECTIONS;
    io.err(`Rebuilding ${projections.map((p) => p.name).join(', ')} into ${file}\n`);
    const bar = progressBar(io);
    const result = await rebuildProjections(store!, db, projections, { onProgress: bar, progressIntervalMs: io.interactive ? 200 : 2_000 });
    io.out(
      `Rebuilt ${result.projections.join(', ')} from ${result.events.toLocaleString('en')} events in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.events / Math.max(result.seconds, 0.001)).toLocaleString('en')} events/s); swapped in at position ${result.position}\n`,
    );
    return 0;
  } catch (error) {
    io.err(`${error instanceof ConfigurationError ? '' : 'ledger failed: '}${(error as Error).message}\n`);
    return 1;
  } finally {
    db?.close();
    await store?.close().catch(() => {});
  }
}

function progressBar(io: CliIo): (progress: RebuildProgress) => void {
  return (progress) => {
    const fraction = progress.headPosition > 0 ? Math.min(1, progress.position / progress.headPosition) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const left = progress.secondsLeft === null ? '?' : `${Math.ceil(progress.secondsLeft)} s`;
    const line =
      progress.phase === 'swapping'
        ? 'swapping the rebuilt tables in'
        : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
          `${progress.eventsDone.toLocaleString('en')} events  ${Math.round(progress.eventsPerSecond).toLocaleString('en')} events/s  ${left} left`;
    if (progress.phase === 'done') {
      if (io.interactive) io.err('\r\x1b[2K');
      return;
    }
    io.err(io.interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  };
}
