import {
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
import { UsageError, type CliIo, type LedgerCommand } from './cli-command.js';
import { fractionOf, progressBar, type ProgressBar } from './progress-bar.js';
import { assertEmbeddedStoreExists } from './store-config.js';

/** `ledger verify [--file <export>] [--json]`: the whole configured log, or an audit export offline. */
export const verifyCommand: LedgerCommand = {
  name: 'verify',
  synopsis: '[--file <file.jsonl>] [--json]',
  summary:
    "check the whole event log: every event's hash, every stream's hash chain, positions (and, on the embedded " +
    'store, its global chain); names the first broken event. With --file: check an audit export offline (its ' +
    "header, every hash, every stream's chain from revision 0, the header's counts and head hashes). Exit 0 when " +
    'it verifies, 1 when it does not.',
  options: {
    file: { type: 'string', value: '<file.jsonl>', description: 'an audit export to check instead of the log (needs no configuration)' },
    json: { type: 'boolean', description: 'one JSON document on stdout: { ok, events, streams, lastPosition, chainHead?, problem? }' },
  },
  async run(options, _positionals, io) {
    const json = options.json === true;
    if (typeof options.file === 'string') return verifyFile(resolve(options.file), json, io);
    const config = eventStoreConfigFromEnv(io.env);
    if (!assertEmbeddedStoreExists(config, io)) return 1;
    const bar = progressBar(io, 'events');
    let store: EventStore | undefined;
    try {
      let result: LogVerification & { chainHead?: string | null };
      let what: string;
      if (config.kind === 'sqlite') {
        io.err(`Verifying the event log in ${config.file}\n`);
        const sqlite = verifySqliteEventLog(config.file, { onProgress: walkProgress(bar), progressIntervalMs: bar.intervalMs });
        result = sqlite;
        what =
          `every hash recomputes, every stream's chain is unbroken, positions 1 to ${result.lastPosition.toLocaleString('en')} have no gap, ` +
          `and the global chain holds (head ${sqlite.chainHead ?? 'none'})`;
      } else {
        io.err('Verifying the event log on EventStoreDB\n');
        store = openEventStore(config);
        result = await verifyEventStore(store, { onProgress: walkProgress(bar), progressIntervalMs: bar.intervalMs });
        what = "every hash recomputes, every stream's chain is unbroken, and positions increase";
      }
      bar.done();
      if (json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
        return result.problem ? 1 : 0;
      }
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
    } finally {
      await store?.close().catch(() => {});
    }
  },
};

async function verifyFile(file: string, json: boolean, io: CliIo): Promise<number> {
  if (!existsSync(file)) {
    io.err(`There is no file ${file}\n`);
    return 1;
  }
  io.err(`Verifying the audit export ${file}\n`);
  const bar = progressBar(io, 'events');
  const result = await verifyAuditExport(file, { onProgress: walkProgress(bar), progressIntervalMs: bar.intervalMs });
  bar.done();
  if (json) {
    io.out(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
    return result.problem ? 1 : 0;
  }
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
}

/** `ledger audit export --project <id> --out <file>`: a project's streams, whole, for an auditor. */
export const auditExportCommand: LedgerCommand = {
  name: 'audit export',
  synopsis: '--project <id> --out <file.jsonl>',
  summary:
    "write every event of the project's streams, with metadata and hashes, in log order, for an auditor; written " +
    'to a temporary file and renamed, never half-written',
  options: {
    project: { type: 'string', value: '<id>', description: 'the project (its id)' },
    out: { type: 'string', value: '<file.jsonl>', description: 'the file to write' },
  },
  async run(options, _positionals, io) {
    const projectId = options.project;
    const out = options.out;
    if (typeof projectId !== 'string' || typeof out !== 'string') throw new UsageError('"audit export" needs --project <id> and --out <file.jsonl>');
    const config = eventStoreConfigFromEnv(io.env);
    if (!assertEmbeddedStoreExists(config, io)) return 1;
    const store = openEventStore(config);
    try {
      await assertProjectExists(store, projectId);
      const file = resolve(out);
      io.err(`Exporting project ${projectId} to ${file}\n`);
      const bar = progressBar(io, 'events exported');
      const result = await exportProjectAudit(store, projectId, file, { onProgress: walkProgress(bar), progressIntervalMs: bar.intervalMs });
      bar.done();
      io.out(`Exported ${count(result.events, 'event')} in ${count(result.streams, 'stream')} of project ${projectId} to ${file}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof UnknownProjectError)) throw error;
      io.err(`${error.message}; nothing was written.\n`);
      return 1;
    } finally {
      await store.close().catch(() => {});
    }
  },
};

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A walk over the log (verification, export) drawn on the bar. */
function walkProgress(bar: ProgressBar): (progress: VerifyProgress) => void {
  return (progress) =>
    bar.show({
      fraction: fractionOf(progress.position, progress.headPosition),
      count: progress.events,
      perSecond: progress.eventsPerSecond,
      secondsLeft: progress.secondsLeft,
    });
}
