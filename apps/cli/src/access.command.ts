import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { accessTokenDecider, grantSecrets, newToken, unsafeInName, withSealedHolderName } from '@app/access';
import { dataDirectory, eventStoreConfigFromEnv, openEventStore } from '@app/event-store';
import { AggregateStore, PersonalDataVault } from '@app/programme';
import type { CliIo } from './ledger.cli.js';

/** Recorded as the actor of grants made on the server host, where whoever runs this already holds the data. */
export const CLI_ACTOR = 'system:cli';
const USAGE = 'ledger access grant-admin [--name <name>]';
const DEFAULT_NAME = 'Administrator (granted on the server host)';

/**
 * `ledger access grant-admin`: the recovery when nobody holds an admin token any more (lost, or expired).
 * Records AccessGranted with actor system:cli and prints the new token this once; the running service
 * follows the log and accepts it within a moment.
 */
export async function accessCommand(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'grant-admin') {
    io.err(`Unknown command "access ${args.join(' ')}".\nUsage: ${USAGE}\n`);
    return 2;
  }
  let name = DEFAULT_NAME;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--name' && rest[i + 1] !== undefined) name = rest[++i].normalize('NFC').trim();
    else {
      io.err(`Unknown or incomplete option "${rest[i]}".\nUsage: ${USAGE}\n`);
      return 2;
    }
  }
  if (name.length === 0 || name.length > 200 || unsafeInName(name)) {
    io.err(`--name must be 1 to 200 characters without control characters or bidirectional overrides\nUsage: ${USAGE}\n`);
    return 2;
  }
  const config = eventStoreConfigFromEnv(io.env);
  if (config.kind === 'sqlite' && !existsSync(config.file)) {
    io.err(`There is no event store at ${config.file}; set LEDGER_DATA_DIR to the service's data directory\n`);
    return 1;
  }
  const store = openEventStore(config);
  try {
    const tokenId = randomUUID();
    const token = newToken(tokenId);
    const secrets = await grantSecrets(tokenId, token);
    const correlationId = randomUUID();
    const now = new Date();
    const context = { actor: CLI_ACTOR, correlationId, causationId: correlationId, now, newEntityId: randomUUID };
    // The name is sealed with the grant's own key in the data directory's keys.sqlite, as the service does.
    const vault = PersonalDataVault.open(join(dataDirectory(io.env), 'keys.sqlite'));
    const aggregates = new AggregateStore(store);
    const result = await withSealedHolderName(vault, aggregates, tokenId, name, (sealedName) =>
      aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'GrantAccess', context, () => ({
        type: 'GrantAccess' as const,
        data: { tokenId, sealedName, role: 'admin' as const, ...secrets },
        now,
      })),
    ).finally(() => vault.close());
    io.err(`Granted admin token ${tokenId} ("${name}") as ${CLI_ACTOR} at log position ${result.position}. It is shown this once:\n`);
    io.out(`${token}\n`);
    return 0;
  } catch (error) {
    io.err(`ledger failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store.close().catch(() => {});
  }
}
