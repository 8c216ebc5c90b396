/**
 * Child process for the projection crash test: projects the log (live engine or rebuild) and prints how
 * far it got, until the parent kills it with SIGKILL. Run with `node --import tsx`.
 */
import { join } from 'node:path';
import { openReadModelDatabase, ProjectionEngine, PROJECTIONS, rebuildProjections } from '@app/reporting';
import { openChildEventStore } from '../support/child-event-store.js';

const [mode, dir] = process.argv.slice(2);
const store = openChildEventStore(dir);
const open = () => openReadModelDatabase(join(dir, 'reporting.sqlite'));

if (mode === 'live') {
  const engine = new ProjectionEngine(store, open(), PROJECTIONS, open);
  engine.start();
  setInterval(() => process.stdout.write(`${engine.position}\n`), 5);
} else {
  await rebuildProjections(store, open(), PROJECTIONS, {
    batchSize: 500,
    progressIntervalMs: 0,
    onProgress: (progress) => process.stdout.write(`${progress.position}\n`),
  });
  process.stdout.write('finished\n');
}
