import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { SupportInput } from './support.decider.js';

export class RecordEnterpriseSupportCommand extends Command<CommandResult> {
  constructor(
    readonly supportId: string,
    readonly input: SupportInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
