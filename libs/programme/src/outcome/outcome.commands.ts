import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { ReasonInput } from '../shared/reason.js';
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
    readonly input: ReasonInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
