import { dataDirectory, eventStoreConfigFromEnv, openEventStore } from '@app/event-store';
import { openReadModelDatabase, parseAsOf, ProjectAudit, type IndicatorFigure } from '@app/reporting';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type CliIo, type LedgerCommand, type ParsedOptions } from './cli-command.js';
import { progressBar } from './progress-bar.js';
import { assertEmbeddedStoreExists } from './store-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `ledger replay`: a project's indicators as they stood at a moment of recording, replayed from the log. */
export const replayCommand: LedgerCommand = {
  name: 'replay',
  synopsis: '--as-of <position|timestamp> --project <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--lang sv] [--json]',
  summary:
    "a project's indicators as they stood at that moment of recording, replayed from the log (needs the read " +
    "models to find the project's streams)",
  options: {
    'as-of': { type: 'string', value: '<position|timestamp>', description: 'a log position, or an ISO 8601 timestamp with time zone' },
    project: { type: 'string', value: '<id>', description: 'the project (its id)' },
    from: { type: 'string', value: '<YYYY-MM-DD>', description: 'the period\'s first day (when things happened)' },
    to: { type: 'string', value: '<YYYY-MM-DD>', description: 'the period\'s last day' },
    lang: { type: 'string', value: '<en|sv>', description: 'the indicators\' names in English (default) or Swedish' },
    json: { type: 'boolean', description: 'one JSON document on stdout instead of the table' },
  },
  run: (options, _positionals, io) => replay(options, io),
};

async function replay(options: ParsedOptions, io: CliIo): Promise<number> {
  const text = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  const asOf = parseAsOf(text('as-of') ?? '');
  const projectId = text('project') ?? '';
  const from = text('from');
  const to = text('to');
  const lang = text('lang') ?? 'en';
  const problems = [
    ...(asOf ? [] : ['--as-of must be a log position or an ISO 8601 timestamp with time zone, e.g. 2025-01-15T12:00:00Z']),
    ...(UUID.test(projectId) ? [] : ['--project must be a project id (a uuid)']),
    ...(from === undefined || DATE.test(from) ? [] : ['--from must be a date written YYYY-MM-DD']),
    ...(to === undefined || DATE.test(to) ? [] : ['--to must be a date written YYYY-MM-DD']),
    ...(from && to && to < from ? ['--to must not be before --from'] : []),
    ...(lang === 'en' || lang === 'sv' ? [] : ['--lang must be en or sv']),
  ];
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const config = eventStoreConfigFromEnv(io.env);
  const readModels = join(dataDirectory(io.env), 'reporting.sqlite');
  if (!assertEmbeddedStoreExists(config, io)) return 1;
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
    const started = performance.now();
    const bar = progressBar(io, 'streams read');
    let lastDrawn = started;
    const { position, indicators } = await new ProjectAudit(store, db).figures(projectId, { from, to }, asOf!, lang as 'en' | 'sv', (done, total) => {
      const now = performance.now();
      // Only a replay that takes a while shows progress, at the bar's pace.
      if (now - started < 1_000 || now - lastDrawn < bar.intervalMs) return;
      lastDrawn = now;
      const fraction = total > 0 ? done / total : 1;
      const seconds = (now - started) / 1000;
      bar.show({ fraction, count: done, perSecond: done / seconds, secondsLeft: fraction > 0 ? (seconds / fraction) * (1 - fraction) : null });
    });
    bar.done();
    if (options.json === true) {
      io.out(`${JSON.stringify({ projectId, period: { from: from ?? null, to: to ?? null }, asOf: text('as-of'), position, indicators }, null, 2)}\n`);
    } else {
      io.out(`Project ${projectId}, period ${from ?? 'start'} to ${to ?? 'end'}, as of ${text('as-of')} (log position ${position})\n\n`);
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
