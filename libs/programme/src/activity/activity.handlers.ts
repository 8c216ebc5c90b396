import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore } from '../shared/aggregate-store.js';
import type { CommandContext } from '../shared/command-context.js';
import { isoDate } from '../shared/dates.js';
import { NotFound } from '../shared/domain-errors.js';
import { FactsReader } from '../shared/facts.reader.js';
import {
  AdmitCompanyToLabCommand,
  AdmitCreativeToLabCommand,
  CloseActivityCommand,
  OpenActivityCommand,
  OpenLabCommand,
  RecordAttendanceCommand,
} from './activity.commands.js';
import { activityDecider, DEFAULT_LAB_CAPACITY, type ActivityCommand, type ActivityState } from './activity.decider.js';

/** Commands on an existing activity: a missing one is a 404 before any fact is loaded. */
function onActivity(
  aggregates: AggregateStore,
  activityId: string,
  commandName: ActivityCommand['type'],
  context: CommandContext,
  build: (state: Exclude<ActivityState, { status: 'none' }>, today: string) => Promise<ActivityCommand>,
) {
  return aggregates.handle(activityDecider, { category: 'activity', id: activityId }, commandName, context, (state) => {
    if (state.status === 'none') throw new NotFound('Activity', activityId);
    return build(state, isoDate(context.now));
  });
}

@CommandHandler(OpenLabCommand)
export class OpenLabHandler implements ICommandHandler<OpenLabCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: OpenLabCommand) {
    const capacity = {
      companies: input.capacity?.companies ?? DEFAULT_LAB_CAPACITY.companies,
      creatives: input.capacity?.creatives ?? DEFAULT_LAB_CAPACITY.creatives,
    };
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'OpenLab', context, async () => ({
      type: 'OpenLab' as const,
      data: { activityId, ...input, capacity },
      project: await this.facts.project(input.projectId),
      today: isoDate(context.now),
    }));
  }
}

@CommandHandler(OpenActivityCommand)
export class OpenActivityHandler implements ICommandHandler<OpenActivityCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: OpenActivityCommand) {
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'OpenActivity', context, async () => ({
      type: 'OpenActivity' as const,
      data: { activityId, ...input },
      project: await this.facts.project(input.projectId),
      today: isoDate(context.now),
    }));
  }
}

@CommandHandler(AdmitCompanyToLabCommand)
export class AdmitCompanyToLabHandler implements ICommandHandler<AdmitCompanyToLabCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: AdmitCompanyToLabCommand) {
    return onActivity(this.aggregates, activityId, 'AdmitCompanyToLab', context, async (lab, today) => ({
      type: 'AdmitCompanyToLab',
      data: { activityId, organisationId: input.organisationId, admittedOn: input.admittedOn ?? today },
      organisation: await this.facts.organisation(input.organisationId),
      project: await this.facts.project(lab.projectId),
      today,
    }));
  }
}

@CommandHandler(AdmitCreativeToLabCommand)
export class AdmitCreativeToLabHandler implements ICommandHandler<AdmitCreativeToLabCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: AdmitCreativeToLabCommand) {
    return onActivity(this.aggregates, activityId, 'AdmitCreativeToLab', context, async (lab, today) => ({
      type: 'AdmitCreativeToLab',
      data: { activityId, participantId: input.participantId, admittedOn: input.admittedOn ?? today },
      participant: await this.facts.participant(input.participantId),
      project: await this.facts.project(lab.projectId),
      today,
    }));
  }
}

@CommandHandler(RecordAttendanceCommand)
export class RecordAttendanceHandler implements ICommandHandler<RecordAttendanceCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: RecordAttendanceCommand) {
    return onActivity(this.aggregates, activityId, 'RecordAttendance', context, async (activity, today) => ({
      type: 'RecordAttendance',
      data: { activityId, participantId: input.participantId, date: input.date },
      participant: await this.facts.participant(input.participantId),
      project: await this.facts.project(activity.projectId),
      today,
    }));
  }
}

@CommandHandler(CloseActivityCommand)
export class CloseActivityHandler implements ICommandHandler<CloseActivityCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly facts: FactsReader,
  ) {}

  execute({ activityId, input, context }: CloseActivityCommand) {
    return onActivity(this.aggregates, activityId, 'CloseActivity', context, async (activity, today) => ({
      type: 'CloseActivity',
      data: { activityId, closedOn: input.closedOn ?? today },
      project: await this.facts.project(activity.projectId),
      today,
    }));
  }
}

export const activityHandlers = [
  OpenLabHandler,
  OpenActivityHandler,
  AdmitCompanyToLabHandler,
  AdmitCreativeToLabHandler,
  RecordAttendanceHandler,
  CloseActivityHandler,
];
