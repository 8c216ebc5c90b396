import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { RegisterProjectCommand, SetIndicatorTargetCommand } from './project.commands.js';
import { projectDecider } from './project.decider.js';

@CommandHandler(RegisterProjectCommand)
export class RegisterProjectHandler implements ICommandHandler<RegisterProjectCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ projectId, input, context }: RegisterProjectCommand) {
    return this.aggregates.handle(projectDecider, { category: 'project', id: projectId }, 'RegisterProject', context, () => ({
      type: 'RegisterProject' as const,
      data: { projectId, ...input },
    }));
  }
}

@CommandHandler(SetIndicatorTargetCommand)
export class SetIndicatorTargetHandler implements ICommandHandler<SetIndicatorTargetCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ projectId, input, context }: SetIndicatorTargetCommand) {
    return this.aggregates.handle(projectDecider, { category: 'project', id: projectId }, 'SetIndicatorTarget', context, () => ({
      type: 'SetIndicatorTarget' as const,
      data: { projectId, ...input },
    }));
  }
}

export const projectHandlers = [RegisterProjectHandler, SetIndicatorTargetHandler];
