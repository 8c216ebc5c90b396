import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamName } from '@app/event-store';
import { AggregateStore } from '../shared/aggregate-store.js';
import type { CommandContext } from '../shared/command-context.js';
import { DEFAULT_REASON_CATEGORY } from '../shared/reason.js';
import { readOrganisationNumber } from './organisation-number.js';
import { organisationNumberDecider, type OrganisationNumberHolder } from './organisation-number.decider.js';
import { ReclassifyOrganisationCommand, RegisterOrganisationCommand } from './organisation.commands.js';
import { organisationDecider, type OrganisationDetails } from './organisation.decider.js';

@CommandHandler(RegisterOrganisationCommand)
export class RegisterOrganisationHandler implements ICommandHandler<RegisterOrganisationCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ organisationId, input, context }: RegisterOrganisationCommand) {
    const target = { category: 'organisation', id: organisationId };
    const command = () => ({
      type: 'RegisterOrganisation' as const,
      data: { organisationId, ...input },
      currentYear: context.now.getUTCFullYear(),
    });
    if (input.organisationNumber !== undefined) {
      // Decided once before the claim, so that a registration refused for another reason claims nothing.
      const { state } = await this.aggregates.load(organisationDecider, streamName(target.category, target.id));
      organisationDecider.decide(command(), state);
      await this.claimNumber(organisationId, input, context);
    }
    return this.aggregates.handle(organisationDecider, target, 'RegisterOrganisation', context, command);
  }

  private async claimNumber(organisationId: string, input: OrganisationDetails, context: CommandContext): Promise<void> {
    const number = readOrganisationNumber(input.country, input.organisationNumber!);
    if ('problem' in number) return;
    const target = { category: 'organisationNumber', id: number.key };
    const { state } = await this.aggregates.load(organisationNumberDecider, streamName(target.category, target.id));
    if (state.status === 'claimed' && state.organisationId === organisationId) return;
    // The claim is not the caller's precondition: If-Match speaks of the organisation's own stream.
    await this.aggregates.handle(organisationNumberDecider, target, 'ClaimOrganisationNumber', { ...context, ifMatch: undefined }, async (current) => ({
      type: 'ClaimOrganisationNumber' as const,
      data: { key: number.key, country: input.country, organisationNumber: number.canonical, organisationId },
      holder: current.status === 'claimed' ? await this.holder(current.organisationId, number.canonical) : undefined,
    }));
  }

  private async holder(organisationId: string, organisationNumber: string): Promise<OrganisationNumberHolder> {
    const { state } = await this.aggregates.load(organisationDecider, streamName('organisation', organisationId));
    return state.status === 'registered'
      ? { organisationId, name: state.name, holds: state.organisationNumber === organisationNumber }
      : { organisationId, name: '(not registered)', holds: false };
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
