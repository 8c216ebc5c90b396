/**
 * Child process for the crash test: appends under load and prints one line per acknowledged append, until
 * the parent kills it with SIGKILL. Run with `node --import tsx`.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@app/event-store';

const [file, writersArg] = process.argv.slice(2);
const store = SqliteEventStore.open({ file });
const writers = Number(writersArg ?? 16);

async function writer(n: number): Promise<never> {
  const stream = `crash-${n}`;
  let expectedRevision: number | 'no_stream' = 'no_stream';
  for (;;) {
    const id = randomUUID();
    const result = await store.appendToStream(
      stream,
      [
        {
          id,
          type: 'CrashTested',
          data: { writer: n, padding: 'x'.repeat(200) },
          metadata: { correlationId: id, causationId: id, actor: 'crash-test', recordedAt: new Date().toISOString() },
        },
      ],
      { expectedRevision },
    );
    expectedRevision = result.nextExpectedRevision;
    process.stdout.write(`${stream} ${result.nextExpectedRevision} ${result.position} ${id}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, (_, n) => writer(n)));
