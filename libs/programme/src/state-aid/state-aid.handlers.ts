import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isoDate } from '../shared/dates.js';
import { FactsReader } from '../shared/facts.reader.js';
import { DeMinimisLedger } from './de-minimis.ledger.js';
import { DeclareDeMinimisAidCommand, LinkEnterprisesCommand } from './state-aid.commands.js';

@CommandHandler(LinkEnterprisesCommand)
export class LinkEnterprisesHandler implements ICommandHandler<LinkEnterprisesCommand> {
  constructor(
    private readonly ledger: DeMinimisLedger,
    private readonly facts: FactsReader,
  ) {}

  async execute({ linkId, organisationId, input, context }: LinkEnterprisesCommand) {
    const { organisationId: otherOrganisationId, ...link } = input;
    const result = await this.ledger.decide('LinkEnterprises', context, async () => ({
      type: 'LinkEnterprises' as const,
      data: { linkId, organisationId, otherOrganisationId, ...link },
      organisation: await this.facts.organisation(organisationId),
      other: await this.facts.organisation(otherOrganisationId),
      today: isoDate(context.now),
    }));
    return { ...result, id: linkId };
  }
}

@CommandHandler(DeclareDeMinimisAidCommand)
export class DeclareDeMinimisAidHandler implements ICommandHandler<DeclareDeMinimisAidCommand> {
  constructor(
    private readonly ledger: DeMinimisLedger,
    private readonly facts: FactsReader,
  ) {}

  async execute({ declarationId, organisationId, input, context }: DeclareDeMinimisAidCommand) {
    const result = await this.ledger.decide('DeclareDeMinimisAid', context, async () => ({
      type: 'DeclareDeMinimisAid' as const,
      data: { declarationId, organisationId, ...input },
      organisation: await this.facts.organisation(organisationId),
      today: isoDate(context.now),
    }));
    return { ...result, id: declarationId };
  }
}

export const stateAidHandlers = [LinkEnterprisesHandler, DeclareDeMinimisAidHandler];
