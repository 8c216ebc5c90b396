import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { FactsReader } from '../shared/facts.reader.js';
import { SubmitReportCommand } from './report.commands.js';
import { reportDecider } from './report.decider.js';

@CommandHandler(SubmitReportCommand)
export class SubmitReportHandler implements ICommandHandler<SubmitReportCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ reportId, input, context }: SubmitReportCommand) {
    return this.aggregates.handle(reportDecider, { category: 'report', id: reportId }, 'SubmitReport', context, async () => ({
      type: 'SubmitReport' as const,
      data: { reportId, ...input },
      project: await this.facts.project(input.projectId),
    }));
  }
}

export const reportHandlers = [SubmitReportHandler];
