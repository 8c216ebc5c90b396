/**
 * Child process for the crash test "killed right after storing a checkpoint": follows the log with the
 * projection engine and, the moment a committed checkpoint passes the position given, prints it and kills
 * itself (SIGKILL), while the follower has already been handed events after it. Run with `node --import tsx`;
 * the store is EventStoreDB when EVENTSTORE_CONNECTION_STRING is set, else the embedded store in `dir`.
 */
import { join } from 'node:path';
import { openReadModelDatabase, ProjectionEngine } from '@app/reporting';
import { openChildEventStore } from '../support/child-event-store.js';
import { PROJECTIONS_COUNTING_APPLICATIONS } from '../support/exactly-once.projection.js';

const [dir, killAtText] = process.argv.slice(2);
const store = openChildEventStore(dir);
const open = () => openReadModelDatabase(join(dir, 'reporting.sqlite'));
const engine = new ProjectionEngine(store, open(), PROJECTIONS_COUNTING_APPLICATIONS, open);
engine.start();
// Resolved from the commit itself (the engine resolves waiters as the checkpoint transaction returns).
void engine.waitForPosition(Number(killAtText), 600_000).then((reached) => {
  if (!reached) return;
  // Writes to a pipe are synchronous on Linux: the parent reads the position even though nothing runs after.
  process.stdout.write(`${engine.position}\n`);
  process.kill(process.pid, 'SIGKILL');
});
