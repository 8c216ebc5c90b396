import 'reflect-metadata';
import { ConfigurationError, StoreUnavailableError } from '@app/event-store';
import { apiConfigFromEnv } from './api.config.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = apiConfigFromEnv(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : 'EventStoreDB';
  console.log(`Programme Ledger listening on http://${config.host}:${config.port} (event store: ${where})`);
  // Where the key is, never the key itself: logs are read by more people than the API key is meant for.
  console.log(`API key: send Authorization: Bearer <key>, the key from ${config.apiKeySource}`);
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
