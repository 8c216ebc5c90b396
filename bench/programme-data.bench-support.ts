import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { openReadModelDatabase, PROJECTIONS, rebuildProjections } from '@app/reporting';
import type { CliIo } from '../apps/cli/src/cli-command.js';
import { fractionOf, progressBar } from '../apps/cli/src/progress-bar.js';
import { FULL_SCALE, writeSyntheticProgramme, type ProgrammeScale } from './synthetic-programme.js';

/** LEDGER_BENCH_SCALE: the share of the 1M-event programme a benchmark runs on (0.1: a tenth). */
export const scaleFactor = Number(process.env.LEDGER_BENCH_SCALE ?? 1);

export const benchScale: ProgrammeScale = {
  ...FULL_SCALE,
  organisations: Math.round(FULL_SCALE.organisations * scaleFactor),
  participants: Math.round(FULL_SCALE.participants * scaleFactor),
};

/** A count for a printed line: whole, with thousands separators. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The p-th percentile (nearest rank) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The CLI's progress display on stderr: redrawn on a terminal, whole lines now and then in a log file. */
const stderr: CliIo = {
  env: process.env,
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/**
 * The synthetic programme in the embedded store at `dir` with every read model rebuilt, as a service started on
 * that directory finds it. Progress on stderr through the `ledger` commands' progress bar; the totals on stdout.
 */
export async function prepareProgramme(dir: string, scale: ProgrammeScale = benchScale): Promise<void> {
  const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  try {
    const generating = progressBar(stderr, 'events');
    let shown = 0;
    let started = performance.now();
    const { events } = await writeSyntheticProgramme(store, scale, (n) => {
      if (performance.now() - shown < generating.intervalMs) return;
      shown = performance.now();
      generating.say(`  generating: ${fmt(n)} events`);
    });
    generating.done();
    console.error(`  generated ${fmt(events)} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
    try {
      const rebuilding = progressBar(stderr, 'events');
      shown = 0;
      started = performance.now();
      await rebuildProjections(store, db, PROJECTIONS, {
        onProgress: (p) => {
          if (performance.now() - shown < rebuilding.intervalMs) return;
          shown = performance.now();
          rebuilding.show({ fraction: fractionOf(p.position, p.headPosition), count: p.eventsDone, perSecond: p.eventsPerSecond, secondsLeft: p.secondsLeft });
        },
      });
      rebuilding.done();
      console.error(`  rebuilt the read models in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } finally {
      db.close();
    }
  } finally {
    await store.close();
  }
}
