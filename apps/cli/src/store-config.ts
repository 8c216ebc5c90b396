import { existsSync } from 'node:fs';
import type { EventStoreConfig } from '@app/event-store';
import type { CliIo } from './cli-command.js';

/** The embedded store's file must exist before a command reads it: opening it would create an empty log. */
export function assertEmbeddedStoreExists(config: EventStoreConfig, io: CliIo): boolean {
  if (config.kind === 'sqlite' && !existsSync(config.file)) {
    io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
    return false;
  }
  return true;
}
