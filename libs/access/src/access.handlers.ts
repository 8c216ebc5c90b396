import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { AggregateStore } from '@app/programme';
import { accessTokenDecider } from './access-token.decider.js';
import { grantSecrets, newToken, ServerKey } from './access-token.secret.js';
import { GrantAccessCommand, RevokeAccessCommand } from './access.commands.js';
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
  ) {}

  async execute({ input, context, token: chosen }: GrantAccessCommand) {
    const tokenId = context.newEntityId();
    const token = chosen ?? newToken(tokenId);
    const secrets = await grantSecrets(tokenId, token, this.serverKey);
    const result = await this.aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'GrantAccess', context, () => ({
      type: 'GrantAccess' as const,
      data: { tokenId, ...input, ...secrets },
      now: context.now,
    }));
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
  ) {}

  execute(command: RevokeAccessCommand) {
    const run = this.queue.then(() => this.revoke(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async revoke({ tokenId, reason, context }: RevokeAccessCommand) {
    const result = await this.aggregates.handle(accessTokenDecider, { category: 'accessToken', id: tokenId }, 'RevokeAccess', context, () => ({
      type: 'RevokeAccess' as const,
      data: { tokenId, ...(reason ? { reason } : {}) },
      otherActiveAdmins: this.registry.list(context.now).filter((t) => t.role === 'admin' && t.status === 'active' && t.id !== tokenId).length,
      now: context.now,
    }));
    await applyWritten(this.store, this.registry, result.streamName);
    return result;
  }
}

export const accessHandlers = [GrantAccessHandler, RevokeAccessHandler];
