import { dataDirectory, eventStoreConfigFromEnv, openEventStore } from '@app/event-store';
import { openReadModelDatabase, parseAsOf, ProjectAudit, type IndicatorFigure } from '@app/reporting';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from './ledger.cli.js';

const USAGE = 'ledger replay --as-of <position|timestamp> --project <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--lang sv] [--json]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `ledger replay`: a project's indicators as they stood at a moment of recording, replayed from the log. */
export async function replayCommand(args: string[], io: CliIo): Promise<number> {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (name === '--json') flags.add(name);
    else if (['--as-of', '--project', '--from', '--to', '--lang'].includes(name) && args[i + 1] !== undefined) options.set(name, args[++i]);
    else {
      io.err(`Unknown or incomplete option "${name}".\nUsage: ${USAGE}\n`);
      return 2;
    }
  }
  const asOf = parseAsOf(options.get('--as-of') ?? '');
  const projectId = options.get('--project') ?? '';
  const from = options.get('--from');
  const to = options.get('--to');
  const lang = options.get('--lang') ?? 'en';
  const problems = [
    ...(asOf ? [] : ['--as-of must be a log position or an ISO 8601 timestamp with time zone, e.g. 2025-01-15T12:00:00Z']),
    ...(UUID.test(projectId) ? [] : ['--project must be a project id (a uuid)']),
    ...(from === undefined || DATE.test(from) ? [] : ['--from must be a date written YYYY-MM-DD']),
    ...(to === undefined || DATE.test(to) ? [] : ['--to must be a date written YYYY-MM-DD']),
    ...(from && to && to < from ? ['--to must not be before --from'] : []),
    ...(lang === 'en' || lang === 'sv' ? [] : ['--lang must be en or sv']),
  ];
  if (problems.length > 0) {
    io.err(`${problems.join('\n')}\nUsage: ${USAGE}\n`);
    return 2;
  }
  const config = eventStoreConfigFromEnv(io.env);
  const readModels = join(dataDirectory(io.env), 'reporting.sqlite');
  if (config.kind === 'sqlite' && !existsSync(config.file)) {
    io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
    return 1;
  }
  if (!existsSync(readModels)) {
    io.err(`There are no read models at ${readModels} to find the project's streams in; start the service or run "ledger projections rebuild" first\n`);
    return 1;
  }
  const store = openEventStore(config);
  const db = openReadModelDatabase(readModels);
  try {
    if (!db.prepare('SELECT 1 FROM projects WHERE project_id = ?').get(projectId)) {
      io.err(`There is no project ${projectId}\n`);
      return 1;
    }
    const started = Date.now();
    const { position, indicators } = await new ProjectAudit(store, db).figures(projectId, { from, to }, asOf!, lang as 'en' | 'sv', (done, total) => {
      if (Date.now() - started > 1_000) io.err(`\rreading streams: ${done} of ${total}`);
    });
    if (Date.now() - started > 1_000) io.err('\n');
    if (flags.has('--json')) {
      io.out(`${JSON.stringify({ projectId, period: { from: from ?? null, to: to ?? null }, asOf: options.get('--as-of'), position, indicators }, null, 2)}\n`);
    } else {
      io.out(`Project ${projectId}, period ${from ?? 'start'} to ${to ?? 'end'}, as of ${options.get('--as-of')} (log position ${position})\n\n`);
      for (const indicator of indicators) io.out(`${line(indicator)}\n`);
    }
    return 0;
  } finally {
    db.close();
    await store.close();
  }
}

function line({ code, name, value, breakdown }: IndicatorFigure): string {
  const parts = Object.entries(breakdown).map(
    ([dimension, counts]) => `${dimension}: ${Object.entries(counts).map(([category, n]) => `${category} ${n}`).join(', ')}`,
  );
  return `${code.padEnd(14)} ${String(value).padStart(7)}  ${name}${parts.length > 0 ? `  (${parts.join('; ')})` : ''}`;
}
