import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { FactsReader } from '../shared/facts.reader.js';
import { RecordReportVerificationCommand, SubmitReportCommand } from './report.commands.js';
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

@CommandHandler(RecordReportVerificationCommand)
export class RecordReportVerificationHandler implements ICommandHandler<RecordReportVerificationCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ reportId, check, context }: RecordReportVerificationCommand) {
    return this.aggregates.handle(reportDecider, { category: 'report', id: reportId }, 'RecordReportVerification', context, () => ({
      type: 'RecordReportVerification' as const,
      data: { reportId, ...check },
    }));
  }
}

export const reportHandlers = [SubmitReportHandler, RecordReportVerificationHandler];
