import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { DEFAULT_REASON_CATEGORY } from '../shared/reason.js';
import { ReclassifyOrganisationCommand, RegisterOrganisationCommand } from './organisation.commands.js';
import { organisationDecider } from './organisation.decider.js';

@CommandHandler(RegisterOrganisationCommand)
export class RegisterOrganisationHandler implements ICommandHandler<RegisterOrganisationCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ organisationId, input, context }: RegisterOrganisationCommand) {
    const target = { category: 'organisation', id: organisationId };
    return this.aggregates.handle(organisationDecider, target, 'RegisterOrganisation', context, () => ({
      type: 'RegisterOrganisation' as const,
      data: { organisationId, ...input },
      currentYear: context.now.getUTCFullYear(),
    }));
  }
}

@CommandHandler(ReclassifyOrganisationCommand)
export class ReclassifyOrganisationHandler implements ICommandHandler<ReclassifyOrganisationCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ organisationId, input, context }: ReclassifyOrganisationCommand) {
    const target = { category: 'organisation', id: organisationId };
    return this.aggregates.handle(organisationDecider, target, 'ReclassifyOrganisation', context, () => ({
      type: 'ReclassifyOrganisation' as const,
      data: { organisationId, ...input, reasonCategory: input.reasonCategory ?? DEFAULT_REASON_CATEGORY },
    }));
  }
}

export const organisationHandlers = [RegisterOrganisationHandler, ReclassifyOrganisationHandler];
