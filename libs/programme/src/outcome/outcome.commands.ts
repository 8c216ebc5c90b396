import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { OutcomeDetails } from './outcome.decider.js';

export class RecordOutcomeCommand extends Command<CommandResult> {
  constructor(
    readonly outcomeId: string,
    readonly input: OutcomeDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RetractOutcomeCommand extends Command<CommandResult> {
  constructor(
    readonly outcomeId: string,
    readonly input: { reason: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}
