/**
 * Child process of the import crash test: serves the real API on 127.0.0.1 with its data in the given directory and
 * prints `listening <port>`. With a third argument N, it kills itself (SIGKILL, no shutdown of any kind) right after
 * the N-th row of an import is recorded. Run with `node --import tsx --import ./test/crash/idempotency-crash.loader.mjs`.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { AccessRegistry } from '@app/access';
import { createApp } from '../../apps/api/src/create-app.js';
import { ImportService } from '../../apps/api/src/imports/import.service.js';

const [dataDir, adminToken, killAfter] = process.argv.slice(2);
const app = await createApp(
  { host: '127.0.0.1', port: 0, eventStore: { kind: 'sqlite', file: join(dataDir, 'events.sqlite') }, dataDir, adminToken },
  { logger: false },
);
if (killAfter) {
  let recorded = 0;
  app.get(ImportService).afterRowRecorded = () => {
    if (++recorded === Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  };
}
await app.listen(0, '127.0.0.1');
await app.get(AccessRegistry).whenReady(10_000);
const address = app.getHttpServer().address() as { port: number };
process.stdout.write(`listening ${address.port}\n`);
