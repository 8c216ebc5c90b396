/**
 * Child process of the idempotency crash test: serves the real API over HTTP on 127.0.0.1 with its data in
 * the given directory, and prints `listening <port>`. The parent sets the interceptor's test-only crash hook
 * so that this process kills itself between a command's append and the saving of its answer. Run with
 * `node --import tsx --import ./test/crash/idempotency-crash.loader.mjs`.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { AccessRegistry } from '@app/access';
import { createApp } from '../../apps/api/src/create-app.js';

const [dataDir, adminToken] = process.argv.slice(2);
const app = await createApp(
  { host: '127.0.0.1', port: 0, eventStore: { kind: 'sqlite', file: join(dataDir, 'events.sqlite') }, dataDir, adminToken },
  { logger: false },
);
await app.listen(0, '127.0.0.1');
await app.get(AccessRegistry).whenReady(10_000);
const address = app.getHttpServer().address() as { port: number };
process.stdout.write(`listening ${address.port}\n`);
