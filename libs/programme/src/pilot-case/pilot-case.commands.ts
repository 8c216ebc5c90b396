import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { IsoDate } from '../shared/dates.js';
import type { PilotCaseDetails } from './pilot-case.decider.js';

export class StartPilotCaseCommand extends Command<CommandResult> {
  constructor(
    readonly pilotCaseId: string,
    readonly input: PilotCaseDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class CompletePilotCaseCommand extends Command<CommandResult> {
  constructor(
    readonly pilotCaseId: string,
    readonly input: { date: IsoDate; evidence: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}
