import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { ReportCheck, ReportDetails } from './report.decider.js';

export class SubmitReportCommand extends Command<CommandResult> {
  constructor(
    readonly reportId: string,
    readonly input: ReportDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RecordReportVerificationCommand extends Command<CommandResult> {
  constructor(
    readonly reportId: string,
    readonly check: ReportCheck,
    readonly context: CommandContext,
  ) {
    super();
  }
}
