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

/** Every activity command is decided with its project's facts and today's date. */
abstract class ActivityHandler {
  constructor(
    protected readonly aggregates: AggregateStore,
    protected readonly facts: FactsReader,
  ) {}

  protected run(
    activityId: string,
    commandName: ActivityCommand['type'],
    context: CommandContext,
    build: (state: Exclude<ActivityState, { status: 'none' }>, today: string) => Promise<ActivityCommand>,
  ) {
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, commandName, context, (state) => {
      if (state.status === 'none') throw new NotFound('Activity', activityId);
      return build(state, isoDate(context.now));
    });
  }
}

@CommandHandler(OpenLabCommand)
export class OpenLabHandler extends ActivityHandler implements ICommandHandler<OpenLabCommand> {
  execute({ activityId, input, context }: OpenLabCommand) {
    const capacity = { ...DEFAULT_LAB_CAPACITY, ...input.capacity };
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'OpenLab', context, async () => ({
      type: 'OpenLab' as const,
      data: { activityId, ...input, capacity },
      project: await this.facts.project(input.projectId),
      today: isoDate(context.now),
    }));
  }
}

@CommandHandler(OpenActivityCommand)
export class OpenActivityHandler extends ActivityHandler implements ICommandHandler<OpenActivityCommand> {
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
export class AdmitCompanyToLabHandler extends ActivityHandler implements ICommandHandler<AdmitCompanyToLabCommand> {
  execute({ activityId, input, context }: AdmitCompanyToLabCommand) {
    return this.run(activityId, 'AdmitCompanyToLab', context, async (lab, today) => ({
      type: 'AdmitCompanyToLab',
      data: { activityId, organisationId: input.organisationId, admittedOn: input.admittedOn ?? today },
      organisation: await this.facts.organisation(input.organisationId),
      project: await this.facts.project(lab.projectId),
      today,
    }));
  }
}

@CommandHandler(AdmitCreativeToLabCommand)
export class AdmitCreativeToLabHandler extends ActivityHandler implements ICommandHandler<AdmitCreativeToLabCommand> {
  execute({ activityId, input, context }: AdmitCreativeToLabCommand) {
    return this.run(activityId, 'AdmitCreativeToLab', context, async (lab, today) => ({
      type: 'AdmitCreativeToLab',
      data: { activityId, participantId: input.participantId, admittedOn: input.admittedOn ?? today },
      participant: await this.facts.participant(input.participantId),
      project: await this.facts.project(lab.projectId),
      today,
    }));
  }
}

@CommandHandler(RecordAttendanceCommand)
export class RecordAttendanceHandler extends ActivityHandler implements ICommandHandler<RecordAttendanceCommand> {
  execute({ activityId, input, context }: RecordAttendanceCommand) {
    return this.run(activityId, 'RecordAttendance', context, async (activity, today) => ({
      type: 'RecordAttendance',
      data: { activityId, participantId: input.participantId, date: input.date },
      participant: await this.facts.participant(input.participantId),
      project: await this.facts.project(activity.projectId),
      today,
    }));
  }
}

@CommandHandler(CloseActivityCommand)
export class CloseActivityHandler extends ActivityHandler implements ICommandHandler<CloseActivityCommand> {
  execute({ activityId, input, context }: CloseActivityCommand) {
    return this.run(activityId, 'CloseActivity', context, async (activity, today) => ({
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
