import {
  ConfigurationError,
  eventStoreConfigFromEnv,
  openEventStore,
  verifyEventStore,
  verifySqliteEventLog,
  type EventStore,
  type LogVerification,
  type VerifyProgress,
} from '@app/event-store';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertProjectExists, exportProjectAudit, UnknownProjectError, verifyAuditExport } from './audit-export.js';
import type { CliIo } from './ledger.cli.js';

const USAGE = `Usage: ledger verify
       ledger verify --file <file.jsonl>
       ledger audit export --project <id> --out <file.jsonl>
`;

/** `--name value` pairs; answers a usage problem as a string. */
function flags(args: string[], allowed: readonly string[]): Map<string, string> | string {
  const found = new Map<string, string>();
  for (let index = 0; index < args.length; index += 2) {
    const [name, value] = [args[index], args[index + 1]];
    if (!allowed.includes(name)) return `Unknown argument "${name}"`;
    if (value === undefined || value.startsWith('--') || value === '') return `${name} needs a value`;
    if (found.has(name)) return `${name} is given twice`;
    found.set(name, value);
  }
  return found;
}

function usageError(io: CliIo, problem: string): number {
  io.err(`${problem}.\n\n${USAGE}`);
  return 2;
}

/** `ledger verify [--file <export>]`: the whole configured log, or an audit export offline. */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = flags(args, ['--file']);
  if (typeof parsed === 'string') return usageError(io, parsed);
  const file = parsed.get('--file');
  if (file !== undefined) return verifyFile(resolve(file), io);
  let store: EventStore | undefined;
  try {
    const config = eventStoreConfigFromEnv(io.env);
    const bar = scanProgress(io, 'events');
    const interval = io.interactive ? 200 : 2_000;
    let result: LogVerification;
    let what: string;
    if (config.kind === 'sqlite') {
      if (!existsSync(config.file)) {
        io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
        return 1;
      }
      io.err(`Verifying the event log in ${config.file}\n`);
      const sqlite = verifySqliteEventLog(config.file, { onProgress: bar, progressIntervalMs: interval });
      result = sqlite;
      what =
        `every hash recomputes, every stream's chain is unbroken, positions 1 to ${result.lastPosition.toLocaleString('en')} have no gap, ` +
        `and the global chain holds (head ${sqlite.chainHead ?? 'none'})`;
    } else {
      io.err('Verifying the event log on EventStoreDB\n');
      store = openEventStore(config);
      result = await verifyEventStore(store, { onProgress: bar, progressIntervalMs: interval });
      what = "every hash recomputes, every stream's chain is unbroken, and positions increase";
    }
    bar.done();
    if (result.problem) {
      io.out(
        `Verification FAILED. ${result.problem.message}\n` +
          `(${count(result.events, 'event')} in ${count(result.streams, 'stream')} before it verified.)\n`,
      );
      return 1;
    }
    if (result.events === 0) what = 'the log is empty';
    io.out(`All ${result.events.toLocaleString('en')} events in ${result.streams.toLocaleString('en')} streams verified: ${what}.\n`);
    return 0;
  } catch (error) {
    io.err(`${error instanceof ConfigurationError ? '' : 'ledger failed: '}${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => {});
  }
}

async function verifyFile(file: string, io: CliIo): Promise<number> {
  if (!existsSync(file)) {
    io.err(`There is no file ${file}\n`);
    return 1;
  }
  try {
    io.err(`Verifying the audit export ${file}\n`);
    const bar = scanProgress(io, 'events');
    const result = await verifyAuditExport(file, { onProgress: bar, progressIntervalMs: io.interactive ? 200 : 2_000 });
    bar.done();
    if (result.problem) {
      io.out(`Verification FAILED. ${file} ${result.problem.message}\n`);
      return 1;
    }
    io.out(
      `All ${result.events.toLocaleString('en')} events in ${result.streams.toLocaleString('en')} streams verified: the export of project ` +
        `${result.projectId} made ${result.exportedAt} is whole (every hash recomputes, every stream's chain runs ` +
        "unbroken from revision 0, and the header's counts and head hashes match).\n",
    );
    return 0;
  } catch (error) {
    io.err(`ledger failed: ${(error as Error).message}\n`);
    return 1;
  }
}

/** `ledger audit export --project <id> --out <file>`: a project's streams, whole, for an auditor. */
export async function auditExportCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = flags(args, ['--project', '--out']);
  if (typeof parsed === 'string') return usageError(io, parsed);
  const projectId = parsed.get('--project');
  const out = parsed.get('--out');
  if (!projectId || !out) return usageError(io, '"audit export" needs --project <id> and --out <file.jsonl>');
  let store: EventStore | undefined;
  try {
    const config = eventStoreConfigFromEnv(io.env);
    if (config.kind === 'sqlite' && !existsSync(config.file)) {
      io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
      return 1;
    }
    store = openEventStore(config);
    await assertProjectExists(store, projectId);
    const file = resolve(out);
    io.err(`Exporting project ${projectId} to ${file}\n`);
    const bar = scanProgress(io, 'events exported');
    const result = await exportProjectAudit(store, projectId, file, { onProgress: bar, progressIntervalMs: io.interactive ? 200 : 2_000 });
    bar.done();
    io.out(`Exported ${count(result.events, 'event')} in ${count(result.streams, 'stream')} of project ${projectId} to ${file}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UnknownProjectError) {
      io.err(`${error.message}; nothing was written.\n`);
      return 1;
    }
    io.err(`${error instanceof ConfigurationError ? '' : 'ledger failed: '}${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => {});
  }
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** The rebuild's progress line for a walk over the log: position against the head, events, rate, time left. */
function scanProgress(io: CliIo, what: string): ((progress: VerifyProgress) => void) & { done(): void } {
  let drawn = false;
  const draw = (progress: VerifyProgress) => {
    const fraction = progress.headPosition > 0 ? Math.min(1, progress.position / progress.headPosition) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const left = progress.secondsLeft === null ? '?' : `${Math.ceil(progress.secondsLeft)} s`;
    const line =
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
      `${progress.events.toLocaleString('en')} ${what}  ${Math.round(progress.eventsPerSecond).toLocaleString('en')} events/s  ${left} left`;
    drawn = true;
    io.err(io.interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  return Object.assign(draw, {
    done: () => {
      if (drawn && io.interactive) io.err('\r\x1b[2K');
    },
  });
}
