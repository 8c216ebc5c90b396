import { dataDirectory, eventStoreConfigFromEnv, openEventStore, type EventStore } from '@app/event-store';
import { dropRetiredReadModels, openReadModelDatabase, PROJECTIONS, readProjectionStates, rebuildProjections, type ProjectionState } from '@app/reporting';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type LedgerCommand } from './cli-command.js';
import { fractionOf, progressBar } from './progress-bar.js';
import { assertEmbeddedStoreExists } from './store-config.js';

export const projectionsStatusCommand: LedgerCommand = {
  name: 'projections status',
  synopsis: '[--json]',
  summary: 'where each read model stands: version (and the code\'s, when they differ), checkpoint, last rebuild',
  options: { json: { type: 'boolean', description: 'one JSON document on stdout instead of the table' } },
  async run(options, _positionals, io) {
    // Checked for every command alike, though status reads only the read models.
    eventStoreConfigFromEnv(io.env);
    const file = join(dataDirectory(io.env), 'reporting.sqlite');
    // Asking where things stand creates nothing (on a fresh clone, not even ./data).
    const db = existsSync(file) ? openReadModelDatabase(file) : undefined;
    try {
      const states = db ? readProjectionStates(db) : new Map<string, ProjectionState>();
      const rows = PROJECTIONS.map((projection) => {
        const state = states.get(projection.name);
        return {
          name: projection.name,
          version: state?.version ?? null,
          codeVersion: projection.version,
          checkpoint: state?.checkpoint ?? 0,
          rebuiltAt: state?.rebuiltAt ?? null,
          state: !state ? 'not built' : state.version === projection.version ? 'live' : 'outdated',
        };
      });
      if (options.json) {
        io.out(`${JSON.stringify({ projections: rows }, null, 2)}\n`);
        return 0;
      }
      io.out(`${'projection'.padEnd(16)}${'version'.padEnd(16)}${'checkpoint'.padEnd(14)}last rebuilt\n`);
      for (const row of rows) {
        const version = row.version === null ? 'not built' : row.version === row.codeVersion ? `${row.version}` : `${row.version} (code: ${row.codeVersion})`;
        io.out(`${row.name.padEnd(16)}${version.padEnd(16)}${String(row.checkpoint).padEnd(14)}${row.rebuiltAt ?? '-'}\n`);
      }
      return 0;
    } finally {
      db?.close();
    }
  },
};

export const projectionsRebuildCommand: LedgerCommand = {
  name: 'projections rebuild',
  synopsis: '[name...]',
  summary:
    'rebuild read models (all when no name is given) into shadow tables and swap them in at once; the service ' +
    `keeps answering meanwhile. Projections: ${PROJECTIONS.map((p) => p.name).join(', ')}`,
  options: {},
  positionals: 'name',
  async run(_options, names, io) {
    const unknown = names.filter((name) => !PROJECTIONS.some((p) => p.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`Unknown projection${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
    }
    // Check the configuration and find the log before creating anything.
    const config = eventStoreConfigFromEnv(io.env);
    if (!assertEmbeddedStoreExists(config, io)) return 1;
    const file = join(dataDirectory(io.env), 'reporting.sqlite');
    let store: EventStore | undefined;
    let db: ReturnType<typeof openReadModelDatabase> | undefined;
    try {
      store = openEventStore(config);
      db = openReadModelDatabase(file);
      const projections = names.length > 0 ? PROJECTIONS.filter((p) => names.includes(p.name)) : PROJECTIONS;
      io.err(`Rebuilding ${projections.map((p) => p.name).join(', ')} into ${file}\n`);
      const bar = progressBar(io, 'events');
      const result = await rebuildProjections(store, db, projections, {
        progressIntervalMs: bar.intervalMs,
        onProgress: (progress) => {
          if (progress.phase === 'done') bar.done();
          else if (progress.phase === 'swapping') bar.say('swapping the rebuilt tables in');
          else {
            bar.show({
              fraction: fractionOf(progress.position, progress.headPosition),
              count: progress.eventsDone,
              perSecond: progress.eventsPerSecond,
              secondsLeft: progress.secondsLeft,
            });
          }
        },
      });
      io.out(
        `Rebuilt ${result.projections.join(', ')} from ${result.events.toLocaleString('en')} events in ${result.seconds.toFixed(1)} s ` +
          `(${Math.round(result.events / Math.max(result.seconds, 0.001)).toLocaleString('en')} events/s); swapped in at position ${result.position}\n`,
      );
      // The new read models answer already; this only frees the pages of the ones they replaced.
      const started = performance.now();
      const dropped = await dropRetiredReadModels(db);
      if (dropped > 0) io.err(`Dropped the ${dropped} replaced table${dropped > 1 ? 's' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return 0;
    } finally {
      db?.close();
      await store?.close().catch(() => {});
    }
  },
};
