import { Injectable } from '@nestjs/common';
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

type Existing = Exclude<ActivityState, { status: 'none' }>;
/** A command as its handler builds it: the project's facts and today's date are added for every one alike. */
type Built<C> = C extends unknown ? Omit<C, 'project' | 'today'> : never;

/** What every activity handler shares: the store, the facts, and how a command reaches its activity. */
// Injectable so that its constructor's parameter types are recorded: the handlers inherit them.
@Injectable()
abstract class ActivityHandler {
  constructor(
    protected readonly aggregates: AggregateStore,
    protected readonly facts: FactsReader,
  ) {}

  /** Opening an activity: the project is the one the input names. */
  protected open(activityId: string, projectId: string, context: CommandContext, command: Built<ActivityCommand>) {
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, command.type, context, async () => ({
      ...command,
      project: await this.facts.project(projectId),
      today: isoDate(context.now),
    }));
  }

  /** Commands on an existing activity: a missing one is a 404 before any fact is loaded. */
  protected onActivity(
    activityId: string,
    commandName: ActivityCommand['type'],
    context: CommandContext,
    build: (activity: Existing, today: string) => Promise<Built<ActivityCommand>>,
  ) {
    return this.aggregates.handle(activityDecider, { category: 'activity', id: activityId }, commandName, context, async (state) => {
      if (state.status === 'none') throw new NotFound('Activity', activityId);
      const today = isoDate(context.now);
      const command = await build(state, today);
      return { ...command, project: await this.facts.project(state.projectId), today };
    });
  }
}

@CommandHandler(OpenLabCommand)
export class OpenLabHandler extends ActivityHandler implements ICommandHandler<OpenLabCommand> {
  execute({ activityId, input, context }: OpenLabCommand) {
    const capacity = {
      companies: input.capacity?.companies ?? DEFAULT_LAB_CAPACITY.companies,
      creatives: input.capacity?.creatives ?? DEFAULT_LAB_CAPACITY.creatives,
    };
    return this.open(activityId, input.projectId, context, { type: 'OpenLab', data: { activityId, ...input, capacity } });
  }
}

@CommandHandler(OpenActivityCommand)
export class OpenActivityHandler extends ActivityHandler implements ICommandHandler<OpenActivityCommand> {
  execute({ activityId, input, context }: OpenActivityCommand) {
    return this.open(activityId, input.projectId, context, { type: 'OpenActivity', data: { activityId, ...input } });
  }
}

@CommandHandler(AdmitCompanyToLabCommand)
export class AdmitCompanyToLabHandler extends ActivityHandler implements ICommandHandler<AdmitCompanyToLabCommand> {
  execute({ activityId, input: { organisationId, admittedOn }, context }: AdmitCompanyToLabCommand) {
    return this.onActivity(activityId, 'AdmitCompanyToLab', context, async (_, today) => ({
      type: 'AdmitCompanyToLab',
      data: { activityId, organisationId, admittedOn: admittedOn ?? today },
      organisation: await this.facts.organisation(organisationId),
    }));
  }
}

@CommandHandler(AdmitCreativeToLabCommand)
export class AdmitCreativeToLabHandler extends ActivityHandler implements ICommandHandler<AdmitCreativeToLabCommand> {
  execute({ activityId, input: { participantId, admittedOn }, context }: AdmitCreativeToLabCommand) {
    return this.onActivity(activityId, 'AdmitCreativeToLab', context, async (_, today) => ({
      type: 'AdmitCreativeToLab',
      data: { activityId, participantId, admittedOn: admittedOn ?? today },
      participant: await this.facts.participant(participantId),
    }));
  }
}

@CommandHandler(RecordAttendanceCommand)
export class RecordAttendanceHandler extends ActivityHandler implements ICommandHandler<RecordAttendanceCommand> {
  execute({ activityId, input: { participantId, date }, context }: RecordAttendanceCommand) {
    return this.onActivity(activityId, 'RecordAttendance', context, async () => ({
      type: 'RecordAttendance',
      data: { activityId, participantId, date },
      participant: await this.facts.participant(participantId),
    }));
  }
}

@CommandHandler(CloseActivityCommand)
export class CloseActivityHandler extends ActivityHandler implements ICommandHandler<CloseActivityCommand> {
  execute({ activityId, input, context }: CloseActivityCommand) {
    return this.onActivity(activityId, 'CloseActivity', context, async (_, today) => ({ type: 'CloseActivity', data: { activityId, closedOn: input.closedOn ?? today } }));
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
