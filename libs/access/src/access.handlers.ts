import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { AggregateStore, DEFAULT_REASON_CATEGORY, PERSONAL_DATA_VAULT, PersonalDataVault } from '@app/programme';
import { holderKeyId, withSealedHolderName } from './access-holder.seal.js';
import { accessTokenDecider } from './access-token.decider.js';
import { grantSecrets, newToken, ServerKey } from './access-token.secret.js';
import { EraseAccessHolderCommand, GrantAccessCommand, RevokeAccessCommand } from './access.commands.js';
import { AccessRegistry } from './access.registry.js';

/** After a grant or revocation is appended, the registry learns it before the answer goes out. */
async function applyWritten(store: EventStore, registry: AccessRegistry, streamName: string): Promise<void> {
  for (const event of await store.readStream(streamName)) registry.apply(event);
}

@CommandHandler(GrantAccessCommand)
export class GrantAccessHandler implements ICommandHandler<GrantAccessCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly registry: AccessRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly serverKey: ServerKey,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ input: { name, ...terms }, context, token: chosen }: GrantAccessCommand) {
    const tokenId = context.newEntityId();
    const token = chosen ?? newToken(tokenId);
    const secrets = await grantSecrets(tokenId, token, this.serverKey);
    const result = await withSealedHolderName(this.vault, this.aggregates, tokenId, name, (sealedName) =>
      this.aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'GrantAccess', context, () => ({
        type: 'GrantAccess' as const,
        data: { tokenId, sealedName, ...terms, ...secrets },
        now: context.now,
      })),
    );
    await applyWritten(this.store, this.registry, result.streamName);
    return { ...result, token };
  }
}

@CommandHandler(RevokeAccessCommand)
export class RevokeAccessHandler implements ICommandHandler<RevokeAccessCommand> {
  /**
   * Revocations run one at a time: the count of other admins is read from the registry, so two admins
   * revoking each other at once must not both see the other one still active.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly registry: AccessRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  execute(command: RevokeAccessCommand) {
    const run = this.queue.then(() => this.revoke(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async revoke({ tokenId, reason, context }: RevokeAccessCommand) {
    // The words are about the holder: sealed with the grant's key, shredded with the name; not kept when it is gone.
    const sealedReason = reason ? this.vault.sealText(holderKeyId(tokenId), reason) : undefined;
    const result = await this.aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'RevokeAccess', context, () => ({
      type: 'RevokeAccess' as const,
      data: { tokenId, ...(sealedReason ? { sealedReason } : {}) },
      otherActiveAdmins: this.registry.activeAdminsBesides(tokenId, context.now),
      now: context.now,
    }));
    await applyWritten(this.store, this.registry, result.streamName);
    return result;
  }
}

@CommandHandler(EraseAccessHolderCommand)
export class EraseAccessHolderHandler implements ICommandHandler<EraseAccessHolderCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly registry: AccessRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ tokenId, input: { reason, reasonCategory }, context }: EraseAccessHolderCommand) {
    const keyId = holderKeyId(tokenId);
    // Words about the holder are sealed with the key about to be destroyed: shredded with the name at once.
    const sealedReason = reason ? this.vault.sealText(keyId, reason) : undefined;
    const result = await this.aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'EraseAccessHolder', context, () => ({
      type: 'EraseAccessHolder' as const,
      data: { tokenId, reasonCategory: reasonCategory ?? DEFAULT_REASON_CATEGORY, ...(sealedReason ? { sealedReason } : {}) },
    }));
    // The erasure is on the record first; should destroying the key fail, listing the tokens retries it.
    this.vault.destroy(keyId);
    await applyWritten(this.store, this.registry, result.streamName);
    return result;
  }
}

export const accessHandlers = [GrantAccessHandler, RevokeAccessHandler, EraseAccessHolderHandler];
