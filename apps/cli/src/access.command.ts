import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { accessTokenDecider, grantSecrets, newToken, unsafeInName, withSealedHolderName } from '@app/access';
import { dataDirectory, eventStoreConfigFromEnv, openEventStore, type EventStoreConfig } from '@app/event-store';
import { AggregateStore, PersonalDataVault } from '@app/programme';
import { UsageError, type CliIo, type LedgerCommand } from './cli-command.js';
import { assertEmbeddedStoreExists } from './store-config.js';

/** Recorded as the actor of grants made on the server host, where whoever runs this already holds the data. */
export const CLI_ACTOR = 'system:cli';
const DEFAULT_NAME = 'Administrator (granted on the server host)';

/**
 * `ledger access grant-admin`: the recovery when nobody holds an admin token any more (lost, or expired).
 * Records AccessGranted with actor system:cli and prints the new token this once; the running service
 * follows the log and accepts it within a moment.
 */
export const grantAdminCommand: LedgerCommand = {
  name: 'access grant-admin',
  synopsis: '[--name <name>]',
  summary:
    'grant a new admin token (recorded with actor system:cli) and print it once: the recovery when no admin ' +
    'token is left',
  options: { name: { type: 'string', value: '<name>', description: `what the grant is called (default "${DEFAULT_NAME}")` } },
  async run(options, _positionals, io) {
    const name = typeof options.name === 'string' ? options.name.normalize('NFC').trim() : DEFAULT_NAME;
    if (name.length === 0 || name.length > 200 || unsafeInName(name)) {
      throw new UsageError('--name must be 1 to 200 characters without control characters or bidirectional overrides');
    }
    const config = eventStoreConfigFromEnv(io.env);
    if (!assertEmbeddedStoreExists(config, io)) return 1;
    return grantAdmin(config, name, io);
  },
};

async function grantAdmin(config: EventStoreConfig, name: string, io: CliIo): Promise<number> {
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
  } finally {
    await store.close().catch(() => {});
  }
}
