import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AccessRegistry } from '@app/access';
import { ConfigurationError, StoreUnavailableError } from '@app/event-store';
import { apiConfigFromEnv } from './api.config.js';
import { createApp } from './create-app.js';

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
