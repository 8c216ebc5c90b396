import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { ReasonInput } from '../shared/reason.js';
import type { OrganisationDetails, OrganisationType, SizeClass } from './organisation.decider.js';

export class RegisterOrganisationCommand extends Command<CommandResult> {
  constructor(
    readonly organisationId: string,
    readonly input: OrganisationDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class ReclassifyOrganisationCommand extends Command<CommandResult> {
  constructor(
    readonly organisationId: string,
    readonly input: { type?: OrganisationType; sizeClass?: SizeClass } & ReasonInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
