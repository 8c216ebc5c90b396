import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import { isoDate } from '../shared/dates.js';
import { FactsReader } from '../shared/facts.reader.js';
import { DEFAULT_REASON_CATEGORY } from '../shared/reason.js';
import { RecordOutcomeCommand, RetractOutcomeCommand } from './outcome.commands.js';
import { outcomeDecider } from './outcome.decider.js';

@CommandHandler(RecordOutcomeCommand)
export class RecordOutcomeHandler implements ICommandHandler<RecordOutcomeCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ outcomeId, input, context }: RecordOutcomeCommand) {
    const target = { category: 'outcome', id: outcomeId };
    return this.aggregates.handle(outcomeDecider, target, 'RecordOutcome', context, async () => {
      await this.facts.optional(input.organisationId, (id) => this.facts.organisation(id));
      return {
        type: 'RecordOutcome' as const,
        data: { outcomeId, ...input },
        project: await this.facts.project(input.projectId),
        activity: await this.facts.optional(input.activityId, (id) => this.facts.activity(id)),
        pilotCase: await this.facts.optional(input.pilotCaseId, (id) => this.facts.pilotCase(id)),
        today: isoDate(context.now),
      };
    });
  }
}

@CommandHandler(RetractOutcomeCommand)
export class RetractOutcomeHandler implements ICommandHandler<RetractOutcomeCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ outcomeId, input, context }: RetractOutcomeCommand) {
    const target = { category: 'outcome', id: outcomeId };
    return this.aggregates.handle(outcomeDecider, target, 'RetractOutcome', context, () => ({
      type: 'RetractOutcome' as const,
      data: { outcomeId, reason: input.reason, reasonCategory: input.reasonCategory ?? DEFAULT_REASON_CATEGORY },
    }));
  }
}

export const outcomeHandlers = [RecordOutcomeHandler, RetractOutcomeHandler];
