import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { HttpException } from '@nestjs/common';
import { IMPORT_KINDS, type ImportKind } from '../../api/src/imports/import-columns.js';
import type { ImportAnswer, ImportService } from '../../api/src/imports/import.service.js';
import { CLI_ACTOR } from './access.command.js';
import { EXIT, UsageError, type CliIo, type LedgerCommand } from './cli-command.js';
import { progressBar } from './progress-bar.js';
import { assertEmbeddedStoreExists } from './store-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The token for `--url`: read from the environment, never from the command line (it would sit in shell history). */
export const IMPORT_TOKEN_ENV = 'LEDGER_TOKEN';

/**
 * `ledger import`: a participant list, organisation list or attendance sheet (CSV or XLSX) into a project, with
 * the same checks, report and exactly-once guarantee as `POST /api/projects/{id}/imports`. A dry run unless
 * --apply. In-process on the data directory (the service stopped), or against a running service with --url.
 */
export const importCommand: LedgerCommand = {
  name: 'import',
  synopsis: '--project <id> --kind <kind> --file <file> [--activity <id>] [--apply] [--skip-invalid] [--url <url>]',
  summary:
    'import participants, organisations or attendance from a CSV or XLSX file into a project: checks every row and prints ' +
    'the report (a dry run) unless --apply; with --apply and invalid rows nothing is recorded unless --skip-invalid. ' +
    `Sending the same file again records nothing new. Works on LEDGER_DATA_DIR with the service stopped, or against a running ` +
    `service with --url (a token with records:write in ${IMPORT_TOKEN_ENV}). Exit 0 done, 1 rows refused or a failure, 2 wrong usage`,
  options: {
    project: { type: 'string', value: '<id>', description: 'the project (uuid)' },
    kind: { type: 'string', value: '<kind>', description: `what the file lists: ${IMPORT_KINDS.join(', ')}` },
    file: { type: 'string', value: '<file>', description: 'the CSV or XLSX file (at most 10 MB)' },
    activity: { type: 'string', value: '<id>', description: 'the activity (uuid), for an attendance import' },
    apply: { type: 'boolean', description: 'record the rows (without it: a dry run that records nothing)' },
    'skip-invalid': { type: 'boolean', description: 'with --apply: record the valid rows and list the invalid ones' },
    url: { type: 'string', value: '<url>', description: `a running service, e.g. http://127.0.0.1:3000 (token in ${IMPORT_TOKEN_ENV})` },
  },
  async run(options, _positionals, io) {
    const projectId = required(options, 'project');
    if (!UUID.test(projectId)) throw new UsageError('--project must be a project id (a uuid)');
    const kind = required(options, 'kind') as ImportKind;
    if (!IMPORT_KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
    const activityId = typeof options.activity === 'string' ? options.activity : undefined;
    if (kind === 'attendance' && activityId === undefined) throw new UsageError('--activity is required for an attendance import');
    if (activityId !== undefined && !UUID.test(activityId)) throw new UsageError('--activity must be an activity id (a uuid)');
    if (options['skip-invalid'] && !options.apply) throw new UsageError('--skip-invalid goes with --apply');
    const path = required(options, 'file');
    // Loaded only when an import runs: the service and the spreadsheet reader would slow every other command's start.
    const { MAX_IMPORT_FILE_BYTES } = await import('../../api/src/imports/import-table.js');
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      io.err(`Cannot read ${path}\n`);
      return EXIT.failed;
    }
    if (size > MAX_IMPORT_FILE_BYTES) {
      io.err(`${path} is larger than ${MAX_IMPORT_FILE_BYTES} bytes: split it into several files\n`);
      return EXIT.failed;
    }
    const file = readFileSync(path);
    const request = { projectId, kind, activityId: activityId?.toLowerCase(), file, dryRun: !options.apply, onError: options['skip-invalid'] ? ('skip' as const) : ('refuse' as const) };
    const answer = typeof options.url === 'string' ? await overHttp(options.url, request, basename(path), io) : await inProcess(request, io);
    if (answer === undefined) return EXIT.failed;
    return printReport(answer, request.dryRun, io);
  },
};

function required(options: Record<string, string | boolean | undefined>, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

type Request = Parameters<ImportService['run']>[0];

/** The service's own code on the data directory, as the service would run it (actor system:cli). */
async function inProcess(request: Request, io: CliIo): Promise<ImportAnswer | undefined> {
  const { apiConfigFromEnv } = await import('../../api/src/api.config.js');
  const { createApp } = await import('../../api/src/create-app.js');
  const { ImportService } = await import('../../api/src/imports/import.service.js');
  const config = apiConfigFromEnv(io.env);
  if (!assertEmbeddedStoreExists(config.eventStore, io)) return undefined;
  // The read models catch up with the log before e-mails are matched: that may take longer than a request's wait.
  const app = await createApp({ ...config, minPositionTimeoutMs: 600_000 }, { logger: false });
  try {
    await app.init();
    const bar = progressBar(io, 'rows');
    const started = Date.now();
    let last = 0;
    bar.say(request.dryRun ? 'checking every row ...' : 'checking every row, then recording ...');
    const correlationId = randomUUID();
    const context = { actor: CLI_ACTOR, correlationId, causationId: correlationId, now: new Date(), newEntityId: randomUUID };
    try {
      return await app.get<ImportService>(ImportService).run(request, context, ({ done, total }) => {
        if (Date.now() - last < bar.intervalMs && done < total) return;
        last = Date.now();
        const perSecond = done / Math.max(0.001, (Date.now() - started) / 1000);
        bar.show({ fraction: total === 0 ? 1 : done / total, count: done, perSecond, secondsLeft: perSecond > 0 ? (total - done) / perSecond : null });
      });
    } catch (error) {
      if (!(error instanceof HttpException) && !(error instanceof Error && 'kind' in error)) throw error;
      io.err(`Refused: ${messageOf(error)}\n`);
      return undefined;
    } finally {
      bar.done();
    }
  } finally {
    await app.close();
  }
}

async function overHttp(url: string, request: Request, name: string, io: CliIo): Promise<ImportAnswer | undefined> {
  const token = io.env[IMPORT_TOKEN_ENV]?.trim();
  if (!token) throw new UsageError(`--url needs a token with records:write in ${IMPORT_TOKEN_ENV}`);
  const form = new FormData();
  form.set('kind', request.kind);
  if (request.activityId) form.set('activityId', request.activityId);
  form.set('file', new Blob([new Uint8Array(request.file)]), name);
  const query = `dryRun=${request.dryRun}&onError=${request.onError}`;
  const bar = progressBar(io, 'rows');
  bar.say(`sending ${name} to ${url} ...`);
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/api/projects/${request.projectId}/imports?${query}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
  } catch (error) {
    bar.done();
    io.err(`Cannot reach ${url}: ${(error as Error).message}\n`);
    return undefined;
  }
  bar.done();
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 200 || response.status === 201 || (response.status === 422 && 'importId' in body)) {
    const { statusCode: _, error: __, message: ___, ...report } = body;
    return { status: response.status as ImportAnswer['status'], report: report as unknown as ImportAnswer['report'] };
  }
  io.err(`Refused (${response.status}): ${String(body.message ?? response.statusText)}\n`);
  return undefined;
}

/** The report as JSON on stdout (for scripts), a sentence on stderr (for people). */
function printReport({ status, report }: ImportAnswer, dryRun: boolean, io: CliIo): number {
  io.out(`${JSON.stringify(report, null, 2)}\n`);
  const rows = `${report.rows} rows: ${report.valid} valid, ${report.invalid} invalid, ${report.matched} already in the ledger`;
  if (status === 422) {
    io.err(`${rows}. Nothing was recorded: fix the rows listed, or send --skip-invalid to record the valid ones.\n`);
    return EXIT.failed;
  }
  if (dryRun && report.alreadyApplied) {
    // Applying it again would record nothing and succeed: there is nothing to fix, whatever rows that import skipped.
    io.err(`${rows}. This file was applied on ${report.appliedAt} (import ${report.importId}): this is that import's outcome; its rows were not checked again, and --apply would record nothing.${report.errorCount > report.errors.length ? ` The log keeps its first ${report.errors.length} of ${report.errorCount} problems.` : ''}\n`);
    return EXIT.ok;
  }
  if (dryRun) {
    io.err(`${rows}. A dry run: nothing was recorded (--apply records).\n`);
    return report.invalid > 0 ? EXIT.failed : EXIT.ok;
  }
  const again = status === 200 ? ' This file was imported before: this is that import\'s outcome, and nothing new was recorded.' : '';
  io.err(`${rows}. Recorded ${report.recorded}, skipped ${report.skipped} (import ${report.importId}).${again}\n`);
  return EXIT.ok;
}

function messageOf(error: unknown): string {
  if (error instanceof HttpException) {
    const response = error.getResponse();
    return typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
  }
  return (error as Error).message;
}
