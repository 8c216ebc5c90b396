import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { isoDate } from '../shared/dates.js';
import { NotFound } from '../shared/domain-errors.js';
import { FactsReader } from '../shared/facts.reader.js';
import { CompletePilotCaseCommand, StartPilotCaseCommand } from './pilot-case.commands.js';
import { pilotCaseDecider } from './pilot-case.decider.js';

@CommandHandler(StartPilotCaseCommand)
export class StartPilotCaseHandler implements ICommandHandler<StartPilotCaseCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ pilotCaseId, input, context }: StartPilotCaseCommand) {
    const target = { category: 'pilotCase', id: pilotCaseId };
    return this.aggregates.handle(pilotCaseDecider, target, 'StartPilotCase', context, async () => {
      for (const organisationId of input.organisationIds) await this.facts.organisation(organisationId);
      return {
        type: 'StartPilotCase' as const,
        data: { pilotCaseId, ...input },
        project: await this.facts.project(input.projectId),
        today: isoDate(context.now),
      };
    });
  }
}

@CommandHandler(CompletePilotCaseCommand)
export class CompletePilotCaseHandler implements ICommandHandler<CompletePilotCaseCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ pilotCaseId, input, context }: CompletePilotCaseCommand) {
    const target = { category: 'pilotCase', id: pilotCaseId };
    return this.aggregates.handle(pilotCaseDecider, target, 'CompletePilotCase', context, async (state) => {
      if (state.status === 'none') throw new NotFound('Pilot case', pilotCaseId);
      return {
        type: 'CompletePilotCase' as const,
        data: { pilotCaseId, ...input },
        project: await this.facts.project(state.projectId),
        today: isoDate(context.now),
      };
    });
  }
}

export const pilotCaseHandlers = [StartPilotCaseHandler, CompletePilotCaseHandler];
