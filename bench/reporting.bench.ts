/**
 * `npm run bench` (second part): a synthetic programme of about a million events in the embedded store,
 * then a rebuild of every read model, indicator queries on that data, and projection lag under a steady
 * 1,000 appends a second (one command's events each). It prints numbers and targets; it never fails on
 * them, because these machines are noisy.
 *
 * LEDGER_BENCH_SCALE=0.1 runs a tenth of the programme, for a quick look.
 */
import { rmSync } from 'node:fs';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import {
  IndicatorCalculator,
  openReadModelDatabase,
  ProjectionEngine,
  PROJECTIONS,
  rebuildProjections,
} from '@app/reporting';
import { FULL_SCALE, writeSyntheticProgramme } from './synthetic-programme.js';

const scaleFactor = Number(process.env.LEDGER_BENCH_SCALE ?? 1);
const scale = {
  ...FULL_SCALE,
  organisations: Math.round(FULL_SCALE.organisations * scaleFactor),
  participants: Math.round(FULL_SCALE.participants * scaleFactor),
};
const dir = benchScratchDir('bench-reporting-');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const rows: Array<[string, string, string, string]> = [];

try {
  const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  console.log(`Programme Ledger reporting benchmark (scale ${scaleFactor}), data in ${dir}`);

  let started = performance.now();
  const { events, projectIds } = await writeSyntheticProgramme(store, scale, (n) => {
    if (n % 100_000 < 2_000) process.stderr.write(`\r  generating: ${fmt(n)} events`);
  });
  const generateSeconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  rows.push([`synthetic programme: ${scale.projects} projects, ${fmt(scale.participants)} participants, ${fmt(scale.organisations)} organisations`, `${fmt(events)} events`, `${generateSeconds.toFixed(1)} s`, '']);

  const db = openReadModelDatabase(join(dir, 'reporting.sqlite'));
  started = performance.now();
  const rebuild = await rebuildProjections(store, db, PROJECTIONS, {
    onProgress: (p) => process.stderr.write(`\r  rebuilding: ${fmt(p.eventsDone)} events, ${fmt(p.eventsPerSecond)} events/s   `),
  });
  process.stderr.write('\n');
  const rebuildRate = rebuild.events / rebuild.seconds;
  rows.push([`rebuild every read model (${PROJECTIONS.length} projections, shadow tables, swap)`, `${fmt(rebuildRate)} events/s`, `${rebuild.seconds.toFixed(1)} s`, '>= 50,000 events/s']);

  const calculator = new IndicatorCalculator(db);
  const timeQueries = (count: number, query: (i: number) => void) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      query(i);
      times.push(performance.now() - t);
    }
    return times;
  };
  const periods = [{}, { from: '2024-01-01', to: '2024-06-30' }, { from: '2025-07-01', to: '2025-12-31' }, { to: '2024-12-31' }];
  timeQueries(20, (i) => calculator.compute({ kind: 'project', projectId: projectIds[i % projectIds.length] }, {}));
  const project = timeQueries(400, (i) =>
    calculator.compute({ kind: 'project', projectId: projectIds[(i * 7) % projectIds.length] }, periods[i % periods.length]),
  );
  rows.push(['project indicators (all 23, one period), 400 queries', `p95 ${percentile(project, 95).toFixed(1)} ms`, `p50 ${percentile(project, 50).toFixed(1)} ms`, 'p95 < 50 ms']);
  const programme = timeQueries(40, (i) => calculator.compute({ kind: 'programme', ...(i % 2 ? { fund: 'ERDF' } : {}) }, periods[i % periods.length]));
  rows.push(['programme-wide indicators (all projects), 40 queries', `p95 ${percentile(programme, 95).toFixed(1)} ms`, `p50 ${percentile(programme, 50).toFixed(1)} ms`, '']);

  // Live projection lag: the engine follows the log while appends arrive at 1,000 a second.
  const engine = new ProjectionEngine(store, db, PROJECTIONS, () => openReadModelDatabase(join(dir, 'reporting.sqlite')));
  engine.start();
  const lags: number[] = [];
  const rate = 1_000;
  const seconds = 5;
  const waits: Array<Promise<void>> = [];
  const begin = performance.now();
  for (let n = 0; n < rate * seconds; n++) {
    const due = begin + (n * 1000) / rate;
    const delay = due - performance.now();
    if (delay > 1) await new Promise((resolve) => setTimeout(resolve, delay));
    const participantId = `0000000a-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const sent = performance.now();
    waits.push(
      store
        .appendToStream(`participant-${participantId}`, [
          {
            type: 'ParticipantRegistered',
            data: { participantId, projectId: projectIds[n % projectIds.length], person: { keyId: 'k', algorithm: 'AES-256-GCM', iv: '', ciphertext: '', tag: '' }, gender: 'woman', role: 'creative', registeredOn: '2025-01-01' },
            metadata: { correlationId: 'lag', causationId: 'lag', actor: 'bench', recordedAt: new Date().toISOString() },
          },
        ])
        .then(async ({ position }) => {
          await engine.waitForPosition(position, 30_000);
          lags.push(performance.now() - sent);
        }),
    );
  }
  await Promise.all(waits);
  const achieved = (rate * seconds) / ((performance.now() - begin) / 1000);
  rows.push([`projection lag at ${fmt(rate)} appends/s for ${seconds} s (achieved ${fmt(achieved)}/s), append to read model`, `p95 ${percentile(lags, 95).toFixed(0)} ms`, `max ${Math.max(...lags).toFixed(0)} ms`, '< 1,000 ms']);
  await engine.stop();
  db.close();
  await store.close();

  console.log('');
  console.log(`${'measure'.padEnd(100)} ${'result'.padStart(20)} ${''.padStart(12)}  target`);
  for (const [name, result, extra, target] of rows) console.log(`${name.padEnd(100)} ${result.padStart(20)} ${extra.padStart(12)}  ${target}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
