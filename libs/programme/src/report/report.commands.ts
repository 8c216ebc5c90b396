import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { ReportDetails } from './report.decider.js';

export class SubmitReportCommand extends Command<CommandResult> {
  constructor(
    readonly reportId: string,
    readonly input: ReportDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}
