import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { isoDate } from '../shared/dates.js';
import { FactsReader } from '../shared/facts.reader.js';
import { RecordEnterpriseSupportCommand } from './support.commands.js';
import { supportDecider } from './support.decider.js';

@CommandHandler(RecordEnterpriseSupportCommand)
export class RecordEnterpriseSupportHandler implements ICommandHandler<RecordEnterpriseSupportCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ supportId, input, context }: RecordEnterpriseSupportCommand) {
    const target = { category: 'support', id: supportId };
    return this.aggregates.handle(supportDecider, target, 'RecordEnterpriseSupport', context, async () => ({
      type: 'RecordEnterpriseSupport' as const,
      data: { supportId, ...input },
      project: await this.facts.project(input.projectId),
      organisation: await this.facts.organisation(input.organisationId),
      activity: await this.facts.optional(input.activityId, (id) => this.facts.activity(id)),
      today: isoDate(context.now),
    }));
  }
}

export const supportHandlers = [RecordEnterpriseSupportHandler];
