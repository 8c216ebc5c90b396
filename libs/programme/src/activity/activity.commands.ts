import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import type { IsoDate } from '../shared/dates.js';
import type { ActivityDetails, LabDetails } from './activity.decider.js';

abstract class ActivityCommandBase<Input> extends Command<CommandResult> {
  constructor(
    readonly activityId: string,
    readonly input: Input,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class OpenLabCommand extends ActivityCommandBase<
  Omit<LabDetails, 'capacity'> & { capacity?: Partial<LabDetails['capacity']> }
> {}
export class OpenActivityCommand extends ActivityCommandBase<ActivityDetails> {}
export class AdmitCompanyToLabCommand extends ActivityCommandBase<{ organisationId: string; admittedOn?: IsoDate }> {}
export class AdmitCreativeToLabCommand extends ActivityCommandBase<{ participantId: string; admittedOn?: IsoDate }> {}
export class RecordAttendanceCommand extends ActivityCommandBase<{ participantId: string; date: IsoDate }> {}
export class CloseActivityCommand extends ActivityCommandBase<{ closedOn?: IsoDate }> {}
