import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { AccessRegistry } from '@app/access';
import { ConfigurationError, StoreUnavailableError } from '@app/event-store';
import { apiConfigFromEnv } from './api.config.js';
import { createApp } from './create-app.js';

/**
 * After each full collection V8 lets the heap grow to a multiple of what survived it (its own factor, up to 4 when
 * collecting is quick) before it collects again: under a command load on the 1M-event programme that took the
 * service's resident memory to 440-510 MB with under 250 MB live (`npm run bench`, six runs). A fixed factor of 1.5
 * kept it at 385-402 MB (four runs), commands per second within the noise, and unlike a fixed `--max-old-space-size`
 * it never stops a larger programme. V8 then uses 1.5 also where it would have chosen less (1.1-1.3, when memory is
 * short), which a service with this headroom does not need. Set here so every way of starting the service has it
 * (npm start, the container, the bench); `node --heap-growing-percent=N` on the command line wins (NODE_OPTIONS does
 * not take it). The young generation's size (`--max-semi-space-size`) V8 reads only at start, so that one is in
 * package.json's start script and the container's CMD instead.
 */
if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) {
  setFlagsFromString('--heap-growing-percent=50');
}

async function main(): Promise<void> {
  const config = apiConfigFromEnv(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  await app.get(AccessRegistry).whenReady(10_000);
  // Through the application's logger: one JSON line each when the output is shipped.
  const logger = new Logger('Main');
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : 'EventStoreDB';
  logger.log(`Programme Ledger listening on http://${config.host}:${config.port} (event store: ${where})`);
  if (config.metricsPort !== undefined) logger.log(`Metrics (GET /metrics, a token with metrics:read) on http://${config.host}:${config.metricsPort} only`);
  if (config.oidc) logger.log(`Single sign-on: JWTs from ${config.oidc.issuer} for audience ${config.oidc.audience}`);
}

main().catch((error: unknown) => {
  // A person starting the service needs the reason, not a stack trace.
  if (error instanceof ConfigurationError || error instanceof StoreUnavailableError) {
    console.error(`Programme Ledger cannot start. ${error.message}`);
  } else {
    console.error('Programme Ledger cannot start:', error);
  }
  process.exit(1);
});
