/**
 * Child process for the backup test: appends through the embedded store from N concurrent writers, as a busy
 * service would, until killed. Prints "ready" after the first acknowledged append of every writer.
 * Run with `node --import tsx`.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@app/event-store';

const [file, writersArg] = process.argv.slice(2);
const store = SqliteEventStore.open({ file });
const writers = Number(writersArg ?? 8);
let started = 0;

async function writer(n: number): Promise<never> {
  const stream = `backupLoad-${randomUUID()}`;
  let expectedRevision: number | 'no_stream' = 'no_stream';
  for (;;) {
    const id = randomUUID();
    const result = await store.appendToStream(
      stream,
      [{ id, type: 'LoadRecorded', data: { writer: n, padding: 'x'.repeat(200) }, metadata: { correlationId: id, causationId: id, actor: 'backup-test', recordedAt: new Date().toISOString() } }],
      { expectedRevision },
    );
    if (expectedRevision === 'no_stream' && ++started === writers) process.stdout.write('ready\n');
    expectedRevision = result.nextExpectedRevision;
  }
}

await Promise.all(Array.from({ length: writers }, (_, n) => writer(n)));
