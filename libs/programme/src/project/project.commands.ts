import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { IndicatorTarget, ProjectDetails } from './project.decider.js';

export class RegisterProjectCommand extends Command<CommandResult> {
  constructor(
    readonly projectId: string,
    readonly input: ProjectDetails,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class SetIndicatorTargetCommand extends Command<CommandResult> {
  constructor(
    readonly projectId: string,
    readonly input: IndicatorTarget,
    readonly context: CommandContext,
  ) {
    super();
  }
}
